"""Issue 12, validator side: what the platform cannot run is refused at upload, precisely, in Lao and English.

Each test uploads a variant of the Camunda Modeler scenario through the designer API (as a designer would) and
checks the refusal a designer reads: the code, the file, the line, the element id, a hint, both languages.
"""
from __future__ import annotations

import io
import re

import pytest

from engine.catalogue.support import EVENT_TAGS, REFUSED, TABLE
from engine.designer.upload import collect
from engine.designer.validate import validate
from tests.designer.designer_helpers import scenario_files

PASSWORD = "demo-pass-2026"
LAO = re.compile("[\u0e80-\u0eff]")


def _token(client, username: str = "designer") -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    assert response.status_code == 201, response.data
    return {"Authorization": f"Bearer {response.get_json()['access_token']}", "Accept-Language": "en"}


def _files(bpmn_edit=None, yaml_edit=None, extra: dict | None = None) -> list[tuple[str, bytes]]:
    out = []
    for name, data in scenario_files("camunda_modeler"):
        if name.endswith(".bpmn") and bpmn_edit:
            data = bpmn_edit(data.decode("utf-8")).encode("utf-8")
        if name == "service.yaml" and yaml_edit:
            data = yaml_edit(data.decode("utf-8")).encode("utf-8")
        out.append((name, data))
    out.extend((extra or {}).items())
    return out


def _upload(client, files):
    data = {"files": [(io.BytesIO(content), name.rsplit("/", 1)[-1]) for name, content in files]}
    return client.post("/api/v1/designer/uploads", data=data, headers=_token(client),
                       content_type="multipart/form-data")


def _refused(client, files, code: str) -> list[dict]:
    response = _upload(client, files)
    assert response.status_code == 422, response.data
    found = [p for p in response.get_json()["report"] if p.get("code") == code and p["severity"] == "error"]
    assert found, [(p.get("code"), p["message"]) for p in response.get_json()["report"]]
    for item in found:
        assert item["file"].endswith(".bpmn") and item["line"] and item["element"], item
        assert item["hint"] and LAO.search(item["messages"]["lo"]) and LAO.search(item["hints"]["lo"]), item
    return found


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# ---- fault 6: constructs the platform cannot drive --------------------------------------------------------

MESSAGE_CATCH = ('<bpmn:intermediateCatchEvent id="Catch_Paid" name="Payment confirmed">'
                 '<bpmn:incoming>Flow_Pay_Issue</bpmn:incoming><bpmn:outgoing>Flow_Paid_Issue</bpmn:outgoing>'
                 '<bpmn:messageEventDefinition id="Msg_Def" messageRef="Msg_Paid" /></bpmn:intermediateCatchEvent>'
                 '<bpmn:sequenceFlow id="Flow_Paid_Issue" sourceRef="Catch_Paid" targetRef="Task_Issue" />')


def _with_message_catch(text: str) -> str:
    text = text.replace('<bpmn:sequenceFlow id="Flow_Pay_Issue" sourceRef="Task_Payment" targetRef="Task_Issue" />',
                        '<bpmn:sequenceFlow id="Flow_Pay_Issue" sourceRef="Task_Payment" targetRef="Catch_Paid" />')
    text = text.replace("<bpmn:incoming>Flow_Pay_Issue</bpmn:incoming>\n      <bpmn:outgoing>Flow_Issue_End",
                        "<bpmn:incoming>Flow_Paid_Issue</bpmn:incoming>\n      <bpmn:outgoing>Flow_Issue_End")
    text = text.replace("</bpmn:process>", MESSAGE_CATCH + "\n  </bpmn:process>")
    return text.replace('<bpmn:process id="fishing_permit"', '<bpmn:message id="Msg_Paid" name="paid" />\n'
                        '  <bpmn:process id="fishing_permit"')


def test_an_intermediate_message_catch_event_is_refused_with_what_to_use_instead(app, client):
    files = _files(_with_message_catch)
    found = _refused(client, files, "bpmn.unsupported")
    item = next(p for p in found if p["element"] == "Catch_Paid")
    text = dict(files)["fishing_permit.bpmn"].decode("utf-8")
    assert item["line"] == _line_of(text, '<bpmn:intermediateCatchEvent id="Catch_Paid"')
    assert "intermediateCatchEvent" in item["message"] and "message catch event" in item["message"]
    assert "user task" in item["hint"]
    assert item["element_name"] == "Payment confirmed"


def _event_fragment(key: str) -> str:
    tag, trigger = key.split(":")
    definition = "" if trigger == "none" else (
        "<bpmn:timerEventDefinition/><bpmn:messageEventDefinition/>" if trigger == "multiple"
        else f"<bpmn:{trigger}EventDefinition/>")
    attached = ' attachedToRef="Task_Approve"' if tag == "boundaryEvent" else ""
    return f'<bpmn:{tag} id="Probe_1" name="Probe"{attached}>{definition}</bpmn:{tag}>'


REFUSED_EVENTS = [row.key for row in TABLE if row.status == REFUSED and row.key.split(":")[0] in EVENT_TAGS]
REFUSED_ELEMENTS = [row.key for row in TABLE if row.status == REFUSED and ":" not in row.key and "@" not in row.key
                    and row.key not in ("choreography", "subChoreography", "globalTask", "globalUserTask",
                                        "globalScriptTask", "globalManualTask", "globalBusinessRuleTask")]


@pytest.mark.parametrize("key", REFUSED_EVENTS + REFUSED_ELEMENTS)
def test_every_refused_row_of_the_matrix_is_refused_at_its_element(app, key):
    fragment = _event_fragment(key) if ":" in key else f'<bpmn:{key} id="Probe_1" name="Probe" />'
    files = _files(lambda text: text.replace("</bpmn:process>", fragment + "\n  </bpmn:process>"))
    with app.app_context():
        report = validate(collect(files))
    assert not report.ok
    probe = [p for p in report.errors if p["element"] == "Probe_1" and p["code"] == "bpmn.unsupported"]
    assert probe, [(p["code"], p["element"], p["message"]) for p in report.errors]
    assert probe[0]["hint"] and LAO.search(probe[0]["messages"]["lo"])


def test_an_element_outside_the_matrix_is_refused(app):
    files = _files(lambda text: text.replace("</bpmn:process>", '<bpmn:fancyTask id="Probe_1" />\n</bpmn:process>'))
    with app.app_context():
        report = validate(collect(files))
    assert [p["code"] for p in report.errors if p["element"] == "Probe_1"] == ["bpmn.unknown_element"]


def test_refused_attributes_and_extensions(app):
    def edit(text):
        text = text.replace('<bpmn:userTask id="Task_Payment"',
                            '<bpmn:userTask id="Task_Payment" isForCompensation="true"')
        return text.replace('<bpmn:userTask id="Task_Issue" name="ມອບໃບອະນຸຍາດ"',
                            '<bpmn:userTask id="Task_Issue" name="ມອບໃບອະນຸຍາດ" '
                            'camunda:delegateExpression="${issuer}"')
    with app.app_context():
        report = validate(collect(_files(edit)))
    codes = {(p["element"], p["code"]) for p in report.errors}
    assert ("Task_Payment", "bpmn.unsupported_attribute") in codes
    assert ("Task_Issue", "bpmn.unsupported_attribute") in codes


# ---- fault 2: one id in two files ------------------------------------------------------------------------

SECOND = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_Other">
  <bpmn:process id="fishing_inspection" isExecutable="false">
    <bpmn:startEvent id="Other_Start" />
    <bpmn:userTask id="Task_Approve" name="Inspect" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_the_same_element_id_in_two_files_is_refused_naming_both(app, client):
    files = _files(extra={"inspection.bpmn": SECOND.encode()})
    found = _refused(client, files, "bpmn.duplicate_id")
    item = found[0]
    main = dict(files)["fishing_permit.bpmn"].decode("utf-8")
    main_line = _line_of(main, '<bpmn:userTask id="Task_Approve"')
    assert item["element"] == "Task_Approve"
    assert f"fishing_permit.bpmn line {main_line}" in item["message"]
    assert "inspection.bpmn line 5" in item["message"]
    assert item["file"].endswith("inspection.bpmn") and item["line"] == 5


# ---- fault 4: ids the engine reserves --------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [("StartEvent_1", "Start"), ("EndEvent_Issued", "End"),
                                      ("Task_Payment", "Root"), ("Task_Issue", "fishing_permit.EndJoin"),
                                      ("Task_Check", "Task_Approve.BoundaryEventSplit")])
def test_ids_the_engine_reserves_are_refused_with_a_new_name(app, client, old, new):
    files = _files(lambda t: t.replace(f'"{old}"', f'"{new}"').replace(f">{old}<", f">{new}<"),
                   lambda y: y.replace(old, new))
    found = _refused(client, files, "bpmn.reserved_id")
    assert [p["element"] for p in found] == [new]
    assert "rename the element, e.g. to " in found[0]["hint"]


# ---- fault 5: ids longer than the database stores ----------------------------------------------------------

def test_an_id_longer_than_its_column_is_refused(app, client):
    long_id = "Task_Approve_" + "x" * 170
    files = _files(lambda t: t.replace("Task_Approve", long_id), lambda y: y.replace("Task_Approve", long_id))
    found = _refused(client, files, "bpmn.id_too_long")
    assert {p["element"] for p in found} == {long_id}
    assert "183 characters" in found[0]["message"] and "128" in found[0]["message"]


def test_an_id_at_the_limit_is_accepted_and_its_task_is_stored(app, client):
    """What is accepted can be stored: a 128-character task id reaches a clerk's inbox (PostgreSQL in CI too)."""
    from engine.db import db
    from tests.designer.designer_helpers import complete_next, ready_tasks, start

    at_limit = "Task_Approve_" + "x" * (128 - len("Task_Approve_"))
    files = _files(lambda t: t.replace("Task_Approve", at_limit), lambda y: y.replace("Task_Approve", at_limit))
    headers = _token(client)
    response = _upload(client, files)
    assert response.status_code == 201, response.data
    draft = response.get_json()["draft_id"]
    published = client.post(f"/api/v1/designer/drafts/{draft}/publish", headers=headers,
                            json={"centres": ["xaysettha"]})
    assert published.status_code == 201, published.data
    with app.app_context():
        application = start("fishing_permit")
        assert complete_next(application.id) == "Task_Check"
        db.session.expire_all()
        assert [t.bpmn_id for t in ready_tasks(application.id)] == [at_limit]


# ---- fault 7: a decision with no route ---------------------------------------------------------------------

def _no_route_for_return(text: str) -> str:
    text = text.replace('<bpmn:exclusiveGateway id="Gateway_Check" name="ຄົບບໍ?" default="Flow_Check_Approve">',
                        '<bpmn:exclusiveGateway id="Gateway_Check" name="ຄົບບໍ?">')
    text = text.replace("${decision == 'return'}", "${decision == 'resubmit'}")
    return text.replace('<bpmn:sequenceFlow id="Flow_Check_Approve" name="ຄົບ" sourceRef="Gateway_Check" '
                        'targetRef="Task_Approve" />',
                        '<bpmn:sequenceFlow id="Flow_Check_Approve" name="ຄົບ" sourceRef="Gateway_Check" '
                        'targetRef="Task_Approve"><bpmn:conditionExpression>decision == \'approve\''
                        '</bpmn:conditionExpression></bpmn:sequenceFlow>')


def test_a_decision_without_a_route_is_refused_naming_gateway_value_and_task(app, client):
    found = _refused(client, _files(_no_route_for_return), "route.no_route")
    assert [(p["element"], p["params"] if "params" in p else None) for p in found][0][0] == "Gateway_Check"
    assert len(found) == 1
    message = found[0]["message"]
    assert "Gateway_Check" in message and "decision = return" in message and "Task_Check" in message
    assert "default flow" in found[0]["hint"]


def test_a_default_flow_or_a_condition_per_value_is_a_route(app):
    def with_default(text):
        return _no_route_for_return(text).replace('<bpmn:exclusiveGateway id="Gateway_Check" name="ຄົບບໍ?">',
                                                  '<bpmn:exclusiveGateway id="Gateway_Check" name="ຄົບບໍ?" '
                                                  'default="Flow_Check_Return">')
    with app.app_context():
        assert not [p for p in validate(collect(_files(with_default))).errors if p["code"] == "route.no_route"]
        plain = validate(collect(_files()))
    assert plain.ok, plain.errors


# ---- fault 9: timer expressions are checked at upload by the runtime's parser -------------------------------

@pytest.mark.parametrize("expression, reason", [("P3X", "not a valid ISO 8601 duration"),
                                                ("2027-01-15T09:00:00", "not a valid ISO 8601 duration")])
def test_a_timer_expression_the_runtime_cannot_read_is_refused(app, client, expression, reason):
    files = _files(lambda t: t.replace(">P3D<", f">{expression}<"))
    found = _refused(client, files, "timer.invalid")
    assert found[0]["element"] == "Timer_Remind" and reason in found[0]["message"]


def test_a_zone_id_date_is_accepted_and_a_local_one_is_a_warning(app, client):
    def edit(text):
        return text.replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P3D</bpmn:timeDuration>',
                            '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">2027-01-15T09:00:00</bpmn:timeDate>')
    response = _upload(client, _files(edit))
    assert response.status_code == 201, response.data
    local = [p for p in response.get_json()["report"] if p.get("code") == "timer.local_time"]
    assert local, [(p.get("code"), p["message"]) for p in response.get_json()["report"]]
    assert local[0]["severity"] == "warning" and "Asia/Vientiane" in local[0]["message"]
    zoned = _upload(client, _files(lambda t: edit(t).replace("2027-01-15T09:00:00<",
                                                             "2027-01-15T09:00:00+07:00[Asia/Vientiane]<")))
    assert zoned.status_code == 201, zoned.data


def test_the_report_page_speaks_the_designers_language(app, designer):
    from tests.designer.designer_helpers import upload

    with designer.session_transaction() as session:
        session["lang"] = "lo"
    response = upload(designer, _files(_with_message_catch))
    assert response.status_code == 422
    page = response.data.decode("utf-8")
    assert "Catch_Paid" in page and "Payment confirmed" in page
    assert "ເຫດການລໍຖ້າຂໍ້ຄວາມ" in page  # the Lao message of the refusal
    assert "ໜ້າວຽກຜູ້ໃຊ້" in page  # and its Lao hint (use a user task)
