"""`python -m bench designer`: the designer's costs, in one process on a temporary SQLite database.

For each test upload in tests/designer/data (one per modeler style): the full validation (safe parsing, checks,
sandbox check of every expression, SpiffWorkflow spec build) and a dry run; beside it, in the same run, the
baseline of parsing the same BPMN bytes with lxml alone. Also: refusing a zip bomb that expands to 1 GiB, and
parsing a 4.8 MB BPMN at the size limit. Prints JSON lines. Options: --repeat N (default 20).
"""
from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "designer" / "data"
SCENARIOS = ("camunda_modeler", "spiffarena", "signavio")


def _files(name: str) -> list[tuple[str, bytes]]:
    root = DATA / name
    return [(p.relative_to(root).as_posix(), p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()]


def _ms(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench designer")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    from engine.catalogue.bpmn import parse_xml
    from engine.designer import dryrun
    from engine.designer.upload import UploadRejected, collect, read_zip
    from engine.designer.validate import validate
    from web import create_app
    from web.cli import init_database
    from web.demo import load_demo

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3", "TESTING": True})
        with app.app_context():
            init_database()
            load_demo()
            for name in SCENARIOS:
                files = _files(name)
                bpmn = [data for path, data in files if path.endswith(".bpmn")]
                report = validate(collect(files))
                assert report.ok, report.errors
                baseline = _ms(lambda bpmn=bpmn: [etree.fromstring(b) for b in bpmn], args.repeat)
                validate_ms = _ms(lambda files=files: validate(collect(files)), args.repeat)
                bundle = report.bundle
                dry_ms = _ms(lambda bundle=bundle: dryrun.run(bundle.definition, bundle.bpmn, {}), args.repeat)
                print(json.dumps({"bench": "designer.validate", "scenario": name, "bytes": sum(map(len, bpmn)),
                                  "lxml_parse_ms": round(baseline, 2), "validate_ms": round(validate_ms, 1),
                                  "ratio": round(validate_ms / baseline, 1), "dry_run_ms": round(dry_ms, 1)}))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("process.bpmn", b"\0" * (1 << 30))
        bomb = buf.getvalue()
        start = time.perf_counter()
        try:
            read_zip(bomb, "bomb.zip")
            reason = "accepted!"
        except UploadRejected as exc:
            reason = exc.reason
        print(json.dumps({"bench": "designer.zip_bomb", "expands_to": 1 << 30, "zip_bytes": len(bomb),
                          "reject_ms": round((time.perf_counter() - start) * 1000, 2), "reason": reason}))
        big = b'<?xml version="1.0" encoding="UTF-8"?><a>' + b"<b>x</b>" * 600_000 + b"</a>"
        baseline = _ms(lambda: etree.fromstring(big), 3)
        guarded = _ms(lambda: parse_xml(big, "big.bpmn", []), 3)
        print(json.dumps({"bench": "designer.parse_at_limit", "bytes": len(big), "lxml_parse_ms": round(baseline, 1),
                          "safe_parse_ms": round(guarded, 1), "ratio": round(guarded / baseline, 2)}))
    return 0
