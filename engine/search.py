"""Finding a service across every centre by a few words, in Lao or English.

Lao has two spellings for some words (ຫຼ/ຫລ, ນ້ຳ/ນໍ້າ) and NFKC folds only ໜ/ໝ: `fold` brings all of them, and
case, to one form before comparing.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import select

from engine.db import db
from engine.models import Centre, CentreService, Service


def fold(text: str) -> str:
    """One comparable form of a Lao or English text: NFKC, case-folded, ຫຼ→ຫລ, ໍ້→້ໍ (ນໍ້າ = ນ້ຳ)."""
    out = unicodedata.normalize("NFKC", text or "").casefold()
    return out.replace("ຫຼ", "ຫລ").replace("\u0ecd\u0ec9", "\u0ec9\u0ecd").strip()


def search_services(query: str, limit: int = 50) -> list[dict]:
    """Services whose name (lo or en) contains every word of `query`, each with the open centres offering it.

    Returns [{"id", "name": {lo, en}, "centres": [{"id", "name": {lo, en}, "level"}]}], by service id;
    an empty or blank query gives []."""
    words = [fold(w) for w in (query or "").split() if w.strip()][:8]
    if not words:
        return []
    rows = db.session.execute(
        select(Service, Centre).join(CentreService, CentreService.service_id == Service.id)
        .join(Centre, Centre.id == CentreService.centre_id)
        .where(CentreService.active.is_(True), Centre.active.is_(True), Service.current_version_id.is_not(None))
        .order_by(Service.id, Centre.level, Centre.id)).all()
    found: dict[str, dict] = {}
    for service, centre in rows:
        haystack = fold(f"{service.name_lo} {service.name_en} {service.id.replace('_', ' ')}")
        if not all(w in haystack for w in words):
            continue
        item = found.setdefault(service.id, {"id": service.id, "name": {"lo": service.name_lo, "en": service.name_en},
                                             "centres": []})
        item["centres"].append({"id": centre.id, "name": {"lo": centre.name_lo, "en": centre.name_en},
                                "level": centre.level})
    return list(found.values())[:limit]
