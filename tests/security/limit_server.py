"""One web worker process for the rate-limit tests: serves the app over an existing database with the rate
limits on. Prints its URL on stdout once it serves. Configuration from the environment, as in production:
REDIS_URL, TRUSTED_PROXY_COUNT, RATELIMIT_KEY_PREFIX; the database is argv[1]."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    from werkzeug.serving import make_server

    from web import create_app

    # REDIS_URL makes this a production process, which refuses to start without SECRET_KEY in the environment
    os.environ.setdefault("SECRET_KEY", "limits")

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "RATELIMIT_ENABLED": True,
                      "RATELIMIT_KEY_PREFIX": os.environ["RATELIMIT_KEY_PREFIX"], "SECRET_KEY": "limits",
                      "WTF_CSRF_ENABLED": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
