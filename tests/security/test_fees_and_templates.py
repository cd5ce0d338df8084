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
