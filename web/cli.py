"""The `odsc` command: a Flask CLI group for set-up, catalogue and accounts."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from web import create_app


def _create_app():
    """The app of a command; a bad setting (production without SECRET_KEY, say) is one line naming it and exit
    status 1, not a traceback."""
    from web.settings import SettingsError

    try:
        return create_app()
    except SettingsError as exc:
        click.echo(f"odsc: {exc}", err=True)
        sys.exit(1)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """ODSC platform: One-Door Service Centres of Lao PDR."""


def init_cli(app) -> None:
    """Register the commands on app.cli, so `odsc`, `flask` and test runners all see them."""
    from web.blueprints.admin import centres_cli

    for command in (init_cmd, catalogue, users, demo_cmd, serve_cmd, worker_cmd, centres_cli, timers_cli):
        app.cli.add_command(command)


def init_database() -> None:
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


@click.command("init")
@with_appcontext
def init_cmd():
    """Create the database or migrate it to the latest schema."""
    init_database()
    click.echo(f"database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")


@click.group("catalogue")
def catalogue():
    """Check or publish the service catalogue (workflows/ and forms/)."""


@catalogue.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def catalogue_check(directory: Path | None):
    """Validate DIRECTORY (default: the configured catalogue); exit 1 if it has errors."""
    from engine.catalogue.loader import load_catalogue

    cat = load_catalogue(directory or current_app.config["CATALOGUE_DIR"])
    for problem in cat.problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = len(cat.errors)
    click.echo(f"{len(cat.services)} services, {len(cat.forms)} forms, {len(cat.centres)} centres: "
               f"{errors} errors, {len(cat.problems) - errors} warnings")
    sys.exit(1 if errors else 0)


@catalogue.command("load")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--sync-centres", is_flag=True,
              help="also overwrite centres already in the database with the centres file")
@click.option("--force", is_flag=True,
              help="make the files' version of a service current even when the database holds a newer one "
                   "(a designer's); audited")
@with_appcontext
def catalogue_load(directory: Path | None, sync_centres: bool, force: bool):
    """Publish the catalogue into the database; unchanged services get no new version.

    Never makes an older version current: when a designer published a service since the last release, the
    database's version stays and a warning names it (--force to use the files). Holidays are synced
    exactly (added, moved, removed). New centres in the centres file are added; existing ones are left to
    the admin pages and `odsc centres import` unless --sync-centres is given."""
    from engine.catalogue.loader import load_catalogue
    from engine.catalogue.publish import publish_catalogue

    cat = load_catalogue(directory or current_app.config["CATALOGUE_DIR"])
    if cat.errors:
        for problem in cat.errors:
            click.echo(str(problem), err=True)
        click.echo(f"not published: {len(cat.errors)} errors", err=True)
        sys.exit(1)
    summary = publish_catalogue(cat, sync_centres=sync_centres, force=force)
    for sid, state in summary["services"].items():
        click.echo(f"{sid}: {state}", err=sid in summary["conflicts"])
    days = summary["holidays"]
    click.echo(f"centres changed: {summary['centres']}, roles changed: {summary['roles']}, "
               f"calendar days added: {days['added']}, removed: {days['removed']}, changed: {days['changed']}")
    if summary["conflicts"]:
        click.echo(f"warning: {len(summary['conflicts'])} services differ between the files and the database: "
                   f"{', '.join(summary['conflicts'])}", err=True)
    _calendar_warning()


def _calendar_warning() -> None:
    from engine import workdays
    from engine.runtime.commands import local_today

    workdays.refresh()
    warning = workdays.ends_soon(local_today(), int(current_app.config.get("CALENDAR_WARN_DAYS", 90)))
    if warning:
        click.echo(f"warning: {warning}", err=True)


@catalogue.command("calendar")
@with_appcontext
def catalogue_calendar():
    """Show the last day the holiday calendar covers; exit 1 with a warning when it ends within 90 days."""
    from engine import workdays
    from engine.runtime.commands import local_today

    workdays.refresh()
    end = workdays.last_day()
    click.echo(f"holiday calendar ends: {end.isoformat() if end else 'empty'}")
    warning = workdays.ends_soon(local_today(), int(current_app.config.get("CALENDAR_WARN_DAYS", 90)))
    if warning:
        click.echo(f"warning: {warning}", err=True)
        sys.exit(1)


@click.group("users")
def users():
    """Manage accounts."""


@users.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "full_name", default="")
@click.option("--centre", "centre_id", default=None)
@click.option("--role", "roles", multiple=True, help="office role or supervisor/monitor/designer/admin")
@click.option("--citizen", is_flag=True, help="a citizen account (username is the phone number)")
@with_appcontext
def users_create(username, password, full_name, centre_id, roles, citizen):
    """Create a staff (or citizen) account."""
    from engine.accounts import create_user
    from engine.db import db
    from engine.errors import DomainError

    try:
        create_user(username, password, full_name=full_name, centre_id=centre_id, roles=roles,
                    kind="citizen" if citizen else "staff", phone=username if citizen else "")
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(f"not created: {exc.message('en')} {getattr(exc, 'errors', '')}", err=True)
        sys.exit(1)
    click.echo(f"created {username}")


@click.command("demo")
@with_appcontext
def demo_cmd():
    """Load the catalogue, demo centres and one demo account for every role; print the logins."""
    from web.demo import load_demo

    init_database()
    for line in load_demo():
        click.echo(line)


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve_cmd(host, port):
    """Run the embedded platform: SQLite, jobs in-process, demo data loaded."""
    from web.demo import load_demo

    init_database()
    for line in load_demo():
        click.echo(line)
    click.echo(f"open http://{host}:{port}/")
    # SMS name the status page and, at the end, the one-time rating link: on the embedded server they point
    # at this server unless PUBLIC_BASE_URL says where the public reaches it
    app = current_app._get_current_object()
    if not app.config.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = f"http://{host}:{port}"
    from engine.jobs.ticker import start_ticker

    start_ticker(current_app._get_current_object())  # embedded mode: timers and jobs in a thread
    from werkzeug.serving import run_simple  # app.run() refuses to start inside the flask CLI

    run_simple(host, port, current_app._get_current_object(), threaded=True, use_reloader=False)


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
@click.option("--fork", is_flag=True, help="run each job in a forked work horse (rq Worker)")
@click.option("--name", default=None)
@click.option("--queues", "names", default="",
              help="comma-separated queues (timers, notifications, default, connectors); default: WORKER_QUEUES, "
                   "else all but connectors, which get their own pool: `odsc worker --queues connectors`")
@with_appcontext
def worker_cmd(burst, fork, name, names):
    """Run a background worker: rq on REDIS_URL, plus the ticker (due timers, retries, heartbeat)."""
    from engine.jobs.worker import run_worker

    try:
        run_worker(current_app._get_current_object(), burst=burst, fork=fork, name=name,
                   names=[n.strip() for n in names.split(",") if n.strip()] or None)
    except (RuntimeError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("timers")
def timers_cli():
    """BPMN timers: list the due and overdue ones, fire one now."""


@timers_cli.command("list")
@click.option("--centre", default=None, help="only the timers of this centre id")
@click.option("--within-hours", type=float, default=None,
              help="only timers due within this many hours (default: every waiting timer)")
@with_appcontext
def timers_list(centre: str | None, within_hours: float | None):
    """Waiting timers, earliest first: id, tracking code, element, due time in UTC and in the centre's zone."""
    from datetime import timedelta

    from engine.timerops import list_timers

    rows = list_timers(centre_id=centre, within=None if within_hours is None else timedelta(hours=within_hours))
    for row in rows:
        name = f" ({row.element_name})" if row.element_name else ""
        state = "OVERDUE" if row.overdue else "due"
        click.echo(f"{row.id}\t{row.tracking_code}\t{row.centre_id}\t{row.element}{name}\t{state}\t"
                   f"{row.due_utc.isoformat(timespec='seconds')}Z\t"
                   f"{row.due_local.isoformat(timespec='seconds')} {row.zone}")
    click.echo(f"{len(rows)} timers, {sum(r.overdue for r in rows)} overdue")


@timers_cli.command("fire")
@click.argument("timer_id", type=int)
@with_appcontext
def timers_fire(timer_id: int):
    """Fire timer TIMER_ID now (audited); exit 1 if there is no such timer."""
    from engine.errors import DomainError
    from engine.timerops import fire_now

    try:
        fired = fire_now(timer_id)
    except DomainError as exc:
        click.echo(exc.message("en"), err=True)
        sys.exit(1)
    click.echo(f"fired: {', '.join(fired) or '(nothing: the timer was no longer waiting)'}")
