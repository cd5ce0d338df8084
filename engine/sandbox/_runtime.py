"""Dynamic half of the sandbox: time / memory / recursion tracker, environment and script engine."""
from __future__ import annotations

import datetime as _dt
import logging
import os
import sys
from time import perf_counter

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from ._errors import SANDBOX_FILENAME, SandboxAbort, SandboxLimits, ScriptError, sandbox_line, set_current_run
from ._guards import SAFE_GLOBALS, Guards, _traced_iter, is_defined_in, weight
from ._static import check_source, compile_source

log = logging.getLogger(__name__)
_TRACED_ITER_CODE = _traced_iter.__code__

_MB = 1024 * 1024
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_statm = {"pid": None, "fd": None}


def rss_bytes() -> int:
    """Current resident set size of this process (Linux /proc; falls back to peak RSS)."""
    pid = os.getpid()
    if _statm["pid"] != pid:            # first use, or we were forked: /proc/self was resolved at open
        try:
            _statm["fd"] = os.open(f"/proc/{pid}/statm", os.O_RDONLY)
        except OSError:
            _statm["fd"] = None
        _statm["pid"] = pid
    fd = _statm["fd"]
    if fd is not None:
        return int(os.pread(fd, 128, 0).split()[1]) * _PAGE
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _frame_line(frame):
    while frame is not None:
        if frame.f_code.co_filename == SANDBOX_FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


class _Run:
    """Per-execution limit tracker installed with sys.settrace (per thread)."""

    __slots__ = ("deadline", "mem_limit", "max_depth", "depth", "events", "error", "limits")

    def __init__(self, limits: SandboxLimits):
        self.limits = limits
        self.mem_limit = None                      # baseline RSS read lazily (first check)
        self.max_depth = limits.max_depth
        self.depth = 0
        self.events = 0
        self.error = None
        self.deadline = perf_counter() + limits.time_seconds

    def stop(self, code, detail, line):
        if self.error is None:
            where = f"line {line}: " if line else ""
            self.error = ScriptError(code, where + detail, line)
        raise SandboxAbort(self.error)

    def check_memory(self, frame=None):
        rss = rss_bytes()
        if self.mem_limit is None:
            self.mem_limit = rss + self.limits.max_memory_mb * _MB
        elif rss > self.mem_limit:
            line = _frame_line(frame) if frame is not None else sandbox_line()
            self.stop("memory", f"script used more than {self.limits.max_memory_mb} MB of memory", line)

    def _tick(self, frame):
        if self.error is not None:
            raise SandboxAbort(self.error)
        if perf_counter() > self.deadline:
            self.stop("timeout", f"script ran longer than {self.limits.time_seconds:g} s",
                      _frame_line(frame))
        if not self.events & 63:
            self.check_memory(frame)

    def global_trace(self, frame, event, arg):   # event == 'call' (also generator resumes)
        code = frame.f_code
        if code.co_filename != SANDBOX_FILENAME:
            if code is _TRACED_ITER_CODE and self.error is None:   # big range(): every step counts
                self.events += 1
                self._tick(frame)
            return None                             # other helpers are bounded by the size guards
        self.events += 1
        self._tick(frame)
        self.depth += 1
        if self.depth > self.max_depth:
            self.stop("recursion", f"call depth exceeded {self.max_depth} (runaway recursion?)",
                      frame.f_lineno)
        return self.local_trace

    def local_trace(self, frame, event, arg):
        if event == "line":
            self.events += 1
            if not self.events & 3:
                self._tick(frame)
        elif event == "return":
            self.depth -= 1
        return self.local_trace


def _runtime_error(exc: Exception, limits: SandboxLimits) -> ScriptError:
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SANDBOX_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    if weight(exc.args, 10_000) > 10_000:
        message = "(message too large to show)"
    else:
        message = str(exc)
        if len(message) > 500:
            message = message[:500] + "..."
    where = f"line {line}: " if line else ""
    if isinstance(exc, RecursionError):
        return ScriptError("recursion", f"{where}maximum recursion depth exceeded", line)
    if isinstance(exc, MemoryError):
        return ScriptError("memory", f"{where}out of memory", line)
    return ScriptError("runtime", f"{where}{type(exc).__name__}: {message}", line)


_NoneType = type(None)
STORABLE_SCALARS = frozenset({str, int, float, bool, _NoneType, _dt.datetime, _dt.timedelta})
_KEY_TYPES = frozenset({str, int, float, bool, _NoneType})


def storable(value, scalars=STORABLE_SCALARS) -> bool:
    """True if value is JSON-like data (plus the given scalar types) that task data can hold."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        v = stack.pop()
        t = type(v)
        if t is list or t is tuple or t is dict:
            if id(v) in seen:
                continue
            seen.add(id(v))
            if t is dict:
                for k in v:
                    if type(k) not in _KEY_TYPES:
                        return False
                stack.extend(v.values())
            else:
                stack.extend(v)
        elif t not in scalars:
            return False
        elif t is int and v.bit_length() > 14_000:    # json would refuse > 4300 digits
            return False
    return True


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that validates, rewrites and time/memory-bounds scripts."""

    storable_scalars = STORABLE_SCALARS

    def __init__(self, limits: SandboxLimits | None = None, extra_globals: dict | None = None):
        self.limits = limits or SandboxLimits()
        self.guards = Guards(self.limits)
        env_globals = dict(SAFE_GLOBALS)
        env_globals.update(extra_globals or {})
        super().__init__(env_globals)
        self._reserved = {"__builtins__": self.guards.builtins(), **self.guards.namespace()}

    # --- namespace -----------------------------------------------------------------------------
    def _namespace(self, context, external_context):
        g = self.globals.copy()
        if external_context:
            g.update(external_context)
        g.update(context)
        g.update(self._reserved)
        g["is_defined"] = is_defined_in(context, external_context)  # after the data: a datum cannot shadow it
        return g

    def _run(self, code, g, simple, mode):
        err = None
        result = None
        if simple:      # no calls, loops or lambdas: guarded operators are enough, skip the tracer
            try:
                result = eval(code, g)
            except SandboxAbort as abort:
                err = abort.error
            except Exception as exc:
                err = _runtime_error(exc, self.limits)
                err.__cause__ = exc.with_traceback(None)
            if err is not None:
                raise err
            return result
        run = _Run(self.limits)
        prev_run = set_current_run(run)
        prev_trace = sys.gettrace()
        sys.settrace(run.global_trace)
        try:
            result = eval(code, g) if mode == "eval" else exec(code, g)
        except SandboxAbort as abort:
            err = abort.error
        except Exception as exc:
            err = _runtime_error(exc, self.limits)
            err.__cause__ = exc.with_traceback(None)
        finally:
            sys.settrace(prev_trace)
            set_current_run(prev_run)
        if err is None and run.error is not None:   # a limit fired but something swallowed it
            err = run.error
        if err is not None:
            if err.code != "runtime":
                g.clear()                           # free whatever the script built, now
            raise err
        return result

    # --- BasePythonScriptEngineEnvironment -----------------------------------------------------
    def evaluate(self, expression, context, external_context=None):
        code, simple = compile_source(expression, "eval")
        return self._run(code, self._namespace(context, external_context), simple, "eval")

    def execute(self, script, context, external_context=None):
        code, _simple = compile_source(script, "exec")
        external_context = external_context or {}
        g = self._namespace(context, external_context)
        before = weight(context, 1 << 40)
        self._run(code, g, False, "exec")
        updated = {}
        for key, value in g.items():
            if key in context and context[key] is value:
                updated[key] = value                # untouched task data stays as it was
                continue
            if key in self._reserved or key.startswith("__"):
                continue
            if key not in context and (self.globals.get(key, self) is value
                                       or external_context.get(key, self) is value):
                continue                            # a global / external helper, not data
            if callable(value) or not storable(value, self.storable_scalars):
                log.debug("sandbox: dropping non-storable variable %r (%s)", key, type(value).__name__)
                continue
            updated[key] = value
        allowed = before + self.limits.max_size
        size = weight(updated, allowed)
        if size > allowed:
            raise ScriptError("memory", f"script grew task data by more than {self.limits.max_size:,} "
                                        "elements/characters (or made it self-referencing)")
        context.clear()
        context.update(updated)
        return True

    def call_service(self, context, **kwargs):
        raise ScriptError("forbidden", "service calls are not available to sandboxed scripts")


def _script_error_of(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ScriptError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class SandboxScriptEngine(PythonScriptEngine):
    """PythonScriptEngine whose WorkflowTaskExceptions expose the ScriptError as ``.exception``
    (and ``__cause__``) and carry its line number."""

    def validate(self, expression):
        super().validate(expression)        # SyntaxError, as DMN expects
        problems = check_source(expression, "eval")
        if problems:
            raise ScriptError("forbidden", "; ".join(problems))

    def _wrap(self, call, *args):
        try:
            return call(*args)
        except WorkflowTaskException as wte:
            err = _script_error_of(wte)
            if err is not None:
                wte.exception = err
                wte.__cause__ = err
                if err.detail not in str(wte):
                    wte.add_note(err.detail)
            raise

    def evaluate(self, task, expression, external_context=None):
        return self._wrap(super().evaluate, task, expression, _with_loop_variables(task, external_context))

    def execute(self, task, script, external_context=None):
        return self._wrap(super().execute, task, script, _with_loop_variables(task, external_context))

    def get_error_line_number_and_content(self, script, err):
        if isinstance(err, ScriptError):
            lines = script.splitlines()
            if err.line and 0 < err.line <= len(lines):
                return err.line, lines[err.line - 1]
            return 0, ""
        return super().get_error_line_number_and_content(script, err)


# Camunda 7 and Camunda 8 (Zeebe) name the counters of a multi-instance activity differently; both are given.
# FEEL's 1-based `loopCounter` is translated to `(loopCounter + 1)` by engine.expressions.
MI_VARIABLES = ("nrOfInstances", "nrOfActiveInstances", "nrOfCompletedInstances", "loopCounter",
                "numberOfInstances", "numberOfActiveInstances", "numberOfCompletedInstances")


def loop_variables(task) -> dict | None:
    """The multi-instance built-ins of one instance of a multi-instance activity, or None for any other task.

    `task` is a SpiffWorkflow task; SpiffWorkflow evaluates a completion condition on the instance that just
    completed, whose parent is the multi-instance task. Returns {name: int}: instances (created, plus those a
    sequential activity has still to create), active (created and not finished, the evaluated one excluded once
    it is finished), completed (merged into the parent) and loopCounter (0-based position of this instance).
    Task data of the same name wins (engine.sandbox evaluates task data over these).
    """
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import (
        MultiInstanceTask,
        SequentialMultiInstanceTask,
    )
    from SpiffWorkflow.util.task import TaskState

    parent = getattr(task, "parent", None)
    spec = getattr(parent, "task_spec", None)
    if not isinstance(spec, MultiInstanceTask) or task.task_spec.name != spec.task_spec:
        return None
    instances = list(spec._instances(parent))
    completed = len(parent.internal_data.get("merged", []))
    if isinstance(spec, SequentialMultiInstanceTask):
        cardinality = parent.internal_data.get("cardinality")
        total = cardinality if cardinality is not None else \
            len(instances) + len(parent.internal_data.get("remaining", []))
    else:
        total = len(instances)
    active = sum(1 for child in instances if not child.has_state(TaskState.FINISHED_MASK))
    counter = next((i for i, child in enumerate(instances) if child is task), 0)
    return {"nrOfInstances": total, "nrOfActiveInstances": active, "nrOfCompletedInstances": completed,
            "numberOfInstances": total, "numberOfActiveInstances": active, "numberOfCompletedInstances": completed,
            "loopCounter": counter}


def _with_loop_variables(task, external_context):
    values = loop_variables(task)
    if not values:
        return external_context
    return {**values, **(external_context or {})}


def create_script_engine(limits: SandboxLimits | None = None, extra_globals: dict | None = None):
    """Return a SpiffWorkflow PythonScriptEngine using SandboxEnvironment."""
    return SandboxScriptEngine(environment=SandboxEnvironment(limits, extra_globals))
