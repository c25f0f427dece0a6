"""Checkers for notebook 03 (the matmul gate).

1. :func:`check_matmul_left_backward` — ``(dW, dX)`` for ``Y = W·X`` (weight on the left).
2. :func:`check_sum_to_shape` — ``sum_to_shape(grad, shape)``: the backward of broadcasting.
3. :func:`check_xor_weights` — a two-layer step-perceptron network that computes XOR.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    call_learner,
    compare,
    exercise,
    not_yet,
    passed,
)

__all__ = ["check_matmul_left_backward", "check_sum_to_shape", "check_xor_weights",
           "step_network", "XOR_INPUTS", "XOR_TARGETS"]

XOR_INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=np.float64)
XOR_TARGETS = np.array([0, 1, 1, 0])

# (M, D, N) triples the left-matmul checker tries, the last ones with a size-1 axis
_MATMUL_SHAPES = [(2, 3, 4), (3, 5, 1), (4, 1, 3), (1, 3, 2)]


@exercise("03", 1, "the weight on the left")
def check_matmul_left_backward(matmul_left_backward) -> bool:
    """``matmul_left_backward(dY, W, X)`` must return ``(dW, dX)`` for ``Y = W·X`` (the column
    convention): W (M, D), X (D, N), dY (M, N) → dW (M, D), dX (D, N)."""
    rng = np.random.default_rng(3)
    for M, D, N in _MATMUL_SHAPES:
        W = rng.standard_normal((M, D))
        X = rng.standard_normal((D, N))
        dY = rng.standard_normal((M, N))
        ok, result = call_learner(matmul_left_backward, dY, W, X)
        if not ok:
            return not_yet(result)
        good, hint = compare(result, (dY @ X.T, W.T @ dY), names=("dW", "dX"),
                             rtol=1e-9, atol=1e-12)
        if not good:
            if "should have shape" in hint:
                hint += f" (W {W.shape}, X {X.shape}; which transposes make it fit?)"
            return not_yet(hint)
    return passed("dW = dY·Xᵀ and dX = Wᵀ·dY, right for every shape tried")


# (broadcast result shape, original shape) pairs the sum_to_shape checker tries
_BROADCAST_CASES = [((4, 3), (3,)), ((4, 3), (1, 3)), ((4, 3), (4, 1)), ((4, 3), (4, 3)),
                    ((4, 3), ()), ((2, 4, 3), (4, 1)), ((2, 4, 3), (3,))]


@exercise("03", 2, "undo any broadcast")
def check_sum_to_shape(sum_to_shape) -> bool:
    """``sum_to_shape(grad, shape)`` must sum ``grad`` over the axes that broadcasting an
    array of ``shape`` created or stretched, and return an array of exactly ``shape``."""
    rng = np.random.default_rng(4)
    for big, small in _BROADCAST_CASES:
        grad = rng.standard_normal(big)
        # expected: the numbers a Repeat node sends back to the small array
        lead = len(big) - len(small)
        want = grad.sum(axis=tuple(range(lead)))
        stretched = tuple(i for i, s in enumerate(small) if s == 1 and want.shape[i] != 1)
        want = want.sum(axis=stretched, keepdims=True).reshape(small)
        ok, result = call_learner(sum_to_shape, grad, small)
        if not ok:
            return not_yet(result)
        good, hint = compare(result, want, "the result", rtol=1e-9, atol=1e-12)
        if not good:
            return not_yet(f"for grad of shape {big} and shape {small}: {hint}")
    return passed("sum_to_shape undoes every broadcast tried: bias (M,), rows, columns, scalar")


def step_network(W1, b1, w2, b2, X=XOR_INPUTS) -> np.ndarray:
    """Two layers of step perceptrons: ``h = step(X·W1 + b1)``, ``y = step(h·w2 + b2)``.

    Shapes: X (N, 2), W1 (2, 2), b1 (2,), w2 (2,), b2 scalar → y (N,) of 0/1;
    step(a) = 1 if a > 0 else 0.
    """
    h = _hidden(W1, b1, X)
    return (h @ np.asarray(w2, dtype=np.float64) + b2 > 0).astype(int)


def _hidden(W1, b1, X=XOR_INPUTS) -> np.ndarray:
    """The hidden layer of :func:`step_network`: ``step(X·W1 + b1)``, (N, 2) of 0/1."""
    return (np.asarray(X) @ np.asarray(W1, dtype=np.float64) + np.asarray(b1) > 0).astype(float)


@exercise("03", 3, "XOR a second way")
def check_xor_weights(W1, b1, w2, b2) -> bool:
    """Weights W1 (2, 2), b1 (2,), w2 (2,), b2 (scalar) for :func:`step_network` must give
    the XOR truth table on (0,0), (1,0), (0,1), (1,1)."""
    given = {"W1": W1, "b1": b1, "w2": w2, "b2": b2}
    if any(v is None for v in given.values()):
        return not_yet(NOT_DONE)
    expected = {"W1": (2, 2), "b1": (2,), "w2": (2,), "b2": ()}
    weights = {}
    for name, shape in expected.items():
        ok, weights[name] = as_array(given[name], name, shape)
        if not ok:
            return not_yet(weights[name])
    out = step_network(*weights.values())
    if np.array_equal(out, XOR_TARGETS):
        return passed("your two-layer perceptron computes XOR: 0, 1, 1, 0")
    h = _hidden(weights["W1"], weights["b1"]).astype(int)
    rows = ", ".join(f"{int(a)}{int(b)}→h=({h1},{h2})→{o}"
                     for (a, b), (h1, h2), o in zip(XOR_INPUTS, h, out, strict=True))
    return not_yet(f"your network gives {rows}; aim for one hidden unit that fires only on 10, "
                   "one that fires only on 01, and an output that fires if either does")
