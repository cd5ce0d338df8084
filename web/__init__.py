"""The Flask app factory. No work at import time; no migrations here (see `odsc init`)."""
from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.db import db
from web.config import ROOT, defaults
from web.extensions import init_extensions


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("ODSC_INSTANCE", str(ROOT / "instance")),
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(defaults(app.instance_path))
    if test_config:
        app.config.update(test_config)
    db.init_app(app)
    init_extensions(app)
    from web.blueprints import register_blueprints

    register_blueprints(app)
    from web.cli import init_cli

    init_cli(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, WAL for concurrent readers, wait instead of failing on a busy lock."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
