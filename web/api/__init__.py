"""The JSON API at /api/v1 (bearer tokens, problem+json errors, OpenAPI at /api/v1/openapi.json)."""
from web.api import designer as _designer  # noqa: F401 - the designer's operations (engine.designer)
from web.api import insight as _insight  # noqa: F401 - feedback and the bottleneck map (issue 18)
from web.api import spec, views  # noqa: F401 - registers the operations on the blueprint
from web.api.core import bp
from web.security import csrf

csrf.exempt(bp)

__all__ = ["bp"]
