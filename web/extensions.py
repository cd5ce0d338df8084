"""Flask extensions, bound to the app with init_app."""
from __future__ import annotations

from flask import Flask
from flask_migrate import Migrate

from web.config import ROOT

migrate = Migrate()


def init_extensions(app: Flask) -> None:
    import engine.models  # noqa: F401 - registers every table with the metadata
    from engine.db import db
    from engine.jobs.publisher import init_publisher
    from web.i18n import init_i18n
    from web.security import init_security

    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    init_i18n(app)
    init_publisher(app)
    init_security(app)
    from web.input_guard import init_input_guard

    init_input_guard(app)
    from web.security_headers import init_security_headers; init_security_headers(app)  # noqa: E702,I001
    from web.assets import init_assets; init_assets(app)  # noqa: E702,I001
    from web.request_log import init_request_log; init_request_log(app)  # noqa: E702,I001
    from web.sqlcount import init_sql_count

    init_sql_count(app)
