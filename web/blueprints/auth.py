"""Login for staff (username) and citizens (phone number), citizen registration, logout."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from engine.accounts import MIN_PASSWORD, create_user
from engine.db import db
from engine.errors import InvalidData
from engine.inputs import TextProblem, clean_text
from engine.login import LOCKED, OK, check_login, phone_username
from engine.models import User
from engine.redirects import same_site_path
from web.auth import current_actor, login_user, logout_user
from web.i18n import lang
from web.security import LOGIN_LIMIT, limiter

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path of this site (checked after decoding, engine.redirects), else None."""
    return same_site_path(target)


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
    result = check_login(username, request.form.get("password", ""))
    if result.status == OK:
        _sign_in(result.user)
        return redirect(next_url or home_for(current_actor()))
    if result.status == LOCKED or result.now_locked:
        error = _("Too many failed attempts: this account is locked for 15 minutes")
    else:
        error = _("Wrong username, phone number or password")
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
    else:
        try:  # the input boundary: what the account's column (200 characters) and every store can carry
            values["full_name"] = clean_text(values["full_name"], max_length=200)
        except TextProblem as exc:
            errors["full_name"] = exc.text(lang())
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
    logout_user(end_everywhere=True)
    return redirect(url_for("public.home"))
