"""Parsed specs of published service versions, cached per process (versions never change once published)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from engine.catalogue.bpmn import specs_from_xml
from engine.db import db
from engine.errors import NotFound
from engine.models import ServiceVersion

_MAX = 256
_cache: OrderedDict[int, CompiledService] = OrderedDict()
_lock = threading.Lock()
_script_engine = None


@dataclass(frozen=True)
class CompiledService:
    version_id: int
    service_id: str
    number: int
    definition: dict
    spec: object
    subprocess_specs: dict


def script_engine():
    """One sandboxed script engine per process; it holds no per-workflow state."""
    global _script_engine
    if _script_engine is None:
        from engine.sandbox import create_script_engine

        _script_engine = create_script_engine()
    return _script_engine


def compiled(version_id: int) -> CompiledService:
    with _lock:
        hit = _cache.get(version_id)
        if hit is not None:
            _cache.move_to_end(version_id)
            return hit
    row = db.session.get(ServiceVersion, version_id)
    if row is None:
        raise NotFound(what=f"service version {version_id}")
    spec, subprocess_specs = specs_from_xml(row.bpmn, row.definition["process"])
    item = CompiledService(row.id, row.service_id, row.number, row.definition, spec, subprocess_specs)
    with _lock:
        _cache[version_id] = item
        while len(_cache) > _MAX:
            _cache.popitem(last=False)
    return item


def clear() -> None:
    with _lock:
        _cache.clear()
