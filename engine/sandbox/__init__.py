"""Sandboxed script engine for BPMN script tasks and gateway conditions (untrusted process designs).

Layers: static AST check (imports, dunders, introspection attributes, dangerous builtins ...) ->
AST rewrite routing size-producing operations through guard helpers -> execution with a
whitelisted builtins dict under a per-thread sys.settrace tracker enforcing wall time, RSS growth
and call depth. Limit violations raise an internal BaseException the script cannot catch.
"""
from ._errors import SandboxLimits, ScriptError
from ._runtime import SandboxEnvironment, SandboxScriptEngine, create_script_engine
from ._static import check_source

__all__ = [
    "ScriptError", "SandboxLimits", "check_source", "SandboxEnvironment", "SandboxScriptEngine",
    "create_script_engine",
]
