"""Certificate templates run under the same limits as BPMN scripts (engine.sandbox.SandboxLimits): wall
time, memory growth and the size of any value built, on top of Jinja2's immutable sandbox (no attribute
tricks, no mutation of the fields passed in).

Time and memory are watched by a tracer over every Python frame the rendering runs (the template's own
code and the filters it calls); sizes are checked before a value is built: `*` and `**` are intercepted,
and every call or filter given a number larger than `max_size` (a width, a repeat count) is refused, so
`"x" * 10**9` or `"x"|center(10**9)` never allocates.
"""
from __future__ import annotations

import sys
from time import perf_counter

from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine.sandbox import SandboxLimits
from engine.sandbox._runtime import rss_bytes

_MB = 1024 * 1024


class TemplateLimit(Exception):
    """A certificate template exceeded a limit: `code` is timeout, memory or size."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code


def _check_number(value, limits: SandboxLimits) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > limits.max_size:
        raise TemplateLimit("size", f"a number larger than {limits.max_size} cannot size a value")


def _check_result(value, limits: SandboxLimits):
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > limits.max_size:
        raise TemplateLimit("size", f"a value longer than {limits.max_size} was built")
    return value


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the size guards of the script sandbox."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, limits: SandboxLimits | None = None, **options):
        super().__init__(**options)
        self.limits = limits or SandboxLimits()

    def call_binop(self, context, operator, left, right):
        limits = self.limits
        if operator == "**":
            _check_number(right, limits)
            if isinstance(left, int | float) and isinstance(right, int) and abs(right) > 64 and abs(left) > 1:
                raise TemplateLimit("size", "a power this large is not allowed")
        if operator == "*":
            for side, other in ((left, right), (right, left)):
                if isinstance(side, str | bytes | list | tuple) and isinstance(other, int) \
                        and len(side) * max(other, 0) > limits.max_size:
                    raise TemplateLimit("size", f"a value longer than {limits.max_size} would be built")
        return _check_result(super().call_binop(context, operator, left, right), limits)

    def getattr(self, obj, attribute):
        # str.format reaches the template as a wrapped function: check its widths where it is looked up
        if isinstance(obj, str) and attribute in ("format", "format_map", "center", "ljust", "rjust", "zfill",
                                                  "expandtabs") and any(len(run) > 6 for run in _digit_runs(obj)):
            raise TemplateLimit("size", "a format width this large is not allowed")
        return super().getattr(obj, attribute)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja2's signature
        for value in (*args, *kwargs.values()):
            _check_number(value, __self.limits)
        result = ImmutableSandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        return _check_result(result, __self.limits)


def _digit_runs(text: str):
    run = ""
    for ch in text[:10_000]:
        if ch.isdigit():
            run += ch
        else:
            if run:
                yield run
            run = ""
    if run:
        yield run


def guard_filters(env: LimitedEnvironment) -> None:
    """Wrap every filter: numbers above max_size refused before the call, long results after."""
    for name, func in list(env.filters.items()):
        env.filters[name] = _guarded(func, env.limits)


def _guarded(func, limits: SandboxLimits):
    import functools

    from jinja2.utils import _PassArg

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for value in (*args, *kwargs.values()):
            _check_number(value, limits)
            if isinstance(value, str) and func.__name__ in ("do_format", "format") \
                    and any(len(run) > 6 for run in _digit_runs(value)):
                raise TemplateLimit("size", "a format width this large is not allowed")
        return _check_result(func(*args, **kwargs), limits)

    passing = _PassArg.from_obj(func)
    if passing is not None:
        wrapper.jinja_pass_arg = passing
    return wrapper


def render_limited(env: LimitedEnvironment, template_text, context: dict) -> str:
    """Render `template_text` (source text, or a Template `env` compiled) with `context` under env.limits.
    Raises TemplateLimit, or the template's own errors (TemplateError, TypeError, ...)."""
    limits = env.limits
    # parsing is bounded by the template size limit
    template = env.from_string(template_text) if isinstance(template_text, str) else template_text
    deadline = perf_counter() + limits.time_seconds
    baseline = rss_bytes()
    state = {"events": 0}

    def trace(frame, event, arg):
        state["events"] += 1
        if perf_counter() > deadline:
            raise TemplateLimit("timeout", f"the template ran longer than {limits.time_seconds:g} s")
        if not state["events"] & 255 and rss_bytes() - baseline > limits.max_memory_mb * _MB:
            raise TemplateLimit("memory", f"the template used more than {limits.max_memory_mb} MB")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        out = template.render(**context)
    finally:
        sys.settrace(previous)
    return _check_result(out, limits)
