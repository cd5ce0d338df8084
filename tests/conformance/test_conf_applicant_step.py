"""A planned step in the applicant's lane (review 12c, rv30: "Sign the register") is not a return.

By DESIGN.md ("the legal clock ... pauses while it waits for the applicant") and docs/CLOCK.md the case is
with the applicant (status `returned`, "Returned to the applicant" / "Your answer is needed") and the clock
pauses, as for a return. What was wrong is what the citizen read: "Clock paused: waiting for your documents"
in the SMS and on the status page, although nothing was returned and no document is missing. The paused words
now say "waiting for you" unless the public milestone is `returned`.
"""
from __future__ import annotations

from sqlalchemy import select

from tests.conformance.harness import Case, in_other_process, publish


def milestone_sms(case, milestone: str) -> list[str]:
    from engine.db import db
    from engine.models.jobs import Notification

    return list(db.session.execute(select(Notification.body).where(
        Notification.application_id == case.id, Notification.kind == "milestone", Notification.channel == "sms",
        Notification.event_key.like(f"milestone:{case.id}:{milestone}:%"))).scalars())


def status_page(conf, code: str, lang: str) -> str:
    """The public status page in `lang`, in an app context of its own (Flask-Babel keeps the locale of the
    first request on the context the conformance fixture holds open)."""
    with conf.app_context():
        return conf.test_client().get(f"/status/{code}?lang={lang}").get_data(as_text=True)


def test_a_planned_applicant_step_pauses_the_clock_without_asking_for_documents(conf):
    case = Case(publish("applicant_step"))
    case.complete("Task_Check")
    app = case.app()
    assert (app.status, app.milestone) == ("returned", "ready")  # with the applicant: the clock waits
    assert app.clock_paused_since is not None
    assert case.inbox() == [("Task_Sign", "applicant")]
    [sms] = milestone_sms(case, "ready")
    assert "ລໍຖ້າທ່ານ" in sms and "ເອກະສານ" not in sms  # the applicant's account is Lao
    page_lo, page_en = status_page(conf, app.tracking_code, "lo"), status_page(conf, app.tracking_code, "en")
    assert "ໂມງຢຸດຊົ່ວຄາວ: ລໍຖ້າທ່ານ" in page_lo and "ລໍຖ້າເອກະສານຂອງທ່ານ" not in page_lo
    assert "Clock paused: waiting for you" in page_en and "waiting for your documents" not in page_en
    seen = in_other_process(conf, {"op": "complete", "application_id": case.id, "bpmn_id": "Task_Sign"})
    assert seen == {"ready": ["Task_Hand"], "status": "in_progress", "milestone": "ready"}
    case.complete("Task_Hand")
    app = case.app()
    assert (app.status, app.milestone, app.clock_paused_since) == ("completed", "completed", None)


def test_a_case_returned_for_documents_still_says_documents(conf):
    case = Case(publish("exclusive_gateway"))
    case.complete("Task_Check", {"decision": "return", "reason": "ບໍ່ມີສຳເນົາບັດ"})
    app = case.app()
    assert (app.status, app.milestone) == ("returned", "returned")
    page = status_page(conf, app.tracking_code, "en")
    assert "Clock paused: waiting for your documents" in page
