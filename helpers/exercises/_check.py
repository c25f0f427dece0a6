"""The exercise-checker core: every ``helpers.exercises.nbNN`` checker is built from these parts.

A checker is a function decorated with :func:`exercise`. It calls the learner's code through
:func:`call_learner` (deep copies, never raises, refuses the course's reference functions),
turns answers into numbers with :func:`as_array` and judges them with :func:`compare` (which
names the wrong gradient and the classic mistake behind it), then ends with :func:`passed`
(``✓ …``) or :func:`not_yet` (``not yet: …``). :func:`progress` prints a notebook's tally.

In strict mode (:func:`strict`, or the environment variable ``BACKPROP_STRICT=1``) a failed
check raises :class:`ExerciseNotDone`, an ``AssertionError``, for autograders such as nbgrader.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import linecache
import os
import sys
import threading
import traceback
import types
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

__all__ = [
    "exercise", "progress", "call_learner", "as_array", "as_arrays", "compare", "matches",
    "passed", "not_yet",
    "NOT_DONE", "strict", "is_strict", "ExerciseNotDone", "Exercise", "registered",
    "safety_net_uses", "clear_safety_net_uses", "call_safely", "close",
]

NOT_DONE = "fill in the lines marked TODO, then run this cell again"

_HELPERS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_THIS_FILE = os.path.abspath(__file__)


class ExerciseNotDone(AssertionError):
    """Raised by a failed check in strict mode; the message is the hint the learner would see."""


# ------------------------------------------------------------------------------ strict mode

_strict_override: bool | None = None


def strict(enabled: bool = True) -> None:
    """Switch strict mode on or off for this process (overrides ``BACKPROP_STRICT``)."""
    global _strict_override
    _strict_override = bool(enabled)


def is_strict() -> bool:
    """True when failed checks raise: :func:`strict` was called, else ``BACKPROP_STRICT=1``."""
    if _strict_override is not None:
        return _strict_override
    flag = os.environ.get("BACKPROP_STRICT")
    return flag is not None and flag.strip().lower() in {"1", "true", "yes", "on"}


# ------------------------------------------------------------------------------ verdicts

def passed(message: str) -> bool:
    """Print ``✓ message`` and return True."""
    print(f"✓ {message}")
    return True


def not_yet(hint: str) -> bool:
    """Print ``not yet: hint`` and return False (in strict mode, raise :class:`ExerciseNotDone`)."""
    print(f"not yet: {hint}")
    if is_strict():
        raise ExerciseNotDone(hint)
    return False


# ------------------------------------------------------------------------------ registry

@dataclass
class Exercise:
    """One registered checker: where it belongs, what it checks, and its latest result."""

    notebook: str
    number: int
    title: str
    checker: Callable[..., bool]
    latest: bool | None = None    # None: never run in this process


@dataclass(frozen=True)
class SafetyNetUse:
    """A checker's own code raised: the learner saw a ``not yet`` line instead of a traceback."""

    checker: str
    error: str
    where: str


_REGISTRY: dict[tuple[str, int], Exercise] = {}
_NET_USES: list[SafetyNetUse] = []


def _notebook_id(notebook) -> str:
    """``6``, ``"6"`` and ``"06"`` all name notebook ``"06"``."""
    text = str(notebook).strip()
    if isinstance(notebook, bool) or not text.isdigit():
        raise ValueError(f"exercise: notebook expects a number such as '06', got {notebook!r}")
    return text.zfill(2)


def registered(notebook=None) -> list[Exercise]:
    """The registered exercises (of one notebook, or all), ordered by notebook and number."""
    nb = None if notebook is None else _notebook_id(notebook)
    return [ex for key, ex in sorted(_REGISTRY.items()) if nb is None or key[0] == nb]


def safety_net_uses() -> list[SafetyNetUse]:
    """Every time a checker's own code raised since the last :func:`clear_safety_net_uses`."""
    return list(_NET_USES)


def clear_safety_net_uses() -> None:
    _NET_USES.clear()


def _where(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1]     # where the checker's code raised
    return f"{os.path.basename(last.filename)}:{last.lineno}"


def exercise(notebook, number: int, title: str):
    """Decorator: register a checker as exercise ``number`` of ``notebook`` and guard it.

    The wrapped checker returns True/False and prints one line. If the checker's own code
    raises, the learner sees a ``not yet:`` line (never a traceback) and the use of this safety
    net is recorded (:func:`safety_net_uses`), so a test can catch the checker's bug.
    """
    nb = _notebook_id(notebook)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"exercise: number expects a positive int, got {number!r}")

    def decorate(check: Callable[..., bool]) -> Callable[..., bool]:
        signature = inspect.signature(check)
        qualname = f"{check.__module__}.{check.__qualname__}"

        @functools.wraps(check)
        def checker(*args, **kwargs) -> bool:
            record.latest = False       # until this run says otherwise, whatever happens
            try:
                signature.bind(*args, **kwargs)
            except TypeError as exc:
                params = ", ".join(signature.parameters)
                return not_yet(f"{check.__name__} takes ({params}): {exc}")
            try:
                with np.errstate(all="ignore"):
                    result = check(*args, **kwargs)
            except (ExerciseNotDone, KeyboardInterrupt):
                raise
            except BaseException as exc:    # the checker's own bug: never show a traceback
                _NET_USES.append(SafetyNetUse(qualname, f"{type(exc).__name__}: {exc}",
                                              _where(exc)))
                return not_yet(f"the checker could not read this answer ({type(exc).__name__}); "
                               "look at what you return: its type, its shape, its values")
            if not isinstance(result, (bool, np.bool_)):
                _NET_USES.append(SafetyNetUse(qualname, f"returned {result!r}, not a bool", "?"))
                return not_yet("the checker could not decide; look at what you return")
            record.latest = bool(result)
            if not result and is_strict():
                raise ExerciseNotDone(f"exercise {nb}.{number} ({title}) is not done yet")
            return bool(result)

        record = Exercise(nb, number, title, checker)
        old = _REGISTRY.get((nb, number))
        if old is not None:
            old_name = f"{old.checker.__module__}.{old.checker.__qualname__}"
            if old_name != qualname:
                raise ValueError(f"exercise: {nb}.{number} is already registered by {old_name}")
        _REGISTRY[(nb, number)] = record
        checker.exercise = record
        return checker

    return decorate


def progress(notebook) -> tuple[int, int]:
    """Print ``Progress: 2 of 4 exercises done (1 ✓ · 2 ✓ · 3 not yet · 4 not yet)``.

    Counts the latest result of each registered checker of ``notebook`` (a checker never run
    counts as not yet). Returns ``(done, total)``.
    """
    nb = _notebook_id(notebook)
    try:
        importlib.import_module(f"helpers.exercises.nb{nb}")   # make sure its checkers exist
    except ImportError:
        pass
    exercises = registered(nb)
    done = sum(1 for ex in exercises if ex.latest)
    marks = " · ".join(f"{ex.number} {'✓' if ex.latest else 'not yet'}" for ex in exercises)
    print(f"Progress: {done} of {len(exercises)} exercises done" + (f" ({marks})" if marks else ""))
    return done, len(exercises)


# ------------------------------------------------------------------------------ calling

def _kind(value) -> str:
    """A short description of a value's type for hints: 'a str', 'an int', 'a numpy array'."""
    if isinstance(value, np.ndarray):
        return "a numpy array"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _public_name(fn) -> str:
    module = getattr(fn, "__module__", None) or ""
    name = getattr(fn, "__name__", None) or repr(fn)
    if module.startswith("helpers.layers"):
        return f"helpers.layers.{name}"
    return f"{module}.{name}" if module else name


def _same(a, b) -> bool:
    """Deep equality that never raises (arrays by value with nan == nan, containers by item)."""
    if type(a) is not type(b):
        return False
    try:
        if isinstance(a, np.ndarray):
            return a.dtype == b.dtype and bool(
                np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
        if isinstance(a, (list, tuple)):
            return len(a) == len(b) and all(map(_same, a, b))
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
        return bool(a == b) or (a != a and b != b)    # nan equals nan here
    except Exception:   # an exotic __eq__: assume unchanged
        return True


def _copy(value):
    try:
        return copy.deepcopy(value)
    except Exception:   # an object that cannot be copied (a module, a generator): pass it as is
        return value


def _argument_names(fn, n_args: int, kwargs: dict) -> list[str]:
    """The learner's own names of the arguments: ``x``, ``grads``, ``args[1]``, ``number 2``."""
    names = [f"number {i + 1}" for i in range(n_args)]
    try:        # bind the positions 0, 1, … to see which parameter each one lands in
        bound = inspect.signature(fn).bind_partial(*range(n_args)).arguments
    except (TypeError, ValueError):     # a builtin without a signature
        bound = {}
    for name, value in bound.items():
        if isinstance(value, tuple):    # *args
            for j, i in enumerate(value):
                names[i] = f"{name}[{j}]"
        else:
            names[value] = name
    return names + list(kwargs)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exception_hint(fn, exc: BaseException) -> str:
    """``your code raised ValueError at `dx = dout @ W`: …`` (the line when it is cheap)."""
    where = ""
    code = getattr(inspect.unwrap(fn), "__code__", None) if callable(fn) else None
    if code is not None:
        for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
            if frame.f_code.co_filename == code.co_filename:
                line = linecache.getline(code.co_filename, lineno, frame.f_globals).strip()
                if line:
                    where = f" at `{_one_line(line, 80)}`"
                break
    message = _one_line(exc) or "(no message)"
    if isinstance(exc, FloatingPointError) and "underflow" in message:
        message += (" (numpy raises because np.seterr asks it to; an underflow to 0 is harmless: "
                     "ask for over and invalid only)")
    return f"your code raised {type(exc).__name__}{where}: {message}"


def _contains(result, originals) -> bool:
    """True if ``result`` is, holds, or views one of the objects the learner was given."""
    items = result if isinstance(result, (list, tuple)) else (result,)
    for item in items:
        for original in originals:
            if item is original and isinstance(item, (np.ndarray, list, dict)):
                return True     # (a number handed back is harmless: it cannot be edited)
            if isinstance(item, np.ndarray) and isinstance(original, np.ndarray):
                if np.shares_memory(item, original):
                    return True
            if isinstance(original, (list, tuple)) and _contains(item, original):
                return True
    return False


def _from_learner(frame) -> bool:
    """A call counts unless another course helper made it (the checker's own call does)."""
    filename = os.path.abspath(frame.f_code.co_filename)
    return filename == _THIS_FILE or not filename.startswith(_HELPERS_DIR + os.sep)


# A forbidden Python function gets, for the duration of a learner's call, the code of a
# trampoline that notes the call and runs the original: every reference to it (any import name,
# any thread, with or without a profiler) then goes through the note. Builtins have no code to
# swap: a profiler watches those (in the calling thread). _SWAPPED maps id(trampoline code) to
# (the forbidden function, a copy of it with its own code, that trampoline code kept alive).
_SWAPPED: dict[int, tuple[Callable, types.FunctionType, types.CodeType]] = {}
_WATCHES: list[_ForbidWatch] = []
_LOCK = threading.RLock()
_TRAMPOLINES: dict[int, types.CodeType] = {}


def _trampoline(n_free: int) -> types.CodeType:
    """A fresh code object ``(*args, **kwargs) → _forbidden_call(...)`` with ``n_free`` free
    variables (a code object may replace a function's only if their numbers match)."""
    if n_free not in _TRAMPOLINES:
        names = [f"_free{i}" for i in range(n_free)]
        source = ("def _outer():\n" + "".join(f"    {v} = None\n" for v in names)
                  + "    def forbidden(*args, **kwargs):\n"
                  + "".join(f"        {v}\n" for v in names)
                  + "        from helpers.exercises._check import _forbidden_call\n"
                  + "        return _forbidden_call(args, kwargs)\n"
                  + "    return forbidden\n")
        namespace: dict = {}
        # equivalent mutant `''`: nothing reads the trampoline's file name (its caller's counts)
        exec(compile(source, "<forbidden>", "exec"), namespace)    # noqa: S102 - our own text
        _TRAMPOLINES[n_free] = namespace["_outer"]().__code__
    return _TRAMPOLINES[n_free].replace()     # a new object: its id names one function


def _forbidden_call(args, kwargs):
    """Run by a swapped function: note the call for every watch that forbids it, then run it."""
    frame = sys._getframe(1)        # the trampoline's frame; its caller made the call
    fn, original, _ = _SWAPPED[id(frame.f_code)]
    if _from_learner(frame.f_back):
        for watch in list(_WATCHES):
            if any(f is fn for f in watch.functions):
                watch.hits.append(fn)
    return original(*args, **kwargs)


class _ForbidWatch:
    """While active (a ``with`` block), records the learner's calls to the given functions."""

    def __init__(self, forbid):
        self.hits: list = []
        functions = (getattr(f, "__func__", f) for f in forbid if callable(f))   # (methods)
        self.functions = list({id(f): f for f in functions}.values())
        self.builtins = {id(f): f for f in self.functions
                         if not isinstance(f, types.FunctionType)}
        self.swapped: list[types.FunctionType] = []

    def __enter__(self):
        with _LOCK:
            _WATCHES.append(self)
            for f in self.functions:
                if isinstance(f, types.FunctionType) and id(f.__code__) not in _SWAPPED:
                    original = types.FunctionType(f.__code__, f.__globals__, f.__name__,
                                                  f.__defaults__, f.__closure__)
                    original.__kwdefaults__ = f.__kwdefaults__
                    code = _trampoline(len(f.__code__.co_freevars))
                    _SWAPPED[id(code)] = (f, original, code)
                    f.__code__ = code
                    self.swapped.append(f)
        self.previous = sys.getprofile()
        if self.builtins:
            sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc):
        if self.builtins:
            sys.setprofile(self.previous)
        with _LOCK:
            for f in self.swapped:
                _, original, _ = _SWAPPED.pop(id(f.__code__))
                f.__code__ = original.__code__
            _WATCHES.remove(self)

    def _profile(self, frame, event, arg):
        if event == "c_call" and id(arg) in self.builtins and _from_learner(frame):
            self.hits.append(self.builtins[id(arg)])


class _Globals:
    """Saves what a learner's code can change globally and the checker relies on (numpy's error
    state and print options, the warning filters, the recursion limit, stdout and stderr), and
    puts it back after the call."""

    def __enter__(self):
        self.saved = (np.geterr(), np.geterrcall(), np.get_printoptions(),
                      sys.getrecursionlimit(), sys.stdout, sys.stderr)
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()

    def __exit__(self, *exc):
        self.warnings.__exit__(*exc)
        err, call, printing, limit, sys.stdout, sys.stderr = self.saved
        np.seterr(**err)
        np.seterrcall(call)
        np.set_printoptions(**printing)
        sys.setrecursionlimit(limit)


def _numerical_gradients() -> tuple:
    from helpers import gradcheck
    return (gradcheck.numerical_gradient, gradcheck.numerical_gradient_array,
            gradcheck.numerical_jacobian, gradcheck.forward_difference)


def call_learner(fn, *args, forbid=(), fresh: bool = False, numerical: bool = False,
                 **kwargs) -> tuple[bool, Any]:
    """Call a learner's function safely; return ``(ok, result_or_hint)``, never raise.

    The function gets deep copies of the arguments. ``(False, hint)`` when ``fn`` is not
    callable, is a stub (raises ``NotImplementedError`` or returns ``None`` → :data:`NOT_DONE`),
    raises anything else but ``KeyboardInterrupt`` (the hint names it and the line), modifies
    its arguments in place, or calls one of ``forbid`` (the course's reference functions, under
    any name, from any thread) or, unless ``numerical=True``, one of the course's numerical
    gradients (``helpers.gradcheck``): an exercise asks for the gradient by the chain rule.
    With ``fresh=True`` a result that *is* (or views) one of its inputs is refused as well.
    Whatever global state the call changes (numpy's error state, print options, warning filters,
    …) is restored before the checker goes on.
    """
    if fn is None or fn is Ellipsis:
        return False, NOT_DONE
    if not callable(fn):
        return False, (f"expected a function, got {_kind(fn)}: pass the function itself "
                       "(its name, without calling it)")
    given = [_copy(a) for a in args]
    given_kw = {k: _copy(v) for k, v in kwargs.items()}
    snapshot = [_copy(a) for a in given], {k: _copy(v) for k, v in given_kw.items()}
    numerics = () if numerical else _numerical_gradients()
    failure = None
    with _Globals(), _ForbidWatch(tuple(forbid) + numerics) as watch:
        try:
            result = fn(*given, **given_kw)
        except NotImplementedError:
            failure = NOT_DONE
        except KeyboardInterrupt:
            raise
        except BaseException as exc:   # the learner's code, not ours: report, never crash
            failure = _exception_hint(fn, exc)
    if watch.hits:
        names = ", ".join(dict.fromkeys(_public_name(f) for f in watch.hits))
        why = (" (a numerical gradient only checks an answer: the exercise is the chain rule)"
               if any(f in numerics for f in watch.hits) else "")
        return False, (f"your code calls {names}: the exercise is to write it yourself, "
                       f"without {names}{why}")
    if failure is not None:
        return False, failure
    names = _argument_names(fn, len(args), kwargs)
    now = given + list(given_kw.values())
    before = snapshot[0] + list(snapshot[1].values())
    changed = [names[i] for i in range(len(names)) if not _same(now[i], before[i])]
    if changed:
        return False, (f"your function changed its argument {', '.join(changed)} in place; "
                       "leave the inputs as they are and compute new arrays")
    if result is None or result is Ellipsis:
        return False, NOT_DONE
    if fresh and _contains(result, given + list(given_kw.values())):
        return False, ("your function returned the very arrays it was given; return new arrays "
                       "(for example g * scale, or g.copy())")
    return True, result


# ------------------------------------------------------------------------------ numbers

def _numbers(value, name: str) -> tuple[bool, Any]:
    """``value`` as a float64 array (a copy), or a hint saying why it is not numbers."""
    if value is None or value is Ellipsis:
        return False, f"{name} is missing (None): {NOT_DONE}"
    if isinstance(value, (str, bytes)):
        return False, f"{name} should be numbers, got a string {_one_line(repr(value), 40)}"
    if isinstance(value, (bool, np.bool_)):
        return False, f"{name} should be numbers, got {value} (a bool)"
    if isinstance(value, dict):
        return False, f"{name} should be an array of numbers, got a dict"
    if callable(value):
        return False, f"{name} should be numbers, got a function: did you forget to call it?"
    try:
        arr = np.asarray(value)
    except ValueError as exc:
        if "inhomogeneous" in str(exc):
            return False, (f"{name} is ragged: its rows have different lengths, so it is not an "
                           "array (return one array per gradient)")
        return False, f"{name} could not be read as numbers ({_one_line(exc, 80)})"
    except Exception as exc:    # an exotic object whose __array__ or __len__ fails
        return False, f"{name} could not be read as numbers ({type(exc).__name__})"
    kind = arr.dtype.kind
    if kind == "O":
        flat = arr.ravel()
        if any(item is None for item in flat):
            return False, f"{name} contains None: is a TODO left?"
        if all(hasattr(item, "__float__") and not isinstance(item, (np.ndarray, bool))
               for item in flat):           # Fractions, Decimals: one, or an array of them
            try:
                return True, np.array([float(item) for item in flat]).reshape(arr.shape)
            except Exception:   # noqa: BLE001 - any failure means "not a number"
                pass
        if arr.ndim == 0:
            return False, f"{name} should be numbers, got {_kind(value)}"
        return False, (f"{name} is an array of Python objects (dtype object), not of numbers: "
                       "are its pieces of different shapes?")
    if kind in "US":
        return False, f"{name} should be numbers, got strings"
    if kind == "b":
        return False, f"{name} should be numbers, got booleans (True/False)"
    if kind == "c":
        return False, f"{name} has complex numbers; a gradient of a real loss is real"
    if kind not in "iuf":
        return False, f"{name} should be numbers, got an array of dtype {arr.dtype}"
    return True, np.array(arr, dtype=np.float64)


def _shape_hint(name: str, got: tuple, want: tuple) -> str:
    hint = f"{name} should have shape {want}, got {got}"
    if len(want) >= 2 and got == want[::-1] and got != want:
        return hint + ": the transposed shape: a missing transpose?"
    if [s for s in got if s != 1] == [s for s in want if s != 1]:
        return hint + ": the same numbers with an extra axis of length 1 (reshape it)"
    if got[1:] == want:
        return hint + ": one axis too many: a sum over the batch (or over time) forgotten?"
    return hint


def _finite_hint(name: str, arr: np.ndarray) -> str | None:
    has_nan, has_inf = bool(np.isnan(arr).any()), bool(np.isinf(arr).any())
    if not (has_nan or has_inf):
        return None
    what = " and ".join(w for w, h in (("nan", has_nan), ("inf", has_inf)) if h)
    return f"{name} contains {what}: an overflow or a 0/0 somewhere?"


def as_array(value, name: str = "your answer", shape=None, *,
             finite: bool = True) -> tuple[bool, Any]:
    """Turn an answer into a float64 array, or explain why it cannot be one.

    Returns ``(True, array)`` (a float64 copy) or ``(False, hint)`` for None (not done),
    strings, bytes, dicts, booleans, functions, object arrays, ragged sequences, complex
    numbers, a shape other than ``shape`` (``None``: any shape), nan or inf (unless
    ``finite=False``: then the checker looks at them itself).
    """
    ok, arr = _numbers(value, name)
    if not ok:
        return False, arr
    if shape is not None:
        want = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        if arr.shape != want:
            return False, _shape_hint(name, arr.shape, want)
    bad = _finite_hint(name, arr) if finite else None
    if bad:
        return False, bad
    return True, arr


def _expected(expected, names) -> tuple[bool, list[np.ndarray], list[str]]:
    """``(multi, expected arrays, their names)``; a tuple means several parts."""
    multi = isinstance(expected, tuple)
    wants = [np.asarray(e, dtype=np.float64) for e in (expected if multi else (expected,))]
    n = len(wants)
    if names is None:
        names = ["your answer"] if n == 1 else [f"item {i + 1}" for i in range(n)]
    names = [names] if isinstance(names, str) else [str(x) for x in names]
    if len(names) != n:
        raise ValueError(f"compare: names has {len(names)} entries for {n} expected arrays")
    return multi, wants, names


def _parts(answer, multi: bool, wants: list[np.ndarray], names: list[str]) -> tuple[bool, Any]:
    """The answer as a list of parts, one per expected array, or a hint on what to return."""
    if answer is None or answer is Ellipsis:
        return False, NOT_DONE
    if not multi:
        return True, [answer]
    n, order = len(wants), ", ".join(names)
    scalars = all(w.ndim == 0 for w in wants)
    what = "numbers" if scalars else "arrays" if all(w.ndim for w in wants) else "things"
    if isinstance(answer, np.ndarray) and answer.shape == (n,) and answer.dtype.kind in "iuf" \
            and scalars:
        return True, list(answer)        # (da, db) given as one array of two numbers
    if not isinstance(answer, (tuple, list)):
        return False, f"return {n} {what}, in this order: {order} (got {_kind(answer)})"
    if len(answer) != n:
        return False, f"return {n} {what}, in this order: {order} (got {len(answer)})"
    if all(part is None or part is Ellipsis for part in answer):
        return False, NOT_DONE
    return True, list(answer)


def as_arrays(answer, expected, names=None, *, finite: bool = True) -> tuple[bool, Any]:
    """Check an answer's form against ``expected`` (one array, or a tuple of arrays).

    How many parts, their types, their shapes and (unless ``finite=False``) nan or inf, with
    the hints of :func:`compare`, but not the values. Returns ``(True, arrays)`` (a list of
    float64 arrays for a tuple, else one array) or ``(False, hint)``.
    """
    multi, wants, names = _expected(expected, names)
    ok, parts = _parts(answer, multi, wants, names)
    if not ok:
        return False, parts
    arrays = []
    for i, want in enumerate(wants):
        ok, arr = as_array(parts[i], names[i], want.shape, finite=finite)
        if not ok:
            return False, arr
        arrays.append(arr)
    return True, arrays if multi else arrays[0]


def matches(answer, candidate, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True if ``answer`` has ``candidate``'s shape and values (``np.allclose``); never raises."""
    try:
        a = np.asarray(answer, dtype=np.float64)
        b = np.asarray(candidate, dtype=np.float64)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))
    except Exception:   # not numbers (or a malformed candidate): no match
        return False


_MAX_FACTOR = 4096     # an integer factor up to this is named (a batch size, a sequence length)


def _generic_hint(name: str, a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> str:
    """Wrong sign, all zeros, transposed, or a constant factor (the batch size, a 2; for a
    single number only a whole factor, since any wrong number is some factor off)."""
    if not np.any(a) and np.any(e):
        return f"{name} is all zeros: was it never filled in, or never accumulated?"
    if np.any(e) and matches(a, -e, rtol, atol):
        return f"{name} has the wrong sign: a minus sign lost (or one too many)?"
    if matches(a, e.T, rtol, atol):     # (1-D: e.T is e, which a is not)
        return f"{name} is transposed: a product in the wrong order (x.T @ d vs d.T @ x)?"
    ee = float(np.sum(e * e))
    if ee > 0:
        c = float(np.sum(a * e)) / ee
        if c != 0 and np.isfinite(c) and not np.isclose(c, 1.0) and matches(a, c * e, rtol, atol):
            exact = max(rtol, 1e-12)
            k = round(c)
            if 2 <= k <= _MAX_FACTOR and np.isclose(c, k, rtol=exact, atol=0):
                return (f"{name} is exactly {k}× the right value: a sum where a mean belongs "
                        "(a batch size N?), or a path counted twice?")
            k = round(1 / c)
            if 2 <= k <= _MAX_FACTOR and np.isclose(1 / c, k, rtol=exact, atol=0):
                return (f"{name} is exactly 1/{k} of the right value: a mean where a sum "
                        "belongs (a batch size N?), or a path missing?")
            if a.size > 1:      # every wrong single number is "a factor" off: no pattern
                return (f"{name} is off by a constant factor ({c:.3g}×): right pattern, "
                        "wrong scale")
    if a.ndim == 0:
        return f"{name} is off"
    first = np.argwhere(~np.isclose(a, e, rtol=rtol, atol=atol))[0]
    return (f"{name} has the right shape but wrong values (the first wrong entry is at index "
            f"{tuple(int(i) for i in first)})")


def compare(answer, expected, names=None, mistakes=(), rtol: float = 1e-6,
            atol: float = 1e-9) -> tuple[bool, str]:
    """Judge an answer against the expected array (or tuple of arrays); ``(ok, hint)``.

    Args:
        answer: what the learner returned.
        expected: one array (or number), or a *tuple* of arrays; then ``answer`` must be a tuple
            or list of the same length, in the same order.
        names: the name of each expected array ("dx", "dWh", …), used in the hints.
        mistakes: ``(hint, candidate)`` pairs, ``candidate`` being the whole answer a classic
            mistake produces (same structure as ``expected``; None, or a None part, when it
            does not apply). If the learner's first wrong part equals the candidate's, the hint
            is ``"<name>: <hint>"``.
        rtol, atol: tolerances of ``np.allclose``.

    Returns:
        ``(True, "")``, or ``(False, hint)`` naming the first wrong part: its type, shape, nan,
        a listed mistake, or a generic diagnosis (wrong sign, transposed, a constant factor,
        parts in the wrong order).
    """
    multi, wants, names = _expected(expected, names)
    ok, parts = _parts(answer, multi, wants, names)
    if not ok:
        return False, parts
    mistakes = list(mistakes or ())

    def mistake(i: int, a: np.ndarray, rtol: float, atol: float) -> str | None:
        for hint, cand in mistakes:
            if multi:
                if not isinstance(cand, (tuple, list)) or len(cand) != len(wants):
                    continue
                cand = cand[i]
            if cand is not None and matches(a, cand, rtol, atol):
                return f"{names[i]}: {hint}"
        return None

    for i, want in enumerate(wants):
        name = names[i]
        ok, a = _numbers(parts[i], name)
        if not ok:
            return False, a
        if a.shape != want.shape:
            return False, mistake(i, a, rtol, atol) or _shape_hint(name, a.shape, want.shape)
        bad = _finite_hint(name, a)
        if bad:
            return False, bad
        if np.allclose(a, want, rtol=rtol, atol=atol):
            continue
        r, t, low = rtol, atol, _low_precision(parts[i])
        if low is not None:     # one rule for every checker: float32 is named, never "wrong"
            tol = float(np.sqrt(np.finfo(low).eps))         # judged to half its digits
            r, t = max(rtol, tol), max(atol, tol * float(np.max(np.abs(want))))
            if np.allclose(a, want, rtol=r, atol=t):
                return False, (f"{name} is {low}: right to {low}'s precision, but this check "
                               "asks for more digits: compute in float64")
        hint = mistake(i, a, r, t)
        for j, other in enumerate(wants):
            if not hint and j != i and np.any(other) and matches(a, other, r, t):
                hint = (f"{name} holds what {names[j]} should: return them in the order "
                        f"{', '.join(names)}")
        hint = hint or _generic_hint(name, a, want, r, t)
        return False, hint + (f" (and {name} is {low}: compute in float64)" if low else "")
    return True, ""


def _low_precision(value) -> np.dtype | None:
    """float16 or float32 when that is what ``value``'s numbers are (None otherwise)."""
    try:
        dtype = np.asarray(value).dtype
    except Exception:   # noqa: BLE001 - not numbers: the other checks have said so
        return None
    return dtype if dtype.kind == "f" and dtype.itemsize < 8 else None


# ------------------------------------------------------------------------------ old names

def call_safely(fn: Callable, *args, **kwargs) -> tuple[bool, Any]:
    """The former name of :func:`call_learner` (without ``forbid``): ``(ok, result_or_hint)``."""
    return call_learner(fn, *args, **kwargs)


def close(answer, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> tuple[bool, str]:
    """Compare one answer with one expected array; ``(ok, hint)``. Never True for nan, inf,
    None, strings or object arrays (see :func:`as_array`)."""
    want = np.asarray(expected, dtype=np.float64)
    ok, a = as_array(answer, "your answer", want.shape)
    if not ok:
        return False, a
    if not np.allclose(a, want, rtol=rtol, atol=atol):
        return False, "the shape is right but some values are off"
    return True, ""
