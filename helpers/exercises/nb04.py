"""Checkers for notebook 04 (Jacobians vs the shape convention).

1. :func:`check_sigmoid_jacobian` — the Jacobian of an elementwise sigmoid, as a full matrix.
2. :func:`check_window_backward` — δ and ∂s/∂W for the window classifier s = uᵀ tanh(Wx + b).
3. :func:`check_gradient_from_jacobian` — turn a full Jacobian ∂z/∂W into a gradient with the
   shape of W (the shape convention).

Each returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import NOT_DONE, call_safely, close, not_yet, passed
from helpers.layers import sigmoid

__all__ = ["check_sigmoid_jacobian", "check_window_backward", "check_gradient_from_jacobian"]


def _as_float(answer, shape):
    """The answer as a float array of ``shape``, or None (never raises)."""
    try:
        arr = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr if arr.shape == tuple(shape) else None


# ------------------------------------------------------------------ 1. elementwise Jacobian
def check_sigmoid_jacobian(sigmoid_jacobian) -> bool:
    """``sigmoid_jacobian(z)``: z (n,) → J (n, n) with ``J[i, j] = ∂σ(z_i)/∂z_j``."""
    for z in (np.array([-2.0, 0.0, 0.5, 3.0]), np.array([1.0, -1.0, 4.0])):
        ok, J = call_safely(sigmoid_jacobian, z.copy())
        if not ok:
            return not_yet(J)
        s = sigmoid(z)
        expected = np.diag(s * (1.0 - s))
        ok, hint = close(J, expected)
        if not ok:
            J_vec, J_mat = _as_float(J, z.shape), _as_float(J, expected.shape)
            if J_vec is not None and np.allclose(J_vec, s * (1.0 - s)):
                return not_yet("that is the diagonal only; a Jacobian is the full n × n "
                               "matrix (try np.diag)")
            if J_mat is not None and np.allclose(np.diag(J_mat), s):
                return not_yet("the diagonal holds σ(z), but it should hold σ′(z) = σ(z)(1 − σ(z))")
            return not_yet(hint)
    return passed("the sigmoid Jacobian is diag(σ(z)(1 − σ(z))): zero off the diagonal")


# ------------------------------------------------------------------ 2. window classifier
def _window_case(seed: int, n: int = 3, d: int = 2):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(5 * d)
    W = rng.standard_normal((n, 5 * d)) * 0.5
    b = rng.standard_normal(n) * 0.1
    u = rng.standard_normal(n)
    return x, W, b, u


def check_window_backward(window_backward) -> bool:
    """``window_backward(x, W, b, u) -> (delta, dW)`` for s = uᵀ tanh(Wx + b).

    Shapes: x (5d,), W (n, 5d), b (n,), u (n,) → delta (n,) = ∂s/∂z, dW (n, 5d) = ∂s/∂W.
    """
    for seed in (0, 1):
        x, W, b, u = _window_case(seed)
        ok, result = call_safely(window_backward, x.copy(), W.copy(), b.copy(), u.copy())
        if not ok:
            return not_yet(result)
        if not isinstance(result, (tuple, list)) or len(result) != 2:
            return not_yet("return two things: delta, dW")
        delta, dW = result
        if delta is None or dW is None:
            return not_yet(NOT_DONE)
        h = np.tanh(W @ x + b)
        want_delta = u * (1.0 - h ** 2)
        ok, hint = close(delta, want_delta)
        if not ok:
            d_arr = _as_float(delta, u.shape)
            if d_arr is not None and np.allclose(d_arr, u):
                return not_yet("delta = u is missing the local gradient of tanh: "
                               "multiply by 1 − h² elementwise")
            return not_yet(f"delta: {hint}")
        want_dW = np.outer(want_delta, x)
        ok, hint = close(dW, want_dW)
        if not ok:
            dW_T = _as_float(dW, want_dW.T.shape)
            if dW_T is not None and np.allclose(dW_T, want_dW.T):
                return not_yet(f"dW has shape {want_dW.T.shape}, the transpose; the shape "
                               f"convention wants W's shape {W.shape}: np.outer(delta, x)")
            return not_yet(f"dW: {hint}")
    return passed("δ = u ∘ tanh′(z) and ∂s/∂W = δᵀxᵀ, an outer product with W's shape")


# ------------------------------------------------------------------ 3. Jacobian → shape
def check_gradient_from_jacobian(gradient_from_jacobian) -> bool:
    """``gradient_from_jacobian(dz, J, W_shape)`` → ∂s/∂W with shape ``W_shape``.

    ``dz`` (n,) is ∂s/∂z; ``J`` (n, n·D) is the full Jacobian of z = Wx + b with respect to W
    flattened row by row (``W.reshape(-1)``); ``W_shape`` is (n, D).
    """
    for seed, (n, m) in ((0, (3, 4)), (1, (2, 5))):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal(m)
        dz = rng.standard_normal(n)
        J = np.einsum("ki,j->kij", np.eye(n), x).reshape(n, n * m)
        ok, dW = call_safely(gradient_from_jacobian, dz.copy(), J.copy(), (n, m))
        if not ok:
            return not_yet(dW)
        want = np.outer(dz, x)
        ok, hint = close(dW, want)
        if not ok:
            if _as_float(dW, (1, n * m)) is not None or _as_float(dW, (n * m,)) is not None:
                return not_yet("that is the Jacobian form (one row of n·D numbers); reshape it "
                               "to W's shape")
            arr = _as_float(dW, want.shape)
            if arr is not None and np.allclose(arr, (dz @ J).reshape((n, m), order="F")):
                return not_yet("the numbers are right but in the wrong places: J flattens W "
                               "row by row, so undo it with numpy's default (C) order")
            return not_yet(hint)
    return passed("dz @ J is the 1 × nD Jacobian form; reshaping it gives W's shape, δᵀxᵀ")
