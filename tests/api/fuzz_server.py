"""A live API server for fuzzing: a fresh SQLite database with the seed catalogue, the demo accounts and a
few applications, bearer tokens for a citizen and a clerk, served by a threaded WSGI server.

Set FUZZ_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/odsc_fuzz) to fuzz on PostgreSQL.
Run as a script (`python tests/api/fuzz_server.py --port 0 --tokens FILE`): prints the base URL on stdout
once it serves, and writes {"citizen": token, "clerk": token} to FILE.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.live_server import LiveServer  # noqa: E402 - after the path set-up above


def database_uri(workdir: Path) -> str:
    """SQLite in workdir, or a fresh PostgreSQL database when FUZZ_DATABASE_URL names one (it is recreated)."""
    url = os.environ.get("FUZZ_DATABASE_URL")
    if not url:
        return f"sqlite:///{workdir / 'fuzz.sqlite3'}"
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def build_app(workdir: Path):
    from web import create_app

    app = create_app({
        "TESTING": False, "SQLALCHEMY_DATABASE_URI": database_uri(workdir),
        "UPLOAD_DIR": str(workdir / "uploads"), "RATELIMIT_ENABLED": False,
        "SECRET_KEY": "fuzz", "JOBS_MODE": "inprocess",
    })
    with app.app_context():
        from web.cli import init_database
        from web.demo import load_demo

        init_database()
        load_demo()
    return app


def seed(app) -> dict[str, str]:
    """Tokens for the citizen and the front-desk clerk, and two applications so the inbox is not empty."""
    from engine import tokens
    from engine.accounts import actor_for
    from engine.db import db
    from engine.models import Application, Task, User
    from engine.runtime.commands import start_application

    with app.app_context():
        citizen = db.session.query(User).filter_by(username="02055551234").one()
        clerk = db.session.query(User).filter_by(username="desk.xs").one()
        data = {"applicant_name": "Somchai", "id_number": "LA1234567", "birth_date": "1990-04-12",
                "phone": "020 5555 1234", "village": "Phonsaat", "family_book_number": "FB-1",
                "purpose": "employment"}
        for _ in range(2):
            try:
                from engine import documents

                data["family_book_scan"] = documents.store(b"%PDF-1.4\n%%EOF\n", "book.pdf", citizen.id).meta()
                start_application(service_id="residence_certificate", centre_id="xaysettha", data=data,
                                  actor=actor_for(citizen), channel="api", applicant_id=citizen.id)
            except Exception as exc:  # noqa: BLE001 - the catalogue may have changed: fuzz without them
                print(f"seed application skipped: {exc}", file=sys.stderr)
        out = {"citizen": tokens.issue(citizen, name="fuzz")[0], "clerk": tokens.issue(clerk, name="fuzz")[0]}
        # real objects for the path parameters, so the fuzzer reaches past the 404s
        app_row = db.session.query(Application).order_by(Application.id).first()
        task = db.session.query(Task).filter_by(state="ready").order_by(Task.created_at).first()
        out["parameters"] = {"centre_id": "xaysettha", "service_id": "residence_certificate"}
        if app_row is not None:
            out["parameters"].update(application_id=app_row.id, code=app_row.tracking_code)
        if task is not None:
            out["parameters"]["task_id"] = task.id
        db.session.remove()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--tokens", required=True)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="odsc-fuzz-"))
    app = build_app(workdir)
    Path(args.tokens).write_text(json.dumps(seed(app)))
    with LiveServer(app, args.port) as live:
        print(live.url, flush=True)
        live.thread.join()


if __name__ == "__main__":
    main()
