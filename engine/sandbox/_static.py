"""Static half of the sandbox: AST validation, AST rewriting to guarded helpers, compile cache."""
from __future__ import annotations

import ast
import functools

from ._errors import SANDBOX_FILENAME, ScriptError

FORBIDDEN_NODES = {
    ast.Import: "import statements",
    ast.ImportFrom: "import statements",
    ast.ClassDef: "class definitions",
    ast.AsyncFunctionDef: "async functions",
    ast.AsyncFor: "async for",
    ast.AsyncWith: "async with",
    ast.Await: "await",
    ast.Yield: "yield (generator functions)",
    ast.YieldFrom: "yield from",
    ast.With: "with statements",
    ast.Match: "match statements",
    ast.TryStar: "except* clauses",
}

FORBIDDEN_NAMES = frozenset({
    "open", "exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr", "delattr",
    "hasattr", "breakpoint", "input", "help", "memoryview", "dir", "super", "object", "bytearray",
    "classmethod", "staticmethod", "property", "exit", "quit", "BaseException", "SystemExit",
    "KeyboardInterrupt", "GeneratorExit", "BaseExceptionGroup", "ExceptionGroup",
})

# attributes that expose frames, code, generators internals or the class hierarchy
FORBIDDEN_ATTR_PREFIXES = ("_", "f_", "tb_", "gi_", "cr_", "ag_", "co_", "func_", "im_")
FORBIDDEN_ATTRS = frozenset({"mro", "with_traceback"})

# attribute loads rewritten to _sb_attr(obj, name) so the bound method is size-checked
GUARDED_METHODS = frozenset({
    "format", "format_map", "ljust", "rjust", "center", "zfill", "expandtabs", "join", "replace",
    "translate", "strftime", "to_bytes", "extend", "split", "rsplit", "splitlines", "encode",
})

# BinOp -> guard helper name (for both `a op b` and `a op= b`)
GUARDED_BINOPS = {
    ast.Mult: "mul", ast.Pow: "pow", ast.LShift: "lshift", ast.Add: "add",
    ast.Mod: "mod", ast.FloorDiv: "floordiv",
}

_NON_SIMPLE = (ast.Call, ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
               ast.NamedExpr)


def forbidden_attr(name: str) -> bool:
    return name.startswith(FORBIDDEN_ATTR_PREFIXES) or name in FORBIDDEN_ATTRS


def forbidden_name(name: str) -> bool:
    return (name.startswith("_") and name != "_") or name in FORBIDDEN_NAMES


class _Checker(ast.NodeVisitor):
    def __init__(self):
        self.problems: list[tuple[int, str]] = []
        self._slice_targets: set[int] = set()

    def bad(self, node, what):
        self.problems.append((getattr(node, "lineno", 0) or 0, what))

    def generic_visit(self, node):
        what = FORBIDDEN_NODES.get(type(node))
        if what:
            self.bad(node, f"{what} are not allowed")
        super().generic_visit(node)

    def visit_Name(self, node):
        if forbidden_name(node.id):
            self.bad(node, f"name '{node.id}' is not allowed")

    def visit_Attribute(self, node):
        if forbidden_attr(node.attr):
            self.bad(node, f"attribute '.{node.attr}' is not allowed")
        elif not isinstance(node.ctx, ast.Load):
            self.bad(node, f"assigning or deleting attribute '.{node.attr}' is not allowed")
        self.generic_visit(node)

    def _check_ident(self, node, name, kind):
        if name and forbidden_name(name):
            self.bad(node, f"{kind} name '{name}' is not allowed")

    def visit_FunctionDef(self, node):
        self._check_ident(node, node.name, "function")
        self.generic_visit(node)

    def visit_arg(self, node):
        self._check_ident(node, node.arg, "argument")
        self.generic_visit(node)

    def visit_keyword(self, node):
        if node.arg and node.arg.startswith("__"):
            self.bad(node, f"keyword argument '{node.arg}' is not allowed")
        self.generic_visit(node)

    def visit_Global(self, node):
        for name in node.names:
            self._check_ident(node, name, "global")

    visit_Nonlocal = visit_Global

    def visit_Try(self, node):
        for handler in node.handlers:
            if handler.type is None:
                self.bad(handler, "bare 'except:' is not allowed (use 'except Exception:')")
            self._check_ident(handler, handler.name, "exception variable")
        if node.finalbody:
            self.bad(node.finalbody[0], "'finally:' blocks are not allowed")
        self.generic_visit(node)

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id == "type" and len(node.args) != 1:
            self.bad(node, "type() with more than one argument is not allowed")
        self.generic_visit(node)

    def visit_Assign(self, node):
        if len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                self._slice_targets.add(id(target))
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Subscript):
            self._slice_targets.add(id(node.target))     # rewritten to _sb_augitem(obj, slice, ...)
        self.generic_visit(node)

    def visit_Subscript(self, node):
        if (isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice)
                and id(node) not in self._slice_targets):
            self.bad(node, "slice assignment is only allowed as a simple 'x[a:b] = value' statement")
        self.generic_visit(node)


def _name(id_):
    return ast.Name(id=id_, ctx=ast.Load())


def _call(helper, *args):
    return ast.Call(func=_name("_sb_" + helper), args=list(args), keywords=[])


def _none_or(node):
    return node if node is not None else ast.Constant(value=None)


class _Rewriter(ast.NodeTransformer):
    """Route size-producing operations through guard helpers (names starting with _sb_)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        helper = GUARDED_BINOPS.get(type(node.op))
        return _call(helper, node.left, node.right) if helper else node

    def _key(self, sub):
        sl = sub.slice
        if isinstance(sl, ast.Slice):
            return _call("slice", _none_or(sl.lower), _none_or(sl.upper), _none_or(sl.step))
        return sl

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        helper = GUARDED_BINOPS.get(type(node.op))
        if helper is None:
            return node
        target = node.target
        if isinstance(target, ast.Name):
            value = _call("i" + helper, ast.Name(id=target.id, ctx=ast.Load()), node.value)
            return ast.Assign(targets=[target], value=value)
        if isinstance(target, ast.Subscript):
            return ast.Expr(value=_call("augitem", target.value, self._key(target),
                                        ast.Constant(value=helper), node.value))
        return node

    def visit_Assign(self, node):
        self.generic_visit(node)
        if len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice):
                sl = target.slice
                return ast.Expr(value=_call("setslice", target.value, _none_or(sl.lower),
                                            _none_or(sl.upper), _none_or(sl.step), node.value))
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load) and node.attr in GUARDED_METHODS:
            return _call("attr", node.value, ast.Constant(value=node.attr))
        return node

    def visit_JoinedStr(self, node):
        values = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                spec = self.visit(part.format_spec) if part.format_spec is not None else ast.Constant("")
                conv = chr(part.conversion) if part.conversion and part.conversion > 0 else ""
                value = _call("fmt", self.visit(part.value), ast.Constant(conv), spec)
                part = ast.FormattedValue(value=value, conversion=-1, format_spec=None)
            values.append(part)
        return _call("sized", ast.JoinedStr(values=values))

    def _display(self, node, starred):
        self.generic_visit(node)
        return _call("sized", node) if starred else node

    def visit_List(self, node):
        return self._display(node, isinstance(node.ctx, ast.Load)
                             and any(isinstance(e, ast.Starred) for e in node.elts))

    visit_Tuple = visit_List

    def visit_Set(self, node):
        return self._display(node, any(isinstance(e, ast.Starred) for e in node.elts))

    def visit_Dict(self, node):
        return self._display(node, any(k is None for k in node.keys))

    def visit_While(self, node):
        # `while True: pass` compiles to a jump-to-itself that emits no trace events; a non-constant
        # test keeps every iteration visible to the tracer.
        self.generic_visit(node)
        node.test = ast.BoolOp(op=ast.And(), values=[_name("_sb_loop"), node.test])
        return node


def _parse(source: str, mode: str):
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    if not isinstance(source, str):
        raise ScriptError("forbidden", f"script must be a string, not {type(source).__name__}")
    if mode == "eval":
        source = source.strip()
    try:
        return ast.parse(source, filename=SANDBOX_FILENAME, mode=mode)
    except SyntaxError as exc:
        line = exc.lineno
        raise ScriptError("forbidden", f"line {line}: syntax error: {exc.msg}", line) from None
    except (ValueError, MemoryError, RecursionError) as exc:  # null bytes, absurd nesting
        raise ScriptError("forbidden", f"cannot parse script: {exc}") from None


def _problems(tree) -> list[tuple[int, str]]:
    checker = _Checker()
    checker.visit(tree)
    return sorted(checker.problems, key=lambda p: p[0])


def check_source(source: str, mode: str = "exec") -> list[str]:
    """Static check only: human messages for every forbidden construct (empty list = OK)."""
    try:
        tree = _parse(source, mode)
    except ScriptError as exc:
        return [exc.detail]
    return [f"line {line}: {what}" for line, what in _problems(tree)]


@functools.lru_cache(maxsize=4096)
def compile_source(source: str, mode: str):
    """Validate, rewrite and compile; returns (code, simple). Raises ScriptError('forbidden')."""
    tree = _parse(source, mode)
    problems = _problems(tree)
    if problems:
        shown = "; ".join(f"line {line}: {what}" for line, what in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise ScriptError("forbidden", shown + more, problems[0][0] or None)
    simple = mode == "eval" and not any(isinstance(n, _NON_SIMPLE) for n in ast.walk(tree))
    tree = ast.fix_missing_locations(_Rewriter().visit(tree))
    try:
        code = compile(tree, SANDBOX_FILENAME, mode)
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise ScriptError("forbidden", f"cannot compile script: {exc}") from None
    return code, simple
