"""Who is asking: the session's user as an engine Actor, and decorators that check roles."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from engine import sessions
from engine.accounts import actor_for
from engine.audit import Actor
from engine.db import db
from engine.models import User


def current_user() -> User | None:
    if "user" not in g:
        user = None
        uid = session.get("uid")
        if uid is not None:
            user = db.session.get(User, uid)
            # a deactivated account or a bumped epoch ends every session at once; an ended session
            # (logout) ends every copy of its cookie
            lifetime = timedelta(seconds=int(current_app.permanent_session_lifetime.total_seconds()))
            if user is None or not user.active or session.get("epoch") != user.session_epoch \
                    or not sessions.is_live(session.get("sid"), user.id, lifetime):
                session.pop("uid", None)
                user = None
        g.user = user
    return g.user


def current_actor() -> Actor | None:
    """The session's user as an Actor whose locale is the page's language (not the account's stored one),
    so every message the engine writes for this request is in the language the person is reading."""
    if "actor" not in g:
        from dataclasses import replace

        from web.i18n import lang

        user = current_user()
        g.actor = replace(actor_for(user), locale=lang()) if user else None
    return g.actor


def login_user(user: User) -> None:
    session.clear()
    session["sid"] = sessions.start(user.id)
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["lang"] = user.locale
    session.permanent = True
    g.pop("user", None)
    g.pop("actor", None)


def logout_user(end_everywhere: bool = True) -> None:
    """Log out: the server-side session ends, so a copy of the cookie made before logout is dead too."""
    if end_everywhere:
        sessions.end(session.get("sid"))
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.pop("user", None)
    g.pop("actor", None)


def login_required(kind: str | None = None):
    """Require a logged-in user (optionally of kind 'staff' or 'citizen')."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if kind and actor.kind != kind:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def roles_required(*roles: str):
    """Require a staff user holding at least one of `roles`."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if actor.kind != "staff" or not (set(roles) & set(actor.roles)):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
