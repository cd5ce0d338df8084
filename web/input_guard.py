"""The web side of the input boundary (engine.inputs): before any view runs, the path, the query string and
every posted form field and file name are checked once. Text no store can carry (NUL, other control
characters, lone surrogates) is refused here with a 400 naming the field, in Lao and English, so no view,
database or later workflow step ever sees it. Views still clean their own fields (NFC, lengths) with
engine.inputs.clean_fields or the form declarations.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, abort, jsonify, render_template, request
from werkzeug.routing import IntegerConverter

from engine.inputs import MAX_ID, TextProblem, problem_in
from web.i18n import lang


def _form_value_problem(value: str):
    # any posted field may be long text (browsers send CRLF): tab, CR and LF pass here; the engine's
    # validators then hold short fields to the stricter rule (no line breaks) with the field's own message
    return problem_in(value.replace("\r", ""), long=True)


def _not_utf8(raw: bytes) -> str | None:
    """The name of the first url-encoded field whose name or value is not UTF-8 (a lone surrogate's bytes, a
    stray byte); None when every one is. Werkzeug would keep such a value as literal `%ED%A0%80` text, so
    neither the guard nor the user would ever see what was sent."""
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="latin-1"):
        try:
            key.encode("latin-1").decode("utf-8")
            value.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            return key.encode("latin-1").decode("utf-8", "replace") or "_form"
    return None


def first_bad_input() -> tuple[str, object] | None:
    """(field, problem) for the first refused piece of the request outside JSON bodies; None when clean."""
    found = problem_in(request.path, long=False)
    if found:
        return "path", found
    bad = _not_utf8(request.query_string)
    if bad is not None:
        return bad, TextProblem("surrogate")
    for key, value in request.args.items(multi=True):
        found = problem_in(key or "", long=False) or problem_in(value or "", long=False)
        if found:
            return key, found
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        if request.mimetype == "application/x-www-form-urlencoded":
            # keep the raw body readable after the form is parsed: signed requests (POST /sms/inbound) need it
            bad = _not_utf8(request.get_data(cache=True))
            if bad is not None:
                return bad, TextProblem("surrogate")
        for key, value in request.form.items(multi=True):
            found = problem_in(key or "", long=False) or _form_value_problem(value)  # a part may have no name
            if found:
                return key, found
        # file names are labels: engine.inputs.clean_file_name makes them safe, they are never refused
    return None


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` in every route: a number no database integer column can hold matches no route (404), instead
    of reaching a query that fails (PostgreSQL: integer out of range)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_input_guard(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    @app.before_request
    def _guard():
        bad = first_bad_input()
        if bad is None:
            return None
        field, found = bad
        if field == "path":
            abort(404)  # no route has such a name: the ordinary 404 (problem+json under /api/)
        locale = lang()
        detail = found.text(locale)
        if request.path.startswith("/api/"):
            from web.api.problems import problem

            return problem(422, "invalid_data", detail, errors={field: detail})
        if request.accept_mimetypes.best == "application/json":
            return jsonify(error=detail, field=field), 400
        title = "ຂໍ້ມູນບໍ່ຖືກຕ້ອງ" if locale == "lo" else "Invalid input"
        return render_template("errors/error.html", status=400, title=title,
                               text=f"{field}: {detail}"), 400
