"""Every blueprint of the site, registered in one place."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web.blueprints.public import bp as public

    app.register_blueprint(public)
    from web.blueprints.health import bp as health; app.register_blueprint(health)  # noqa: E702,I001
    from web.blueprints.metrics import bp as metrics; app.register_blueprint(metrics)  # noqa: E702,I001
    from web.blueprints.auth import bp as auth; app.register_blueprint(auth)  # noqa: E702,I001
    from web.blueprints.citizen import bp as citizen; app.register_blueprint(citizen)  # noqa: E702,I001
    from web.blueprints.staff import bp as staff; app.register_blueprint(staff)  # noqa: E702,I001
    from web.blueprints.monitor import bp as monitor; app.register_blueprint(monitor)  # noqa: E702,I001
    from web.blueprints.designer import bp as designer; app.register_blueprint(designer)  # noqa: E702,I001
    from web.api import bp as api; app.register_blueprint(api)  # noqa: E702,I001
    from web.blueprints.documents import bp as documents; app.register_blueprint(documents)  # noqa: E702,I001
    from web.blueprints.ops import bp as ops; app.register_blueprint(ops)  # noqa: E702,I001
    from web.blueprints.admin import bp as admin; app.register_blueprint(admin)  # noqa: E702,I001
    from web.blueprints.insight import bp as insight; app.register_blueprint(insight)  # noqa: E702,I001
