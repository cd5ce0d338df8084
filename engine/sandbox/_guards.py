"""Runtime guard helpers injected into the sandbox globals as ``_sb_*`` and the safe builtins."""
from __future__ import annotations

import builtins
import datetime as _dt
import functools
import importlib
import re
import string
from _string import formatter_field_name_split

from ._errors import SandboxLimits, current_run, fail
from ._static import forbidden_attr

_INTS = (int, bool)
_SEQS = (str, bytes, list, tuple)
_BIG = 1 << 16          # results at least this long trigger an immediate memory check
_SPEC_NUM = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_STRFTIME_WIDTH = re.compile(r"%[-_0^#]*\d")


_CONTAINERS = (list, tuple, set, frozenset, dict)


def _scalar_weight(o) -> int:
    t = type(o)
    if t is str or t is bytes:
        return len(o) or 1
    if t is int:
        return 1 + o.bit_length() // 64
    return 1


def weight(obj, budget: int) -> int:
    """Flattened size (chars + elements) as repr()/JSON would see it: shared references count every
    time they occur (computed once per distinct container, so DAGs are cheap to measure). Returns a
    value > budget as soon as the budget is exceeded, and for self-referencing structures."""
    if type(obj) not in _CONTAINERS:
        return _scalar_weight(obj)
    memo: dict[int, int] = {}
    open_ids: set[int] = set()
    stack = [obj]
    while stack:
        o = stack[-1]
        oid = id(o)
        if oid in memo:
            stack.pop()
            continue
        items = [*o.keys(), *o.values()] if type(o) is dict else o
        if oid not in open_ids:
            open_ids.add(oid)
            pending = [c for c in items if type(c) in _CONTAINERS and id(c) not in memo]
            if pending:
                for c in pending:
                    if id(c) in open_ids:
                        return budget + 1          # cycle: repr/JSON cannot be built
                stack.extend(pending)
                continue
        size = 1
        for c in items:
            size += memo[id(c)] if type(c) in _CONTAINERS else _scalar_weight(c)
        if size > budget:
            return size
        memo[oid] = size
        open_ids.discard(oid)
        stack.pop()
    return memo[id(obj)]


def _noted(result):
    """Measure memory right away after a large allocation instead of waiting for the tracer."""
    try:
        n = len(result)
    except TypeError:
        return result
    if n >= _BIG:
        run = current_run()
        if run is not None:
            run.check_memory()
    return result


def _sized_arg(value):
    if isinstance(value, (list, tuple, str, bytes, dict, set, frozenset, range)):
        return value
    return list(value)


class Guards:
    """Helpers bound to one SandboxLimits; ``namespace()`` gives the globals to inject."""

    def __init__(self, limits: SandboxLimits):
        self.limits = limits
        self.max_size = limits.max_size
        self.max_bits = limits.max_int_bits
        self._inplace = {}
        self.namespace()

    # --- size checks ---------------------------------------------------------------------------
    def _cap(self, n, what):
        if n > self.max_size:
            fail("memory", f"{what} would have size {n:,} (limit {self.max_size:,})")

    def _check_weight(self, value, what):
        if type(value) in (list, tuple, dict, set, frozenset):
            self._cap(weight(value, self.max_size), what)

    def _bits(self, bits, what):
        if bits > self.max_bits:
            fail("memory", f"{what} would have about {bits:,} bits (limit {self.max_bits:,})")

    def _repeat_check(self, seq, n, what):
        if n > 0 and len(seq):
            per = len(seq) if type(seq) in (str, bytes) else weight(seq, self.max_size) - 1
            self._cap(per * n, what)

    def _repeat(self, seq, n, what="repetition"):
        self._repeat_check(seq, n, what)
        return _noted(seq * n)

    # --- operators -----------------------------------------------------------------------------
    def mul(self, a, b):
        ta, tb = type(a), type(b)
        if ta in _INTS and tb in _INTS:
            self._bits(a.bit_length() + b.bit_length(), "integer multiplication")
            return a * b
        if ta in _SEQS and tb in _INTS:
            return self._repeat(a, b)
        if tb in _SEQS and ta in _INTS:
            return self._repeat(b, a)
        return a * b

    def pow(self, a, b):
        if type(a) in _INTS and type(b) in _INTS and b > 0 and abs(a) > 1:
            self._bits(a.bit_length() * b, "power")
        return a ** b

    def lshift(self, a, b):
        if type(a) in _INTS and type(b) in _INTS and a and b > 0:
            self._bits(a.bit_length() + b, "left shift")
        return a << b

    def add(self, a, b):
        ta = type(a)
        if ta in _SEQS and type(b) is ta:
            self._cap(len(a) + len(b), "concatenation")
            return _noted(a + b)
        return a + b

    def _divcheck(self, a, b):
        if type(a) in _INTS and type(b) in _INTS:
            cost = (a.bit_length() // 30 + 1) * (b.bit_length() // 30 + 1)
            if cost > 20_000_000:
                fail("timeout", "integer division of very large numbers is too expensive")

    def floordiv(self, a, b):
        self._divcheck(a, b)
        return a // b

    def mod(self, a, b):
        if type(a) in (str, bytes):
            return self._percent(a, b)
        self._divcheck(a, b)
        return a % b

    def _percent(self, fmt, args):
        text = fmt if type(fmt) is str else fmt.decode("latin-1")
        total = len(fmt)
        for m in _PERCENT_SPEC.finditer(text):
            for num in m.groups():
                if num == "*":
                    fail("memory", "'*' width/precision in %-format is not allowed")
                if num:
                    total += int(num) if len(num) < 12 else self.max_size + 1
        total += weight(args, self.max_size)
        self._cap(total, "%-formatting")
        return _noted(fmt % args)

    def imul(self, a, b):
        if type(a) is list and type(b) in _INTS:
            self._repeat_check(a, b, "list *=")
            a *= b
            return _noted(a)
        return self.mul(a, b)

    def augitem(self, obj, key, op, value):
        obj[key] = self._inplace["_sb_i" + op](obj[key], value)

    def setslice(self, obj, lower, upper, step, value):
        if type(obj) is list:
            value = _sized_arg(value)
            self._cap(len(obj) + len(value), "slice assignment")
        obj[lower:upper:step] = value
        _noted(obj)

    def sized(self, value):
        self._cap(len(value), "display")
        return _noted(value)

    # --- formatting ----------------------------------------------------------------------------
    def _spec(self, spec):
        if type(spec) is str:
            for num in _SPEC_NUM.findall(spec):
                if len(num) > 9 or int(num) > self.max_size:
                    fail("memory", f"format width/precision {num[:12]} is too large")

    def format(self, value, spec=""):
        self._spec(spec)
        self._check_weight(value, "formatting")
        return _noted(builtins.format(value, spec))

    def str_(self, *args, **kwargs):
        if args:
            self._check_weight(args[0], "str()")
        return _noted(str(*args, **kwargs))

    def repr(self, value):
        self._check_weight(value, "repr()")
        return _noted(repr(value))

    def ascii(self, value):
        self._check_weight(value, "ascii()")
        return _noted(ascii(value))

    def fmt(self, value, conversion, spec):
        if conversion == "s":
            value = self.str_(value)
        elif conversion == "r":
            value = self.repr(value)
        elif conversion == "a":
            value = self.ascii(value)
        return self.format(value, spec)

    # --- builtins ------------------------------------------------------------------------------
    def range(self, *args):
        r = range(*args)
        if len(r) <= self.max_size:
            return r
        return _traced_iter(r)   # Python-level generator: every step is visible to the tracer

    def sum(self, iterable, /, start=0):
        if type(start) in (list, tuple):   # avoid quadratic C-level concatenation
            out = list(start)
            for item in iterable:
                out += item
                self._cap(len(out), "sum()")
            return type(start)(out)
        return builtins.sum(iterable, start)

    def divmod(self, a, b):
        self._divcheck(a, b)
        return builtins.divmod(a, b)

    # --- guarded methods (obj.name where name in GUARDED_METHODS) ------------------------------
    def attr(self, obj, name):
        method = getattr(obj, name)
        guard = getattr(self, "m_" + name)
        if isinstance(obj, type):          # str.join(sep, items): unbound access through the class
            def unbound(self_obj, *args, **kwargs):
                return guard(self_obj, functools.partial(method, self_obj), *args, **kwargs)
            return unbound
        return functools.partial(guard, obj, method)

    def m_format(self, obj, method, *args, **kwargs):
        if type(obj) is str:
            return _SafeFormatter(self).vformat(obj, args, kwargs)
        return method(*args, **kwargs)

    def m_format_map(self, obj, method, mapping):
        if type(obj) is str:
            return _SafeFormatter(self).vformat(obj, (), mapping)
        return method(mapping)

    def _width(self, obj, method, width, *args):
        if type(width) in _INTS:
            self._cap(width, "padding")
        return _noted(method(width, *args))

    m_ljust = m_rjust = m_center = m_zfill = _width

    def m_expandtabs(self, obj, method, tabsize=8):
        if type(tabsize) in _INTS and type(obj) in (str, bytes):
            tab = "\t" if type(obj) is str else b"\t"
            self._cap(len(obj) + obj.count(tab) * max(tabsize, 0), "expandtabs()")
        return _noted(method(tabsize))

    def m_join(self, obj, method, iterable):
        if type(obj) in (str, bytes):
            items = iterable if type(iterable) in (list, tuple) else list(iterable)
            total = len(obj) * max(len(items) - 1, 0)
            for item in items:
                if type(item) in (str, bytes):
                    total += len(item)
            self._cap(total, "join()")
            return _noted(method(items))
        return method(iterable)

    def m_replace(self, obj, method, *args, **kwargs):
        if type(obj) in (str, bytes) and len(args) >= 2:
            old, new = args[0], args[1]
            count = args[2] if len(args) > 2 else kwargs.get("count", -1)
            hits = len(obj) + 1 if not old else obj.count(old)
            if type(count) in _INTS and count >= 0:
                hits = min(hits, count)
            self._cap(len(obj) + hits * len(new), "replace()")
        return _noted(method(*args, **kwargs))

    def m_translate(self, obj, method, table, *args):
        if type(obj) is str and isinstance(table, dict):
            longest = 1
            for v in table.values():
                if type(v) is str:
                    longest = max(longest, len(v))
            self._cap(len(obj) * longest, "translate()")
        return _noted(method(table, *args))

    def m_strftime(self, obj, method, fmt):
        if type(fmt) is str and _STRFTIME_WIDTH.search(fmt):
            fail("memory", "field widths in strftime() formats are not allowed")
        return method(fmt)

    def m_to_bytes(self, obj, method, *args, **kwargs):
        length = args[0] if args else kwargs.get("length", 1)
        if type(length) in _INTS:
            self._cap(length, "to_bytes()")
        return method(*args, **kwargs)

    def m_extend(self, obj, method, iterable):
        if type(obj) is list:
            iterable = _sized_arg(iterable)
            self._cap(len(obj) + len(iterable), "extend()")
            method(iterable)
            _noted(obj)
            return None
        return method(iterable)

    def _post(self, obj, method, *args, **kwargs):
        return _noted(method(*args, **kwargs))

    m_split = m_rsplit = m_splitlines = m_encode = _post

    # --- namespace -----------------------------------------------------------------------------
    def namespace(self) -> dict:
        ns = {"_sb_loop": True, "_sb_slice": slice}
        for name in ("pow", "lshift", "mod", "floordiv", "imul", "augitem", "setslice", "sized", "fmt",
                     "attr"):
            ns["_sb_" + name] = getattr(self, name)
        for name in ("pow", "lshift", "mod", "floordiv"):
            ns["_sb_i" + name] = getattr(self, name)
        ns.update(self._hot_ops())
        self._inplace = {k: v for k, v in ns.items() if k.startswith("_sb_i")}
        return ns

    def _hot_ops(self):
        """+, +=, * as flat closures: they run for every such operator in a loop, so the common
        numeric case must cost one Python call and no more."""
        max_size, max_bits, slow_mul, slow_add = self.max_size, self.max_bits, self.mul, self.add
        small = (int, float)

        def add(a, b):
            if type(a) in small and type(b) in small:
                return a + b
            return slow_add(a, b)

        def iadd(a, b):
            ta = type(a)
            if ta in small and type(b) in small:
                return a + b
            if ta is list:
                b = _sized_arg(b)
                if len(a) + len(b) > max_size:
                    slow_add(a, list(b))           # reports the error
                a += b
                return _noted(a)
            return slow_add(a, b)

        def mul(a, b):
            ta, tb = type(a), type(b)
            if ta is float or tb is float:
                return a * b
            if ta is int and tb is int and a.bit_length() + b.bit_length() <= max_bits:
                return a * b
            return slow_mul(a, b)

        return {"_sb_add": add, "_sb_iadd": iadd, "_sb_mul": mul}

    def builtins(self) -> dict:
        b = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}
        b.update({
            "range": self.range, "sum": self.sum, "divmod": self.divmod, "format": self.format,
            "repr": self.repr, "ascii": self.ascii, "print": _print, "__import__": _internal_import,
            "str": _proxy_type(str, self.str_), "list": _proxy_type(list, _noted_call(list)),
            "tuple": _proxy_type(tuple, _noted_call(tuple)), "set": _proxy_type(set, _noted_call(set)),
            "frozenset": _proxy_type(frozenset, _noted_call(frozenset)),
            "dict": _proxy_type(dict, _noted_call(dict)),
            "sorted": _noted_call(sorted),
        })
        return b


SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bin", "bool", "chr", "enumerate", "filter", "float", "hex", "int",
    "isinstance", "issubclass", "len", "map", "max", "min", "oct", "ord", "reversed", "round", "slice",
    "zip", "True", "False", "None",
    "Exception", "ArithmeticError", "AssertionError", "AttributeError", "IndexError", "KeyError",
    "LookupError", "NameError", "NotImplementedError", "OverflowError", "RuntimeError", "StopIteration",
    "TypeError", "ValueError", "ZeroDivisionError",
)

def is_defined_in(data: dict, external: dict | None = None):
    """FEEL's `is defined(x)` / `is defined(x.y)` over one evaluation's case data (what the translation of
    engine.expressions calls): True when the data holds the name, also when its value is None (Camunda 8: a
    variable set to null is defined), False when it is missing; each further part is a key of the value before.
    Reading the data dicts only: it cannot reach anything a script could not read by name."""
    def is_defined(name, *keys):
        if isinstance(name, str) and name in data:
            value = data[name]
        elif external and isinstance(name, str) and name in external:
            value = external[name]
        else:
            return False
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return False
            value = value[key]
        return True
    return is_defined


SAFE_GLOBALS = {
    "datetime": _dt.datetime, "date": _dt.date, "timedelta": _dt.timedelta, "timezone": _dt.timezone,
    "is_defined": is_defined_in({}),  # bound to each evaluation's data by SandboxEnvironment._namespace
}


_C_LEVEL_IMPORTS = frozenset({"time", "_strptime", "datetime", "_datetime", "locale", "calendar"})


def _internal_import(name, globals=None, locals=None, fromlist=(), level=0):
    """``__import__`` for C code called from scripts (datetime.strftime/today import ``time``).
    Scripts cannot name it (underscore names are rejected); only stdlib helpers are allowed."""
    if level == 0 and name in _C_LEVEL_IMPORTS:
        return importlib.import_module(name)
    raise ImportError(f"import of {name!r} is not allowed in the sandbox")


def _print(*args, **kwargs):
    """Scripts may call print(); output is discarded (never evaluated, never written)."""


def _traced_iter(r):
    for x in r:  # noqa: UP028 - each resume must be a traced 'call' event (time/memory checked)
        yield x


def _noted_call(func):
    def call(*args, **kwargs):
        return _noted(func(*args, **kwargs))
    call.__name__ = func.__name__
    return call


class _ProxyMeta(type):
    """A stand-in for a builtin type: isinstance()/attributes behave like the real type, but calling
    it goes through a guard (so ``map(str, data)`` is size-checked too)."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, cls._real)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, cls._real)

    def __call__(cls, *args, **kwargs):
        return cls._factory(*args, **kwargs)

    def __getattr__(cls, name):
        return getattr(cls._real, name)

    def __getitem__(cls, item):
        return cls._real[item]

    def __repr__(cls):
        return repr(cls._real)


def _proxy_type(real, factory):
    return _ProxyMeta(real.__name__, (), {"_real": real, "_factory": staticmethod(factory)})


class _SafeFormatter(string.Formatter):
    """str.format / format_map without attribute escapes and with size accounting."""

    def __init__(self, guards: Guards):
        self.guards = guards
        self.total = 0

    def get_field(self, field_name, args, kwargs):
        _first, rest = formatter_field_name_split(field_name)
        for is_attr, name in rest:
            if is_attr and forbidden_attr(name):
                fail("forbidden", f"attribute '.{name}' in a format string is not allowed")
        return super().get_field(field_name, args, kwargs)

    def convert_field(self, value, conversion):
        if conversion == "s":
            return self.guards.str_(value)
        if conversion == "r":
            return self.guards.repr(value)
        if conversion == "a":
            return self.guards.ascii(value)
        return super().convert_field(value, conversion)

    def format_field(self, value, format_spec):
        out = self.guards.format(value, format_spec)
        self.total += len(out)
        self.guards._cap(self.total, "str.format()")
        return out

