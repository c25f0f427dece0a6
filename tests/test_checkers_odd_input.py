"""Every registered exercise checker, present and future, answers odd submissions calmly.

The test imports every ``helpers.exercises.nbNN`` module, collects the checkers they register
with ``@exercise``, and feeds each a battery of odd submissions: values that are not answers
(None, strings, dicts, ragged lists, object arrays, nan, a huge array, …) and functions that
misbehave (return None, a string, nan, a ragged tuple, a tuple of the wrong length, their own
inputs; raise anything, a ``BaseException`` of their own or ``GeneratorExit`` included; pop or
edit their arguments; call ``sys.exit``; change numpy's error state, print options, the warning
filters or ``sys.stdout``; compute their answer with the course's numerical gradient, directly,
from a thread, or after ``sys.setprofile(None)``). Each call must print one ``not yet:`` line,
return False, raise nothing, leave the global state as it was, and must not have needed the
decorator's safety net (which would mean the checker itself crashed). A right answer in float32
must be accepted, or called float32 (never "wrong values").
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
import inspect
import io
import pkgutil
import re
import sys
import warnings

import numpy as np
import pytest

import helpers.exercises
from helpers import gradcheck
from helpers.exercises import _check
from helpers.exercises._check import clear_safety_net_uses, registered, safety_net_uses

MODULES = sorted(m.name for m in pkgutil.iter_modules(helpers.exercises.__path__)
                 if re.fullmatch(r"nb\d\d", m.name))
for _name in MODULES:
    importlib.import_module(f"helpers.exercises.{_name}")

CHECKERS = [ex for ex in registered()
            if re.fullmatch(r"helpers\.exercises\.nb\d\d", ex.checker.__module__)]


def _object_array():
    arr = np.empty(3, dtype=object)
    arr[:] = [1.0, "a", None]
    return arr


HUGE = np.full((1000, 1000), 1e300)

# Values: not answers, whether a checker expects numbers, a dict or a function.
VALUES = {
    "None": None, "a string": "0.5", "an empty string": "", "bytes": b"1.0", "an int": 7,
    "a float": 0.5, "a bool": True, "nan": float("nan"), "inf": float("inf"), "-inf": -np.inf,
    "a dict": {"A": 1}, "an empty dict": {}, "an empty list": [], "a list of None": [None, None],
    "a ragged list": [[1.0, 2.0], [3.0]], "a ragged tuple of arrays": (np.ones(2), np.ones(3)),
    "a 1-tuple": (1.0,), "a 7-tuple": (1.0,) * 7, "an object array": _object_array(),
    "a huge array": HUGE, "an array of strings": np.array(["1.0", "2.0"]),
    "a complex array": np.ones(3, dtype=complex), "a bool array": np.ones(3, dtype=bool),
    "a nan array": np.full((2, 2), np.nan), "an empty array": np.zeros((0,)),
    "a 0-d object": np.array(object()), "an object": object(), "a set": {1.0, 2.0},
    "Ellipsis": Ellipsis, "a module": np, "a negative int": -3, "a huge int": 10 ** 400,
    "a datetime array": np.array(["2024-01-01"], dtype="datetime64[D]"),
    "a generator": (i for i in range(3)),
}


def _like(args, value):
    return [np.full(np.shape(a), value) if np.ndim(a) else value for a in args
            if isinstance(a, (np.ndarray, float, int)) and not isinstance(a, bool)]


def _edit_everything(*args, **kwargs):
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.flags.writeable:
            a *= 2
        elif isinstance(a, list) and a:
            a.pop()
        elif isinstance(a, dict):
            a.clear()
    return args[0] if args else None


def _pops(*args, **kwargs):
    for a in args:
        if isinstance(a, list) and a:
            a.pop()
    return [np.zeros(1)]


def _raises(exc):
    def fn(*args, **kwargs):
        raise exc
    return fn


def _recurse(*args, **kwargs):
    return _recurse(*args, **kwargs)


class Boom(BaseException):
    """A learner's own exception class, outside ``Exception``."""


CALLED: set[str] = set()      # the kinds below that were called (so their hint is owed)


def _zeros_like_inputs(*args):
    return tuple(_like(args, 0.0)) or 0.0


def _seterr_raise(*args, **kwargs):
    CALLED.add("sets np.seterr(all='raise')")
    np.seterr(all="raise")
    return _zeros_like_inputs(*args)


def _seterrcall(*args, **kwargs):
    def call(kind, flag):
        raise Boom(kind)
    np.seterrcall(call)
    np.seterr(all="call")
    return _zeros_like_inputs(*args)


def _warnings_are_errors(*args, **kwargs):
    warnings.simplefilter("error")
    np.set_printoptions(precision=1, threshold=2, linewidth=10)
    return _zeros_like_inputs(*args)


def _silences_stdout(*args, **kwargs):
    sys.stdout = io.StringIO()
    return _zeros_like_inputs(*args)


def _numerically(*args, **kwargs):
    CALLED.add("uses the numerical gradient")
    gradcheck.numerical_gradient(lambda v: float(v @ v), np.ones(2))
    return _zeros_like_inputs(*args)


def _numerically_in_a_thread(*args, **kwargs):
    CALLED.add("uses the numerical gradient from a thread")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(gradcheck.numerical_gradient_array, lambda v: 2 * v, np.ones(2),
                    np.ones(2)).result()
    return _zeros_like_inputs(*args)


def _numerically_unprofiled(*args, **kwargs):
    CALLED.add("uses the numerical gradient after sys.setprofile(None)")
    previous = sys.getprofile()
    sys.setprofile(None)
    try:
        gradcheck.numerical_jacobian(lambda v: 2 * v, np.ones(2))
    finally:
        sys.setprofile(previous)
    return _zeros_like_inputs(*args)


# What a called submission of these kinds must be told (the numerical ones: in every checker
# but those whose exercise allows a numerical answer, below).
MUST_SAY = {"uses the numerical gradient": "numerical gradient only checks an answer",
            "uses the numerical gradient from a thread": "numerical_gradient_array",
            "uses the numerical gradient after sys.setprofile(None)": "numerical_jacobian"}


# Checkers that call the learner with numerical=True: nb04's Jacobian form is about layout, so
# a numerical Jacobian is a fair way to get it.
NUMERICAL_ALLOWED = {"nb04.check_jacobian_form"}


# Functions: every way a learner's function can misbehave.
FUNCTIONS = {
    "returns None": lambda *a, **k: None,
    "returns a string": lambda *a, **k: "dx",
    "returns an int": lambda *a, **k: 3,
    "returns nan": lambda *a, **k: float("nan"),
    "returns inf": lambda *a, **k: np.inf,
    "returns a ragged tuple": lambda *a, **k: ([1.0, 2.0], [3.0]),
    "returns a ragged tuple of arrays": lambda *a, **k: (np.ones((2, 2)), np.ones(3)),
    "returns an object array": lambda *a, **k: _object_array(),
    "returns a 1-tuple": lambda *a, **k: (np.zeros(3),),
    "returns a 3-tuple": lambda *a, **k: (0.0, 0.0, 0.0),
    "returns a 6-tuple": lambda *a, **k: (np.zeros(2),) * 6,
    "returns a huge array": lambda *a, **k: HUGE,
    "returns strings": lambda *a, **k: np.array(["1.0", "2.0"]),
    "returns complex": lambda *a, **k: np.ones(3, dtype=complex) * 1j,
    "returns bools": lambda *a, **k: np.ones(3, dtype=bool),
    "returns a dict": lambda *a, **k: {"dx": 1.0},
    "returns a function": lambda *a, **k: len,
    "returns a generator": lambda *a, **k: (x for x in a),
    "returns True": lambda *a, **k: True,
    "returns (None, None)": lambda *a, **k: (None, None),
    "returns [nan, nan]": lambda *a, **k: [np.nan, np.nan],
    "returns a list of None": lambda *a, **k: [None] * 4,
    "returns nan like its inputs": lambda *a, **k: tuple(_like(a, np.nan)),
    "returns inf like its inputs": lambda *a, **k: tuple(_like(a, np.inf)),
    "returns zeros like its inputs": lambda *a, **k: tuple(_like(a, 0.0)),
    "returns nan like its first input": lambda *a, **k: np.full(np.shape(a[0]), np.nan),
    "returns its first input": lambda *a, **k: a[0],
    "returns its last input": lambda *a, **k: a[-1],
    "returns its inputs": lambda *a, **k: a,
    "returns its inputs as a list": lambda *a, **k: list(a),
    "raises ValueError": _raises(ValueError("bad")),
    "raises TypeError": _raises(TypeError("bad")),
    "raises NotImplementedError": _raises(NotImplementedError),
    "raises ZeroDivisionError": lambda *a, **k: 1 / 0,
    "calls sys.exit": lambda *a, **k: sys.exit(1),
    "recurses forever": _recurse,
    "pops its list arguments": _pops,
    "edits every argument": _edit_everything,
    "returns a huge int": lambda *a, **k: 10 ** 400,
    "returns the wrong dtype": lambda *a, **k: np.array(["2024-01-01"], dtype="datetime64[D]"),
    "raises its own BaseException": _raises(Boom("mine")),
    "raises GeneratorExit": _raises(GeneratorExit()),
    "raises SystemExit(0)": _raises(SystemExit(0)),
    "sets np.seterr(all='raise')": _seterr_raise,
    "sets a raising np.seterrcall": _seterrcall,
    "turns warnings into errors and changes print options": _warnings_are_errors,
    "replaces sys.stdout": _silences_stdout,
    **{kind: fn for kind, fn in (("uses the numerical gradient", _numerically),
                                 ("uses the numerical gradient from a thread",
                                  _numerically_in_a_thread),
                                 ("uses the numerical gradient after sys.setprofile(None)",
                                  _numerically_unprofiled))},
}

SUBMISSIONS = {**{f"value: {k}": v for k, v in VALUES.items()},
               **{f"function: {k}": v for k, v in FUNCTIONS.items()}}


def _calls(checker):
    """Each submission in every argument position (the others 0.0), and in all of them."""
    n = len([p for p in inspect.signature(checker).parameters.values()
             if p.default is inspect.Parameter.empty])
    for label, sub in SUBMISSIONS.items():
        yield label, (sub,) * n
        if n > 1:
            for i in range(n):
                yield f"{label} as argument {i + 1}", tuple(sub if j == i else 0.0
                                                            for j in range(n))


def test_there_are_checkers_to_test():
    assert MODULES[:7] == [f"nb0{i}" for i in range(1, 8)]
    assert len(CHECKERS) >= 20
    assert {ex.checker.__module__.rsplit(".", 1)[1] for ex in CHECKERS} == set(MODULES)


def test_every_public_checker_is_registered():
    for name in MODULES:
        module = sys.modules[f"helpers.exercises.{name}"]
        for attr in getattr(module, "__all__", dir(module)):
            fn = getattr(module, attr)
            if attr.startswith("check_") and callable(fn):
                assert hasattr(fn, "exercise"), f"{name}.{attr} has no @exercise(...)"


def test_odd_submission_count(capsys):
    total = sum(1 for ex in CHECKERS for _ in _calls(ex.checker))
    kinds = len(SUBMISSIONS) + len(RIGHT_KINDS)
    with capsys.disabled():
        print(f"\nodd submissions: {kinds} kinds × {len(CHECKERS)} checkers "
              f"→ {total + len(RIGHT_KINDS) * len(CHECKERS)} checker calls")
    assert total >= 60 * len(CHECKERS)


def _global_state():
    return (np.geterr(), np.geterrcall(), np.get_printoptions(), list(warnings.filters),
            sys.getrecursionlimit(), sys.getprofile())


@pytest.mark.parametrize("ex", CHECKERS,
                         ids=[f"{ex.checker.__module__.rsplit('.', 1)[1]}.{ex.checker.__name__}"
                              for ex in CHECKERS])
def test_a_checker_answers_every_odd_submission_with_not_yet(ex):
    name = f"{ex.checker.__module__.rsplit('.', 1)[1]}.{ex.checker.__name__}"
    must_say = {} if name in NUMERICAL_ALLOWED else MUST_SAY
    failures = []
    for label, args in _calls(ex.checker):
        clear_safety_net_uses()
        CALLED.clear()
        ex.latest = True        # a stale ✓ from an earlier run must not survive a failure
        before = _global_state()
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                result = ex.checker(*args)
                stdout_kept = sys.stdout is out
        except BaseException as exc:  # noqa: BLE001 - reported below, never allowed
            failures.append(f"{label}: raised {type(exc).__name__}: {exc}")
            continue
        lines = out.getvalue().splitlines()
        if result is not False or ex.latest is not False:
            failures.append(f"{label}: returned {result!r}, latest {ex.latest!r}")
        if len(lines) != 1 or not lines[0].startswith("not yet: "):
            failures.append(f"{label}: printed {out.getvalue()!r}")
        if safety_net_uses():
            failures.append(f"{label}: needed the safety net: {safety_net_uses()}")
        if _global_state() != before or not stdout_kept:
            failures.append(f"{label}: left the global state changed")
        for kind in CALLED & must_say.keys():
            if must_say[kind] not in out.getvalue():
                failures.append(f"{label}: not told {must_say[kind]!r}: {out.getvalue()!r}")
    clear_safety_net_uses()
    assert not failures, "\n".join(failures)


class _Right:
    """Stands for "the right answer" in a dtype: the patched ``compare`` puts it in."""

    def __init__(self, dtype):
        self.dtype = dtype


RIGHT = {np.float32: _Right(np.float32), np.float64: _Right(np.float64)}


def _right_in_float32(*args, **kwargs):
    return RIGHT[np.float32]


def _right_under_seterr_raise(*args, **kwargs):
    np.seterr(all="raise")          # a learner hunting an overflow in their own code
    return RIGHT[np.float64]


# A right answer (float64, after np.seterr(all="raise")) must pass; a right answer in float32
# must pass or be called float32 (never "wrong values").
RIGHT_KINDS = {"right in float32": (_right_in_float32, ("✓", "float32")),
               "right after np.seterr(all='raise')": (_right_under_seterr_raise, ("✓",))}


@pytest.mark.parametrize("kind", RIGHT_KINDS)
def test_a_right_answer_in_float32_or_after_seterr_passes_or_is_called_so(kind, monkeypatch):
    submission, allowed = RIGHT_KINDS[kind]
    reached, failures = set(), []

    def compare(answer, expected, *args, **kwargs):
        if isinstance(answer, _Right):
            reached.add(name)
            answer = (tuple(np.asarray(e, dtype=answer.dtype) for e in expected)
                      if isinstance(expected, tuple) else np.asarray(expected, answer.dtype))
        return _check.compare(answer, expected, *args, **kwargs)

    for ex in CHECKERS:
        module = sys.modules[ex.checker.__module__]
        monkeypatch.setattr(module, "compare", compare, raising=False)
        name = f"{module.__name__}.{ex.checker.__name__}"
        n = len([p for p in inspect.signature(ex.checker).parameters.values()
                 if p.default is inspect.Parameter.empty])
        clear_safety_net_uses()
        before = _global_state()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            ex.checker(*([submission] * n))
        line = out.getvalue()
        if name in reached and not any(word in line for word in allowed):
            failures.append(f"{name}: {line!r}")
        if safety_net_uses() or _global_state() != before:
            failures.append(f"{name}: needed the safety net or changed the global state: "
                            f"{safety_net_uses()}")
    clear_safety_net_uses()
    assert not failures, "\n".join(failures)
    assert len(reached) >= 25, sorted(reached)     # most checkers judge numbers with compare
