"""Error and limit types shared by the sandbox modules."""
from __future__ import annotations

import sys
import threading
from dataclasses import dataclass

SANDBOX_FILENAME = "<sandbox>"

CODES = ("forbidden", "timeout", "memory", "recursion", "runtime")


class ScriptError(Exception):
    """A script or expression broke a sandbox rule or failed.

    ``code`` is one of 'forbidden' (static check), 'timeout', 'memory', 'recursion', 'runtime';
    ``detail`` is a human message naming the construct and line; ``line`` the 1-based line or None.
    """

    def __init__(self, code: str, detail: str, line: int | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.line = line

    def __str__(self) -> str:
        return self.detail

    def __repr__(self) -> str:
        return f"ScriptError({self.code!r}, {self.detail!r}, line={self.line!r})"

    def __reduce__(self):
        return (ScriptError, (self.code, self.detail, self.line))


class SandboxAbort(BaseException):
    """Raised inside sandboxed code when a limit is hit.

    It derives from BaseException and is never exposed to scripts, so ``except Exception`` in a
    script cannot swallow it; bare ``except:`` / ``finally`` / ``except BaseException`` are rejected
    by the static check, and the runner re-checks the recorded failure after the script returns.
    """

    def __init__(self, error: ScriptError):
        super().__init__(error.detail)
        self.error = error


@dataclass(frozen=True)
class SandboxLimits:
    time_seconds: float = 1.0        # wall-clock budget per evaluate()/execute()
    max_size: int = 1_000_000        # max elements / chars of any single value built by a guarded operation
    max_memory_mb: int = 64          # max RSS growth of the process while the script runs
    max_depth: int = 100             # max nesting of sandboxed Python frames (recursion)

    @property
    def max_int_bits(self) -> int:
        return self.max_size


def abort(code: str, detail: str, line: int | None = None):
    """Raise the uncatchable SandboxAbort carrying a ScriptError."""
    raise SandboxAbort(ScriptError(code, detail, line))


# --- per-thread link from guard helpers to the running limit tracker ---------------------------

_tls = threading.local()


def current_run():
    return getattr(_tls, "run", None)


def set_current_run(run):
    prev = getattr(_tls, "run", None)
    _tls.run = run
    return prev


def sandbox_line() -> int | None:
    """Line number of the innermost sandboxed frame on this thread's stack (for error messages)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == SANDBOX_FILENAME:
            return frame.f_lineno
        frame = frame.f_back
    return None


def fail(code: str, detail: str):
    """Abort the running script from a guard helper, naming the script line."""
    line = sandbox_line()
    where = f"line {line}: " if line else ""
    abort(code, where + detail, line)
