"""The citizen's legal clock: a service's time limit counts working days while the case is with the centre.

The clock starts at submission (`Application.due_date` = the service's time limit in working days), pauses
while the case is returned to the applicant (`Application.clock_paused_since`), and on resubmission moves the
due date on by the working days it waited (kept in `Application.paused_working_days`), so a case returned for
4 working days gets 4 more days. It stops when the case is completed, rejected or cancelled.

Every user task gets its own due date when it is created: its step's limit from service.yaml
(`step_limits: {task_id: working days}`), or else the case's remaining limit; the applicant's own tasks have
none (the clock is paused while they wait). Working days are those of engine.workdays (weekends, holidays and
the government's swapped working days, as the calendar data has them).
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from engine.models.application import CLOSED_STATUSES, RETURNED
from engine.workdays import Calendar, for_centre

RUNNING, PAUSED, STOPPED = "running", "paused", "stopped"
VIENTIANE = ZoneInfo("Asia/Vientiane")


def today() -> date:
    """Today's date in Vientiane (every centre is in the same time zone)."""
    return datetime.now(VIENTIANE).date()


def local_date(moment: datetime | None) -> date | None:
    """The Vientiane date of a stored UTC timestamp (naive datetimes are UTC)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIENTIANE).date()


def calendar_for(centre_id: str | None = None) -> Calendar:
    """The working-day calendar of a centre: national days plus its province's (engine.workdays.for_centre)."""
    return for_centre(centre_id)


def signed_working_days(cal: Calendar, start: date, end: date) -> int:
    """Working days from `start` to `end`: positive when `end` is later, negative when it is past."""
    if end >= start:
        return cal.working_days_between(start, end)
    return -cal.working_days_between(end, start)


def on_status_change(app, before: str | None, after: str, day: date | None = None) -> None:
    """Pause the clock when the case goes to the applicant; resume it (moving the due date on) when it
    comes back or closes. `app` is an Application row inside the command's transaction; `day` a local date."""
    day = day or today()
    if after == RETURNED and before != RETURNED:
        if app.clock_paused_since is None:
            app.clock_paused_since = day
        return
    cal = calendar_for(app.centre_id)
    if app.clock_paused_since is not None:
        waited = cal.working_days_between(app.clock_paused_since, day)
        app.paused_working_days = (app.paused_working_days or 0) + waited
        if app.due_date is not None and after not in CLOSED_STATUSES:
            app.due_date = cal.add_working_days(app.due_date, waited)
        app.clock_paused_since = None
    if after in CLOSED_STATUSES and before not in CLOSED_STATUSES:
        submitted = local_date(app.submitted_at) or day
        app.working_days_taken = max(cal.working_days_between(submitted, day) - (app.paused_working_days or 0), 0)


def task_due_date(app, step_days: int | None, day: date | None = None) -> date | None:
    """The due date of a user task created on `day`: `step_days` working days from then when its step has a
    limit, else the case's due date, and never a date already past (a late case's new step is due today)."""
    day = day or today()
    cal = calendar_for(app.centre_id)
    if step_days is not None:
        return cal.add_working_days(day, int(step_days))
    first = cal.add_working_days(day, 0)
    if app.due_date is None:
        return None
    return max(app.due_date, first)


def view(*, status: str, due_date: date | None, paused_since: date | None, paused_days: int | None,
         completed_at: datetime | None, centre_id: str | None = None, day: date | None = None) -> dict:
    """The clock as the status page and the API show it:
    {state: running|paused|stopped, working_days_left: int (negative when late) or None, due_date: date or
    None (while paused: the date it would be on if resubmitted today), paused_working_days: int}."""
    day = day or today()
    cal = calendar_for(centre_id)
    paused_total = int(paused_days or 0)
    if status in CLOSED_STATUSES:
        state, at = STOPPED, local_date(completed_at) or day
    elif paused_since is not None:
        # what is left is what was left on the day the case was returned; the due date moves on with the wait
        state, at = PAUSED, paused_since
        waiting = cal.working_days_between(paused_since, day)
        paused_total += waiting
        left = signed_working_days(cal, paused_since, due_date) if due_date is not None else None
        if due_date is not None:
            due_date = cal.add_working_days(due_date, waiting)
        return {"state": state, "working_days_left": left, "due_date": due_date,
                "paused_working_days": paused_total}
    else:
        state, at = RUNNING, day
    left = signed_working_days(cal, at, due_date) if due_date is not None else None
    return {"state": state, "working_days_left": left, "due_date": due_date, "paused_working_days": paused_total}


def of(app, day: date | None = None) -> dict:
    """`view` for an Application row."""
    return view(status=app.status, due_date=app.due_date, paused_since=app.clock_paused_since,
                paused_days=app.paused_working_days, completed_at=app.completed_at, centre_id=app.centre_id,
                day=day)
