"""The checker core (helpers/exercises/_check.py): every part of the contract in CHECKER_API.md."""

from __future__ import annotations

import io
import math
import sys
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from helpers import layers
from helpers.exercises import _check
from helpers.exercises._check import (
    NOT_DONE,
    ExerciseNotDone,
    as_array,
    as_arrays,
    call_learner,
    call_safely,
    clear_safety_net_uses,
    close,
    compare,
    exercise,
    is_strict,
    matches,
    not_yet,
    passed,
    progress,
    registered,
    safety_net_uses,
    strict,
)
from helpers.layers import rnn_backward as aliased_rnn_backward


@pytest.fixture(autouse=True)
def clean_state(monkeypatch):
    """Each test starts with strict mode unset, no BACKPROP_STRICT, and leaves the registry and
    the safety-net log as it found them."""
    monkeypatch.delenv("BACKPROP_STRICT", raising=False)
    monkeypatch.setattr(_check, "_strict_override", None)
    registry = dict(_check._REGISTRY)
    uses = list(_check._NET_USES)
    yield
    _check._REGISTRY.clear()
    _check._REGISTRY.update(registry)
    _check._NET_USES[:] = uses


# ------------------------------------------------------------------------------ verdicts

def test_passed_and_not_yet_print_one_line_and_return_a_bool(capsys):
    assert passed("all good") is True
    assert capsys.readouterr().out == "✓ all good\n"
    assert not_yet("try again") is False
    assert capsys.readouterr().out == "not yet: try again\n"


def test_strict_mode_raises_with_the_hint_after_printing_it(capsys):
    strict()
    assert is_strict()
    with pytest.raises(ExerciseNotDone, match="^dx is off$") as info:
        not_yet("dx is off")
    assert isinstance(info.value, AssertionError)
    assert capsys.readouterr().out == "not yet: dx is off\n"
    assert passed("fine") is True        # a pass never raises
    strict(False)
    assert not is_strict() and not_yet("x") is False


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), (" YES ", True), ("on", True),
                                       ("0", False), ("", False), ("no", False)])
def test_the_environment_variable_switches_strict_mode(monkeypatch, value, on):
    monkeypatch.setenv("BACKPROP_STRICT", value)
    assert is_strict() is on


def test_strict_call_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("BACKPROP_STRICT", "1")
    strict(False)
    assert not is_strict()
    monkeypatch.setenv("BACKPROP_STRICT", "0")
    strict(True)
    assert is_strict()


# ------------------------------------------------------------------------------ exercise

def _toy(notebook="99", number=1, title="toy", verdict=True):
    @exercise(notebook, number, title)
    def check_toy(answer) -> bool:
        return passed("right") if answer == verdict else not_yet(f"got {answer}")
    return check_toy


def test_exercise_registers_wraps_and_remembers_the_latest_result(capsys):
    check = _toy()
    assert check.__name__ == "check_toy" and check.__wrapped__ is not None
    ex = check.exercise
    assert (ex.notebook, ex.number, ex.title, ex.checker, ex.latest) == ("99", 1, "toy", check,
                                                                         None)
    assert registered("99") == [ex] and ex in registered()
    assert check(False) is False and ex.latest is False
    assert check(True) is True and ex.latest is True
    assert check(3) is False and ex.latest is False
    assert capsys.readouterr().out == "not yet: got False\n✓ right\nnot yet: got 3\n"


def test_registered_orders_by_notebook_and_number():
    b = _toy("98", 2).exercise
    a = _toy("98", 1).exercise
    c = _toy(97, 5).exercise
    assert registered(98) == [a, b]
    mine = [ex for ex in registered() if ex.notebook in ("97", "98")]
    assert mine == [c, a, b]


@pytest.mark.parametrize("notebook", ["6", 6, "06", " 06 "])
def test_notebook_ids_are_two_digits(notebook):
    assert _toy(notebook, 9).exercise.notebook == "06"


@pytest.mark.parametrize("notebook, number", [("six", 1), ("", 1), (True, 1), ("6a", 1),
                                              ("99", 0), ("99", -1), ("99", 1.0), ("99", True)])
def test_exercise_refuses_bad_ids(notebook, number):
    with pytest.raises(ValueError, match="exercise: "):
        exercise(notebook, number, "x")


def test_two_checkers_cannot_claim_one_exercise_but_reloading_one_can():
    _toy("99", 3)
    _toy("99", 3)   # the same checker again (a module reload): fine

    with pytest.raises(ValueError, match=r"99\.3 is already registered by .*check_toy"):
        @exercise("99", 3, "other")
        def check_other(answer) -> bool:
            return True


def test_the_safety_net_catches_a_checkers_own_bug(capsys):
    @exercise("99", 4, "buggy")
    def check_buggy(answer) -> bool:
        return {}["missing"]

    clear_safety_net_uses()
    assert check_buggy(1) is False
    out = capsys.readouterr().out
    assert out.startswith("not yet: the checker could not read this answer (KeyError)")
    assert "Traceback" not in out and out.count("\n") == 1
    (use,) = safety_net_uses()
    assert use.checker.endswith("check_buggy") and use.error == "KeyError: 'missing'"
    assert use.where.startswith("test_check_core.py:")
    assert check_buggy.exercise.latest is False
    clear_safety_net_uses()
    assert safety_net_uses() == []


def test_the_safety_net_log_is_a_copy():
    clear_safety_net_uses()
    safety_net_uses().append("x")
    assert safety_net_uses() == []


def test_a_checker_that_returns_no_bool_is_a_checker_bug(capsys):
    @exercise("99", 5, "silent")
    def check_silent(answer):
        return None

    clear_safety_net_uses()
    assert check_silent(1) is False
    assert capsys.readouterr().out.startswith("not yet: the checker could not decide")
    assert "returned None" in safety_net_uses()[0].error


def test_numpy_bools_count_and_come_back_as_bools():
    @exercise("99", 6, "numpy bool")
    def check_np(answer):
        return np.bool_(answer)

    assert check_np(1) is True and check_np(0) is False


def test_calling_a_checker_with_the_wrong_arguments_is_the_learners_slip(capsys):
    check = _toy("99", 7)
    clear_safety_net_uses()
    assert check() is False and check(1, 2) is False
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("not yet: check_toy takes (answer): ")
    assert safety_net_uses() == [] and check.exercise.latest is False


def test_numpy_floating_errors_stay_quiet_inside_a_checker(recwarn):
    @exercise("99", 8, "overflow")
    def check_overflow(x) -> bool:
        return bool(np.isinf(np.exp(np.array(x))))

    with np.errstate(all="raise"):
        assert check_overflow(1000.0) is True
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_strict_mode_through_the_decorator(capsys):
    check = _toy("99", 10)
    strict()
    with pytest.raises(ExerciseNotDone, match="got 0"):
        check(0)
    assert check.exercise.latest is False
    assert check(True) is True and check.exercise.latest is True

    @exercise("99", 11, "no hint")
    def check_quiet(answer) -> bool:
        return False

    with pytest.raises(ExerciseNotDone, match=r"exercise 99\.11 \(no hint\) is not done yet"):
        check_quiet(1)
    assert check_quiet.exercise.latest is False

    @exercise("99", 12, "crash")
    def check_crash(answer) -> bool:
        raise RuntimeError("bug")
    with pytest.raises(ExerciseNotDone):
        check_crash(1)
    with pytest.raises(ExerciseNotDone):
        check(1, 2)         # wrong arity is a failed check too
    capsys.readouterr()


def test_keyboard_interrupt_is_not_swallowed():
    @exercise("99", 13, "interrupted")
    def check_interrupted(answer) -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_interrupted(1)


# ------------------------------------------------------------------------------ progress

def test_progress_counts_the_latest_results(capsys):
    one, two, three = _toy("96", 1), _toy("96", 2), _toy("96", 3)
    one(True)
    three(True)
    three(False)
    capsys.readouterr()
    assert progress("96") == (1, 3)
    assert capsys.readouterr().out == ("Progress: 1 of 3 exercises done "
                                       "(1 ✓ · 2 not yet · 3 not yet)\n")
    two(True)
    three(True)
    capsys.readouterr()
    assert progress(96) == (3, 3)
    assert capsys.readouterr().out == "Progress: 3 of 3 exercises done (1 ✓ · 2 ✓ · 3 ✓)\n"
    assert one.exercise.latest is True


def test_progress_of_a_notebook_without_exercises(capsys):
    assert progress("95") == (0, 0)
    assert capsys.readouterr().out == "Progress: 0 of 0 exercises done\n"


def test_progress_imports_the_notebooks_checkers(capsys, monkeypatch, tmp_path):
    import helpers.exercises

    (tmp_path / "nb94.py").write_text(
        "from helpers.exercises._check import exercise, passed\n"
        "@exercise('94', 1, 'imported')\n"
        "def check_imported(x):\n"
        "    return passed('yes')\n", encoding="utf-8")
    monkeypatch.setattr(helpers.exercises, "__path__", [*helpers.exercises.__path__,
                                                        str(tmp_path)])
    monkeypatch.delitem(sys.modules, "helpers.exercises.nb94", raising=False)
    assert progress("94") == (0, 1)
    assert capsys.readouterr().out == "Progress: 0 of 1 exercises done (1 not yet)\n"
    sys.modules["helpers.exercises.nb94"].check_imported(1)
    assert progress("94") == (1, 1)
    monkeypatch.delitem(sys.modules, "helpers.exercises.nb94")


# ------------------------------------------------------------------------------ call_learner

def test_call_learner_returns_the_result_of_a_good_function():
    assert call_learner(lambda a, b=0: a + b, 1, b=2) == (True, 3)


@pytest.mark.parametrize("fn", [None, Ellipsis])
def test_no_function_is_not_done(fn):
    assert call_learner(fn, 1) == (False, NOT_DONE)


@pytest.mark.parametrize("fn, kind", [(3, "an int"), ("f", "a str"), ([len], "a list"),
                                      (np.ones(2), "a numpy array")])
def test_a_non_callable_gets_a_hint(fn, kind):
    ok, hint = call_learner(fn, 1)
    assert not ok and hint.startswith(f"expected a function, got {kind}: pass the function")


def test_stubs_are_not_done():
    def raising(x):
        raise NotImplementedError("later")

    assert call_learner(raising, 1) == (False, NOT_DONE)
    assert call_learner(lambda x: None, 1) == (False, NOT_DONE)
    assert call_learner(lambda x: ..., 1) == (False, NOT_DONE)


def test_an_exception_is_named_with_the_line_that_raised():
    def learner(x):
        y = x + 1
        return y / 0

    ok, hint = call_learner(learner, 1.0)
    assert not ok
    assert hint == "your code raised ZeroDivisionError at `return y / 0`: float division by zero"


def test_an_exception_inside_numpy_names_the_learners_line():
    def learner(x):
        return x @ np.ones(5)

    ok, hint = call_learner(learner, np.ones(3))
    assert not ok and hint.startswith("your code raised ValueError at `return x @ np.ones(5)`: ")


def test_an_exception_message_is_one_short_line():
    def learner(x):
        raise ValueError("a\nb   c" + "x" * 300)

    ok, hint = call_learner(learner, 1)
    assert "\n" not in hint and "a b c" in hint and hint.endswith("…") and len(hint) < 300
    ok, hint = call_learner(lambda: exec("raise KeyError"))
    assert hint.startswith("your code raised KeyError at `") and hint.endswith(": (no message)")
    ok, hint = call_learner(lambda: sys.exit(3))
    assert not ok and "SystemExit" in hint


def test_the_learner_gets_deep_copies():
    seen = []
    x = np.arange(3.0)
    nested = [np.ones(2), {"a": np.zeros(1)}]
    call_learner(lambda a, b, c=None: seen.extend([a, b, c]), x, nested, c=x)
    assert seen[0] is not x and np.array_equal(seen[0], x)
    assert seen[1][0] is not nested[0] and seen[1][1]["a"] is not nested[1]["a"]
    assert seen[2] is not x


def test_uncopyable_arguments_are_passed_as_they_are():
    gen = (i for i in range(3))
    assert call_learner(lambda g: sum(g), gen) == (True, 3)
    assert call_learner(lambda m: m.pi, math) == (True, math.pi)


@pytest.mark.parametrize("edit, name", [
    (lambda x, grads, opts: x.__setitem__(0, 5.0), "x"),
    (lambda x, grads, opts: grads.pop(), "grads"),
    (lambda x, grads, opts: grads[0].__imul__(2), "grads"),
    (lambda x, grads, opts: opts.update(k=2), "opts"),
    (lambda x, grads, opts: opts["k"].append(1), "opts"),
])
def test_a_function_that_edits_its_arguments_is_refused(edit, name):
    x = np.arange(3.0)
    grads = [np.ones(2), np.zeros(3)]
    opts = {"k": [0]}

    def learner(x, grads, opts):
        edit(x, grads, opts)
        return 1.0

    ok, hint = call_learner(learner, x, grads, opts)
    assert not ok and hint == (f"your function changed its argument {name} in place; leave "
                               "the inputs as they are and compute new arrays")
    assert np.array_equal(x, np.arange(3.0)) and len(grads) == 2 and opts == {"k": [0]}


def test_keyword_and_star_arguments_are_named_when_edited():
    def star(*arrays):
        arrays[1][0] = 9.0
        return 1

    ok, hint = call_learner(star, np.zeros(2), np.zeros(2))
    assert hint.startswith("your function changed its argument arrays[1] in place")

    def kw(a, **options):
        options["dout"][0] = 9.0
        return 1

    ok, hint = call_learner(kw, 1, dout=np.zeros(2))
    assert hint.startswith("your function changed its argument dout in place")
    ok, hint = call_learner(np.ndarray.fill, np.zeros(2), 3.0)   # no signature to bind
    assert hint.startswith("your function changed its argument self in place")


def test_nan_stays_equal_to_nan_when_looking_for_edits():
    x = np.array([np.nan, 1.0])
    assert call_learner(lambda x, y: 1, x, float("nan")) == (True, 1)
    assert call_learner(lambda x: 1, np.array([1 + 1j, np.nan])) == (True, 1)
    strings = np.array(["a", "b"])
    assert call_learner(lambda s: 1, strings) == (True, 1)
    assert call_learner(lambda s: s.__setitem__(0, "z") or 1, strings)[0] is False


def test_edits_that_change_type_or_shape_are_caught():
    def retype(a):
        a[0] = [1.0]
        return 1

    assert call_learner(retype, [np.zeros(1)])[0] is False
    assert call_learner(lambda a: a.resize(1, refcheck=False) or 1, np.zeros(2))[0] is False
    assert call_learner(lambda t: 1, (1, 2)) == (True, 1)

    class Strange:
        def __eq__(self, other):
            raise TypeError("no comparing")

        def __deepcopy__(self, memo):
            return Strange()

    assert call_learner(lambda s: 1, Strange()) == (True, 1)


def right_step(dh, cache):
    return dh


def learner_via_helper(dh, cache):
    return _inner(dh, cache)


def _inner(dh, cache):
    return aliased_rnn_backward(dh, cache)


@pytest.mark.parametrize("fn", [lambda dh, cache: aliased_rnn_backward(dh, cache),
                                lambda dh, cache: layers.rnn_backward(dh, cache),
                                learner_via_helper, layers.rnn_backward])
def test_forbid_refuses_the_reference_under_any_name(fn):
    ok, hint = call_learner(fn, 1, 2, forbid=(layers.rnn_step_backward, layers.rnn_backward))
    assert not ok
    assert hint == ("your code calls helpers.layers.rnn_backward: the exercise is to write it "
                    "yourself, without helpers.layers.rnn_backward")


def test_forbid_ignores_calls_the_course_helpers_make_themselves():
    rng = np.random.default_rng(0)
    x, h0 = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5))
    Wx, Wh, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 5)), rng.standard_normal(5)
    h, cache = layers.rnn_forward(x, h0, Wx, Wh, b)
    # rnn_backward calls rnn_step_backward: only rnn_step_backward is forbidden here
    ok, grads = call_learner(lambda dh, c: layers.rnn_backward(dh, c), np.ones_like(h), cache,
                             forbid=(layers.rnn_step_backward,))
    assert ok and len(grads) == 5
    ok, _ = call_learner(right_step, 1, 2, forbid=(layers.rnn_step_backward,))
    assert ok


def test_forbid_sees_builtins_and_names_them():
    ok, hint = call_learner(lambda x: math.sqrt(x), 4.0, forbid=(math.sqrt,))
    assert not ok and hint.startswith("your code calls math.sqrt: the exercise")
    assert call_learner(lambda x: x ** 0.5, 4.0, forbid=(math.sqrt,)) == (True, 2.0)


def test_forbid_wins_over_an_exception_and_restores_the_profiler():
    def profiler(frame, event, arg):
        return None

    sys.setprofile(profiler)
    try:
        def learner(dh, cache):
            layers.rnn_backward(dh, cache)    # raises on these arguments

        ok, hint = call_learner(learner, 1, 2, forbid=(layers.rnn_backward,))
        assert sys.getprofile() is profiler
    finally:
        sys.setprofile(None)
    assert not ok and hint.startswith("your code calls helpers.layers.rnn_backward")
    ok, hint = call_learner(learner, 1, 2)
    assert hint.startswith("your code raised")
    assert sys.getprofile() is None


def test_forbid_names_each_function_once_and_skips_non_functions():
    def twice(x):
        return math.sqrt(math.sqrt(x))

    ok, hint = call_learner(twice, 16.0, forbid=(math.sqrt, "not a function", None))
    assert hint.count("math.sqrt") == 2
    assert call_learner(lambda x: x, 1, forbid=("nothing",)) == (True, 1)


def test_fresh_refuses_the_inputs_handed_back():
    grads = [np.ones(2), np.zeros(3)]
    for fn in (lambda g: g, lambda g: list(g), lambda g: [g[0], g[1] * 1], lambda g: g[0][:1],
               lambda g: (g[1], g[0])):
        ok, hint = call_learner(fn, grads, fresh=True)
        assert not ok and hint.startswith("your function returned the very arrays it was given")
    ok, result = call_learner(lambda g: [a * 1 for a in g], grads, fresh=True)
    assert ok and len(result) == 2
    assert call_learner(lambda g: g, grads)[0] is True     # allowed without fresh
    assert call_learner(lambda x, s: s, np.ones(2), 3.0, fresh=True) == (True, 3.0)
    assert call_learner(lambda d: d, {"a": 1}, fresh=True)[0] is False
    assert call_learner(lambda x, s: s * 1, np.ones(2), 3.0, fresh=True) == (True, 3.0)
    assert call_learner(lambda x: x, np.ones(2), fresh=False)[0] is True


def test_call_safely_is_call_learner():
    assert call_safely(lambda x: x * 2, 2) == (True, 4)
    assert call_safely(lambda: None) == (False, NOT_DONE)


# ------------------------------------------------------------------------------ as_array

@pytest.mark.parametrize("value, expected", [
    (3, np.array(3.0)), (2.5, np.array(2.5)), ([1, 2], np.array([1.0, 2.0])),
    (np.arange(4, dtype=np.int32).reshape(2, 2), np.arange(4.0).reshape(2, 2)),
    (np.float32(0.5), np.array(0.5)), (np.uint8(7), np.array(7.0)),
    (Fraction(1, 4), np.array(0.25)), (Decimal("1.5"), np.array(1.5)),
    ([np.float64(1.0), 2], np.array([1.0, 2.0])),
])
def test_as_array_accepts_numbers(value, expected):
    ok, arr = as_array(value, "x")
    assert ok and arr.dtype == np.float64 and np.array_equal(arr, expected)
    assert arr.shape == expected.shape


def test_as_array_returns_a_copy():
    x = np.ones(3)
    ok, arr = as_array(x)
    arr[0] = 5
    assert x[0] == 1.0


class _BadArray:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("nope")


class _Boxed:
    """Like the scalar engine's Value: not a number, no __float__."""


def _pieces():
    arr = np.empty(2, dtype=object)
    arr[:] = [np.ones(2), np.ones(3)]
    return arr


@pytest.mark.parametrize("value, hint", [
    (None, f"dx is missing (None): {NOT_DONE}"),
    (Ellipsis, f"dx is missing (None): {NOT_DONE}"),
    ("0.5", "dx should be numbers, got a string '0.5'"),
    (b"ab", "dx should be numbers, got a string b'ab'"),
    ("x" * 100, "dx should be numbers, got a string 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"),
    (True, "dx should be numbers, got True (a bool)"),
    (np.bool_(False), "dx should be numbers, got False (a bool)"),
    ({"a": 1}, "dx should be an array of numbers, got a dict"),
    (len, "dx should be numbers, got a function: did you forget to call it?"),
    ([[1.0, 2.0], [3.0]], "dx is ragged: its rows have different lengths, so it is not an "
                          "array (return one array per gradient)"),
    ((np.ones(2), np.ones(3)), "dx is ragged"),
    (np.array([1.0, None], dtype=object), "dx contains None: is a TODO left?"),
    ([1.0, None], "dx contains None: is a TODO left?"),
    (_pieces(), "dx is an array of Python objects (dtype object), not of numbers: are its "
                "pieces of different shapes?"),
    (_Boxed(), "dx should be numbers, got a _Boxed"),
    (["a", 1], "dx should be numbers, got strings"),
    (np.array([True, False]), "dx should be numbers, got booleans (True/False)"),
    (np.array([1 + 2j]), "dx has complex numbers; a gradient of a real loss is real"),
    (1j, "dx has complex numbers"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"),
     "dx should be numbers, got an array of dtype datetime64[D]"),
    (_BadArray(), "dx could not be read as numbers (RuntimeError)"),
    (np.array([np.nan, 1.0]), "dx contains nan: an overflow or a 0/0 somewhere?"),
    ([np.inf], "dx contains inf: an overflow or a 0/0 somewhere?"),
    ([-np.inf, np.nan], "dx contains nan and inf: an overflow or a 0/0 somewhere?"),
    (float("nan"), "dx contains nan"),
])
def test_as_array_explains_what_is_not_numbers(value, hint):
    ok, got = as_array(value, "dx")
    assert not ok and got.startswith(hint)
    assert "nan or inf" not in got


def test_as_array_reads_a_float_subclass_and_refuses_a_broken_one():
    class Weird:
        def __float__(self):
            raise ValueError("no")

    ok, hint = as_array(Weird(), "dx")
    assert not ok and hint == "dx should be numbers, got a Weird"


def test_as_array_a_value_error_that_is_not_raggedness():
    class Refuses:
        def __array__(self, *args, **kwargs):
            raise ValueError("bad value")

    assert as_array(Refuses(), "dx") == (False, "dx could not be read as numbers (bad value)")


@pytest.mark.parametrize("value, shape, hint", [
    (np.ones((3, 2)), (2, 3), "dW should have shape (2, 3), got (3, 2): the transposed shape: "
                              "a missing transpose?"),
    (np.ones((5, 3)), (3,), "dW should have shape (3,), got (5, 3): one axis too many: a sum "
                            "over the batch (or over time) forgotten?"),
    (np.ones((1, 3)), (3,), "dW should have shape (3,), got (1, 3): the same numbers with an "
                            "extra axis of length 1 (reshape it)"),
    (np.ones(3), (3, 1), "dW should have shape (3, 1), got (3,): the same numbers"),
    (np.ones(4), (2, 2), "dW should have shape (2, 2), got (4,)"),
    (np.ones((2, 2, 3)), (3, 2, 2), "dW should have shape (3, 2, 2), got (2, 2, 3): the "
                                    "transposed shape"),
    (np.ones(4), 3, "dW should have shape (3,), got (4,)"),
    (np.ones((2, 3)), (3, 2, 1), "dW should have shape (3, 2, 1), got (2, 3)"),
    (np.ones((6,)), (2, 3), "dW should have shape (2, 3), got (6,)"),
])
def test_as_array_names_the_shape_problem(value, shape, hint):
    ok, got = as_array(value, "dW", shape)
    assert not ok and got.startswith(hint)
    if "transposed" not in hint:
        assert "transpose" not in got
    if hint.endswith(")"):
        assert got == hint


def test_as_array_checks_the_shape_before_nan_and_accepts_the_right_one():
    assert as_array(np.full((3, 2), np.nan), "dW", (2, 3))[1].startswith("dW should have shape")
    ok, arr = as_array([[1, 2, 3]], "dW", (1, 3))
    assert ok and arr.shape == (1, 3)
    assert as_array(np.ones((2, 2)), "dW", (2, 2))[0]
    assert as_array(7, "n", ())[0] and as_array(7, "n", np.int64(1))[0] is False
    assert as_array([[1, 2]], "x")[0] and as_array([1, 2], "x", [2])[0]


# ------------------------------------------------------------------------------ compare

E = np.array([[1.0, 2.0, -3.0], [0.5, -1.5, 4.0]])
B = np.array([0.25, -2.0, 1.0])


def test_compare_accepts_the_right_answer_within_tolerance():
    assert compare(E.copy(), E) == (True, "")
    assert compare(E * (1 + 1e-8), E) == (True, "")
    assert compare(E * (1 + 1e-4), E)[0] is False
    assert compare(E * (1 + 1e-4), E, rtol=1e-3) == (True, "")
    assert compare(E + 1e-6, E, rtol=0, atol=1e-5) == (True, "")
    assert compare(E + 1e-6, E, rtol=0)[0] is False
    assert compare((E, B), (E, B), names=("dW", "db")) == (True, "")
    assert compare([E.tolist(), list(B)], (E, B)) == (True, "")
    assert compare(2, 2.0) == (True, "")


def test_compare_single_answer_type_and_shape_hints():
    assert compare(None, E, "dW") == (False, NOT_DONE)
    assert compare("x", E)[1].startswith("your answer should be numbers")
    assert compare(E.T, E, names=["dW"])[1].endswith("a missing transpose?")
    assert compare(E * np.nan, E, "dW") == (False, "dW contains nan: an overflow or a 0/0 "
                                                   "somewhere?")


def test_compare_tells_how_many_things_to_return_and_in_which_order():
    want = (E, B)
    names = ("dW", "db")
    assert compare(None, want, names) == (False, NOT_DONE)
    assert compare(Ellipsis, want, names) == (False, NOT_DONE)
    assert compare(E, want, names) == (False, "return 2 arrays, in this order: dW, db "
                                              "(got a numpy array)")
    assert compare(E, (E, 1.0), names)[1].startswith("return 2 things, in this order: dW, db")
    assert compare(E, (1.0, 2.0), names)[1].startswith("return 2 numbers, in this order: dW, db")
    assert compare((None, None), want, names) == (False, NOT_DONE)
    assert compare((..., None), want, names) == (False, NOT_DONE)
    assert compare((E,), want, names) == (False, "return 2 arrays, in this order: dW, db (got 1)")
    assert compare((E, B, B), want, names)[1].endswith("(got 3)")
    assert compare({"dW": E}, want, names)[1].endswith("(got a dict)")
    assert compare((E, None), want, names) == (False, f"db is missing (None): {NOT_DONE}")
    assert compare((E, B), want)[0] and compare((E, -B), want)[1].startswith("item 2 has")


def test_compare_reads_two_numbers_given_as_one_array():
    assert compare(np.array([1.0, 2.0]), (1.0, 2.0), ("da", "db")) == (True, "")
    assert compare(np.array([1.0, 3.0]), (1.0, 2.0), ("da", "db"))[1].startswith("db")
    assert compare(np.array([1, 2, 3]), (1.0, 2.0), ("da", "db"))[1].endswith("(got a numpy array)")
    assert compare(np.array(["a", "b"]), (1.0, 2.0))[1].endswith("(got a numpy array)")
    assert compare(np.array([[1.0, 2.0]]), (1.0, 2.0))[1].endswith("(got a numpy array)")
    hint = compare(np.array([1.0, 2.0]), (np.ones(1), np.ones(1)))[1]
    assert hint.endswith("(got a numpy array)")


def test_compare_names_must_match_the_expected_count():
    with pytest.raises(ValueError, match="compare: names has 1 entries for 2 expected arrays"):
        compare((E, B), (E, B), names=("dW",))
    assert compare(E, E, names="dW") == (True, "")


def test_compare_names_the_first_wrong_part():
    ok, hint = compare((E, B * 3), (E, B), names=("dW", "db"))
    assert hint.startswith("db is exactly 3×")
    ok, hint = compare((E * 3, B * 5), (E, B), names=("dW", "db"))
    assert hint.startswith("dW is exactly 3×")
    ok, hint = compare((E, "b"), (E, B), names=("dW", "db"))
    assert hint == "db should be numbers, got a string 'b'"
    ok, hint = compare((E, B[:2]), (E, B), names=("dW", "db"))
    assert hint == "db should have shape (3,), got (2,)"
    ok, hint = compare((E, [np.inf] * 3), (E, B), names=("dW", "db"))
    assert hint.startswith("db contains inf")


@pytest.mark.parametrize("answer, hint", [
    (np.zeros_like(E), "dW is all zeros: was it never filled in, or never accumulated?"),
    (-E, "dW has the wrong sign: a minus sign lost (or one too many)?"),
    (E * 4, "dW is exactly 4× the right value: a sum where a mean belongs (a batch size N?), or "
            "a path counted twice?"),
    (E * 2, "dW is exactly 2× the right value"),
    (E / 3, "dW is exactly 1/3 of the right value: a mean where a sum belongs (a batch size "
            "N?), or a path missing?"),
    (E / 2, "dW is exactly 1/2 of the right value"),
    (E * 1.7, "dW is off by a constant factor (1.7×): right pattern, wrong scale"),
    (E * -2.5, "dW is off by a constant factor (-2.5×)"),
    (E * 2.5, "dW is off by a constant factor (2.5×)"),
    (E / 2.5, "dW is off by a constant factor (0.4×)"),
    (E + np.array([[0, 0, 0], [0, 1, 0]]), "dW has the right shape but wrong values (the first "
                                          "wrong entry is at index (1, 1))"),
])
def test_compare_generic_diagnoses(answer, hint):
    ok, got = compare(answer, E, "dW")
    assert not ok and got.startswith(hint)


def test_compare_transposed_square_and_scalars():
    S = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert compare(S.T, S, "dWh") == (False, "dWh is transposed: a product in the wrong order "
                                            "(x.T @ d vs d.T @ x)?")
    sym = np.array([[1.0, 2.0], [2.0, 5.0]])
    assert compare(sym * 3, sym, "dWh")[1].startswith("dWh is exactly 3×")
    assert compare(4.0, 3.0, "df/dz") == (False, "df/dz is off")   # no "pattern" in one number
    assert compare(np.array([4.0]), np.array([3.0]), "dz")[1].startswith("dz has the right shape")
    assert compare(6.0, 3.0, "df/dz")[1].startswith("df/dz is exactly 2×")
    two = np.array([1.0, 3.0])                      # two numbers already show a pattern
    assert compare(two * 1.7, two, "dz")[1].startswith("dz is off by a constant factor (1.7×)")
    assert compare(1.0, 0.0, "df/dy") == (False, "df/dy is off")
    assert compare(0.0, 0.0, "df/dy") == (True, "")
    assert compare(np.array([1.0, 0.0]), np.zeros(2), "dz")[1].startswith(
        "dz has the right shape but wrong values (the first wrong entry is at index (0,))")


def test_compare_a_big_factor_and_a_tiny_one():
    assert compare(E * 64, E, "dW")[1].startswith("dW is exactly 64×")
    assert compare(E / 64, E, "dW")[1].startswith("dW is exactly 1/64")
    assert compare(E * 1.0001, E, "dW")[1].startswith("dW is off by a constant factor (1×)")
    assert compare(E * 1e-12, E, "dW")[1].startswith("dW is off by a constant factor")


def test_compare_spots_parts_in_the_wrong_order():
    W2 = E[:, ::-1].copy()
    assert compare((W2, E), (E, W2), names=("dWx", "dWh")) == (
        False, "dWx holds what dWh should: return them in the order dWx, dWh")
    Z = np.zeros_like(E)
    assert compare((Z, E), (E, Z), names=("a", "b"))[1].startswith("a is all zeros")


def test_compare_mistakes_give_their_hint():
    last_step = E * np.array([1.0, 0.0, 1.0])
    mistakes = [("never used", None), ("malformed", "abc"), ("sum over time", (E, last_step)),
                ("wrong length", (E,))]
    ok, hint = compare((E, last_step), (E, E * 2), names=("dWx", "dWh"), mistakes=mistakes)
    assert hint == "dWh: sum over time"
    assert compare((E, E * 2), (E, E * 2), mistakes=mistakes) == (True, "")
    single = [("forgot the batch mean", E * 4), ("used σ twice", E + 1)]
    assert compare(E + 1, E, "dx", mistakes=single) == (False, "dx: used σ twice")
    assert compare(E * 4, E, "dx", mistakes=single) == (False, "dx: forgot the batch mean")
    assert compare(E * 4, E, "dx", mistakes=iter(single))[1] == "dx: forgot the batch mean"
    assert compare(E * 5, E, "dx", mistakes=single)[1].startswith("dx is exactly 5×")
    assert compare(E * 4, E, "dx", mistakes=None)[1].startswith("dx is exactly 4×")


def test_compare_mistakes_that_change_the_shape():
    per_example = np.ones((5, 3))
    mistakes = [("sum over the batch", (E, per_example))]
    ok, hint = compare((E, per_example), (E, B), names=("dW", "db"), mistakes=mistakes)
    assert hint == "db: sum over the batch"
    ok, hint = compare((E, np.zeros((5, 3))), (E, B), names=("dW", "db"), mistakes=mistakes)
    assert hint.startswith("db should have shape (3,), got (5, 3): one axis too many")
    ok, hint = compare(E.T, E, "dW", mistakes=[("transpose", E.T)])
    assert hint == "dW: transpose"


def test_compare_mistakes_match_with_the_tolerances():
    near = E * 4 * (1 + 1e-5)
    assert compare(near, E, "dx", mistakes=[("x", E * 4)])[1].startswith("dx is off")
    assert compare(near, E, "dx", mistakes=[("x", E * 4)], rtol=1e-4)[1] == "dx: x"


# ------------------------------------------------------------------------------ close

@pytest.mark.parametrize("answer", [np.nan, np.inf, -np.inf, None, "1.0", b"1", [1.0, None],
                                    _pieces(), [[1.0], [1.0, 2.0]], True,
                                    {"a": 1.0}])
def test_close_never_accepts_nonsense(answer):
    ok, hint = close(answer, 1.0)
    assert ok is False and hint and "nan or inf" not in hint or "nan" in str(answer)
    ok, hint = close(answer, [1.0])
    assert ok is False


def test_close_keeps_its_old_meaning():
    assert close(1.0, 1.0) == (True, "")
    assert close([1.0, 2.0], np.array([1.0, 2.0 + 1e-10])) == (True, "")
    assert close([1.0, 2.1], [1.0, 2.0]) == (False, "the shape is right but some values are off")
    assert close([1.0, 2.1], [1.0, 2.0], rtol=0.1) == (True, "")
    assert close(1.0 + 1e-8, 1.0, rtol=0, atol=1e-7) == (True, "")
    assert close(1.0 + 1e-8, 1.0, rtol=0)[0] is False
    assert close([1.0], 1.0)[1] == ("your answer should have shape (), got (1,): the same "
                                    "numbers with an extra axis of length 1 (reshape it)")
    assert close(np.ones((2, 3)), 1.0)[1] == "your answer should have shape (), got (2, 3)"
    assert close(_pieces(), [1.0, 2.0])[1].startswith(
        "your answer is an array of Python objects")


# ------------------------------------------------------------------------------ as_arrays, matches

def test_as_arrays_checks_the_form_but_not_the_values():
    ok, arrays = as_arrays((E * 2, [1, 2, 3]), (E, B), names=("dW", "db"))
    assert ok and len(arrays) == 2 and arrays[1].dtype == np.float64
    assert np.array_equal(arrays[0], E * 2) and np.array_equal(arrays[1], [1.0, 2.0, 3.0])
    ok, arr = as_arrays([[1, 2, 3], [4, 5, 6]], E, "dW")
    assert ok and isinstance(arr, np.ndarray) and arr.shape == (2, 3)
    assert as_arrays(None, E) == (False, NOT_DONE)
    assert as_arrays((None, None), (E, B)) == (False, NOT_DONE)
    assert as_arrays(E, (E, B), ("dW", "db"))[1].startswith("return 2 arrays")
    assert as_arrays((E, B[None]), (E, B), ("dW", "db")) == (
        False, "db should have shape (3,), got (1, 3): the same numbers with an extra axis of "
               "length 1 (reshape it)")
    assert as_arrays((E, "b"), (E, B), ("dW", "db"))[1] == "db should be numbers, got a string 'b'"
    assert as_arrays((E, B * np.nan), (E, B), ("dW", "db"))[1].startswith("db contains nan")
    ok, arrays = as_arrays((E, B * np.nan), (E, B), ("dW", "db"), finite=False)
    assert ok and np.isnan(arrays[1]).all()
    assert as_array(np.nan, "x", finite=False)[0] and not as_array(np.nan, "x")[0]


def test_matches_never_raises():
    assert matches(E, E.copy()) and matches([1, 2], np.array([1.0, 2.0]))
    assert not matches(E, E.T) and not matches(E, E + 1e-3)
    assert matches(E, E + 1e-3, rtol=0, atol=1e-2)
    assert not matches(E, E * (1 + 1e-5)) and matches(E, E * (1 + 1e-5), rtol=1e-4)
    assert not matches("abc", E) and not matches(E, None) and not matches([[1], [1, 2]], E)
    assert not matches(E, [[1], [1, 2]])


def test_compare_skips_mistakes_that_do_not_apply_to_a_part():
    mistakes = [("not this part", (None, B * 2)), ("this one", (E * 2, None))]
    assert compare((E * 2, B), (E, B), ("dW", "db"), mistakes=mistakes)[1] == "dW: this one"
    assert compare((E, B * 2), (E, B), ("dW", "db"), mistakes=mistakes)[1] == "db: not this part"
    assert compare((E, B * 3), (E, B), ("dW", "db"), mistakes=mistakes)[1].startswith(
        "db is exactly 3×")


# ------------------------------------------------------------------------------ the fine print
# (each test below pins a detail that a one-line change to _check.py would break)

def _explode():
    return {}["deep"]


def test_the_safety_net_records_the_innermost_line():
    @exercise("99", 14, "deep bug")
    def check_deep(answer) -> bool:
        return _explode()

    clear_safety_net_uses()
    check_deep(1)
    line = _explode.__code__.co_firstlineno + 1
    assert safety_net_uses()[0].where == f"test_check_core.py:{line}"


def test_a_non_bool_result_resets_the_latest_result(capsys):
    @exercise("99", 15, "echo")
    def check_echo(answer):
        return answer

    clear_safety_net_uses()
    assert check_echo(True) is True and check_echo.exercise.latest is True
    assert check_echo("yes") is False and check_echo.exercise.latest is False
    assert safety_net_uses()[0].where == "?"
    assert safety_net_uses()[0].error == "returned 'yes', not a bool"
    capsys.readouterr()


def test_forbid_names_a_function_without_a_module():
    namespace = {}
    exec("def reference(x):\n    return x\n", namespace)   # noqa: S102 - a module-less function
    ref = namespace["reference"]
    assert ref.__module__ is None
    ok, hint = call_learner(lambda x: ref(x), 1, forbid=(ref,))
    assert hint == "your code calls reference: the exercise is to write it yourself, without " \
                   "reference"


def test_forbid_ignores_a_builtin_that_is_only_returned():
    assert call_learner(lambda: math.sqrt, forbid=(math.sqrt,)) == (True, math.sqrt)


def test_an_array_replaced_by_an_equal_list_is_an_edit():
    def to_list(grads):
        grads[0] = grads[0].tolist()
        return 1

    ok, hint = call_learner(to_list, [np.zeros(2)])
    assert hint.startswith("your function changed its argument grads in place")

    def to_int(grads):
        grads[0] = grads[0].astype(int)
        return 1

    assert call_learner(to_int, [np.zeros(2)])[0] is False


def test_same_and_contains_are_strict_booleans():
    same, contains = _check._same, _check._contains
    assert same(np.array([1.0]), np.array([1])) is False             # dtype
    assert same(np.array([1.0]), [1.0]) is False and same([1.0], np.array([1.0])) is False
    assert same(np.zeros(2), np.zeros(3)) is False
    assert same(np.array([np.nan]), np.array([np.nan])) is True
    assert same(float("nan"), 1.0) is False and same(1.0, float("nan")) is False
    assert same(float("nan"), float("nan")) is True
    assert same([1, 2], (1, 2)) is False and same([1, 2], [1, 2]) is True
    assert same([1, 2], [1, 2, 3]) is False and same({"a": 1}, {"a": 2}) is False
    assert same({"a": 1}, {"b": 1}) is False and same({"a": [1]}, {"a": [1]}) is True

    class Boom:
        def __eq__(self, other):
            raise RuntimeError("no")

    boom = np.empty(1, dtype=object)
    boom[0] = Boom()
    assert same(boom, boom.copy()) is True                    # cannot tell: assume unchanged
    x = np.ones(3)
    assert contains([np.ones(1)], [x]) is False and contains(x[1:], [x]) is True
    assert contains(5, [[x, 5]]) is False and contains(x, [[1, x]]) is True
    assert contains([5], [[5]]) is False


def test_an_array_inside_a_dict_argument_edited_in_place_is_seen():
    def learner(params):
        params["w"][0] = 5.0
        return 1

    ok, hint = call_learner(learner, {"w": np.zeros(2), "b": 0.0})
    assert hint.startswith("your function changed its argument params in place")
    assert call_learner(lambda p: 1, {"w": np.zeros(2)}) == (True, 1)


def test_a_0_d_object_array_of_a_number_is_read():
    assert as_array(np.array(Fraction(1, 2), dtype=object), "x")[1] == np.array(0.5)


def test_a_builtin_without_a_signature_gets_numbered_arguments():
    ok, hint = call_learner(dict.update, {"a": 1}, b=2)
    assert hint == ("your function changed its argument number 1 in place; leave the inputs as "
                    "they are and compute new arrays")


def test_keyword_arguments_given_out_of_order_are_named_right():
    def learner(a, b, c):
        c.append(1)
        return 1

    ok, hint = call_learner(learner, [0], c=[], b=[])
    assert hint.startswith("your function changed its argument c in place")
    ok, hint = call_learner(lambda a, *rest: rest[1].append(1) or 1, [], [], [])
    assert hint.startswith("your function changed its argument rest[1] in place")


def test_one_line_keeps_text_at_the_limit():
    assert _check._one_line("x" * 160) == "x" * 160
    assert _check._one_line("x" * 161) == "x" * 159 + "…"
    assert _check._one_line(" a\n b ", 10) == "a b"


def test_an_exception_outside_the_learners_file_has_no_line():
    assert call_learner(int, "x") == (False, "your code raised ValueError: invalid literal for "
                                             "int() with base 10: 'x'")


def _inner_raise(x):
    raise ValueError(f"inner {x}")


def test_the_hint_shows_the_innermost_line_of_the_learners_file():
    def outer(x):
        return _inner_raise(x) + 1

    assert call_learner(outer, 2) == (False, "your code raised ValueError at "
                                             "`raise ValueError(f\"inner {x}\")`: inner 2")


def test_an_object_array_of_numbers_is_numbers_like_one_number():
    # a list of Fractions is read like a single Fraction (review 10, round 2, item 12)
    for value in (np.array([1.5], dtype=object), [Fraction(3, 2)], Fraction(3, 2),
                  [[Decimal("1.5")], [Fraction(3, 2)]]):
        ok, arr = as_array(value, "dx")
        assert ok and arr.dtype == np.float64 and np.all(arr == 1.5), value
    assert as_array([[Fraction(1, 2)], [Fraction(1, 3)]], "dx")[1].shape == (2, 1)
    assert as_array(np.array([Fraction(1, 2), True], dtype=object), "dx")[1].startswith(
        "dx is an array of Python objects")
    assert compare([Fraction(1, 2), Fraction(1, 4)], np.array([0.5, 0.25])) == (True, "")
    assert as_array([Fraction(10 ** 400)], "dx")[1].startswith("dx is an array of Python")


def test_shape_hints_only_when_they_fit():
    assert as_array(np.ones((5, 4)), "db", (3,)) == (False, "db should have shape (3,), got (5, 4)")
    assert as_array(np.ones(5), "db", ()) == (
        False, "db should have shape (), got (5,): one axis too many: a sum over the batch (or "
               "over time) forgotten?")


def test_compare_says_false_for_every_kind_of_wrong():
    assert compare(E.T, E, "dW") == (False, "dW should have shape (2, 3), got (3, 2): the "
                                            "transposed shape: a missing transpose?")
    assert compare(E.T, E, "dW", mistakes=[("no transpose", E.T)]) == (False, "dW: no transpose")
    assert compare(E * np.inf, E, "dW") == (False, "dW contains inf: an overflow or a 0/0 "
                                                   "somewhere?")
    assert compare("x", E, "dW") == (False, "dW should be numbers, got a string 'x'")
    assert matches("abc", E) is False and matches(E, E) is True


def test_the_largest_named_factor_is_4096():
    assert compare(E * 4096, E, "dx")[1].startswith("dx is exactly 4096×")
    assert compare(E * 4097, E, "dx")[1] == ("dx is off by a constant factor (4.1e+03×): right "
                                             "pattern, wrong scale")
    assert compare(E / 4096, E, "dx")[1].startswith("dx is exactly 1/4096 of")
    assert compare(E / 4097, E, "dx")[1].startswith("dx is off by a constant factor (0.000244×)")


def test_factors_of_small_expected_values_are_named_too():
    small = E * 0.01
    assert compare(small * 4, small, "dx")[1].startswith("dx is exactly 4×")
    assert compare(small * -1, small, "dx")[1].startswith("dx has the wrong sign")


def test_a_tiny_answer_orthogonal_to_the_expected_one():
    assert compare(np.array([0.0, 1e-12]), np.array([1.0, 0.0]), "dz") == (
        False, "dz has the right shape but wrong values (the first wrong entry is at index (0,))")


def test_transposes_beyond_two_dimensions():
    T = np.arange(8.0).reshape(2, 2, 2) + 1
    assert compare(T.T, T, "dw")[1] == ("dw is transposed: a product in the wrong order "
                                        "(x.T @ d vs d.T @ x)?")


# ------------------------------------------------------------------------------ review 10, round 2

class Boom(BaseException):
    """A learner's own exception class, outside ``Exception``."""


def _raise(exc):
    def fn(*args):
        raise exc
    return fn


@pytest.mark.parametrize("exc, name", [(Boom("mine"), "Boom"), (GeneratorExit(), "GeneratorExit"),
                                       (SystemExit(0), "SystemExit")])
def test_call_learner_reports_any_base_exception(exc, name):
    ok, hint = call_learner(_raise(exc), 1)
    assert not ok and hint.startswith(f"your code raised {name} at `raise exc`")


def test_call_learner_lets_a_keyboard_interrupt_through():
    with pytest.raises(KeyboardInterrupt):
        call_learner(_raise(KeyboardInterrupt()), 1)


def test_a_base_exception_never_leaves_a_stale_tick(capsys):
    @exercise("99", 5, "base exceptions")
    def check_base(fn) -> bool:
        ok, result = call_learner(fn)
        if ok and result == "boom":     # the checker's own code meets the learner's exception
            raise Boom("inside the checker")
        return passed("right") if ok else not_yet(result)

    clear_safety_net_uses()
    assert check_base(lambda: 1) is True and check_base.exercise.latest is True
    assert check_base(_raise(Boom())) is False and check_base.exercise.latest is False
    assert check_base(lambda: 1) is True
    assert check_base(lambda: "boom") is False and check_base.exercise.latest is False
    assert safety_net_uses()[0].error == "Boom: inside the checker"
    assert check_base(lambda: 1) is True
    with pytest.raises(KeyboardInterrupt):
        check_base(_raise(KeyboardInterrupt()))
    assert check_base.exercise.latest is False     # interrupted: not done
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("not yet: your code raised Boom")
    assert lines[3].startswith("not yet: the checker could not read this answer (Boom)")
    progress("99")
    assert capsys.readouterr().out.startswith("Progress: 0 of ")
    clear_safety_net_uses()


def _state():
    return (np.geterr(), np.geterrcall(), np.get_printoptions(), list(warnings.filters),
            sys.getrecursionlimit(), sys.stdout, sys.stderr)


def test_call_learner_restores_what_a_learner_changes_globally():
    def meddler(x):
        np.seterr(all="raise")
        np.seterrcall(print)
        np.set_printoptions(precision=1, threshold=3)
        warnings.simplefilter("error")
        sys.setrecursionlimit(sys.getrecursionlimit() + 7)
        sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
        return x * 2

    before = _state()
    assert call_learner(meddler, 2.0) == (True, 4.0)
    assert _state() == before
    with np.errstate(all="ignore"):         # as inside @exercise: the checker's own state
        inside = _state()
        ok, hint = call_learner(lambda: (np.seterr(all="raise"), 1 / 0))
        assert not ok and "ZeroDivisionError" in hint
        assert _state() == inside and np.exp(1000.0) == np.inf    # no FloatingPointError


def test_a_checker_computes_after_a_learner_asked_numpy_to_raise(capsys):
    @exercise("99", 6, "seterr")
    def check_exp(fn) -> bool:
        ok, result = call_learner(fn)
        tiny, huge = np.exp(-1000.0), np.exp(1000.0)    # underflow and overflow, on purpose
        return passed("right") if ok and tiny == 0.0 and huge == np.inf else not_yet("no")

    clear_safety_net_uses()
    assert check_exp(lambda: np.seterr(all="raise") or 1.0) is True
    assert safety_net_uses() == [] and capsys.readouterr().out == "✓ right\n"


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_a_low_precision_answer_is_called_so_not_wrong(dtype):
    want = np.array([0.1234567891, -2.345678912, 3.0])
    name = np.dtype(dtype).name
    ok, hint = compare(want.astype(dtype), want, "dx", rtol=1e-9, atol=1e-12)
    assert not ok and hint == (f"dx is {name}: right to {name}'s precision, but this check "
                               "asks for more digits: compute in float64")
    ok, hint = compare(list(want.astype(dtype)), want, "dx", rtol=1e-9)    # a list of them
    assert hint.startswith(f"dx is {name}: right to")
    ok, hint = compare(-want.astype(dtype), want, "dx", rtol=1e-9)
    assert hint == (f"dx has the wrong sign: a minus sign lost (or one too many)? (and dx is "
                    f"{name}: compute in float64)")
    near_zero = np.array([1e-3, 0.0, 5.0])
    ok, hint = compare(near_zero.astype(dtype), near_zero, "dx", rtol=1e-9, atol=1e-12)
    assert hint.startswith(f"dx is {name}: right to")


def test_float32_within_the_checkers_tolerance_passes_and_float64_is_unaffected():
    want = np.array([0.1234567891, -2.345678912])
    assert compare(want.astype(np.float32), want, "dx") == (True, "")     # rtol 1e-6
    assert compare((want.astype(np.float32), want), (want, want), ("a", "b")) == (True, "")
    ok, hint = compare(want * (1 + 1e-7), want, "dx", rtol=1e-9, atol=1e-12)
    assert hint.startswith("dx has the right shape but wrong") and "float" not in hint
    ok, hint = compare(want.astype(np.float32) * 1.01, want, "dx", rtol=1e-9, atol=1e-12)
    assert hint.endswith("(and dx is float32: compute in float64)")
    assert "right to" not in hint
    assert _check._low_precision(_BadArray()) is None
    assert _check._low_precision(np.float64(1.0)) is None
    assert _check._low_precision(np.ones(2, np.longdouble)) is None


def test_the_course_numerical_gradients_are_refused_everywhere_unless_allowed():
    from helpers import gradcheck

    def numerically(x):
        return gradcheck.numerical_gradient(lambda v: float(v @ v), x)

    ok, hint = call_learner(numerically, np.ones(2))
    assert not ok and hint == (
        "your code calls helpers.gradcheck.numerical_gradient: the exercise is to write it "
        "yourself, without helpers.gradcheck.numerical_gradient (a numerical gradient only "
        "checks an answer: the exercise is the chain rule)")
    ok, grad = call_learner(numerically, np.ones(2), numerical=True)
    assert ok and np.allclose(grad, 2.0)
    ok, hint = call_learner(lambda x: (numerically(x), layers.rnn_backward(1, 2)), np.ones(2),
                            forbid=(layers.rnn_backward,))
    assert hint.startswith("your code calls helpers.gradcheck.numerical_gradient, "
                           "helpers.layers.rnn_backward: the exercise")
    ok, hint = call_learner(lambda: layers.rnn_backward(1, 2), forbid=(layers.rnn_backward,))
    assert "numerical" not in hint


def _in_a_thread(fn, *args):
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def test_forbid_sees_calls_from_threads_and_without_a_profiler():
    def threaded(dh, cache):
        return _in_a_thread(layers.rnn_backward, dh, cache)

    def unprofiled(dh, cache):
        sys.setprofile(None)
        return aliased_rnn_backward(dh, cache)

    for fn in (threaded, unprofiled):
        ok, hint = call_learner(fn, 1, 2, forbid=(layers.rnn_backward,))
        assert not ok and hint.startswith("your code calls helpers.layers.rnn_backward"), fn
    code = layers.rnn_backward.__code__
    assert code.co_name == "rnn_backward" and _check._SWAPPED == {} and _check._WATCHES == []
    ok, _ = call_learner(lambda: _in_a_thread(lambda: 1), forbid=(layers.rnn_backward,))
    assert ok


def test_a_forbidden_function_with_a_closure_and_defaults_is_swapped_and_restored():
    def make(scale):
        def reference(x, *, shift=1.0, power=2):
            return scale * x ** power + shift
        return reference

    ref = make(3.0)
    code = ref.__code__
    ok, hint = call_learner(lambda x: ref(x, power=1), 2.0, forbid=(ref,))
    assert not ok and "reference" in hint
    assert ref.__code__ is code and ref(2.0) == 13.0
    seen = []

    def learner(x):     # the reference still works for the course's own helpers' callers
        seen.append(ref(x, shift=0.0))
        return x
    assert call_learner(learner, 2.0, forbid=(ref,))[0] is False and seen == [12.0]


def test_nested_calls_share_the_swap_and_each_watch_sees_its_own():
    inner = []

    def outer(x):
        inner.append(call_learner(lambda y: y, x, forbid=(layers.rnn_backward,)))
        layers.rnn_backward(1, 2)         # after the inner call: still watched
        return x

    ok, hint = call_learner(outer, 1.0, forbid=(layers.rnn_backward, math.sqrt))
    assert inner == [(True, 1.0)]
    assert not ok and hint.startswith("your code calls helpers.layers.rnn_backward")
    assert layers.rnn_backward.__code__.co_name == "rnn_backward" and _check._SWAPPED == {}
    assert call_learner(lambda: 1, forbid=[layers.rnn_backward, layers.rnn_backward]) == (True, 1)


def test_a_trampoline_has_the_free_variables_asked_for():
    for n in (0, 1, 3):
        code = _check._trampoline(n)
        assert len(code.co_freevars) == n and code is not _check._trampoline(n)


def test_an_underflow_the_learner_asked_numpy_to_raise_is_explained():
    def learner(x):
        np.seterr(all="raise")
        return np.exp(-x)

    ok, hint = call_learner(learner, 1000.0)
    assert not ok and hint == (
        "your code raised FloatingPointError at `return np.exp(-x)`: underflow encountered in "
        "exp (numpy raises because np.seterr asks it to; an underflow to 0 is harmless: ask "
        "for over and invalid only)")
    ok, hint = call_learner(lambda x: (np.seterr(all="raise"), np.exp(x)), 1000.0)
    assert hint.endswith("overflow encountered in exp")
    ok, hint = call_learner(_raise(ValueError("underflow")), 1)
    assert hint.endswith(": underflow")


def test_forbid_sees_a_method_given_bound_or_unbound():
    class Engine:
        def backward(self, x):
            return x

    engine = Engine()
    for forbidden in (engine.backward, Engine.backward):
        ok, hint = call_learner(lambda x: Engine().backward(x), 1, forbid=(forbidden,))
        assert not ok and "backward: the exercise" in hint
    assert Engine.backward.__code__.co_name == "backward" and engine.backward(2) == 2


def test_a_nested_watch_does_not_note_what_only_the_inner_one_forbids():
    inner = []

    def outer(x):
        inner.append(call_learner(lambda: layers.rnn_step_backward(1, 2),
                                  forbid=(layers.rnn_step_backward,)))
        return x

    assert call_learner(outer, 1.0, forbid=(layers.rnn_backward,)) == (True, 1.0)
    assert inner[0][0] is False and "rnn_step_backward" in inner[0][1]


def test_forbidding_a_builtin_puts_the_previous_profiler_back():
    def profiler(frame, event, arg):
        return None

    sys.setprofile(profiler)
    try:
        ok, hint = call_learner(lambda x: math.sqrt(x), 4.0, forbid=(math.sqrt,))
        assert sys.getprofile() is profiler and not ok
    finally:
        sys.setprofile(None)


def test_a_float32_answer_is_judged_on_the_scale_of_the_whole_answer():
    want = np.array([100.0, 1e-9])
    answer = np.array([100.0, 1e-4], dtype=np.float32)   # a cancellation's float32 noise
    ok, hint = compare(answer, want, "dx", rtol=1e-9, atol=1e-12)
    assert hint.startswith("dx is float32: right to float32's precision")


def test_a_safety_net_use_cannot_be_edited():
    import dataclasses
    use = _check.SafetyNetUse("c", "e", "w")
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.error = "changed"
