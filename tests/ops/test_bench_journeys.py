"""The benchmarks' scripted journeys stay valid against today's forms and rules.

`python -m bench http` and `bench engine` drive the residence certificate with fixed answers. When a form or a
rule changes (a document belongs to one case; the cashier's amount must match the centre's fee; a form loses
a field), the bench used to fail only when somebody ran it, so its README figures could not be refreshed.
These tests run the same journey code, with the same answers, against the app (no timing is asserted)."""
from __future__ import annotations

import json

from bench import engine as bench_engine
from bench import http as bench_http


class _FlaskClient(bench_http.Client):
    """bench.http's client over the Flask test client: the same calls, no server process."""

    def __init__(self, client):
        self.client = client
        self.tokens = {}

    def call(self, method, path, body=None, user=None, headers=None, raw=None):
        head = {"Accept-Language": "en", **(headers or {})}
        if user is not None:
            head["Authorization"] = f"Bearer {self.tokens[user]}"
        kwargs = {"data": raw} if raw is not None else {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        response = self.client.open(path, method=method, headers=head, **kwargs)
        return response.status_code, response.get_json(silent=True), response.headers, 0.001


def test_the_http_bench_journey_runs_every_step_without_an_error(client):
    api = _FlaskClient(client)
    api.login(*bench_http.USERS)
    starts = bench_http.Tally()
    apps = bench_http.start_many(api, 2, starts)
    assert starts.errors == [] and len(apps) == 2
    completions = bench_http.Tally()
    for step in range(len(bench_http.PATH)):
        bench_http.complete_step(api, apps, step, completions)
    assert completions.errors == []
    assert len(completions.latencies) == 2 * len(bench_http.PATH)
    assert all(app["status"] == "completed" for app in apps), [app["status"] for app in apps]


def test_the_http_bench_return_loop_runs(client, capsys):
    api = _FlaskClient(client)
    api.login(*bench_http.USERS)
    bench_http.run_loops(api, "sqlite", marks=(1, 2), repeats=1)  # SystemExit on any refused step
    row = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert row["phase"] == "step_after_loops" and row["ms_after_2"] > 0


def test_the_engine_bench_journey_completes_applications(app):
    from engine.db import db
    from engine.models import Application

    rate = bench_engine.engine_run(app, seconds=0.0001, cold=True)  # at least one whole journey
    assert rate > 0
    with app.app_context():
        statuses = [a.status for a in db.session.query(Application).all()]
    assert "completed" in statuses
