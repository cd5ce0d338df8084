"""Read-side queries over the read models; none of them restores a workflow."""
from __future__ import annotations

from sqlalchemy import bindparam, case, create_engine, select

from engine import clock
from engine.audit import Actor
from engine.catalogue.services import APPLICANT
from engine.db import db
from engine.errors import NotFound
from engine.models import Application, AuditEvent, Centre, MilestoneEvent, Service, ServiceVersion, Task
from engine.models.application import TASK_READY
from engine.runtime.commands import local_today
from engine.tracking import normalize


def inbox(actor: Actor, *, service_id: str | None = None, status: str | None = None, mine: bool = False,
          overdue_only: bool = False, limit: int = 200) -> list[tuple[Task, Application]]:
    """Ready staff tasks of the actor's centre and office roles (supervisors: every staff task), overdue
    first. The applicant's own tasks (answering a return) are never in a staff inbox: they are the citizen's
    to do; the desk sees those cases in `waiting_for_applicant`."""
    if actor.kind != "staff" or not actor.centre_id:
        return []
    stmt = (select(Task, Application).join(Application, Application.id == Task.application_id)
            .where(Task.centre_id == actor.centre_id, Task.state == TASK_READY, Task.office_role != APPLICANT))
    if "supervisor" not in actor.roles:
        stmt = stmt.where(Task.office_role.in_(sorted(actor.roles)))
    if service_id:
        stmt = stmt.where(Application.service_id == service_id)
    if status == "claimed":
        stmt = stmt.where(Task.claimed_by_id.is_not(None))
    elif status == "unclaimed":
        stmt = stmt.where(Task.claimed_by_id.is_(None))
    if mine:
        stmt = stmt.where(Task.claimed_by_id == actor.user_id)
    today = local_today()
    if overdue_only:
        stmt = stmt.where(Task.due_date < today)
    overdue_first = case((Task.due_date < today, 0), else_=1)
    stmt = stmt.order_by(overdue_first, Task.due_date, Task.created_at).limit(limit)
    return list(db.session.execute(stmt).all())


def waiting_for_applicant(actor: Actor, limit: int = 100) -> list[tuple[Application, str | None]]:
    """Applications of the actor's centre returned to their applicant, with the reason the office gave
    (front desk and supervisors), oldest first: the desk answers the citizen's questions about them."""
    if actor.kind != "staff" or not actor.centre_id or not {"front_desk", "supervisor"} & set(actor.roles):
        return []
    apps = db.session.execute(select(Application).where(
        Application.centre_id == actor.centre_id, Application.status == "returned")
        .order_by(Application.submitted_at).limit(limit)).scalars()
    return [(a, last_return_reason(a.id)) for a in apps]


def application_for(actor: Actor, application_id: int) -> Application:
    """An application the actor may see: the applicant, or staff of its centre (404 otherwise)."""
    app = db.session.get(Application, application_id)
    if app is None:
        raise NotFound(what="application")
    if actor.kind == "citizen" and app.applicant_id == actor.user_id:
        return app
    if actor.kind == "staff" and actor.centre_id == app.centre_id:
        return app
    if actor.kind == "staff" and "monitor" in actor.roles and actor.centre_id in ancestors(app.centre_id):
        return app
    raise NotFound(what="application")


def ancestors(centre_id: str) -> list[str]:
    out, current = [], db.session.get(Centre, centre_id)
    while current is not None and current.parent_id and len(out) < 10:
        out.append(current.parent_id)
        current = db.session.get(Centre, current.parent_id)
    return out


def my_applications(actor: Actor) -> list[Application]:
    if actor.kind != "citizen" or actor.user_id is None:
        return []
    return list(db.session.execute(select(Application).where(Application.applicant_id == actor.user_id)
                                   .order_by(Application.submitted_at.desc())).scalars())


def history(application_id: int) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.application_id == application_id)
                                   .order_by(AuditEvent.id)).scalars())


_status_stmt = None
_status_sql: dict = {}
_read_engines: dict = {}


def _read_connection():
    """An autocommit connection for single-statement public reads. On PostgreSQL it comes from a pool
    without pre-ping (a dropped connection is retried once by the caller), so a read is one round trip."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    read = _read_engines.get(engine.url)
    if read is None:
        read = _read_engines.setdefault(engine.url, create_engine(
            engine.url, pool_pre_ping=False, isolation_level="AUTOCOMMIT", pool_size=10, max_overflow=10))
    return read.connect()


def _status_statement():
    global _status_stmt
    if _status_stmt is None:
        _status_stmt = (
            select(Application.id, Application.tracking_code, Application.status, Application.milestone,
                   Application.submitted_at, Application.due_date, Application.completed_at,
                   Application.service_version_id, Application.centre_id, Centre.name_lo, Centre.name_en,
                   Service.name_lo, Service.name_en, MilestoneEvent.milestone, MilestoneEvent.at,
                   Application.clock_paused_since, Application.paused_working_days,
                   Application.version, Application.updated_at)
            .join(Centre, Centre.id == Application.centre_id).join(Service, Service.id == Application.service_id)
            .outerjoin(MilestoneEvent, MilestoneEvent.application_id == Application.id)
            .where(Application.tracking_code == bindparam("code")).order_by(MilestoneEvent.id)
        )
    return _status_stmt


def _status_rows(canonical: str) -> list:
    """The application row joined with its milestone events, as plain tuples, in one round trip.

    On PostgreSQL the statement runs on the driver's own connection (psycopg prepares it after a few uses):
    no SQLAlchemy compile or result layer on the hottest public read (python -m bench status)."""
    for attempt in (1, 2):
        with _read_connection() as conn:
            try:
                if conn.dialect.name != "postgresql":
                    return [tuple(r) for r in conn.execute(_status_statement(), {"code": canonical})]
                sql = _status_sql.get(conn.dialect.name)
                if sql is None:
                    sql = _status_sql.setdefault(conn.dialect.name,
                                                 str(_status_statement().compile(dialect=conn.dialect)))
                return conn.connection.driver_connection.execute(sql, {"code": canonical}).fetchall()
            except Exception as exc:
                dropped = getattr(exc, "connection_invalidated", False) or isinstance(
                    exc, conn.dialect.loaded_dbapi.OperationalError)
                if attempt == 2 or not dropped:
                    raise
                conn.invalidate()  # the server dropped the connection (a restart drops them all):
                conn.engine.dispose()  # start a fresh pool and try once more
    return []


def public_status(code: str) -> dict | None:
    """The public, personal-data-free view of an application, by tracking code."""
    canonical = normalize(code)
    if canonical is None:
        return None
    rows = _status_rows(canonical)
    if not rows:
        return None
    (_id, tracking_code, status, milestone, submitted_at, due_date, completed_at, version_id, centre_id,
     centre_lo, centre_en, service_lo, service_en) = rows[0][:13]
    steps = [(r[13], r[14]) for r in rows if r[13] is not None]
    paused_since, paused_days = rows[0][15:17]
    legal = clock.view(status=status, due_date=due_date, paused_since=paused_since, paused_days=paused_days,
                       completed_at=completed_at, centre_id=centre_id)
    labels = milestone_labels(version_id)
    return {
        "tracking_code": tracking_code,
        "service": {"lo": service_lo, "en": service_en},
        "centre": {"id": centre_id, "lo": centre_lo, "en": centre_en},
        "status": status,
        "milestone": milestone,
        "milestone_label": labels.get(milestone, {"lo": milestone or "", "en": milestone or ""}),
        "steps": [{"milestone": m, "label": labels.get(m, {"lo": m, "en": m}), "at": at} for m, at in steps],
        "milestones": [{"id": mid, "label": label} for mid, label in labels.items()],
        "submitted_at": submitted_at,
        "due_date": legal["due_date"],  # the clock's: moved on by the days a returned case waits
        "completed_at": completed_at,
        "overdue": bool(legal["state"] == clock.RUNNING and due_date and due_date < local_today()),
        "clock": legal,
        # validators for conditional requests (the web layer pops them): every command bumps the version
        "_version": rows[0][17],
        "_updated_at": rows[0][18],
    }


_labels_cache: dict[int, dict] = {}


def milestone_labels(version_id: int) -> dict:
    hit = _labels_cache.get(version_id)
    if hit is None:
        defn = db.session.execute(select(ServiceVersion.definition).where(ServiceVersion.id == version_id)).scalar()
        hit = {m["id"]: m["label"] for m in (defn or {}).get("milestones", [])}
        hit.setdefault("cancelled", {"lo": "ຍົກເລີກແລ້ວ", "en": "Cancelled"})
        _labels_cache[version_id] = hit
    return hit


# ---- web read helpers (citizen and staff pages) -----------------------------------------------------

def active_centres() -> list[Centre]:
    """Every open centre, for the catalogue (grouped by the caller: ministry, province, district)."""
    return list(db.session.execute(select(Centre).where(Centre.active.is_(True))
                                   .order_by(Centre.level, Centre.id)).scalars())


def centre_offers(centre_id: str) -> list[dict]:
    """The services a centre offers now: id, name, definition of the current version, the centre's fee."""
    from engine.models import CentreService

    rows = db.session.execute(
        select(CentreService, Service).join(Service, Service.id == CentreService.service_id)
        .where(CentreService.centre_id == centre_id, CentreService.active.is_(True),
               Service.current_version_id.is_not(None)).order_by(Service.id)).all()
    out = []
    for offer, service in rows:
        defn = db.session.execute(select(ServiceVersion.definition)
                                  .where(ServiceVersion.id == service.current_version_id)).scalar()
        fee = offer.fee_override if offer.fee_override is not None else (defn or {}).get("fee", {}).get("amount", 0)
        out.append({"id": service.id, "name": {"lo": service.name_lo, "en": service.name_en},
                    "definition": defn or {}, "fee": fee, "version_id": service.current_version_id})
    return out


def centre_offer(centre_id: str, service_id: str) -> dict:
    for item in centre_offers(centre_id):
        if item["id"] == service_id:
            return item
    raise NotFound(what="service")


def centre_applications(actor: Actor, *, status: str | None = None, service_id: str | None = None,
                        limit: int = 300) -> list[Application]:
    """Every application of the actor's centre, newest first (supervisors)."""
    if actor.kind != "staff" or not actor.centre_id:
        return []
    stmt = select(Application).where(Application.centre_id == actor.centre_id)
    if status:
        stmt = stmt.where(Application.status == status)
    if service_id:
        stmt = stmt.where(Application.service_id == service_id)
    return list(db.session.execute(stmt.order_by(Application.submitted_at.desc(), Application.id.desc())
                                   .limit(limit)).scalars())


def application_tasks(application_id: int) -> list[Task]:
    return list(db.session.execute(select(Task).where(Task.application_id == application_id)
                                   .order_by(Task.created_at, Task.id)).scalars())


def centre_staff(centre_id: str, role: str | None = None) -> list:
    """Active staff of a centre (holding `role` if given), by name."""
    from engine.models import User, UserRole

    stmt = select(User).where(User.centre_id == centre_id, User.kind == "staff", User.active.is_(True))
    if role:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    return list(db.session.execute(stmt.order_by(User.full_name, User.username)).scalars())


def last_return_reason(application_id: int, kind: str = "application.returned") -> str | None:
    """What the office asked for when it last returned the application to the citizen (or why it rejected
    it, with kind='application.rejected')."""
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.application_id == application_id, AuditEvent.kind == kind)
        .order_by(AuditEvent.id.desc()).limit(1)).scalar()
    if event is None:
        return None
    return ((event.data or {}).get("answers") or {}).get("reason")


def milestone_events(application_id: int) -> list[MilestoneEvent]:
    return list(db.session.execute(select(MilestoneEvent).where(MilestoneEvent.application_id == application_id)
                                   .order_by(MilestoneEvent.id)).scalars())


def task_for(actor: Actor, task_id: str) -> tuple[Task, Application]:
    """A task and its application for the task page: 404 outside the actor's centre, 403 without the role."""
    from engine.errors import Forbidden
    from engine.runtime.commands import can_act

    row = db.session.get(Task, task_id) if isinstance(task_id, str) and len(task_id) <= 36 else None
    if row is None or actor.kind != "staff" or actor.centre_id != row.centre_id:
        raise NotFound(what="task")
    app = db.session.get(Application, row.application_id)
    if not can_act(actor, row, app):
        raise Forbidden()
    return row, app
