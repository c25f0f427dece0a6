"""Every registered exercise checker, present and future, answers odd submissions calmly.

The test imports every ``helpers.exercises.nbNN`` module, collects the checkers they register
with ``@exercise``, and feeds each a battery of odd submissions: values that are not answers
(None, strings, dicts, ragged lists, object arrays, nan, a huge array, …) and functions that
misbehave (return None, a string, nan, a ragged tuple, a tuple of the wrong length, their own
inputs; raise; pop or edit their arguments; call ``sys.exit``). Each call must print one
``not yet:`` line, return False, raise nothing, and must not have needed the decorator's
safety net (which would mean the checker itself crashed).
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import pkgutil
import re
import sys

import numpy as np
import pytest

import helpers.exercises
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
    with capsys.disabled():
        print(f"\nodd submissions: {len(SUBMISSIONS)} kinds × {len(CHECKERS)} checkers "
              f"→ {total} checker calls")
    assert total >= 60 * len(CHECKERS)


@pytest.mark.parametrize("ex", CHECKERS,
                         ids=[f"{ex.checker.__module__.rsplit('.', 1)[1]}.{ex.checker.__name__}"
                              for ex in CHECKERS])
def test_a_checker_answers_every_odd_submission_with_not_yet(ex):
    failures = []
    for label, args in _calls(ex.checker):
        clear_safety_net_uses()
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                result = ex.checker(*args)
        except BaseException as exc:  # noqa: BLE001 - reported below, never allowed
            failures.append(f"{label}: raised {type(exc).__name__}: {exc}")
            continue
        lines = out.getvalue().splitlines()
        if result is not False:
            failures.append(f"{label}: returned {result!r}")
        if len(lines) != 1 or not lines[0].startswith("not yet: "):
            failures.append(f"{label}: printed {out.getvalue()!r}")
        if safety_net_uses():
            failures.append(f"{label}: needed the safety net: {safety_net_uses()}")
    clear_safety_net_uses()
    assert not failures, "\n".join(failures)
