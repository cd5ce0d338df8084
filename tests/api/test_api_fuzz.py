"""schemathesis in-process, against a live server thread: every operation of /api/v1/openapi.json, called
with a citizen's token and with a clerk's, must answer without a server error and within its documented
statuses, content types, headers and schemas. (tests/api/run_schemathesis.sh runs the full CLI, with the
coverage and stateful phases, for CI.)"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api import fuzz_server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "8"))


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    app = fuzz_server.build_app(tmp_path_factory.mktemp("fuzz"))
    seed = fuzz_server.seed(app)
    with fuzz_server.LiveServer(app) as live:
        yield live.url, seed


def test_every_operation_conforms_for_citizen_and_clerk(live_api):
    url, seed = live_api
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
    failures, tested = [], []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.definition.raw.get("operationId") == "revoke_token":
            continue  # it would end the token for the other operations; tests/api/test_api_tokens.py covers it
        tested.append(operation.label)

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                  derandomize=True, phases=[Phase.explicit, Phase.generate], database=None)
        @given(case=operation.as_strategy())
        def check(case):
            for who in ("citizen", "clerk"):
                case.call_and_validate(base_url=f"{url}/api/v1",
                                       headers={"Authorization": f"Bearer {seed[who]}"}, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure, report them together
            failures.append(f"{operation.label}: {exc}")
    assert len(tested) >= 20
    assert not failures, "\n\n".join(failures)
