"""Hooks the runtime calls inside a command's transaction (engine.runtime.commands._finish)."""
from __future__ import annotations


def after_step(app, service, workflow) -> None:
    """After every engine step: register due timers and pending service tasks of the application."""
    from engine import timers

    timers.sync(app, service, workflow)
