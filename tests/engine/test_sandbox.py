"""Tests for engine.sandbox: hostile corpus, benign scripts, SpiffWorkflow integration, overhead."""
from __future__ import annotations

import multiprocessing
import pathlib
import sys
import threading
import time

import pytest

from engine.sandbox import (
    SandboxEnvironment,
    SandboxLimits,
    ScriptError,
    check_source,
    create_script_engine,
)

DATA = pathlib.Path(__file__).parent / "data"
HARD_TIMEOUT = 10.0     # a broken sandbox fails the test instead of hanging the suite


def guarded(fn, *args, timeout=HARD_TIMEOUT):
    """Run fn in a daemon thread; fail (not hang) if it does not return in time."""
    box = {}

    def target():
        try:
            box["result"] = fn(*args)
        except BaseException as exc:     # noqa: BLE001 - handed back to the test thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    started = time.perf_counter()
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"sandboxed call still running after {timeout}s: sandbox does not bound it")
    box["elapsed"] = time.perf_counter() - started
    return box


def _isolated_child(conn, source, mode):
    started = time.perf_counter()
    out = {"error": None}
    try:
        out["result"] = repr(run_script(source, None, None, mode))[:200]
    except ScriptError as exc:
        out["error"] = exc
    except BaseException as exc:     # noqa: BLE001 - reported to the parent
        out["error"] = RuntimeError(f"not a ScriptError: {exc!r}")
    out["elapsed"] = time.perf_counter() - started
    try:
        assert_still_healthy()
        out["healthy"] = True
    except BaseException as exc:     # noqa: BLE001
        out["healthy"] = repr(exc)
    conn.send(out)
    conn.close()


def isolated(source, mode="exec", timeout=HARD_TIMEOUT):
    """Run a hostile script in a forked child: a sandbox hole that spins in C code (holding the GIL)
    or exhausts memory kills the child, and the test fails instead of hanging or crashing the suite."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_isolated_child, args=(child, source, mode), daemon=True)
    proc.start()
    child.close()
    ready = parent.poll(timeout)
    out = parent.recv() if ready else None
    proc.join(1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if out is None:
        pytest.fail(f"sandboxed script did not finish within {timeout}s (exit code {proc.exitcode})")
    return out


def run_script(source, context=None, env=None, mode="exec"):
    env = env or SandboxEnvironment()
    context = {} if context is None else context
    if mode == "eval":
        return env.evaluate(source, context)
    env.execute(source, context)
    return context


def assert_still_healthy(env=None):
    ctx = {"n": 4}
    run_script("m = sum(i * n for i in range(10))\nok = 'yes' if m == 180 else 'no'", ctx, env)
    assert ctx["ok"] == "yes"


# --------------------------------------------------------------------------- hostile corpus
HOSTILE = [
    # (id, source, expected code, mode)
    ("import", "import os", "forbidden", "exec"),
    ("from-import", "from os import system", "forbidden", "exec"),
    ("dunder-import", "__import__('os')", "forbidden", "eval"),
    ("subclasses", "().__class__.__mro__[1].__subclasses__()", "forbidden", "eval"),
    ("builtins-name", "__builtins__", "forbidden", "eval"),
    ("func-globals", "def f(): pass\ng = f.__globals__", "forbidden", "exec"),
    ("func-code", "f = lambda: 0\nc = f.__code__", "forbidden", "exec"),
    ("mro-method", "bases = Exception.mro()", "forbidden", "exec"),
    ("open", "open('/etc/passwd').read()", "forbidden", "eval"),
    ("eval", "eval('1')", "forbidden", "eval"),
    ("exec", "exec('x=1')", "forbidden", "exec"),
    ("compile", "compile('1', 'f', 'eval')", "forbidden", "eval"),
    ("globals", "g = globals()", "forbidden", "exec"),
    ("locals-vars", "v = vars()", "forbidden", "exec"),
    ("getattr", "getattr(1, '__class__')", "forbidden", "eval"),
    ("setattr", "setattr(date, 'today', None)", "forbidden", "exec"),
    ("type-3-args", "T = type('T', (), {})", "forbidden", "exec"),
    ("type-not-exposed", "t = type(1)", "runtime", "exec"),
    ("breakpoint", "breakpoint()", "forbidden", "exec"),
    ("input", "x = input()", "forbidden", "exec"),
    ("help", "help(len)", "forbidden", "exec"),
    ("memoryview", "m = memoryview(b'x')", "forbidden", "exec"),
    ("class-def", "class A:\n    def __init__(self): pass", "forbidden", "exec"),
    ("underscore-name", "_sb_mul = 1", "forbidden", "exec"),
    ("attribute-store", "def f(): pass\nf.x = 1", "forbidden", "exec"),
    ("format-attr", "'{0.__class__}'.format(1)", "forbidden", "eval"),
    ("format-attr-unbound", "str.format('{0.__class__.__base__}', 1)", "forbidden", "eval"),
    ("format-map", "'{x.__class__}'.format_map({'x': 1})", "forbidden", "eval"),
    ("format-width", "'{:>999999999}'.format(1)", "memory", "eval"),
    ("format-many-fields", "('{:>999999}' * 50).format(*range(50))", "memory", "eval"),
    ("fstring-width", "f'{1:>999999999}'", "memory", "eval"),
    ("fstring-dunder", "f'{(1).__class__}'", "forbidden", "eval"),
    ("percent-width", "'%999999999d' % 1", "memory", "eval"),
    ("percent-star", "'%*d' % (10**9, 1)", "memory", "eval"),
    ("format-builtin", "format(1, '>9999999999')", "memory", "eval"),
    ("gi-frame", "(x for x in []).gi_frame", "forbidden", "eval"),
    ("gi-code", "g = (x for x in [])\nc = g.gi_code", "forbidden", "exec"),
    ("tb-frame", "try:\n    1/0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame", "forbidden", "exec"),
    ("f-globals", "def f(x): return x.f_globals\n", "forbidden", "exec"),
    ("with-traceback", "e = ValueError()\ne.with_traceback(None)", "forbidden", "exec"),
    ("yield", "def g():\n    yield 1", "forbidden", "exec"),
    ("yield-from", "def g():\n    yield from [1]", "forbidden", "exec"),
    ("async", "async def g():\n    await g()", "forbidden", "exec"),
    ("lambda-default-smuggle", "f = (lambda g=globals: g)()", "forbidden", "exec"),
    ("lambda-dunder", "(lambda: 0).__globals__", "forbidden", "eval"),
    ("bare-except", "try:\n    x = 1\nexcept:\n    pass", "forbidden", "exec"),
    ("except-baseexception", "try:\n    x = 1\nexcept BaseException:\n    pass", "forbidden", "exec"),
    ("finally", "try:\n    x = 1\nfinally:\n    while True:\n        pass", "forbidden", "exec"),
    ("with", "with x:\n    pass", "forbidden", "exec"),
    ("match-class-attr", "match 1:\n    case int(__class__=c):\n        pass", "forbidden", "exec"),
    ("while-true", "while True: pass", "timeout", "exec"),
    ("while-true-multiline", "x = 0\nwhile True:\n    x = x - 1", "timeout", "exec"),
    ("timeout-not-swallowed", "try:\n    while True:\n        pass\nexcept Exception:\n    pass\ndone = 1",
     "timeout", "exec"),
    ("timeout-in-handler-loop",
     "for i in range(10**9):\n    try:\n        while True: pass\n    except Exception:\n        pass",
     "timeout", "exec"),
    ("huge-range-sum", "s = sum(range(10**12))", "timeout", "exec"),
    ("huge-range-in", "x = -1 in range(10**12)", "timeout", "exec"),
    ("str-repeat", "'a' * 10**10", "memory", "eval"),
    ("list-repeat", "[0] * 10**9", "memory", "eval"),
    ("repeat-reversed", "10**9 * 'ab'", "memory", "eval"),
    ("nested-repeat", "x = ['a' * 1000] * 10000", "memory", "exec"),
    ("power-tower", "10**10**10", "memory", "eval"),
    ("shift", "1 << 10**9", "memory", "eval"),
    ("ljust", "'x'.ljust(10**10)", "memory", "eval"),
    ("zfill", "'1'.zfill(10**10)", "memory", "eval"),
    ("center-unbound", "str.center('x', 10**10)", "memory", "eval"),
    ("expandtabs", "('\\t' * 1000).expandtabs(10**6)", "memory", "eval"),
    ("replace-empty", "('a' * 10**5).replace('', 'b' * 100)", "memory", "eval"),
    ("join-huge", "' '.join(['x' * 1000] * 2000)", "memory", "eval"),
    ("to-bytes", "(1).to_bytes(10**10, 'big')", "memory", "eval"),
    ("translate", "('a' * 10**4).translate({97: 'b' * 10**4})", "memory", "eval"),
    ("strftime-width", "date.today().strftime('%999999999Y')", "memory", "eval"),
    # whichever limit a slow machine reaches first: both stop it
    ("range-materialised", "x = list(range(10**12))", ("timeout", "memory"), "exec"),
    ("doubling-concat", "s = 'ab'\nfor i in range(64):\n    s = s + s", "memory", "exec"),
    ("doubling-iadd", "s = [1]\nfor i in range(64):\n    s += s", "memory", "exec"),
    ("doubling-extend", "l = [1]\nfor i in range(64):\n    l.extend(l)", "memory", "exec"),
    ("doubling-slice", "l = [1]\nfor i in range(64):\n    l[len(l):] = l", "memory", "exec"),
    ("doubling-augitem", "d = {'k': [1]}\nfor i in range(64):\n    d['k'] += d['k']", "memory", "exec"),
    ("slice-in-unpacking", "l = [1, 2]\nl[0:1], b = [5], 2", "forbidden", "exec"),
    ("doubling-star", "l = [1]\nfor i in range(64):\n    l = [*l, *l]", "memory", "exec"),
    ("extend-self-iterator", "l = [1]\nl.extend(enumerate(l))\nl.extend(enumerate(l))", None, "exec"),
    ("sum-of-lists", "x = sum([[0] * 1000] * 2000, [])", "memory", "exec"),
    ("dag-repr", "x = [1]\nfor i in range(100):\n    x = [x, x]\ny = str(x)", "memory", "exec"),
    ("dag-map-str", "x = [1]\nfor i in range(100):\n    x = [x, x]\ny = list(map(str, [x]))", "memory", "exec"),
    ("dag-fstring", "x = [1]\nfor i in range(100):\n    x = [x, x]\ny = f'{x}'", "memory", "exec"),
    ("dag-into-task-data", "x = [1]\nfor i in range(100):\n    x = [x, x]", "memory", "exec"),
    ("memory-grower", "l = []\nfor i in range(10**7):\n    l.append('x' * 100000)", "memory", "exec"),
    ("memory-grower-comprehension", "l = [str(i) * 1000 for i in range(10**6)]", "memory", "exec"),
    ("int-squaring", "x = 3\nfor i in range(64):\n    x = x * x", "memory", "exec"),
    ("deep-recursion", "def f():\n    return f()\nf()", "recursion", "exec"),
    ("mutual-recursion", "def a(n): return b(n)\ndef b(n): return a(n)\na(1)", "recursion", "exec"),
    ("lambda-recursion", "f = lambda g: g(g)\nf(f)", "recursion", "exec"),
    ("recursion-caught", "def f(): return f()\ntry:\n    f()\nexcept Exception:\n    pass\nok = 1",
     "recursion", "exec"),
    ("runtime-error", "x = {}['missing']", "runtime", "exec"),
    ("syntax-error", "x = (", "forbidden", "exec"),
]


@pytest.mark.parametrize("source,code,mode", [pytest.param(s, c, m, id=i) for i, s, c, m in HOSTILE])
def test_hostile_corpus(source, code, mode):
    box = isolated(source, mode)
    err = box.get("error")
    if code is None:      # only needs to terminate without harming the process
        assert err is None or isinstance(err, ScriptError), err
    else:
        assert isinstance(err, ScriptError), f"expected ScriptError({code}), got {err!r} / {box.get('result')!r}"
        allowed = code if isinstance(code, tuple) else (code,)
        if "memory" in allowed:   # on a loaded machine the time limit may stop a memory grower first
            allowed = (*allowed, "timeout")
        assert err.code in allowed, err.detail
        assert err.detail and err.detail == str(err)
    assert box["elapsed"] < 5.0, f"took {box['elapsed']:.2f}s"
    assert box["healthy"] is True, box["healthy"]


def _corpus_files():
    for path in sorted((DATA / "hostile").glob("*.py")):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# expect:"), path
        yield pytest.param(path, first.split(":", 1)[1].strip(), id=path.stem)


@pytest.mark.parametrize("path,code", list(_corpus_files()))
def test_hostile_corpus_files(path, code):
    box = isolated(path.read_text())
    err = box.get("error")
    assert isinstance(err, ScriptError), f"{path.name}: got {err!r}"
    assert err.code == code, err.detail
    assert box["healthy"] is True, box["healthy"]


def test_forbidden_message_names_construct_and_line():
    with pytest.raises(ScriptError) as info:
        run_script("x = 1\ny = 2\nimport os\n")
    assert info.value.code == "forbidden"
    assert info.value.line == 3
    assert "line 3" in info.value.detail and "import" in info.value.detail


def test_check_source_reports_every_problem():
    problems = check_source("import os\nx = ().__class__\ny = open('f')\ntry:\n    pass\nexcept:\n    pass\n")
    assert len(problems) == 4, problems
    assert problems[0].startswith("line 1:") and "import" in problems[0]
    assert any("__class__" in p and p.startswith("line 2") for p in problems)
    assert any("'open'" in p for p in problems)
    assert any("bare 'except:'" in p for p in problems)
    assert check_source("decision == 'return'", "eval") == []
    assert check_source("x = [i * 2 for i in range(3)]") == []
    assert "syntax error" in check_source("x = (", "exec")[0]
    assert "syntax error" in check_source("x = 1", "eval")[0]


def test_runtime_limit_lines_reported():
    with pytest.raises(ScriptError) as info:
        run_script("a = 1\nb = 'x' * 10**9\n")
    assert info.value.code == "memory" and info.value.line == 2
    with pytest.raises(ScriptError) as info:
        run_script("a = 1\nb = {}['k']\n")
    assert info.value.code == "runtime" and info.value.line == 2
    assert "KeyError" in info.value.detail
    assert isinstance(info.value.__cause__, KeyError)


def test_limits_are_configurable():
    env = SandboxEnvironment(SandboxLimits(time_seconds=0.2, max_size=100, max_depth=10))
    with pytest.raises(ScriptError) as info:
        env.evaluate("'x' * 101", {})
    assert info.value.code == "memory"
    assert env.evaluate("len('x' * 100)", {}) == 100
    started = time.perf_counter()
    with pytest.raises(ScriptError) as info:
        env.execute("while True:\n    pass", {})
    assert info.value.code == "timeout" and time.perf_counter() - started < 0.6
    with pytest.raises(ScriptError) as info:
        env.execute("def f(n): return f(n + 1) if n < 20 else n\nx = f(0)", {})
    assert info.value.code == "recursion"
    env.execute("def f(n): return f(n + 1) if n < 5 else n\nx = f(0)", ctx := {})
    assert ctx == {"x": 5}


def test_memory_limit_releases_memory():
    env = SandboxEnvironment(SandboxLimits(max_memory_mb=32))
    for _ in range(3):   # repeated failures do not accumulate memory
        box = guarded(run_script, "l = []\nfor i in range(10**7):\n    l.append('x' * 50000)", None, env)
        assert box["error"].code == "memory"
    assert_still_healthy(env)


def test_abort_is_not_an_exception_subclass():
    from engine.sandbox._errors import SandboxAbort
    assert not issubclass(SandboxAbort, Exception)
    assert "SandboxAbort" not in SandboxEnvironment()._reserved["__builtins__"]


def test_tracer_is_restored():
    def outer(frame, event, arg):
        return None
    sys.settrace(outer)
    try:
        run_script("x = [i for i in range(3)]")
        with pytest.raises(ScriptError):
            run_script("while True: pass")
        assert sys.gettrace() is outer
    finally:
        sys.settrace(None)


def test_threads_are_independent():
    """A runaway script in one thread does not slow or fail a benign script in another."""
    results = {}

    def hostile():
        try:
            run_script("while True: pass")
        except ScriptError as exc:
            results["hostile"] = exc.code

    def benign():
        ctx = {"n": 3}
        for _ in range(50):
            run_script("total = sum(i * n for i in range(100))", ctx)
        results["benign"] = ctx["total"]

    threads = [threading.Thread(target=hostile, daemon=True), threading.Thread(target=benign, daemon=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HARD_TIMEOUT)
    assert results == {"hostile": "timeout", "benign": 14850}


# --------------------------------------------------------------------------- benign behaviour
def test_benign_conditions():
    env = SandboxEnvironment()
    assert env.evaluate("decision == 'return'", {"decision": "return"}) is True
    assert env.evaluate("decision == 'return'", {"decision": "approve"}) is False
    assert env.evaluate("  amount > 100 and district in ['Chanthabouly', 'Sikhottabong']  ",
                        {"amount": 150, "district": "Chanthabouly"}) is True
    assert env.evaluate("len(docs) >= 2 and all(d['ok'] for d in docs)",
                        {"docs": [{"ok": True}, {"ok": True}]}) is True
    assert env.evaluate("x", {}, {"x": 5}) == 5          # external context
    assert env.evaluate("'%s-%03d' % (p, n)", {"p": "VTE", "n": 7}) == "VTE-007"
    assert env.evaluate("f'{amount:,.2f} LAK'", {"amount": 1234567.5}) == "1,234,567.50 LAK"
    assert env.evaluate("isinstance(x, str) and isinstance(y, (int, float))", {"x": "a", "y": 2})
    assert env.evaluate("str.upper(x)", {"x": "ab"}) == "AB"


def test_benign_script_updates_task_data():
    ctx = {"applicant": {"name": "Somchai", "age": 34}, "fees": [10000, 25000], "submitted": "2024-03-01"}
    script = """
total = sum(fees)
names = [n.upper() for n in ['a', 'b']]
squares = {i: i * i for i in range(4)}
def fee_with_tax(x, rate=0.1):
    return round(x * (1 + rate))
with_tax = fee_with_tax(total)
start = datetime.fromisoformat(submitted)
deadline = start + timedelta(days=15)
deadline_text = deadline.strftime('%d/%m/%Y')
days_left = (deadline.date() - date(2024, 3, 5)).days
label = '{} ({})'.format(applicant['name'], applicant['age'])
adult = applicant['age'] >= 18
parts = ', '.join(str(f) for f in fees)
try:
    bad = int('nope')
except ValueError as e:
    bad = -1
seen = set(fees)          # sets are not task data: dropped
gen = (f for f in fees)   # generators: dropped
count = 0
while count < 10:
    count += 1
applicant['checked'] = True
fees += [5000]
notes = {'log': 'a', 'n': 1, 'items': [1, 2, 3]}
notes['log'] += 'b'
notes['n'] *= 3
notes['items'][0:1] += [9]
notes['items'][2:] = [7, 7]
"""
    SandboxEnvironment().execute(script, ctx)
    assert ctx["total"] == 35000
    assert ctx["names"] == ["A", "B"]
    assert ctx["squares"] == {0: 0, 1: 1, 2: 4, 3: 9}
    assert ctx["with_tax"] == 38500
    assert ctx["deadline_text"] == "16/03/2024"
    assert ctx["days_left"] == 11
    assert ctx["label"] == "Somchai (34)"
    assert ctx["adult"] is True and ctx["bad"] == -1 and ctx["count"] == 10
    assert ctx["parts"] == "10000, 25000"
    assert ctx["applicant"]["checked"] is True
    assert ctx["fees"] == [10000, 25000, 5000]
    assert ctx["notes"] == {"log": "ab", "n": 3, "items": [1, 9, 7, 7]}
    import datetime as dt
    assert ctx["deadline"] == dt.datetime(2024, 3, 16)
    for dropped in ("fee_with_tax", "seen", "gen", "datetime", "timedelta", "date", "e", "__builtins__"):
        assert dropped not in ctx
    assert not any(k.startswith("_") for k in ctx)


def test_script_can_delete_and_shadow_names():
    ctx = {"tmp": 1, "date": "2024-01-01"}            # task data may use names like `date`
    SandboxEnvironment().execute("del tmp\ncopy = date", ctx)
    assert ctx == {"date": "2024-01-01", "copy": "2024-01-01"}


def test_failed_script_leaves_task_data_unchanged():
    ctx = {"a": 1}
    with pytest.raises(ScriptError):
        SandboxEnvironment().execute("a = 2\nb = 3\nc = {}['x']", ctx)
    assert ctx == {"a": 1}


def test_extra_globals_available_but_not_stored():
    env = SandboxEnvironment(extra_globals={"lak": lambda x: f"{x:,} LAK"})
    ctx = {"n": 1500}
    env.execute("label = lak(n)", ctx)
    assert ctx == {"n": 1500, "label": "1,500 LAK"}


def test_simple_expression_still_size_guarded():
    with pytest.raises(ScriptError) as info:
        SandboxEnvironment().evaluate("'a' * n", {"n": 10**10})
    assert info.value.code == "memory"


def test_compiled_code_is_cached():
    from engine.sandbox._static import compile_source
    compile_source.cache_clear()
    env = SandboxEnvironment()
    for _ in range(5):
        env.evaluate("decision == 'return'", {"decision": "x"})
    info = compile_source.cache_info()
    assert info.misses == 1 and info.hits == 4


def test_condition_overhead_is_small(capsys):
    env = SandboxEnvironment()
    ctx = {"decision": "return", "amount": 5}
    expr = "decision == 'return'"
    code = compile(expr, "<x>", "eval")
    n = 20000

    def bench(fn):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(n):
                fn()
            best = min(best, (time.perf_counter() - started) / n * 1e6)
        return best

    sandbox = bench(lambda: env.evaluate(expr, ctx))
    plain = bench(lambda: eval(code, dict(ctx)))
    with capsys.disabled():
        print(f"\n[sandbox overhead] {expr!r}: sandbox {sandbox:.2f} us, precompiled eval {plain:.2f} us")
    assert sandbox < 20


# --------------------------------------------------------------------------- SpiffWorkflow integration
def _spec(filename, process_id):
    from SpiffWorkflow.bpmn.parser import BpmnParser
    parser = BpmnParser()
    parser.add_bpmn_file(str(DATA / "sandbox" / filename))
    return parser.get_spec(process_id)


def _run_workflow(spec, engine, data):
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState
    workflow = BpmnWorkflow(spec, script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    workflow.do_engine_steps()
    return workflow


def _completed_names(workflow):
    from SpiffWorkflow.util.task import TaskState
    return {t.task_spec.name for t in workflow.get_tasks(state=TaskState.COMPLETED)}


BENIGN = {"mode": "ok", "amount": 7, "decision": "return", "size": 1}


@pytest.mark.parametrize("mode,extra,code", [
    ("loop", {}, "timeout"),
    ("grow", {"size": 10**10}, "memory"),
    ("recurse", {}, "recursion"),
])
def test_workflow_hostile_script_fails_task_only(mode, extra, code):
    from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
    spec = _spec("sandbox_script.bpmn", "sandbox_script")
    engine = create_script_engine()
    box = guarded(_run_workflow, spec, engine, {**BENIGN, "mode": mode, **extra})
    err = box.get("error")
    assert isinstance(err, WorkflowTaskException), repr(err)
    assert box["elapsed"] < 2.0, f"hostile run took {box['elapsed']:.2f}s"
    assert isinstance(err.exception, ScriptError) and err.exception.code == code
    assert err.__cause__ is err.exception
    assert err.task.task_spec.name == "compute"
    assert err.line_number == err.exception.line and err.error_line.strip()
    # the same spec and engine still run a benign instance to completion
    workflow = _run_workflow(spec, engine, BENIGN)
    assert workflow.is_completed()
    assert "end_big" in _completed_names(workflow)
    data = workflow.last_task.data
    assert data["doubled"] == 15 and data["due"] == "2024-02-07" and data["labels"] == ["0:a", "1:b"]


def test_workflow_gateway_condition_uses_sandbox():
    spec = _spec("sandbox_script.bpmn", "sandbox_script")
    workflow = _run_workflow(spec, create_script_engine(), {**BENIGN, "amount": 1})
    assert workflow.is_completed() and "end_small" in _completed_names(workflow)


def test_workflow_forbidden_condition_and_script():
    from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
    spec = _spec("sandbox_hostile.bpmn", "sandbox_hostile")
    engine = create_script_engine()
    with pytest.raises(WorkflowTaskException) as info:
        _run_workflow(spec, engine, {"mode": "condition"})
    assert info.value.exception.code == "memory"
    assert info.value.task.task_spec.name == "gateway"
    with pytest.raises(WorkflowTaskException) as info:
        _run_workflow(spec, engine, {"mode": "script"})
    assert info.value.exception.code == "forbidden"
    assert info.value.task.task_spec.name == "steal"
    assert "import" in str(info.value)


def test_engine_forbidden_condition_via_spiff_engine():
    from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
    spec = _spec("sandbox_script.bpmn", "sandbox_script")
    workflow = _run_workflow(spec, create_script_engine(), BENIGN)
    task = workflow.last_task
    with pytest.raises(WorkflowTaskException) as info:
        workflow.script_engine.evaluate(task, "().__class__.__mro__[1].__subclasses__()")
    assert info.value.exception.code == "forbidden"
    assert "__class__" in info.value.exception.detail and "__mro__" in info.value.exception.detail


def test_engine_validate_rejects_forbidden_expression():
    engine = create_script_engine()
    engine.validate("decision == 'return'")
    with pytest.raises(SyntaxError):
        engine.validate("x = (")
    with pytest.raises(ScriptError):
        engine.validate("().__class__")


@pytest.mark.xfail(strict=True, reason="known gap: hashing/comparing a shared-reference tuple DAG is "
                                       "exponential C work that no in-process tracer can interrupt")
def test_known_gap_tuple_dag_hash():
    box = isolated("t = (1,)\nfor i in range(100):\n    t = (t, t)\nx = {t}", timeout=2)
    assert box["error"] is not None and box["error"].code == "timeout"
