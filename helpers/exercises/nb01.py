"""Checkers for notebook 01 (chain rule, computational graphs and gates).

1. :func:`check_multiply_backward` — the multiply gate's backward pass.
2. :func:`check_fork_backward` — a variable used twice: the fork must *sum*.
3. :func:`check_by_hand` — three gradients of a small expression, worked out by hand.
"""

from __future__ import annotations

from helpers.exercises._check import NOT_DONE, call_safely, close, not_yet, passed

__all__ = ["check_multiply_backward", "check_fork_backward", "check_by_hand", "BY_HAND_POINT"]

# (x, y, dout) cases: signs mixed, a zero, a non-unit upstream gradient
_MUL_CASES = [(3.0, -2.0, 1.0), (-1.5, 4.0, 2.0), (0.0, 5.0, -3.0), (2.5, 2.5, 0.5)]


def _pair(result) -> tuple[bool, str | tuple]:
    """A learner's ``(a, b)`` as two floats, or a hint."""
    try:
        a, b = result
        return True, (float(a), float(b))
    except (TypeError, ValueError):
        return False, f"return two numbers (dx, dy), got {result!r}"


def check_multiply_backward(mul_backward) -> bool:
    """``mul_backward(x, y, dout) -> (dx, dy)`` for the gate ``out = x * y``.

    Right answer: ``dx = y * dout``, ``dy = x * dout`` (multiply swaps, scaled by upstream).
    """
    for x, y, dout in _MUL_CASES:
        ok, result = call_safely(mul_backward, x, y, dout)
        if not ok:
            return not_yet(result)
        ok, pair = _pair(result)
        if not ok:
            return not_yet(pair)
        dx, dy = pair
        if close(dx, y * dout)[0] and close(dy, x * dout)[0]:
            continue
        if close(dx, x * dout)[0] and close(dy, y * dout)[0]:
            return not_yet("the multiply gate *swaps*: x receives y · dout and y receives x · dout")
        if close(dx, y)[0] and close(dy, x)[0]:
            return not_yet(f"right local gradients, but scale them by the upstream gradient "
                           f"dout (try x={x}, y={y}, dout={dout})")
        return not_yet(f"at x={x}, y={y}, dout={dout} expected ({y * dout:g}, {x * dout:g}), "
                       f"got ({dx:g}, {dy:g})")
    return passed("multiply gate: each input gets the *other* input times dout")


def check_fork_backward(grad_f) -> bool:
    """``grad_f(x, y) -> (df/dx, df/dy)`` for ``f = (x + y) * x``, where x is used twice.

    Right answer: ``df/dx = (x + y) + x`` (the sum over both paths), ``df/dy = x``.
    """
    for x, y in [(2.0, 3.0), (-1.0, 4.0), (0.5, -2.5)]:
        ok, result = call_safely(grad_f, x, y)
        if not ok:
            return not_yet(result)
        ok, pair = _pair(result)
        if not ok:
            return not_yet(pair)
        dfdx, dfdy = pair
        if close(dfdx, 2 * x + y)[0] and close(dfdy, x)[0]:
            continue
        if close(dfdx, x + y)[0] or close(dfdx, x)[0]:
            return not_yet("x feeds two gates (a fork): add the gradients from both paths, "
                           "df/dx = (x + y)·1 + x")
        if not close(dfdy, x)[0]:
            return not_yet(f"df/dy: y reaches f only through q = x + y, then q·x "
                           f"(at x={x}, y={y} expected {x:g}, got {dfdy:g})")
        return not_yet(f"at x={x}, y={y} expected df/dx = {2 * x + y:g}, got {dfdx:g}")
    return passed("the fork sums: df/dx = (x + y) + x = 2x + y")


BY_HAND_POINT = {"x": 2.0, "y": -1.0, "z": 3.0}   # f = max(x, y)·z + z


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
        ok, hint = close(value, expected[name])
        if not ok:
            detail = "" if hint.startswith("the shape") else f" ({hint})"
            return not_yet(f"{name}: {hints[name]}{detail}")
    return passed("max routes to the winner, and z's two paths sum: (3, 0, 3)")
