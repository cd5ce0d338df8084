"""Named connectors that BPMN service tasks call, declared as data in workflows/connectors.yaml:

    connectors:
      certificate_number:          # allocates the next number of a per-centre, per-year sequence
        type: sequence
        format: "{centre}-{year}-{value:06d}"
        result: certificate_number # the task data variable that receives the value
      http_registry:               # calls an external registry over HTTP (JSON in, JSON out)
        type: http
        url: ${REGISTRY_URL}       # ${VAR} is taken from the environment (credentials stay out of files)
        method: POST
        headers: {Authorization: "Bearer ${REGISTRY_TOKEN}"}
        send: [applicant_name]     # application fields sent along with the tracking code
        result: registry
        timeout: 10

A service task names its connector with `camunda:topic` (Camunda external tasks), a SpiffArena
`spiffworkflow:serviceTaskOperator id="..."`, a `connector` extension property, or its own element id.
The app config key CONNECTORS (a dict of the same shape) adds or overrides declarations.
"""
from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from lxml import etree
from sqlalchemy import update

from engine.db import db
from engine.models import Application, ServiceVersion
from engine.models.jobs import Sequence

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
ENV = re.compile(r"\$\{([A-Z0-9_]+)\}")


class ConnectorError(Exception):
    """The connector failed; the job retries with backoff and opens an incident after the last attempt."""


# ---- which connector a service task names ------------------------------------------------------------

_names: dict[int, dict[str, str]] = {}
_names_lock = threading.Lock()


def _service_task_connectors(files: dict[str, str]) -> dict[str, str]:
    out = {}
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    for text in files.values():
        root = etree.fromstring(text.encode("utf-8"), parser)
        for node in root.iter(f"{{{BPMN_NS}}}serviceTask", f"{{{BPMN_NS}}}sendTask"):
            name = node.get(f"{{{CAMUNDA_NS}}}topic")
            for op in node.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
                name = name or op.get("id") or op.get("name")
            for prop in node.iter(f"{{{CAMUNDA_NS}}}property", f"{{{SPIFF_NS}}}property"):
                if prop.get("name") == "connector" and prop.get("value"):
                    name = name or prop.get("value")
            out[node.get("id")] = (name or node.get("id")).strip()
    return out


def service_task_connectors(files: dict[str, str]) -> dict[str, str]:
    """{service task id: connector name} of BPMN texts {file name: XML}, as the runtime reads them."""
    return _service_task_connectors(files)


def connector_name(service, element: str) -> str:
    """The connector a service task of a compiled service calls."""
    with _names_lock:
        hit = _names.get(service.version_id)
    if hit is None:
        row = db.session.get(ServiceVersion, service.version_id)
        hit = _service_task_connectors(row.bpmn if row is not None else {})
        with _names_lock:
            _names[service.version_id] = hit
    return hit.get(element, element)


# ---- declarations -------------------------------------------------------------------------------------

def _expand(value):
    if isinstance(value, str):
        return ENV.sub(lambda m: os.environ.get(m.group(1), ""), value)
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


def declarations() -> dict[str, dict]:
    """Connector declarations: workflows/connectors.yaml of the catalogue, then the CONNECTORS config."""
    import yaml

    out: dict[str, dict] = {}
    path = Path(current_app.config.get("CATALOGUE_DIR") or ".") / "workflows" / "connectors.yaml"
    if path.exists():
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.update((doc.get("connectors") or {}) if isinstance(doc, dict) else {})
    out.update(current_app.config.get("CONNECTORS") or {})
    return {name: _expand(dict(decl)) for name, decl in out.items() if isinstance(decl, dict)}


def get(name: str) -> Connector:
    decl = declarations().get(name)
    if decl is None:
        raise ConnectorError(f"no connector named {name!r} is declared (workflows/connectors.yaml)")
    kind = decl.get("type")
    if kind not in TYPES:
        raise ConnectorError(f"connector {name!r} has unknown type {kind!r}; use one of {', '.join(TYPES)}")
    return TYPES[kind](name, decl)


# ---- connector types ----------------------------------------------------------------------------------

class Connector:
    # True: runs inside the transaction that completes the service task (numbers are never burned)
    in_transaction = False

    def __init__(self, name: str, decl: dict):
        self.name, self.decl = name, decl
        self.result = decl.get("result") or name

    def call(self, app: Application, task_data: dict) -> dict:
        raise NotImplementedError


class SequenceConnector(Connector):
    in_transaction = True

    def call(self, app: Application, task_data: dict) -> dict:
        year = datetime.now(ZoneInfo("Asia/Vientiane")).year
        sequence = self.decl.get("sequence") or self.name
        scope = str(self.decl.get("scope", "{centre}-{year}")).format(centre=app.centre_id, year=year)
        value = next_value(sequence, scope)
        fmt = self.decl.get("format", "{centre}-{year}-{value:06d}")
        return {self.result: fmt.format(centre=app.centre_id.upper(), year=year, value=value,
                                        service=app.service_id)}


def next_value(name: str, scope: str) -> int:
    """The next value of a sequence, inside the caller's transaction (the row stays locked until commit)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(Sequence).values(name=name, scope=scope, value=0).on_conflict_do_nothing())
    return int(db.session.execute(
        update(Sequence).where(Sequence.name == name, Sequence.scope == scope)
        .values(value=Sequence.value + 1).returning(Sequence.value)).scalar_one())


class HttpConnector(Connector):
    def call(self, app: Application, task_data: dict) -> dict:
        url = self.decl.get("url")
        if not url:
            raise ConnectorError(f"connector {self.name!r} has no url")
        fields = self.decl.get("send") or []
        payload = {"tracking_code": app.tracking_code, "service": app.service_id, "centre": app.centre_id,
                   "data": {f: task_data.get(f, (app.data or {}).get(f)) for f in fields}}
        req = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8"),
                                     method=str(self.decl.get("method", "POST")).upper())
        req.add_header("Content-Type", "application/json; charset=utf-8")
        req.add_header("Accept", "application/json")
        req.add_header("Idempotency-Key", f"odsc-{app.tracking_code}-{self.name}")
        for key, value in (self.decl.get("headers") or {}).items():
            req.add_header(str(key), str(value))
        try:
            timeout = float(self.decl.get("timeout") or current_app.config.get("CONNECTOR_TIMEOUT", 10))
            with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
                body = resp.read(1024 * 1024)
        except urllib.error.HTTPError as exc:
            raise ConnectorError(f"{self.name}: {url} answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectorError(f"{self.name}: {url} unreachable ({getattr(exc, 'reason', exc)})") from exc
        try:
            result = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError as exc:
            raise ConnectorError(f"{self.name}: the answer is not JSON") from exc
        return {self.result: result}


TYPES = {"sequence": SequenceConnector, "http": HttpConnector}


def clear() -> None:
    with _names_lock:
        _names.clear()


__all__ = ["ConnectorError", "connector_name", "declarations", "get", "next_value"]
