"""Which actions a clerk is offered on a task: an action the platform offers must do what it says.

Complete is always offered. Return and Reject are offered when the task's form has a `decision` choice with
that value AND a condition between the task and the next person's task reads `decision` (the runtime sets
decision to "return" or "reject"; only such a condition sends the case back or to a refusal end). Upload
refuses a new version where they would be ignored (route.decision_unread); versions published before that
rule still exist, so the runtime checks the stored BPMN too: the API's task actions, the staff task page and
engine.runtime.commands.complete_task all ask here.
"""
from __future__ import annotations

DECIDED = ("return", "reject")  # the actions only a condition reading `decision` honours


def unread_decisions(bpmn: dict[str, str], definition: dict) -> frozenset[str]:
    """Ids of the tasks with a decision field whose decision no condition reads before the next person's
    task (engine.catalogue.routes._decision_read over the stored, translated BPMN)."""
    from engine.catalogue.bpmn import read_document
    from engine.catalogue.routes import _decision_read, merged

    forms = definition.get("forms") or {}
    deciding = {tid for tid, task in (definition.get("tasks") or {}).items()
                if any(f.get("name") == "decision" for f in (forms.get(task.get("form") or "") or {}).get("fields", []))}
    if not deciding:
        return frozenset()
    docs = [read_document(text.encode("utf-8"), name, []) for name, text in sorted(bpmn.items())
            if name.endswith(".bpmn")]
    by_id, flows = merged([d for d in docs if d is not None])
    return frozenset(tid for tid in deciding if tid in by_id and not _decision_read(tid, by_id, flows))


def offered(version_id: int, bpmn_id: str, form: dict | None) -> list[str]:
    """The actions of the task `bpmn_id` of the published version `version_id` with form `form`: "complete",
    then "return" and "reject" where the form offers them and the process honours them (which tasks do not is
    found once per version, with its parsed specs: engine.runtime.specs.compiled)."""
    from engine.runtime.specs import compiled

    decision = next((f for f in (form or {}).get("fields", []) if f.get("name") == "decision"), None)
    choices = [c["value"] for c in (decision or {}).get("choices", [])]
    wanted = [a for a in DECIDED if a in choices]
    if wanted and bpmn_id in compiled(version_id).unread_decisions:
        wanted = []
    return ["complete", *wanted]


def ignored_choices(version_id: int, bpmn_id: str, form: dict | None) -> set[str]:
    """Decision values the form lists that the process would ignore (return/reject where nothing reads
    `decision`): not shown, and refused when sent."""
    decision = next((f for f in (form or {}).get("fields", []) if f.get("name") == "decision"), None)
    choices = {c["value"] for c in (decision or {}).get("choices", [])}
    return (choices & set(DECIDED)) - set(offered(version_id, bpmn_id, form))
