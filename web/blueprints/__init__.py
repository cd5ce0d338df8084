"""Every blueprint of the site, registered in one place."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from web.blueprints.public import bp as public

    app.register_blueprint(public)
