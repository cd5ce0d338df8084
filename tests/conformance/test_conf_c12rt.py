"""Issue 12, what was left: an intermediate cycle timer, a none intermediate throw event, a local timer date in
each centre's own time zone, milestones that stay put while the main path waits on a timer or a service task,
and the dry run's wording (a loop task counted once per iteration, the timer behind an event-based gateway named).

Every command runs after a restart (tests.conformance.harness), on SQLite and on PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.conformance.harness import (
    CENTRE,
    DATA,
    Case,
    actor,
    in_other_process,
    make_due,
    publish,
    restart,
    run_jobs,
)


def closed(case, status="completed", milestone="completed"):
    app = case.app()
    assert case.inbox() == []
    assert (app.status, app.milestone) == (status, milestone)


def sms(case) -> list[str]:
    """The milestone SMS of the case's outbox, oldest first (the milestone each one tells)."""
    from engine.db import db
    from engine.models.jobs import Notification

    return [n.event_key for n in db.session.execute(select(Notification).where(
                Notification.application_id == case.id, Notification.kind == "milestone",
                Notification.channel == "sms").order_by(Notification.id)).scalars()]


def audit_summaries(case, kind: str) -> list[str]:
    from engine.db import db
    from engine.models import AuditEvent

    return [e.summary for e in db.session.execute(select(AuditEvent).where(
        AuditEvent.application_id == case.id, AuditEvent.kind == kind).order_by(AuditEvent.id)).scalars()]


# ---- an intermediate cycle timer --------------------------------------------------------------------

def test_intermediate_cycle_timer_sends_the_path_on_once_per_repetition_then_ends(conf):
    case = Case(publish("intermediate_cycle"))
    case.complete("Task_Check")
    assert case.inbox() == []
    assert case.fire_timers(timedelta(minutes=30)) == []  # R3/PT1H: nothing before the first hour
    for n in (1, 2, 3):
        assert case.fire_timers(timedelta(hours=1, minutes=1)) == ["Timer_Every"], n
        assert case.inbox() == [("Task_Remind", "front_desk")] * n
    assert case.fire_timers(timedelta(days=30)) == []  # three repetitions only
    from engine.db import db
    from engine.models.jobs import DueTimer

    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 0
    case.complete("Task_Remind")
    case.complete("Task_Remind")
    assert case.app().status == "in_progress"
    case.complete("Task_Remind")
    closed(case)
    assert audit_summaries(case, "timer.fired") == ["Timer_Every"] * 3


def test_intermediate_cycle_timer_fires_in_another_os_process(conf):
    case = Case(publish("intermediate_cycle"))
    case.complete("Task_Check")
    for n in (1, 2, 3):
        make_due(case.id, timedelta(hours=1, minutes=1))
        seen = in_other_process(conf, {"op": "fire_timers", "application_id": case.id})
        assert seen["ready"] == ["Task_Remind"] * n
    for _ in range(3):
        seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Remind"})
    assert (seen["status"], seen["milestone"], seen["ready"]) == ("completed", "completed", [])


def test_intermediate_cycle_timer_with_nothing_after_it_ends_the_case_after_its_last_repetition(conf):
    """SpiffWorkflow marks the cycle event done in its closing timer refresh; the engine then runs one more pass
    (engine.runtime.steps.run), so a case with no task after the cycle does not wait for ever."""
    from engine.db import db
    from engine.models.jobs import DueTimer

    case = Case(publish("intermediate_cycle_end"))
    case.complete("Task_Check")
    assert case.fire_timers(timedelta(hours=1, minutes=1)) == ["Timer_Twice"]
    assert case.app().status == "in_progress"  # one repetition is still to come
    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 1
    assert case.fire_timers(timedelta(hours=1, minutes=1)) == ["Timer_Twice"]
    closed(case)
    assert db.session.query(DueTimer).filter_by(application_id=case.id).count() == 0


def test_a_cycle_behind_an_event_based_gateway_is_refused_at_upload(conf):
    """SpiffWorkflow never starts a cycle whose definition the gateway holds: refused, not accepted and stuck."""
    from tests.conformance.harness import load_bundle

    _bundle, problems = load_bundle("event_gateway_cycle")
    found = [p for p in problems if p.code == "timer.cycle_gateway"]
    assert len(found) == 1 and found[0].severity == "error"
    text = (DATA / "event_gateway_cycle" / "process.bpmn").read_text(encoding="utf-8").splitlines()
    assert found[0].line == next(n for n, line in enumerate(text, 1) if "R3/P10D" in line)
    assert "Timer_Long" in found[0].text("en") and "Wait" in found[0].text("en") and found[0].hint
    assert "ທາງແຍກຕາມເຫດການ" in found[0].text("lo")


def test_dry_run_fires_each_repetition_of_an_intermediate_cycle(conf):
    result = dry("intermediate_cycle")
    assert result.outcome == "completed", result.error
    assert user_steps(result) == ["Task_Check", "Task_Remind", "Task_Remind", "Task_Remind"]
    # the repetitions are the three reminders; the timer event itself ends once, after its last repetition
    assert [s["timer"] for s in result.steps if s["element"] == "Timer_Every"] == ["R3/PT1H"]


# ---- a none intermediate throw event ----------------------------------------------------------------

def test_none_intermediate_throw_event_passes_through_with_its_milestone(conf):
    case = Case(publish("none_throw"))
    assert case.app().milestone == "in_review"
    case.complete("Task_Check")
    assert case.inbox() == [("Task_Issue", "front_desk")]
    assert case.app().milestone == "approved"  # Event_Checked's milestone; Event_Unmapped moves nothing
    case.complete("Task_Issue")
    closed(case)
    assert case.milestones() == ["received", "in_review", "approved", "completed"]


def test_none_intermediate_throw_event_in_another_os_process(conf):
    case = Case(publish("none_throw"))
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Check"})
    assert (seen["ready"], seen["milestone"]) == (["Task_Issue"], "approved")
    case.complete("Task_Issue")
    closed(case)


# ---- a local timer date in the centre's own time zone ------------------------------------------------

OTHER = "chanthabouly"


def _two_centres(service_id: str) -> None:
    """xaysettha keeps Asia/Bangkok (UTC+7), the other centre gets Asia/Tokyo (UTC+9); both offer the service."""
    from engine.db import db
    from engine.models import Centre, CentreService

    db.session.get(Centre, CENTRE).timezone = "Asia/Bangkok"
    db.session.get(Centre, OTHER).timezone = "Asia/Tokyo"
    if db.session.get(CentreService, (OTHER, service_id)) is None:
        db.session.add(CentreService(centre_id=OTHER, service_id=service_id, active=True))
    db.session.commit()


def _start_at(service_id: str, centre: str) -> int:
    from engine.runtime.commands import start_application

    restart()
    citizen = actor("02055551234")
    app_id = start_application(service_id=service_id, centre_id=centre, data={"applicant_name": "ສົມຊາຍ"},
                               actor=citizen, applicant_id=citizen.user_id).id
    run_jobs()
    return app_id


def test_a_local_timer_date_fires_at_the_centres_own_nine_oclock(conf):
    from engine.db import db
    from engine.models.jobs import DueTimer
    from engine.runtime.timer_command import fire_due_timers

    service_id = publish("local_date_timer")
    _two_centres(service_id)
    cases = {}
    for centre in (CENTRE, OTHER):
        case = Case.__new__(Case)
        case.id, case.service_id = _start_at(service_id, centre), service_id
        case.complete("Task_Check", user="desk.xs" if centre == CENTRE else "desk.ctb")
        cases[centre] = case
    restart()
    due = {centre: db.session.execute(select(DueTimer.due_at).where(
        DueTimer.application_id == case.id)).scalar_one() for centre, case in cases.items()}
    # 2099-01-15 09:00 local: 02:00 UTC in Bangkok, 00:00 UTC in Tokyo
    assert due == {CENTRE: datetime(2099, 1, 15, 2, 0), OTHER: datetime(2099, 1, 15, 0, 0)}
    for centre, case in cases.items():
        instant = due[centre]
        restart()
        assert fire_due_timers(case.id, now=instant - timedelta(seconds=1)) == []
        restart()
        assert fire_due_timers(case.id, now=instant) == ["Timer_Local"]
        run_jobs()
        assert case.inbox() == [("Task_Remind", "front_desk")]
    # the Tokyo case's timer was due two hours before the Bangkok one
    assert due[OTHER] == due[CENTRE] - timedelta(hours=2)


def test_a_centre_without_a_zone_reads_local_dates_in_vientiane(conf):
    from engine.db import db
    from engine.models import Centre
    from engine.models.jobs import DueTimer

    service_id = publish("local_date_timer")
    assert db.session.get(Centre, CENTRE).timezone == "Asia/Vientiane"  # the column's default
    case = Case(service_id)
    case.complete("Task_Check")
    assert db.session.execute(select(DueTimer.due_at).where(DueTimer.application_id == case.id)).scalar_one() \
        == datetime(2099, 1, 15, 2, 0)


# ---- milestones while the main path waits on a timer or a service task --------------------------------

def _status_page(conf, case) -> str:
    client = conf.test_client()
    return client.get(f"/status/{case.app().tracking_code}?lang=en").get_data(as_text=True)


def test_side_path_does_not_move_the_milestone_back_while_the_main_path_waits_on_a_timer(conf):
    case = Case(publish("milestone_timer_side"))
    case.complete("Task_Review")
    assert case.app().milestone == "in_review" and case.inbox() == []
    assert case.fire_timers(timedelta(hours=2)) == ["Timer_Side"]  # the side path reaches an earlier step
    assert case.inbox() == [("Task_Recheck", "front_desk")]
    assert case.app().milestone == "in_review"
    assert "<strong>In review</strong>" in _status_page(conf, case)
    case.complete("Task_Recheck")
    assert case.app().milestone == "in_review"
    assert case.fire_timers(timedelta(days=4)) == ["Timer_Wait"]
    assert case.app().milestone == "ready"
    case.complete("Task_Issue")
    closed(case)
    assert case.milestones() == ["received", "in_review", "ready", "completed"]
    assert sms(case) == [f"milestone:{case.id}:{m}:{n}" for n, m in ((2, "in_review"), (3, "ready"),
                                                                      (4, "completed"))]  # one per real change


def test_side_path_does_not_move_the_milestone_back_while_the_main_path_waits_on_a_service_task(conf):
    from engine.runtime.commands import complete_task

    case = Case(publish("milestone_service_side"))
    row = case.task("Task_Review")
    restart()
    complete_task(row.id, actor("desk.xs"), {})  # the connector's job is not run yet: the service task waits
    restart()
    assert case.app().milestone == "in_review" and case.inbox() == []
    from engine.runtime.timer_command import fire_due_timers

    make_due(case.id, timedelta(hours=2))
    restart()
    assert fire_due_timers(case.id) == ["Timer_Slow"]
    restart()
    assert case.inbox() == [("Task_Recheck", "front_desk")]
    assert case.app().milestone == "in_review"  # the main path still waits on the connector
    assert "<strong>In review</strong>" in _status_page(conf, case)
    run_jobs()  # the connector answers
    assert case.app().milestone == "ready"
    case.complete("Task_Recheck")
    assert case.app().milestone == "ready"
    case.complete("Task_Issue")
    closed(case)
    assert case.milestones() == ["received", "in_review", "ready", "completed"]
    assert sms(case) == [f"milestone:{case.id}:{m}:{n}" for n, m in ((2, "in_review"), (3, "ready"),
                                                                      (4, "completed"))]


# ---- the dry run's wording ---------------------------------------------------------------------------

def dry(name: str, decisions: dict | None = None):
    from engine.designer import dryrun
    from tests.conformance.harness import load_bundle

    bundle, _problems = load_bundle(name)
    return dryrun.run(bundle.definition, bundle.bpmn, decisions or {}, {"applicant_name": "ສົມຊາຍ"})


def user_steps(result) -> list[str]:
    return [s["element"] for s in result.steps if s["kind"] == "UserTask"]


def test_dry_run_counts_a_loop_task_once_per_iteration(conf):
    result = dry("standard_loop", {"Task_Review": "return"})
    assert result.outcome == "completed", result.error
    review = [s for s in result.steps if s["element"] == "Task_Review"]
    assert len(review) == 2  # returned once, then approved: two iterations, two steps
    assert all(s["kind"] == "UserTask" for s in review)


def test_dry_run_and_audit_name_the_timer_behind_an_event_based_gateway(conf):
    result = dry("event_gateway")
    assert result.outcome == "completed", result.error
    timers = [(s["element"], s.get("timer")) for s in result.steps if s.get("timer")]
    assert timers == [("Timer_Short", "P1D")]
    case = Case(publish("event_gateway"))
    case.complete("Task_Ask")
    assert case.fire_timers(timedelta(days=2)) == ["Timer_Short"]
    assert audit_summaries(case, "timer.fired") == ["Timer_Short"]
