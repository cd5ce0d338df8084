"""JUEL and FEEL conditions: each operator and each precedence rule, evaluated in the real sandbox.

A translation is checked by what it computes (the sandboxed evaluation of the translated text on given task
data) against what JUEL or FEEL say the expression means, never by comparing translated text.
"""
from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.expressions import FEEL_LANG, JUEL_LANG, PLATFORM, UnsupportedExpression, language_of, translate
from engine.sandbox import SandboxEnvironment, check_source

ENV = SandboxEnvironment()


def run(text: str, **data):
    python = translate(text).python
    assert check_source(python, "eval") == [], python  # a translation always passes the sandbox check
    return ENV.evaluate(python, dict(data))


# ---- which language ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("${a}", JUEL_LANG), ("#{a}", JUEL_LANG), ("  ${a}  ", JUEL_LANG), ('= a = "x"', FEEL_LANG), ("=a", FEEL_LANG),
    ("a == 1", PLATFORM), ("decision == 'reject'", PLATFORM),
])
def test_language_is_told_by_the_first_characters(text, language):
    assert language_of(text) == language


def test_platform_expressions_are_left_to_the_sandbox_unchanged():
    assert translate("decision == 'reject'").python == "decision == 'reject'"


# ---- JUEL operator by operator ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, data, expected", [
    ("${approved}", {"approved": True}, True),
    ("${!approved}", {"approved": True}, False),
    ("${not approved}", {"approved": False}, True),
    ("${a && b}", {"a": True, "b": False}, False),
    ("${a and b}", {"a": True, "b": True}, True),
    ("${a || b}", {"a": False, "b": True}, True),
    ("${a or b}", {"a": False, "b": False}, False),
    ("${decision == 'reject'}", {"decision": "reject"}, True),
    ('${decision == "reject"}', {"decision": "approve"}, False),
    ("${decision eq 'reject'}", {"decision": "reject"}, True),
    ("${decision != 'reject'}", {"decision": "reject"}, False),
    ("${decision ne 'reject'}", {"decision": "approve"}, True),
    ("${amount > 1000}", {"amount": 1500}, True),
    ("${amount gt 1000}", {"amount": 1000}, False),
    ("${amount >= 1000}", {"amount": 1000}, True),
    ("${amount ge 1001}", {"amount": 1000}, False),
    ("${amount < 1000}", {"amount": 999}, True),
    ("${amount lt 1000}", {"amount": 1000}, False),
    ("${amount <= 1000}", {"amount": 1000}, True),
    ("${amount le 999}", {"amount": 1000}, False),
    ("${a + b}", {"a": 2, "b": 3}, 5),
    ("${a - b}", {"a": 2, "b": 3}, -1),
    ("${a * b}", {"a": 2, "b": 3}, 6),
    ("${a / b}", {"a": 3, "b": 2}, 1.5),
    ("${a div b}", {"a": 3, "b": 2}, 1.5),
    ("${a % b}", {"a": 7, "b": 4}, 3),
    ("${a mod b}", {"a": 7, "b": 4}, 3),
    ("${-a}", {"a": 4}, -4),
    ("${empty x}", {"x": None}, True),
    ("${empty x}", {"x": ""}, True),
    ("${empty x}", {"x": []}, True),
    ("${empty x}", {"x": {}}, True),
    ("${empty x}", {"x": 0}, False),
    ("${empty x}", {"x": "a"}, False),
    ("${not empty x}", {"x": "a"}, True),
    ("${empty x}", {}, True),  # a blank optional answer is not in the data at all: empty, not a NameError
    ("${not empty x}", {}, False),
    ("${not empty x && x == 'a'}", {}, False),
    ("${x == null}", {"x": None}, True),
    ("${x != null}", {"x": None}, False),
    ("${null == x}", {"x": 1}, False),
    ("${applicant.age >= 18}", {"applicant": {"age": 20}}, True),
    ("${fees['boat'] > 0}", {"fees": {"boat": 5}}, True),
    ("${a ? 'x' : 'y'}", {"a": False}, "y"),
    ("${true}", {}, True),
    ("${false}", {}, False),
    ("${1.5e3}", {}, 1500.0),
    ("${.5}", {}, 0.5),
    ("${'it\\'s'}", {}, "it's"),
    ('${"say \\"hi\\""}', {}, 'say "hi"'),
    ("#{decision == 'return'}", {"decision": "return"}, True),
])
def test_juel_operator(text, data, expected):
    assert run(text, **data) == expected


# precedence: each line pins one rule of JSR-245 (lowest first: ?:, or, and, ==, <, +, *, unary)
@pytest.mark.parametrize("text, data, expected", [
    ("${a || b && c}", {"a": True, "b": False, "c": False}, True),          # and binds tighter than or
    ("${a or b and c}", {"a": True, "b": False, "c": False}, True),
    ("${!a && b}", {"a": True, "b": True}, False),                          # not binds tighter than and
    ("${!a == b}", {"a": True, "b": False}, True),                          # (!a) == b
    ("${a == b && c}", {"a": 1, "b": 1, "c": True}, True),                  # == tighter than &&
    ("${a < b == c}", {"a": 1, "b": 2, "c": True}, True),                   # < tighter than ==
    ("${1 + 2 * 3}", {}, 7),                                                # * tighter than +
    ("${(1 + 2) * 3}", {}, 9),                                              # parentheses
    ("${10 - 4 - 3}", {}, 3),                                               # left-associative -
    ("${12 / 3 / 2}", {}, 2.0),                                             # left-associative /
    ("${a + 1 > 2}", {"a": 2}, True),                                       # + tighter than >
    ("${-a * 2}", {"a": 3}, -6),                                            # unary minus tighter than *
    ("${empty a && b}", {"a": "", "b": True}, True),                        # empty tighter than &&
    ("${a ? b : c ? d : e}", {"a": False, "b": 1, "c": False, "d": 2, "e": 3}, 3),  # ?: right-assoc
    ("${a || b ? 1 : 2}", {"a": False, "b": True}, 1),                      # ?: lowest
    ("${x.y.z == 1}", {"x": {"y": {"z": 1}}}, True),                        # . tighter than everything
])
def test_juel_precedence(text, data, expected):
    assert run(text, **data) == expected


# ---- FEEL operator by operator ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, data, expected", [
    ('= decision = "reject"', {"decision": "reject"}, True),
    ('=decision != "reject"', {"decision": "reject"}, False),
    ("= a < b", {"a": 1, "b": 2}, True),
    ("= a <= b", {"a": 2, "b": 2}, True),
    ("= a > b", {"a": 1, "b": 2}, False),
    ("= a >= b", {"a": 3, "b": 2}, True),
    ("= a and b", {"a": True, "b": False}, False),
    ("= a or b", {"a": False, "b": True}, True),
    ("= not(a)", {"a": False}, True),
    ("= a + b * c", {"a": 1, "b": 2, "c": 3}, 7),
    ("= a - b / c", {"a": 1, "b": 4, "c": 2}, -1.0),
    ("= 2 ** 3", {}, 8),
    ("= -a", {"a": 2}, -2),
    ("= x = null", {"x": None}, True),
    ("= x != null", {"x": 1}, True),
    ("= null", {}, None),
    ("= true", {}, True),
    ('= "a\\"b"', {}, 'a"b'),
    ("= 1.25", {}, 1.25),
    ('= x in ["a", "b"]', {"x": "b"}, True),
    ('= x in ["a", "b"]', {"x": "c"}, False),
    ("= x in [1..5]", {"x": 5}, True),
    ("= x in [1..5)", {"x": 5}, False),
    ("= x in (1..5]", {"x": 1}, False),
    ("= x in ]1..5[", {"x": 3}, True),
    ("= x in ]1..5[", {"x": 5}, False),
    ('= x in ("a", [1..3])', {"x": 2}, True),
    ('= x in ("a", [1..3])', {"x": "a"}, True),
    ('= x in ("a", [1..3])', {"x": 4}, False),
    ("= x between 1 and 5", {"x": 5}, True),
    ("= x between 1 and 5", {"x": 6}, False),
    ("= if a then 1 else 2", {"a": False}, 2),
    ("= applicant.age >= 18", {"applicant": {"age": 17}}, False),
])
def test_feel_operator(text, data, expected):
    assert run(text, **data) == expected


@pytest.mark.parametrize("text, data, expected", [
    ("= a or b and c", {"a": True, "b": False, "c": False}, True),          # and tighter than or
    ("= not(a) and b", {"a": False, "b": True}, True),
    ("= a = 1 and b = 2", {"a": 1, "b": 2}, True),                          # comparison tighter than and
    ("= a + 1 = 3", {"a": 2}, True),                                        # + tighter than =
    ("= 1 + 2 * 3", {}, 7),
    ("= (1 + 2) * 3", {}, 9),
    ("= 2 * 3 ** 2", {}, 18),                                               # ** tighter than *
    ("= -2 ** 2", {}, 4),                                                   # unary minus tighter than **
    ("= 10 - 4 - 3", {}, 3),
    ("= x + 1 in [2..3]", {"x": 1}, True),                                  # + tighter than in
    ("= x between 1 + 1 and 3 or b", {"x": 1, "b": False}, False),          # between tighter than or
])
def test_feel_precedence(text, data, expected):
    assert run(text, **data) == expected


# ---- functions and methods the platform translates (issue 13) ---------------------------------------------

@pytest.mark.parametrize("text, data, expected", [
    ('= string length(name) > 3', {"name": "ສົມຊາຍ"}, True),
    ('= string length(name) > 3', {"name": "abc"}, False),
    ('= upper case(code) = "AB"', {"code": "ab"}, True),
    ('= lower case(code) = "ab"', {"code": "AB"}, True),
    ('= contains(decision, "rej")', {"decision": "reject"}, True),
    ('= contains(decision, "rej")', {"decision": "approve"}, False),
    ('= not(contains(decision, "rej"))', {"decision": "approve"}, True),
    ('= starts with(code, "LA")', {"code": "LA-1"}, True),
    ('= ends with(code, "-1")', {"code": "LA-2"}, False),
    ("= count(votes) >= 2", {"votes": ["yes", "no"]}, True),
    ("= sum(amounts) > 100", {"amounts": [60, 50]}, True),
    ("= min(a, b) = 1", {"a": 1, "b": 2}, True),
    ("= max([a, b]) = 2", {"a": 1, "b": 2}, True),
    ("= abs(a) = 3", {"a": -3}, True),
    ("= count > 3", {"count": 5}, True),  # a variable named like a function is still a variable
    ('${decision.equals("reject")}', {"decision": "reject"}, True),
    ('${decision.equalsIgnoreCase("REJECT")}', {"decision": "reject"}, True),
    ("${comment.isEmpty()}", {"comment": ""}, True),
    ("${!votes.isEmpty()}", {"votes": ["yes"]}, True),
    ("${votes.size() > 1}", {"votes": ["yes"]}, False),
    ("${name.length() >= 3}", {"name": "abc"}, True),
    ('${offices.contains("land")}', {"offices": ["land", "tax"]}, True),
    ('${code.startsWith("LA")}', {"code": "LA-1"}, True),
    ('${code.endsWith("1")}', {"code": "LA-1"}, True),
    ('${code.toUpperCase() == "AB"}', {"code": "ab"}, True),
    ('${code.toLowerCase() == "ab"}', {"code": "AB"}, True),
    ("${a.b.size() == 2}", {"a": {"b": [1, 2]}}, True),
])
def test_functions_and_methods_each_compute_what_the_modeler_meant(text, data, expected):
    assert run(text, **data) == expected


# ---- FEEL `is defined(…)`: Camunda 8 semantics (a name holding null is defined, a missing one is not) ----------

@pytest.mark.parametrize("text, data, expected", [
    ("= is defined(amount)", {"amount": 12}, True),
    ("= is defined(amount)", {"amount": None}, True),                       # null-valued: defined (Camunda 8)
    ("= is defined(amount)", {}, False),                                    # missing: not defined, no NameError
    ("= is defined(amount)", {"amount": 0}, True),
    ("= is defined(amount) and amount > 10", {}, False),                    # the guard keeps the read from failing
    ("= is defined(amount) and amount > 10", {"amount": 11}, True),
    ("= is defined(amount) and amount > 10", {"amount": 5}, False),
    ("= not(is defined(amount))", {}, True),
    ("= not(is defined(amount)) or amount = 0", {"amount": 0}, True),
    ("= is defined(amount) = false", {}, True),
    ("= is  defined ( amount )", {"amount": "x"}, True),                    # FEEL's spacing
    ("= is defined(applicant.phone)", {"applicant": {"phone": None}}, True),
    ("= is defined(applicant.phone)", {"applicant": {}}, False),
    ("= is defined(applicant.phone)", {"applicant": None}, False),
    ("= is defined(applicant.phone)", {}, False),
    ("= if is defined(fee) then fee else 0", {}, 0),
    ("= is defined(is_defined)", {}, False),                                # the helper is not case data
])
def test_feel_is_defined(text, data, expected):
    assert run(text, **data) == expected


def test_is_defined_names_travel_as_text_so_they_are_not_read_names():
    from engine.catalogue.names import free_names
    from engine.expressions.translate import guarded_names

    python = translate("= is defined(amount) and amount > 10").python
    assert guarded_names(python) == {"amount"}
    assert "amount" not in free_names(translate("= is defined(amount)").python)
    assert guarded_names(translate("= is defined(a.b) or c").python) == {"a"}
    assert guarded_names("amount > 1") == set() and guarded_names("(") == set()


def test_is_defined_sees_the_data_of_each_evaluation_only():
    env = SandboxEnvironment()
    assert env.evaluate("is_defined('x')", {"x": None}) is True
    assert env.evaluate("is_defined('x')", {}) is False  # nothing left over from the evaluation before
    assert env.evaluate("is_defined('x')", {}, {"x": 1}) is True  # loop variables (external context) count
    data = {"y": 1}
    env.execute("z = 2\nseen = is_defined('z')", data)
    assert data == {"y": 1, "z": 2, "seen": False}  # the data a script runs on, not what it is assigning


# ---- outside the subset: refused with what is not supported -----------------------------------------------

@pytest.mark.parametrize("text, what", [
    ("${execution.getVariable('approved')}", "function and method calls"),
    ("${x = 1}", "assignment"),
    ("${a} and ${b}", "text after the end"),
    ("${x instanceof y}", "instanceof"),
    ("${a; b}", "several expressions"),
    ("${a +}", "unfinished"),
    ("${list.stream().map(x -> x)}", "lambda expressions"),
    ("${lambda}", "reserved word"),
    ('= matches(name, "a")', "function and method calls"),
    ("= get value(m, \"a\")", "function and method calls"),
    ("= is defined(items[1])", "list filters and indexes"),  # a name or a dotted path only
    ("= is defined(1 + x)", "«1 + x)»"),
    ("${name.substring(1)}", "function and method calls"),
    ("${xs.contains()}", "function and method calls"),
    ("= {a: 1}.a", "maps and contexts"),
    ("= some x in xs satisfies x > 1", "loops and quantifiers"),
    ("= for x in xs return x", "loops and quantifiers"),
    ("= items[1]", "list filters and indexes"),
    ("= x in > 5", "unary tests"),
    ("= function(a) a", "function definitions"),
])
def test_outside_the_subset_says_what_is_not_supported(text, what):
    with pytest.raises(UnsupportedExpression) as err:
        translate(text)
    assert what in err.value.what[1]
    assert err.value.what[0] and err.value.what[0] != err.value.what[1] or what == "instanceof"
    assert err.value.source == text.strip()
    assert err.value.language in (JUEL_LANG, FEEL_LANG)


# ---- properties -------------------------------------------------------------------------------------------

_names = st.sampled_from(["a", "b", "c"])
_ints = st.integers(min_value=-50, max_value=50)


def _juel_arith():
    leaf = st.one_of(_names, _ints.map(str))
    return st.recursive(leaf, lambda inner: st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
        lambda t: f"{t[0]} {t[1]} {t[2]}"), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_juel_arith(), _ints, _ints, _ints)
def test_juel_arithmetic_follows_the_usual_precedence(expr, a, b, c):
    # +, - and * with JUEL's precedence and left associativity are exactly Python's
    python_value = eval(compile(ast.parse(expr, mode="eval"), "<t>", "eval"), {}, {"a": a, "b": b, "c": c})
    assert run("${" + expr + "}", a=a, b=b, c=c) == python_value


_bools = st.sampled_from(["p", "q", "r", "true", "false"])


def _bool_expr(and_op: str, or_op: str, not_op):
    return st.recursive(_bools, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([and_op, or_op]), inner).map(lambda t: f"{t[0]} {t[1]} {t[2]}"),
        inner.map(not_op)), max_leaves=8)


def _python_bool(expr: str, table: dict) -> bool:
    return bool(eval(expr.replace("true", "True").replace("false", "False"), {}, dict(table)))


@settings(max_examples=150, deadline=None)
@given(_bool_expr("&&", "||", lambda e: f"!({e})"), st.booleans(), st.booleans(), st.booleans())
def test_juel_boolean_operators_follow_and_before_or(expr, p, q, r):
    table = {"p": p, "q": q, "r": r}
    python = expr.replace("&&", "and").replace("||", "or").replace("!(", "not (")
    assert bool(run("${" + expr + "}", **table)) == _python_bool(python, table)


@settings(max_examples=150, deadline=None)
@given(_bool_expr("and", "or", lambda e: f"not({e})"), st.booleans(), st.booleans(), st.booleans())
def test_feel_boolean_operators_follow_and_before_or(expr, p, q, r):
    table = {"p": p, "q": q, "r": r}
    assert bool(run("= " + expr, **table)) == _python_bool(expr.replace("not(", "not ("), table)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab$#{}()[]=!<>&|.'\" +-*/?:;01", min_size=1, max_size=24))
def test_any_text_either_translates_into_a_sandbox_clean_expression_or_is_refused(text):
    for candidate in ("${" + text + "}", "= " + text):
        try:
            python = translate(candidate).python
        except UnsupportedExpression:
            continue
        ast.parse(python, mode="eval")
        assert check_source(python, "eval") == []


@pytest.mark.parametrize("text", ["${__import__}", "${x.__class__ == a}", "= __builtins__"])
def test_dunder_names_translate_into_what_the_sandbox_check_refuses_or_into_a_harmless_key(text):
    python = translate(text).python
    # a name is still a name: the sandbox check (and the hostile audit) sees it; a dotted part is only a key
    assert check_source(python, "eval") != [] or "['__class__']" in python
