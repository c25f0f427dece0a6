"""Checkers for notebook 04 (Jacobians vs the shape convention).

1. :func:`check_sigmoid_jacobian` — the Jacobian of an elementwise sigmoid, as a full matrix.
2. :func:`check_window_backward` — δ and ∂s/∂W for the window classifier s = uᵀ tanh(Wx + b).
3. :func:`check_gradient_from_jacobian` — turn a full Jacobian ∂z/∂W into a gradient with the
   shape of W (the shape convention).

Each returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import as_array, call_learner, compare, exercise, not_yet, passed
from helpers.layers import sigmoid

__all__ = ["check_sigmoid_jacobian", "check_window_backward", "check_gradient_from_jacobian"]


# ------------------------------------------------------------------ 1. elementwise Jacobian
@exercise("04", 1, "the Jacobian of an elementwise sigmoid")
def check_sigmoid_jacobian(sigmoid_jacobian) -> bool:
    """``sigmoid_jacobian(z)``: z (n,) → J (n, n) with ``J[i, j] = ∂σ(z_i)/∂z_j``."""
    for z in (np.array([-2.0, 0.0, 0.5, 3.0]), np.array([1.0, -1.0, 4.0])):
        ok, J = call_learner(sigmoid_jacobian, z)
        if not ok:
            return not_yet(J)
        s = sigmoid(z)
        ok, hint = compare(J, np.diag(s * (1.0 - s)), "J", mistakes=[
            ("that is the diagonal only; a Jacobian is the full n × n matrix (try np.diag)",
             s * (1.0 - s))])
        if not ok:
            ok_shape, arr = as_array(J, "J", (len(z), len(z)))
            if ok_shape and np.allclose(np.diag(arr), s):
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


@exercise("04", 2, "δ and ∂s/∂W for the window classifier")
def check_window_backward(window_backward) -> bool:
    """``window_backward(x, W, b, u) -> (delta, dW)`` for s = uᵀ tanh(Wx + b).

    Shapes: x (5d,), W (n, 5d), b (n,), u (n,) → delta (n,) = ∂s/∂z, dW (n, 5d) = ∂s/∂W.
    """
    for seed in (0, 1):
        x, W, b, u = _window_case(seed)
        ok, result = call_learner(window_backward, x, W, b, u)
        if not ok:
            return not_yet(result)
        h = np.tanh(W @ x + b)
        want_delta = u * (1.0 - h ** 2)
        want_dW = np.outer(want_delta, x)
        ok, hint = compare(result, (want_delta, want_dW), ("delta", "dW"), mistakes=[
            ("delta = u is missing the local gradient of tanh: multiply by 1 − h² elementwise",
             (u, None)),
            (f"dW has shape {want_dW.T.shape}, the transpose; the shape convention wants W's "
             f"shape {W.shape}: np.outer(delta, x)", (None, want_dW.T))])
        if not ok:
            return not_yet(hint)
    return passed("δ = u ∘ tanh′(z) and ∂s/∂W = δᵀxᵀ, an outer product with W's shape")


# ------------------------------------------------------------------ 3. Jacobian → shape
@exercise("04", 3, "from a Jacobian to the shape convention")
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
        ok, dW = call_learner(gradient_from_jacobian, dz, J, (n, m))
        if not ok:
            return not_yet(dW)
        ok_numbers, arr = as_array(dW, "dW")
        if ok_numbers and arr.shape in ((n * m,), (1, n * m)):
            return not_yet("that is the Jacobian form (one row of n·D numbers); reshape it "
                           "to W's shape")
        ok, hint = compare(dW, np.outer(dz, x), "dW", mistakes=[
            ("the numbers are right but in the wrong places: J flattens W row by row, so undo "
             "it with numpy's default (C) order", (dz @ J).reshape((n, m), order="F"))])
        if not ok:
            return not_yet(hint)
    return passed("dz @ J is the 1 × nD Jacobian form; reshaping it gives W's shape, δᵀxᵀ")
