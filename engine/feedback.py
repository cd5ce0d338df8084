"""Feedback per service: the applicant rates a finished case once (1-5 and an optional comment).

Ways in: the status page or the API as the logged-in applicant, or the one-time link of the final SMS
(`link_token`: an HMAC of the application id under the site's secret, so the link needs no account and works
once, because a case takes one rating). Public pages show only aggregates with at least MIN_RATINGS ratings;
comments (which may name people) only to supervisors of the centre and monitors of the centres above it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.audit import Actor, record
from engine.db import db
from engine.errors import Conflict, DomainError, Forbidden, InvalidData, NotAllowed, NotFound
from engine.models import Application, Feedback
from engine.models.application import COMPLETED, REJECTED

MIN_RATINGS = 5
MAX_COMMENT = 1000
FINISHED = (COMPLETED, REJECTED)


def link_token(application_id: int) -> str:
    """The token of the one-time rating link for an application: 16 URL-safe characters (96 bits of an
    HMAC-SHA256), short enough that the final SMS keeps its label and the link in two Lao SMS; guessing is
    bounded by the link's rate limit and the case taking one rating."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"feedback:{application_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode()


def link_path(application_id: int) -> str:
    return f"/feedback/{application_id}/{link_token(application_id)}"


def _check_link(application_id: int, token: str) -> None:
    if not isinstance(token, str) or not hmac.compare_digest(token, link_token(application_id)):
        raise NotFound("feedback_link_invalid")


def _clean(rating, comment, locale: str) -> tuple[int, str | None]:
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidData({"rating": DomainError("rating_range").message(locale)})
    comment = (comment or "").strip() if isinstance(comment, str | type(None)) else None
    if comment is None:
        raise InvalidData({"comment": DomainError("comment_too_long", max=MAX_COMMENT).message(locale)})
    if len(comment) > MAX_COMMENT:
        raise InvalidData({"comment": DomainError("comment_too_long", max=MAX_COMMENT).message(locale)})
    return rating, comment or None


def _app(application_id: int) -> Application:
    app = db.session.get(Application, application_id) if isinstance(application_id, int) else None
    if app is None:
        raise NotFound(what="application")
    return app


def can_rate(app: Application) -> bool:
    """A finished case not rated yet."""
    return app.status in FINISHED and db.session.execute(
        select(Feedback.id).where(Feedback.application_id == app.id)).first() is None


def give(application_id: int, rating, comment: str | None = None, *, actor: Actor | None = None,
         token: str | None = None, channel: str = "web") -> Feedback:
    """Record the applicant's rating (one transaction). Either `actor` is the applicant (citizen) or `token`
    is the application's link token. Raises NotFound (not the applicant / bad link), NotAllowed
    ('feedback_not_yet' before the case is completed or rejected), Conflict ('feedback_given'), InvalidData
    (rating outside 1..5, comment longer than MAX_COMMENT characters)."""
    from engine.runtime.commands import transaction

    app = _app(application_id)
    locale = actor.locale if actor is not None else (app.locale or "lo")
    if token is not None:
        _check_link(app.id, token)
    elif actor is None or actor.kind != "citizen" or actor.user_id is None or app.applicant_id != actor.user_id:
        raise NotFound(what="application")
    rating, comment = _clean(rating, comment, locale)
    if app.status not in FINISHED:
        raise NotAllowed("feedback_not_yet")
    row = Feedback(application_id=app.id, service_id=app.service_id, centre_id=app.centre_id, rating=rating,
                   comment=comment, channel=channel)
    try:
        with transaction():
            db.session.add(row)
            db.session.flush()
            record("feedback.given", actor or _link_actor(), f"rating {rating}", application_id=app.id,
                   centre_id=app.centre_id, data={"rating": rating, "channel": channel})
    except IntegrityError as exc:
        raise Conflict("feedback_given") from exc
    return row


def _link_actor() -> Actor:
    from engine.audit import SYSTEM

    return SYSTEM


def aggregates(centre_ids: list[str] | None, *, public: bool = True) -> list[dict]:
    """Ratings per (service, centre): {service_id, centre_id, ratings, average}; public: only those with at
    least MIN_RATINGS ratings. `centre_ids` None means every centre."""
    stmt = select(Feedback.service_id, Feedback.centre_id, func.count(), func.avg(Feedback.rating)) \
        .group_by(Feedback.service_id, Feedback.centre_id).order_by(Feedback.service_id, Feedback.centre_id)
    if centre_ids is not None:
        stmt = stmt.where(Feedback.centre_id.in_(list(centre_ids) or ["-"]))
    out = []
    for sid, cid, n, avg in db.session.execute(stmt).all():
        if public and n < MIN_RATINGS:
            continue
        out.append({"service_id": sid, "centre_id": cid, "ratings": n, "average": round(float(avg), 2)})
    return out


def comments(actor: Actor, centre_ids: list[str], limit: int = 200) -> list[Feedback]:
    """The latest ratings with comments for centres the actor may see (supervisors: their centre;
    monitors: theirs and below). Raises Forbidden for anyone else."""
    from engine.stats.scope import visible_centres

    visible = visible_centres(actor)
    if not visible:
        raise Forbidden()
    wanted = [c for c in centre_ids if c in visible]
    return list(db.session.execute(select(Feedback).where(Feedback.centre_id.in_(wanted or ["-"]))
                                   .order_by(Feedback.id.desc()).limit(limit)).scalars())


def application_by_code(actor: Actor | None, code: str) -> Application:
    """The applicant's own application by tracking code (NotFound for anyone else or an unknown code)."""
    from engine.tracking import normalize

    canonical = normalize(code)
    app = db.session.execute(select(Application).where(Application.tracking_code == canonical)).scalar() \
        if canonical else None
    if app is None or actor is None or actor.kind != "citizen" or app.applicant_id != actor.user_id:
        raise NotFound(what="application")
    return app


def application_by_link(application_id: int, token: str) -> Application:
    """The application of a one-time rating link (NotFound 'feedback_link_invalid' for a wrong token)."""
    app = _app(application_id)
    _check_link(app.id, token)
    return app
