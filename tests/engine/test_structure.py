"""Rules the code base keeps: layering, one migration head, tracking codes, working days."""
from __future__ import annotations

import ast
import math
from datetime import date
from pathlib import Path

from engine import tracking
from engine.workdays import Calendar

ROOT = Path(__file__).resolve().parents[2]


def test_engine_never_imports_web_or_flask_request():
    offenders = []
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                if name == "web" or name.startswith("web.") or name in ("flask.request", "flask.globals.request"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert offenders == []


def test_single_migration_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, heads


def test_tracking_codes_are_random_readable_and_forgiving():
    codes = {tracking.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert len(tracking.ALPHABET) ** tracking.LENGTH >= 2 ** 40
    assert math.log2(len(tracking.ALPHABET)) * tracking.LENGTH >= 40
    assert not set("ILOU") & set(tracking.ALPHABET)
    code = next(iter(codes))
    shown = tracking.display(code)
    assert tracking.normalize(shown.lower()) == code
    assert tracking.normalize("0O1I-L" + code[5:]) is None or len(tracking.normalize("0O1IL" + code[5:])) == 10
    assert tracking.normalize("short") is None and tracking.normalize("x" * 100) is None


def test_working_days_skip_weekends_and_holidays():
    cal = Calendar({date(2026, 12, 2)})  # National Day, a Wednesday
    assert cal.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday -> Monday
    assert cal.add_working_days(date(2026, 12, 1), 1) == date(2026, 12, 3)
    assert cal.add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 30)  # Saturday -> Monday
    assert cal.add_working_days(date(2026, 11, 30), 10) == date(2026, 12, 15)
