"""The Flask config of this process: web.settings read from the environment (the defaults are the embedded
mode: SQLite, jobs in-process)."""
from __future__ import annotations

import os
from pathlib import Path

from web.settings import load, normalize_database_url

ROOT = Path(__file__).resolve().parent.parent


def database_url(instance_path: str) -> str:
    """SQLAlchemy's URL for the DATABASE_URL of the environment (SQLite under `instance_path` if unset)."""
    return normalize_database_url(os.environ.get("DATABASE_URL", ""), instance_path)


def defaults(instance_path: str) -> dict:
    """Every setting from the environment as Flask config; raises web.settings.SettingsError if one is bad."""
    return load().flask_config(instance_path)
