"""Defects a third fresh designer review found (rev12c): routes, offered actions, timers and task names.

Each scenario of tests/designer/data/review12c/ is the reviewer's upload, validated as a designer uploads it.
- An answer of the citizen (a choice, yes/no) for which a gateway has no route and no default flow was
  accepted: the case got stuck at run time on an answer no clerk can change (route.no_route_answer).
- A task form offering Reject where no condition reads `decision` was only a warning: the Reject was recorded
  and the case went on to a certificate (route.decision_unread is now an error when it ignores return or
  reject); a bare upload's generated form offered Reject on a task nothing routes by decision.
- `"P" + str(wait_days) + "D"` was refused as if it were a quoted ISO literal; `3 days` got a Python hint; the
  Lao messages carried the English parser's words.
- Task names were the form's title ("Confirm that this work is done" on every manual task).
"""
from __future__ import annotations

import re

import yaml

from engine.catalogue.problems import problem
from engine.designer.service import receive_upload
from engine.designer.upload import collect
from engine.designer.validate import validate
from tests.designer.designer_helpers import DATA, actor, scenario_files

LAO = re.compile("[\u0e80-\u0eff]")
ASCII_WORDS = re.compile(r"\b(syntax|invalid|error|valid|duration|is not)\b", re.I)


def _report(app, name: str, edit=None):
    files = scenario_files(f"review12c/{name}")
    if edit:
        files = [(n, edit(n, d.decode("utf-8")).encode("utf-8")) for n, d in files]
    with app.app_context():
        return validate(collect(files))


def _codes(report) -> list[tuple]:
    return [(p["code"], p["element"], p["severity"]) for p in report.problems]


# ---- 1: an answer without a route -----------------------------------------------------------------------

def test_a_choice_or_yes_no_answer_without_a_route_is_refused_naming_gateway_and_answers(app):
    report = _report(app, "rv26_no_route_app")
    found = [p for p in report.errors if p["code"] == "route.no_route_answer"]
    assert sorted(p["element"] for p in found) == ["Gateway_Kind", "Gateway_Needs"], _codes(report)
    kind = next(p for p in found if p["element"] == "Gateway_Kind")
    needs = next(p for p in found if p["element"] == "Gateway_Needs")
    assert "kind = farm" in kind["messages"]["en"] and "kind = farm" in kind["messages"]["lo"]
    assert "needs_land = no, needs_works = no" in needs["messages"]["en"]
    assert "needs_land = ບໍ່, needs_works = ບໍ່" in needs["messages"]["lo"]
    for item in found:
        assert item["line"] and item["file"].endswith("noroute.bpmn")
        assert LAO.search(item["messages"]["lo"]) and LAO.search(item["hints"]["lo"]) and item["hints"]["en"]


def test_the_same_gateways_with_a_route_for_every_answer_are_accepted(app):
    def routed(name, text):
        if name.endswith(".bpmn"):
            text = text.replace('<bpmn:exclusiveGateway id="Gateway_Kind" />',
                                '<bpmn:exclusiveGateway id="Gateway_Kind" default="Flow_Home" />')
            text = text.replace("${needs_works}", "${needs_works or not needs_land}")
        return text

    report = _report(app, "rv26_no_route_app", routed)
    assert not [p for p in report.problems if p["code"] == "route.no_route_answer"], _codes(report)


def test_a_gateway_reading_a_name_that_is_not_enumerable_is_not_judged(app):
    def text_kind(name, text):
        if name == "forms/rv26_app.yaml":
            text = text.replace("- name: kind\n  type: choice", "- name: kind\n  type: text\n  max_length: 20")
        return text

    report = _report(app, "rv26_no_route_app", text_kind)
    found = [p["element"] for p in report.problems if p["code"] == "route.no_route_answer"]
    assert found == ["Gateway_Needs"], _codes(report)


# ---- 2: an action offered but not honoured --------------------------------------------------------------

def test_a_reject_no_condition_reads_is_refused_at_its_task(app):
    report = _report(app, "rv36_decision_unread")
    found = [p for p in report.problems if p["code"] == "route.decision_unread"]
    assert [(p["element"], p["severity"]) for p in found] == [("Activity_Approve", "error")], _codes(report)
    assert "a Reject would be recorded" in found[0]["messages"]["en"] and "reject" in found[0]["hints"]["en"]
    assert LAO.search(found[0]["hints"]["lo"])
    assert not report.ok


def test_an_unread_decision_without_return_or_reject_stays_a_warning(app):
    def no_reject(name, text):
        if name == "forms/rv36_dec.yaml":
            text = text.replace("value: reject", "value: later")
        return text

    report = _report(app, "rv36_decision_unread", no_reject)
    found = [p for p in report.problems if p["code"] == "route.decision_unread"]
    assert [(p["element"], p["severity"]) for p in found] == [("Activity_Approve", "warning")], _codes(report)
    assert report.ok, _codes(report)


def test_a_bare_upload_gets_a_decision_form_only_where_a_gateway_reads_decision(app):
    with app.app_context():
        report, draft = receive_upload([("rv29.bpmn", (DATA / "review12c/rv29_bare/rv29.bpmn").read_bytes())],
                                       actor("designer"))
        assert draft is not None and report.ok, _codes(report)
        forms = {k: yaml.safe_load(v) for k, v in draft.forms.items()}
    stamp = next(f for f in forms.values() if f["title"]["en"] == "Stamp")
    assert "decision" not in [f["name"] for f in stamp["fields"]], stamp
    assert not [p for p in report.problems if p["code"] == "route.decision_unread"], _codes(report)


# ---- 3: timers ------------------------------------------------------------------------------------------

def test_a_timer_expression_between_quotes_is_an_expression_not_a_quoted_literal(app):
    from engine.designer import dryrun

    report = _report(app, "rv18_timer_expr")
    assert not [p for p in report.problems if p["code"].startswith("timer.")], _codes(report)
    assert report.ok, _codes(report)
    with app.app_context():  # the dry run names the timer as written, not with its outer quotes cut off
        result = dryrun.run(report.bundle.definition, report.bundle.bpmn, {})
    timers = [s["timer"] for s in result.steps if s.get("timer")]
    assert timers == ['"P" + str(wait_days) + "D"'], result.steps


def _with_timer(expression: str):
    def edit(name, text):
        if name.endswith(".bpmn"):
            text = text.replace('"P" + str(wait_days) + "D"', expression)
        return text
    return edit


def test_a_timer_that_is_neither_iso_nor_an_expression_is_a_timer_finding_with_the_iso_hint(app):
    report = _report(app, "rv18_timer_expr", _with_timer("3 days"))
    found = [p for p in report.errors if p["element"] == "Event_Wait"]
    assert [p["code"] for p in found] == ["timer.invalid"], _codes(report)
    assert "P3D" in found[0]["hints"]["en"] and "P3D" in found[0]["hints"]["lo"]
    assert "decision ==" not in found[0]["hints"]["en"]
    assert not ASCII_WORDS.search(found[0]["messages"]["lo"].replace("ISO 8601", "")), found[0]["messages"]["lo"]


def test_lao_timer_and_syntax_findings_give_a_lao_reason(app):
    report = _report(app, "rv18_timer_expr", _with_timer("'P3X'"))
    [found] = [p for p in report.errors if p["code"] == "timer.invalid"]
    assert "is not a valid ISO 8601" in found["messages"]["en"]
    assert not ASCII_WORDS.search(found["messages"]["lo"].replace("ISO 8601", "")), found["messages"]["lo"]
    assert LAO.search(found["messages"]["lo"].split(":", 1)[-1])

    def bad_condition(name, text):
        if name.endswith(".bpmn"):
            text = text.replace("${kind == 'shop'}", "kind = = 'shop'")
        return text

    [syntax] = [p for p in _report(app, "rv26_no_route_app", bad_condition).errors if p["code"] == "expr.syntax"]
    assert "syntax error" in syntax["messages"]["en"] and "decision ==" in syntax["hints"]["en"]
    assert not ASCII_WORDS.search(syntax["messages"]["lo"]), syntax["messages"]["lo"]


def test_a_bilingual_parameter_fills_each_language_with_its_own_text():
    found = problem("timer.invalid", "x.bpmn", 1, "T", expression="P3X", reason={"lo": "ລາວ", "en": "english"})
    assert found.messages["lo"].endswith("ລາວ") and found.messages["en"].endswith("english")
    assert found.params["reason"] == "english"


# ---- 4: task names --------------------------------------------------------------------------------------

def test_a_task_is_named_by_its_label_then_its_bpmn_name_then_its_form_title(app):
    from engine.catalogue.services import task_label

    form = {"title": {"lo": "ແບບຟອມ", "en": "Form"}}
    service = {"labels": {"T1": {"lo": "ປ້າຍ", "en": "Label"}}}
    assert task_label(service, "T1", "Check", form)["en"] == "Label"
    assert task_label(service, "T2", "Check", form) == {"lo": "Check", "en": "Check"}
    assert task_label(service, "T2", "  ", form)["en"] == "Form"
    assert task_label(service, "T2", None, None) == {"lo": "T2", "en": "T2"}

    def routed(name, text):
        if name.endswith(".bpmn"):
            text = text.replace('<bpmn:exclusiveGateway id="Gateway_Kind" />',
                                '<bpmn:exclusiveGateway id="Gateway_Kind" default="Flow_Home" />')
            text = text.replace('<bpmn:inclusiveGateway id="Gateway_Needs" />',
                                '<bpmn:inclusiveGateway id="Gateway_Needs" default="Flow_Works" />')
        return text

    report = _report(app, "rv26_no_route_app", routed)
    assert report.ok, _codes(report)
    tasks = report.bundle.definition["tasks"]  # one form (rv26_note) serves all four tasks
    assert {t: tasks[t]["name"]["en"] for t in tasks} == {"Activity_Reg": "Register", "Activity_Shop": "Shop",
                                                         "Activity_Home": "Home", "Activity_Land": "Land",
                                                         "Activity_Works": "Works"}


def test_a_decision_read_by_a_gateway_after_the_subprocess_that_holds_the_task_is_read(app):
    """The way from a task inside an embedded subprocess goes on after the subprocess: a gateway there that
    reads `decision` honours the task's Reject (not refused, and not offered as ignored at run time)."""
    def wrapped(name, text):
        if name.endswith(".bpmn"):
            text = text.replace(
                '<bpmn:userTask id="Activity_Approve" name="Approve" camunda:formKey="rv36_dec" '
                'camunda:candidateGroups="approver"></bpmn:userTask>',
                '<bpmn:subProcess id="Sub_Approve" name="Approval"><bpmn:startEvent id="Sub_Start" />'
                '<bpmn:userTask id="Activity_Approve" name="Approve" camunda:formKey="rv36_dec" '
                'camunda:candidateGroups="approver"></bpmn:userTask><bpmn:endEvent id="Sub_End" />'
                '<bpmn:sequenceFlow id="Sub_F1" sourceRef="Sub_Start" targetRef="Activity_Approve" />'
                '<bpmn:sequenceFlow id="Sub_F2" sourceRef="Activity_Approve" targetRef="Sub_End" />'
                '</bpmn:subProcess><bpmn:exclusiveGateway id="Gateway_D" default="Flow_2" />'
                '<bpmn:endEvent id="Event_Rejected" name="Rejected" />'
                '<bpmn:sequenceFlow id="Flow_No" sourceRef="Gateway_D" targetRef="Event_Rejected">'
                '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">decision == \'reject\''
                '</bpmn:conditionExpression></bpmn:sequenceFlow>'
                '<bpmn:sequenceFlow id="Flow_ToGw" sourceRef="Sub_Approve" targetRef="Gateway_D" />')
            text = text.replace('targetRef="Activity_Approve" />\n', 'targetRef="Sub_Approve" />\n', 1)
            text = text.replace('sourceRef="Activity_Approve" targetRef="Activity_Hand"',
                                'sourceRef="Gateway_D" targetRef="Activity_Hand"')
        if name == "service.yaml":
            text = text.replace("- id: completed\n", "- id: rejected\n  elements:\n  - Event_Rejected\n  label:\n"
                                "    lo: ຖືກປະຕິເສດ\n    en: Rejected\n- id: completed\n")
        return text

    report = _report(app, "rv36_decision_unread", wrapped)
    assert not [p for p in report.problems if p["code"] == "route.decision_unread"], _codes(report)
    assert report.ok, _codes(report)
