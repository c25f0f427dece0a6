"""Checkers for notebook 01 (chain rule, computational graphs and gates).

1. :func:`check_divide_backward` — a new gate, o = a / b, with the same recipe.
2. :func:`check_fork_backward` — a variable used twice: the fork must *sum*.
3. :func:`check_by_hand` — three gradients of a small expression, worked out by hand.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    as_arrays,
    call_learner,
    exercise,
    not_yet,
    passed,
)

__all__ = ["check_divide_backward", "check_fork_backward", "check_by_hand", "BY_HAND_POINT"]

# (a, b, dout) cases: signs mixed, a zero numerator, a non-unit upstream gradient
_DIV_CASES = [(3.0, -2.0, 1.0), (-1.5, 4.0, 2.0), (0.0, 5.0, -3.0), (2.5, 0.5, 0.5)]


def _near(x: float, y: float) -> bool:
    return bool(np.isclose(x, y, rtol=1e-6, atol=1e-9))


def _pair(result, names: tuple[str, str]) -> tuple[bool, str | tuple]:
    """A learner's pair of gradients as two floats, or a hint."""
    ok, pair = as_arrays(result, (0.0, 0.0), names)
    if not ok:
        return False, pair
    return True, (float(pair[0]), float(pair[1]))


@exercise("01", 1, "a new gate, divide")
def check_divide_backward(div_backward) -> bool:
    """``div_backward(a, b, dout) -> (da, db)`` for the gate ``o = a / b``.

    Right answer: ``da = dout / b``, ``db = −a · dout / b²`` (local gradients 1/b and −a/b²,
    each times the upstream gradient).
    """
    for a, b, dout in _DIV_CASES:
        ok, result = call_learner(div_backward, a, b, dout)
        if not ok:
            return not_yet(result)
        ok, pair = _pair(result, ("da", "db"))
        if not ok:
            return not_yet(pair)
        da, db = pair
        right_da, right_db = dout / b, -a * dout / b ** 2
        if _near(da, right_da) and _near(db, right_db):
            continue
        if _near(da, 1 / b) and _near(db, -a / b ** 2) and dout != 1.0:
            return not_yet(f"right local gradients, now multiply both by the upstream "
                           f"gradient dout (try a={a}, b={b}, dout={dout})")
        if not _near(da, right_da):
            return not_yet(f"da: o = a · (1/b), so ∂o/∂a = 1/b, times dout "
                           f"(at a={a}, b={b}, dout={dout} expected {right_da:g}, got {da:g})")
        if _near(db, -right_db):
            return not_yet("db: mind the sign, ∂(a/b)/∂b = −a/b²")
        return not_yet(f"db: ∂(a/b)/∂b = −a/b², times dout "
                       f"(at a={a}, b={b}, dout={dout} expected {right_db:g}, got {db:g})")
    return passed("divide gate: da = dout / b and db = −a · dout / b²")


@exercise("01", 2, "a fork must sum")
def check_fork_backward(grad_f) -> bool:
    """``grad_f(x, y) -> (df/dx, df/dy)`` for ``f = (x + y) * x``, where x is used twice.

    Right answer: ``df/dx = (x + y) + x`` (the sum over both paths), ``df/dy = x``.
    """
    for x, y in [(2.0, 3.0), (-1.0, 4.0), (0.5, -2.5)]:
        ok, result = call_learner(grad_f, x, y)
        if not ok:
            return not_yet(result)
        ok, pair = _pair(result, ("df/dx", "df/dy"))
        if not ok:
            return not_yet(pair)
        dfdx, dfdy = pair
        if _near(dfdx, 2 * x + y) and _near(dfdy, x):
            continue
        if _near(dfdx, x + y) or _near(dfdx, x):
            return not_yet("x feeds two gates (a fork): add the gradients from both paths, "
                           "df/dx = (x + y)·1 + x")
        if not _near(dfdy, x):
            return not_yet(f"df/dy: y reaches f only through q = x + y, then q·x "
                           f"(at x={x}, y={y} expected {x:g}, got {dfdy:g})")
        return not_yet(f"at x={x}, y={y} expected df/dx = {2 * x + y:g}, got {dfdx:g}")
    return passed("the fork sums: df/dx = (x + y) + x = 2x + y")


BY_HAND_POINT = {"x": 2.0, "y": -1.0, "z": 3.0}   # f = max(x, y)·z + z


@exercise("01", 3, "by hand")
def check_by_hand(dfdx, dfdy, dfdz) -> bool:
    """Gradients of ``f = max(x, y)·z + z`` at x = 2, y = −1, z = 3, worked out by hand.

    Right answer: max routes to x (2 > −1): df/dx = z = 3, df/dy = 0, and z is used twice:
    df/dz = max(x, y) + 1 = 3.
    """
    answers = {"df/dx": dfdx, "df/dy": dfdy, "df/dz": dfdz}
    if any(a is None for a in answers.values()):
        return not_yet(NOT_DONE)
    expected = {"df/dx": 3.0, "df/dy": 0.0, "df/dz": 3.0}
    hints = {"df/dx": "x wins the max, so it gets the whole upstream gradient z",
             "df/dy": "y loses the max: the max gate routes nothing to the loser",
             "df/dz": "z is used twice (in m·z and in + z): sum both paths"}
    for name, value in answers.items():
        ok, number = as_array(value, name, shape=())
        if not ok:
            return not_yet(number)
        if not _near(float(number), expected[name]):
            return not_yet(f"{name}: {hints[name]}")
    return passed("max routes to the winner, and z's two paths sum: (3, 0, 3)")
