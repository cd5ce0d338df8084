"""Login for staff (username) and citizens (phone number), citizen registration, logout."""
from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine.accounts import MIN_PASSWORD, create_user, verify_password
from engine.catalogue.forms import PHONE_RE
from engine.db import db
from engine.errors import InvalidData
from engine.models import User
from web.auth import current_actor, login_user, logout_user
from web.i18n import lang
from web.security import LOGIN_LIMIT, is_locked, limiter, login_failed, login_succeeded

bp = Blueprint("auth", __name__)


def phone_username(text: str) -> str | None:
    """A Lao phone number in the one form accounts use: 020xxxxxxxx, 030xxxxxxx or 0xx..."""
    match = PHONE_RE.match(re.sub(r"[\s\-().]", "", text or ""))
    return "0" + match.group(1) if match else None


def safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target.rstrip("?") or None
    return None


# platform roles that have their own landing page; anyone holding an office role lands on the inbox
LANDING = (("monitor", "monitor.index"), ("designer", "designer.index"), ("admin", "admin.index"))


def home_for(actor) -> str:
    """The page a person starts from after login: the inbox for those with tasks (office roles, supervisors),
    else the page of their platform role (monitor → dashboard, designer → designer, admin → administration)."""
    if actor and actor.kind == "staff":
        others = set(actor.roles) - {role for role, _endpoint in LANDING}
        if not others:
            for role, endpoint in LANDING:
                if role in actor.roles:
                    return url_for(endpoint)
        return url_for("staff.inbox")
    return url_for("citizen.my_applications")


def _find(login: str) -> User | None:
    login = (login or "").strip()
    if not login:
        return None
    user = db.session.query(User).filter_by(username=login).first()
    if user is None and (phone := phone_username(login)):
        user = db.session.query(User).filter_by(username=phone, kind="citizen").first()
    return user


def _sign_in(user: User) -> None:
    chosen = lang()
    login_user(user)
    session["lang"] = chosen  # keep the language the person is reading in


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", next=next_url, username="")
    username = request.form.get("username", "")
    user = _find(username)
    error = _("Wrong username, phone number or password")
    if user is not None and user.active:
        if is_locked(user):
            error = _("Too many failed attempts: this account is locked for 15 minutes")
        elif verify_password(user, request.form.get("password", "")):
            login_succeeded(user)
            db.session.commit()
            _sign_in(user)
            return redirect(next_url or home_for(current_actor()))
        else:
            login_failed(user)
            db.session.commit()
            if is_locked(user):
                error = _("Too many failed attempts: this account is locked for 15 minutes")
    return render_template("auth/login.html", next=next_url, username=username, error=error), 401


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def register():
    next_url = safe_next(request.values.get("next"))
    values = {k: request.form.get(k, "") for k in ("phone", "full_name")}
    if request.method == "GET":
        return render_template("auth/register.html", next=next_url, values=values, errors={})
    errors = {}
    phone = phone_username(values["phone"])
    if phone is None:
        errors["phone"] = _("Not a valid Lao phone number (e.g. 020 5555 1234)")
    if not values["full_name"].strip():
        errors["full_name"] = _("Please enter your name")
    password = request.form.get("password", "")
    if len(password) < MIN_PASSWORD:
        errors["password"] = _("At least %(n)d characters", n=MIN_PASSWORD)
    elif password != request.form.get("password2", ""):
        errors["password2"] = _("The two passwords differ")
    if not errors:
        try:
            user = create_user(phone, password, full_name=values["full_name"].strip(), kind="citizen",
                               phone=phone, locale=lang())
            db.session.commit()
        except InvalidData:
            db.session.rollback()
            errors["phone"] = _("An account with this phone number exists already: please log in")
        else:
            _sign_in(user)
            return redirect(next_url or url_for("citizen.my_applications"))
    return render_template("auth/register.html", next=next_url, values=values, errors=errors), 400


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("public.home"))
