"""JUEL and FEEL conditions translated into the platform's sandboxed expression form (a Python expression).

The output is fully parenthesised, so the precedence decided by the grammar is the precedence that runs, and it
is made of names, subscripts, literals and operators only: it still goes through `engine.sandbox.check_source`
like every other expression, so a translation can never be a way around the sandbox.
"""
from __future__ import annotations

import ast
import functools
import keyword
import re
from dataclasses import dataclass

from lark import Lark, Transformer
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from engine.expressions.grammars import FEEL, JUEL

JUEL_LANG, FEEL_LANG, PLATFORM = "JUEL", "FEEL", "platform"
DEFINED_FUNCTION = "is_defined"  # the sandbox's function FEEL `is defined(…)` becomes (engine.sandbox._guards)
LANGUAGE_NAMES = {JUEL_LANG: "JUEL (Camunda 7)", FEEL_LANG: "FEEL (Camunda 8)", PLATFORM: "Python"}


@dataclass(frozen=True)
class Translation:
    language: str  # JUEL | FEEL | platform
    source: str  # as the modeler wrote it
    python: str  # what the sandbox evaluates


class UnsupportedExpression(ValueError):
    """A JUEL or FEEL expression outside the translated subset. `what` = (Lao, English) of the construct."""

    def __init__(self, language: str, source: str, what: tuple[str, str], column: int | None = None):
        self.language, self.source, self.what, self.column = language, source, what, column
        super().__init__(f"{language} expression {source!r}: {what[1]} is not supported")


def language_of(text: str) -> str:
    """JUEL for `${…}`/`#{…}`, FEEL for `= …` (Camunda 8 writes a leading `=`), otherwise the platform's form."""
    text = text.strip()
    if text.startswith(("${", "#{")):
        return JUEL_LANG
    if text.startswith("=") and not text.startswith("=="):
        return FEEL_LANG
    return PLATFORM


@functools.cache
def _parser(language: str) -> Lark:
    return Lark(JUEL if language == JUEL_LANG else FEEL, parser="lalr", maybe_placeholders=False)


def translate(text: str) -> Translation:
    """The platform form of a condition. Platform-form text is returned unchanged (the sandbox checks it).

    Raises UnsupportedExpression for JUEL/FEEL outside the subset.
    """
    text = text.strip()
    language = language_of(text)
    if language == PLATFORM:
        return Translation(language, text, text)
    try:
        tree = _parser(language).parse(text)
        python = _Emit(language).transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, UnsupportedExpression):
            raise UnsupportedExpression(language, text, exc.orig_exc.what) from None
        raise
    except UnexpectedInput as exc:
        raise UnsupportedExpression(language, text, _what(exc, text, language), getattr(exc, "column", None)) from None
    return Translation(language, text, python)


def guarded_names(python: str) -> set[str]:
    """The names a platform-form expression asks `is_defined(...)` about (the first part of each path): an
    expression that reads such a name only behind that question never fails for want of it."""
    try:
        tree = ast.parse(python, mode="eval")
    except (SyntaxError, ValueError):
        return set()
    return {node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == DEFINED_FUNCTION
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)}


# ---- what is not supported, in words a designer knows -------------------------------------------------------

_WHAT = {
    "call": ("ການເອີ້ນໃຊ້ຟັງຊັນ ຫຼື ເມທອດ", "function and method calls"),
    "lambda": ("ນິພົດ lambda (->)", "lambda expressions (->)"),
    "map": ("ແຜນທີ່ ຫຼື context {…}", "maps and contexts {…}"),
    "assign": ("ການກຳນົດຄ່າ (=); ໃຫ້ປຽບທຽບດ້ວຍ ==", "assignment (=); compare with =="),
    "sequence": ("ຫຼາຍນິພົດຕໍ່ກັນ (;)", "several expressions (;)"),
    "concat": ("ການຕໍ່ຂໍ້ຄວາມ (+=)", "string concatenation (+=)"),
    "filter": ("ການກັ່ນຕອງ ຫຼື ດັດຊະນີລາຍການ […]", "list filters and indexes […]"),
    "loop": ("ການວົນຊ້ຳ ແລະ ຕົວບອກປະລິມານ (for, some, every)", "loops and quantifiers (for, some, every)"),
    "function": ("ການນິຍາມຟັງຊັນ", "function definitions"),
    "instanceof": ("instanceof", "instanceof"),
    "trailing": ("ຂໍ້ຄວາມຫຼັງຈາກທ້າຍຂອງນິພົດ", "text after the end of the expression"),
    "unfinished": ("ນິພົດທີ່ບໍ່ຄົບ", "an unfinished expression"),
    "unary_test": ("ການທົດສອບແບບ unary ນອກຈາກລາຍການ ແລະ ຊ່ວງ", "unary tests other than lists and ranges"),
}


def _what(exc: UnexpectedInput, text: str, language: str) -> tuple[str, str]:
    pos = getattr(exc, "pos_in_stream", None)
    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" or isinstance(exc, UnexpectedEOF):
        return _WHAT["unfinished"]
    if pos is None:
        pos = len(text)
    rest, before = text[pos:], text[:pos].rstrip()
    word = re.match(r"[A-Za-z_]\w*", rest)
    last = re.search(r"([A-Za-z_]\w*)$", before)
    if rest.startswith("->") or rest.startswith(">") and before.endswith("-"):
        return _WHAT["lambda"]
    if rest.startswith("+="):
        return _WHAT["concat"]
    if rest.startswith("(") and last and last.group(1) == "function":
        return _WHAT["function"]
    if rest.startswith("("):
        return _WHAT["call"]
    if rest.startswith("{"):
        return _WHAT["map"]
    if rest.startswith(";"):
        return _WHAT["sequence"]
    if rest.startswith("[") and language == FEEL_LANG:
        return _WHAT["filter"]
    if rest.startswith("=") and language == JUEL_LANG:
        return _WHAT["assign"]
    if rest.startswith("}") and language == JUEL_LANG:
        return _WHAT["unfinished"]
    if any(w and w.group(1 if w is last else 0) in ("for", "some", "every", "satisfies", "return")
           for w in (word, last)):
        return _WHAT["loop"]
    if word and word.group() == "function":
        return _WHAT["function"]
    if word and word.group() == "instanceof":
        return _WHAT["instanceof"]
    if before.endswith(" in") or before == "in":
        return _WHAT["unary_test"]
    if language == JUEL_LANG and before.endswith("}"):
        return _WHAT["trailing"]
    if word and re.search(r"[\w)\]\"']$", before):
        # two names side by side: FEEL names with spaces (`string length(x)`) or a function call
        return _WHAT["call"] if re.match(r"[A-Za-z_]\w*(\s+\w+)*\s*\(", rest) else (
            f"ຊື່ທີ່ມີຍະຫວ່າງ ຫຼື ຄຳ {word.group()}", f"names with spaces or the word {word.group()}")
    shown = rest[:20].rstrip() or text[-1:]
    column = pos + 1
    return f"«{shown}» ຢູ່ຖັນທີ {column}", f"«{shown}» at column {column}"


# ---- emitting the platform form ---------------------------------------------------------------------------

_JUEL_ESCAPES = {"\\": "\\", "'": "'", '"': '"'}
_FEEL_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "r": "\r", "t": "\t"}
_OPS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">=", "div": "/", "mod": "%", "=": "=="}


def _unquote(body: str, escapes: dict[str, str]) -> str:
    def one(match):
        ch = match.group(1)
        if ch.startswith("u") and len(ch) == 5:
            return chr(int(ch[1:], 16))
        return escapes.get(ch, "\\" + ch)

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", one, body, flags=re.S)


class _Emit(Transformer):
    def __init__(self, language: str):
        super().__init__()
        self.language = language

    # atoms
    def name(self, items):
        name = str(items[0])
        if keyword.iskeyword(name):
            raise UnsupportedExpression(self.language, "", (f"ຊື່ {name} (ຄຳສະຫງວນ)", f"the name {name} (a reserved word)"))
        if self.language == FEEL_LANG and name == "loopCounter":
            return "(loopCounter + 1)"  # Camunda 8 counts instances from 1; the engine gives Camunda 7's 0-based
        return name

    def number(self, items):
        text = str(items[0])
        if re.fullmatch(r"\d+", text):
            return str(int(text))
        return repr(float(text))

    def string(self, items):
        text = str(items[0])
        return repr(_unquote(text[1:-1], _JUEL_ESCAPES if self.language == JUEL_LANG else _FEEL_ESCAPES))

    def true(self, _):
        return "True"

    def false(self, _):
        return "False"

    def null(self, _):
        return "None"

    def start(self, items):
        return items[0]

    def member(self, items):
        # task data are JSON objects: a dotted name reads a key
        return f"{items[0]}[{str(items[1])!r}]"

    def index(self, items):
        return f"{items[0]}[{items[1]}]"

    # JUEL method calls on values (Java's String and Collection methods a condition uses)
    _METHODS = {"equals": 1, "isEmpty": 0, "size": 0, "length": 0, "contains": 1, "startsWith": 1,
                "endsWith": 1, "toUpperCase": 0, "toLowerCase": 0, "equalsIgnoreCase": 1}

    def method(self, items):
        target, name, args = items[0], str(items[1]), [a for a in items[2:] if a is not None]
        if self._METHODS.get(name) != len(args):
            raise UnsupportedExpression(self.language, "", (
                f"ການເອີ້ນໃຊ້ຟັງຊັນ ຫຼື ເມທອດ ອື່ນນອກຈາກ {', '.join(self._METHODS)} ({name}())",
                f"function and method calls other than {', '.join(self._METHODS)} ({name}())"))
        arg = args[0] if args else None
        return {
            "equals": f"({target} == {arg})",
            "equalsIgnoreCase": f"(str({target}).lower() == str({arg}).lower())",
            "isEmpty": f"(len({target}) == 0)",
            "size": f"len({target})",
            "length": f"len({target})",
            "contains": f"({arg} in {target})",
            "startsWith": f"str({target}).startswith({arg})",
            "endsWith": f"str({target}).endswith({arg})",
            "toUpperCase": f"str({target}).upper()",
            "toLowerCase": f"str({target}).lower()",
        }[name]

    # FEEL built-in functions
    _FUNCTIONS = {"string length": (1, "len({0})"), "upper case": (1, "str({0}).upper()"),
                  "lower case": (1, "str({0}).lower()"), "contains": (2, "({1} in str({0}))"),
                  "starts with": (2, "str({0}).startswith({1})"), "ends with": (2, "str({0}).endswith({1})"),
                  "count": (1, "len({0})"), "sum": (1, "sum({0})"), "abs": (1, "abs({0})")}

    def call(self, items):
        name, args = " ".join(str(items[0]).split()), [a for a in items[1:] if a is not None]
        if name in ("min", "max"):
            if not args:
                raise UnsupportedExpression(self.language, "", (f"ຟັງຊັນ {name}()", f"{name}() without arguments"))
            return f"{name}({', '.join(args)})"
        arity, template = self._FUNCTIONS[name]
        if len(args) != arity:
            raise UnsupportedExpression(self.language, "", (f"ຟັງຊັນ {name}() ທີ່ມີ {len(args)} ຄ່າ",
                                                            f"{name}() with {len(args)} arguments"))
        return "(" + template.format(*args) + ")"

    def list(self, items):
        return "[" + ", ".join(i for i in items if i is not None) + "]"

    # FEEL `is defined(x)`, `is defined(x.y)`: the sandbox's `is_defined` looks the name up in the case data
    # (engine.sandbox), so a name that is missing is False instead of the NameError reading it would raise.
    # The name travels as a text literal: it is not a name the expression reads (engine.catalogue.names)
    def defined_path(self, items):
        return [str(i) for i in items]

    def is_defined(self, items):
        return f"{DEFINED_FUNCTION}({', '.join(repr(part) for part in items[1])})"

    # operators
    def _op(self, token) -> str:
        if not isinstance(token, str):  # a kept-token rule (eq_op, add_op, ...) gives a tree with one token
            token = token.children[0]
        return _OPS.get(str(token), str(token))

    def neg(self, items):
        return f"(-{items[0]})"

    def not_(self, items):
        return f"(not {items[0]})"

    def empty(self, items):
        # JUEL `empty`: null, an empty text, list or map; 0 and false are not empty. Of a plain name, a name the
        # case does not hold is empty too (a blank optional answer is left out of the data, engine.catalogue.forms):
        # `${not empty remark}` is how a designer asks whether it was answered, so it must not fail for want of it
        operand = items[0]
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", operand) and operand not in ("None", "True", "False"):
            return f"(not {DEFINED_FUNCTION}({operand!r}) or {operand} in (None, '', [], {{}}))"
        return f"({operand} in (None, '', [], {{}}))"

    def or_(self, items):
        return f"({items[0]} or {items[1]})"

    def and_(self, items):
        return f"({items[0]} and {items[1]})"

    def compare(self, items):
        left, op, right = items[0], self._op(items[1]), items[2]
        if op in ("==", "!=") and "None" in (left, right):
            other = right if left == "None" else left
            return f"({other} is {'' if op == '==' else 'not '}None)"
        return f"({left} {op} {right})"

    def arith(self, items):
        return f"({items[0]} {self._op(items[1])} {items[2]})"

    def pow(self, items):
        return f"({items[0]} ** {items[1]})"

    def cond(self, items):
        return f"({items[1]} if {items[0]} else {items[2]})"

    def if_(self, items):
        return self.cond(items)

    def between(self, items):
        return f"({items[1]} <= {items[0]} <= {items[2]})"

    # FEEL `in`: the tests are built first, the value they test is known only at `in_`
    def range(self, items):
        opening, low, _dots, high, closing = items  # `!range` keeps the bracket tokens: they say open or closed
        return ("range", str(opening) == "[", low, high, str(closing) == "]")

    def in_list(self, items):
        return ("list", items[0])

    def in_tests(self, items):
        return ("tests", items)

    def in_(self, items):
        value, tests = items
        if isinstance(tests, tuple) and tests[0] == "list":
            return f"({value} in {tests[1]})"
        parts = tests[1] if isinstance(tests, tuple) and tests[0] == "tests" else [tests]
        return "(" + " or ".join(self._test(value, t) for t in parts) + ")" if len(parts) > 1 else \
            self._test(value, parts[0])

    @staticmethod
    def _test(value: str, test) -> str:
        if isinstance(test, tuple) and test[0] == "range":
            _, low_in, low, high, high_in = test
            return f"({low} {'<=' if low_in else '<'} {value} {'<=' if high_in else '<'} {high})"
        return f"({value} == {test})"
