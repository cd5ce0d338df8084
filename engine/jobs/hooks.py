"""Hooks the runtime calls inside a command's transaction (engine.runtime.commands._finish)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=512)
def _can_wait(version_id: int, spec) -> bool:
    """Whether a service version has any timer or service task; most services have neither."""
    from SpiffWorkflow.bpmn.specs.defaults import ServiceTask
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

    def waits(task_spec) -> bool:
        if isinstance(task_spec, ServiceTask):
            return True
        definition = getattr(task_spec, "event_definition", None)
        nested = getattr(definition, "event_definitions", None) or [definition]
        return any(isinstance(d, TimerEventDefinition) for d in nested)

    specs = [spec]
    return any(waits(ts) for s in specs for ts in s.task_specs.values())


def after_step(app, service, workflow) -> None:
    """After every engine step: register due timers and pending service tasks of the application."""
    from engine import timers

    if not service.subprocess_specs and not _can_wait(service.version_id, service.spec):
        return
    timers.sync(app, service, workflow)
