"""The bottleneck map: per BPMN element of a service, the cases waiting there now and the working time spent
there (median and 90th percentile, working days) by the tasks completed in a period, at a centre, a province or
the nation. Reads the task read model (service_id and working_days are kept on each task row, see
engine/runtime/readmodel.py) and the monthly element rollup (engine/stats/element_rollup.py).

Definitions: `waiting` counts the ready task rows of the element now; `completed`, `median_working_days` and
`p90_working_days` are over the steps completed (not cancelled) in [from, to] (local days, Asia/Vientiane),
each step counted once with the whole working days it took (Lao calendar of its centre, from the day the task
was created to the day it was completed); percentiles are percentile_cont (linear interpolation between ranks),
as PostgreSQL's. The working time spent is a histogram of whole working days per element: whole closed months
inside the period come from the rollup (≈ 2,200 rows a month nationally for a service with 70,000 steps a
month), the rest of the period (the current month, a month closed less than two days ago, a partial month at
either end) from the task rows (a grouped, index-only scan of ix_task_elements). Both are the same histogram, so the figures
equal those computed from the rows alone (`use_rollup=False`, what the tests compare with).

Colours (`level`) compare the p90 with the step's limit (service.yaml step_limits, else the service's time
limit; applicant steps have none): ok ≤ half the limit, warn ≤ the limit, late above it, none without a limit.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import bindparam, text

from engine.audit import Actor
from engine.catalogue.services import APPLICANT
from engine.db import db, is_postgres
from engine.errors import Forbidden, InvalidData, NotFound
from engine.models import Centre, Service, ServiceVersion
from engine.stats import element_rollup
from engine.stats.opendata import percentile
from engine.stats.scope import centre_tree, descendants, visible_centres

MAX_DAYS = 800  # a period longer than this is refused (two years and a bit)


def resolve_scope(actor: Actor, scope: str | None) -> tuple[str, list[str] | None]:
    """The scope's centre id and the centres to count (None: every centre, the nation). Raises Forbidden when
    the actor may not see it, NotFound for an unknown centre."""
    visible = visible_centres(actor)
    if not visible:
        raise Forbidden()
    if not scope:
        scope = actor.centre_id or next(iter(centre_tree().get(None, [])), None)
    if scope is None or db.session.get(Centre, scope) is None:
        raise NotFound(what="centre")
    tree = centre_tree()
    ids = descendants(scope, tree)
    if not set(ids) <= visible:
        raise Forbidden()
    roots = tree.get(None, [])
    if len(roots) == 1 and scope == roots[0]:
        return scope, None  # the whole country: no centre filter at all
    return scope, ids


def _period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    end = end or today
    start = start or (end - timedelta(days=364))
    if start > end:
        raise InvalidData({"from": "ວັນທີເລີ່ມຕ້ອງບໍ່ຫຼັງວັນທີສິ້ນສຸດ / 'from' must not be after 'to'"})
    if (end - start).days > MAX_DAYS:
        raise InvalidData({"from": f"ໄລຍະເວລາຍາວເກີນ {MAX_DAYS} ມື້ / the period may be at most {MAX_DAYS} days"})
    return start, end


def _run(sql: str, params: dict, centre_ids: list[str] | None):
    if centre_ids is None:
        return db.session.execute(text(sql.replace("{scope}", "")), params).all()
    stmt = text(sql.replace("{scope}", " AND centre_id IN :ids")).bindparams(bindparam("ids", expanding=True))
    return db.session.execute(stmt, {**params, "ids": list(centre_ids) or ["-"]}).all()


def _level(p90: float | None, limit: int | None) -> str:
    if p90 is None or not limit:
        return "none"
    if p90 <= limit / 2:
        return "ok"
    return "warn" if p90 <= limit else "late"


def _spent_rows(service_id: str, centre_ids: list[str] | None, start: date, end: date,
                spent: dict[str, dict[int, int]]) -> None:
    """Add the steps completed in [start, end] (local days) to `spent`, from the task rows."""
    bounds = {"s": service_id, "a": element_rollup.utc_start(start),
              "b": element_rollup.utc_start(end + timedelta(days=1))}
    if not is_postgres():
        bounds = {**bounds, "a": bounds["a"].isoformat(" "), "b": bounds["b"].isoformat(" ")}
    for element, days, n in _run(
            "SELECT bpmn_id, working_days, COUNT(*) FROM task WHERE service_id = :s AND completed_at >= :a "
            "AND completed_at < :b AND working_days IS NOT NULL{scope} GROUP BY bpmn_id, working_days",
            bounds, centre_ids):
        hist = spent[element]
        hist[int(days)] = hist.get(int(days), 0) + n


def spent_histogram(service_id: str, centre_ids: list[str] | None, start: date, end: date, *, today: date,
                    use_rollup: bool = True) -> dict[str, dict[int, int]]:
    """{bpmn_id: {whole working days: steps}} over the steps of the service completed in [start, end] (local
    days) at `centre_ids` (None: every centre). Whole months closed by `today` come from the monthly rollup
    (rolled up here when missing, which commits the session), the rest from the task rows; with
    use_rollup=False (or a database the rollup cannot be written to) everything comes from the rows."""
    spent: dict[str, dict[int, int]] = defaultdict(dict)
    months = element_rollup.closed_months(start, end, today) if use_rollup else None
    if months is None or not element_rollup.ensure(service_id, *months):
        _spent_rows(service_id, centre_ids, start, end, spent)
        return spent
    first, last = months
    for element, days, n in element_rollup.histogram(service_id, first, last, centre_ids):
        spent[element][days] = n
    if start < first:
        _spent_rows(service_id, centre_ids, start, first - timedelta(days=1), spent)
    after = element_rollup.next_month(last)
    if after <= end:
        _spent_rows(service_id, centre_ids, after, end, spent)
    return spent


def figures(service_id: str, centre_ids: list[str] | None, start: date, end: date, *, today: date | None = None,
            use_rollup: bool = True) -> list[dict]:
    """Per user task of the service's current version: {element_id, name, role, waiting, completed,
    median_working_days, p90_working_days, limit_days, level}, in the order of the definition. `centre_ids`:
    the centres to count (None: every centre); [start, end]: local days; `today` (default: the clock's) decides
    which months are closed. Raises NotFound for a service without a current version."""
    from engine import clock

    service = db.session.get(Service, service_id)
    if service is None or service.current_version_id is None:
        raise NotFound(what="service")
    defn = db.session.get(ServiceVersion, service.current_version_id).definition
    waiting = dict(_run("SELECT bpmn_id, COUNT(*) FROM task WHERE service_id = :s AND state = 'ready'{scope} "
                        "GROUP BY bpmn_id", {"s": service_id}, centre_ids))
    spent = spent_histogram(service_id, centre_ids, start, end, today=today or clock.today(),
                            use_rollup=use_rollup)
    limits = defn.get("step_limits") or {}
    out = []
    tasks = defn.get("tasks") or {}
    for element in list(tasks) + sorted((set(waiting) | set(spent)) - set(tasks)):
        info = tasks.get(element, {})
        hist = spent.get(element, {})
        role = info.get("role") or ""
        limit = None if role == APPLICANT else limits.get(element, defn.get("time_limit_days") or None)
        p90 = percentile(hist, 0.9)
        out.append({"element_id": element, "name": info.get("name") or {"lo": element, "en": element},
                    "role": role, "waiting": int(waiting.get(element, 0)), "completed": sum(hist.values()),
                    "median_working_days": percentile(hist, 0.5), "p90_working_days": p90,
                    "limit_days": limit, "level": _level(p90, limit)})
    return out


def bottlenecks(actor: Actor, service_id: str, *, scope: str | None = None, start: date | None = None,
                end: date | None = None, today: date | None = None) -> dict:
    """The bottleneck map for a monitor, supervisor or administrator: {service_id, service: {lo, en}, scope,
    from, to, elements: [...figures]}. Period [start, end] in local days (default: the last 365 days).
    Raises Forbidden outside the actor's centres, NotFound for an unknown service or centre, InvalidData for
    a period that is reversed or longer than MAX_DAYS."""
    from engine.clock import today as local_today

    scope_id, ids = resolve_scope(actor, scope)
    start, end = _period(start, end, today or local_today())
    service = db.session.get(Service, service_id) if isinstance(service_id, str) else None
    if service is None:
        raise NotFound(what="service")
    return {"service_id": service.id, "service": {"lo": service.name_lo, "en": service.name_en},
            "scope": scope_id, "from": start, "to": end,
            "elements": figures(service.id, ids, start, end, today=today)}
