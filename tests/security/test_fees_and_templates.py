"""Findings 13 and 15: paid amounts are whole, bounded and equal to the fee (checked by the engine command);
certificate templates run under the scripts' limits and cannot change the fields that are signed."""
from __future__ import annotations

import pytest

from engine.db import db
from engine.runtime import commands
from tests.engine.helpers import APPROVE_PATH, actor, ready_task, start_residence


def _to_payment(app):
    application = start_residence()
    for user, _bpmn, answers in APPROVE_PATH[:3]:
        commands.complete_task(ready_task(application.id).id, actor(user), answers)
    return application


@pytest.mark.parametrize("amount", [1.5, "1.5", 10**30, "1e30", -25000, 24999, 25001, True])
def test_a_paid_amount_must_be_the_fee(ctx, amount):
    from engine.errors import InvalidData

    application = _to_payment(ctx)
    task = ready_task(application.id)
    assert task.bpmn_id == "Task_Payment"
    with pytest.raises(InvalidData) as err:
        commands.complete_task(task.id, actor("cashier.xs"), {"receipt_number": "R-1", "amount_paid": amount})
    assert "amount_paid" in err.value.errors
    db.session.rollback()
    assert ready_task(application.id).id == task.id  # nothing moved
    commands.complete_task(task.id, actor("cashier.xs"), {"receipt_number": "R-1", "amount_paid": 25000})
    assert ready_task(application.id).bpmn_id == "Task_Issue"


def test_a_wrong_amount_on_the_cashiers_page_names_the_fee(app, client):
    from tests.security.sec_helpers import login

    with app.app_context():
        application = _to_payment(app)
        task = ready_task(application.id).id
    login(client, "cashier.xs")
    r = client.post(f"/staff/tasks/{task}?lang=en", data={"receipt_number": "R-9", "amount_paid": "30000"})
    # in the page's language (issue 15), naming the fee; the engine refuses it too unless confirmed
    assert r.status_code == 422 and "is not the fee of this application (25,000 kip)" in r.get_data(as_text=True)


def test_the_fee_decision_is_one_engine_function():
    """fee_decision (engine) makes the cashier's decision the page and the command share: the fee stands, a
    different amount only when exactly that amount was confirmed (then audited), anything else is refused."""
    from engine.catalogue.forms import fee_decision

    form = {"fields": [{"name": "receipt_number", "type": "text"},
                       {"name": "amount_paid", "type": "money", "equals_fee": True}]}
    assert fee_decision(form, {"amount_paid": 25000}, 25000).errors == {}
    assert fee_decision(form, {"amount_paid": "25000"}, 25000).differs is None
    refused = fee_decision(form, {"amount_paid": "20000"}, 25000, None, "en")
    assert refused.differs == {"fee": 25000, "paid": 20000} and refused.note is None
    assert refused.errors["amount_paid"].startswith("20,000 kip is not the fee of this application (25,000 kip)")
    assert "ບໍ່ແມ່ນຄ່າທຳນຽມ" in fee_decision(form, {"amount_paid": 20000}, 25000).errors["amount_paid"]
    for wrong_confirmation in ("25000", "2000", "", "abc", 25000, None):
        assert fee_decision(form, {"amount_paid": 20000}, 25000, wrong_confirmation).errors
    stands = fee_decision(form, {"amount_paid": 20000}, 25000, "20000")
    assert stands.errors == {} and stands.note == {"amount_differs_from_fee": {"fee": 25000, "paid": 20000}}
    assert fee_decision(form, {"amount_paid": 20000}, 25000, 20000).note == stands.note
    # a money field not declared equals_fee, or an amount that is not one, is not the cashier's decision
    plain = {"fields": [{"name": "amount_paid", "type": "money"}]}
    assert fee_decision(plain, {"amount_paid": 1}, 25000) == fee_decision(form, {"amount_paid": "1.5"}, 25000)


def test_the_command_takes_a_different_amount_only_when_confirmed(ctx):
    from engine.errors import InvalidData
    from engine.models import AuditEvent

    application = _to_payment(ctx)
    task = ready_task(application.id)
    answers = {"receipt_number": "R-1", "amount_paid": 20000}
    with pytest.raises(InvalidData) as err:
        commands.complete_task(task.id, actor("cashier.xs"), answers, confirmed_amount=21000)
    assert "amount_paid" in err.value.errors
    db.session.rollback()
    commands.complete_task(task.id, actor("cashier.xs"), answers, confirmed_amount="20000")
    event = db.session.query(AuditEvent).filter_by(application_id=application.id, kind="task.completed") \
        .order_by(AuditEvent.id.desc()).first()
    assert event.data["confirmed"] == {"amount_differs_from_fee": {"fee": 25000, "paid": 20000}}
    assert ready_task(application.id).bpmn_id == "Task_Issue"


@pytest.mark.parametrize("template", [
    "{{ 'x' * 10**9 }}", "{{ 'x'|center(10**9) }}", "{{ '{:>999999999}'.format(1) }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ data.update({'applicant_name': 'forged'}) }}{{ rows.append(1) }}",
])
def test_hostile_templates_fall_back_and_never_change_signed_fields(ctx, template):
    from engine.certificates import build_fields, render_body
    from engine.db import utcnow
    from engine.runtime.specs import compiled

    application = start_residence()
    definition = compiled(application.service_version_id).definition
    fields = build_fields(application, definition, "XS-2026-000001", utcnow(), "ທ່ານ ອະນຸມັດ")
    before = repr(fields)
    body, error = render_body(template, fields)
    assert error is not None  # the limit fired (or the sandbox refused); the default template was used
    assert fields["tracking_code"] in body  # the default template, from the same fields
    assert repr(fields) == before
