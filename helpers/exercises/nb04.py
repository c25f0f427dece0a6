"""Checkers for notebook 04 — Jacobians vs the shape convention.

1. :func:`check_sigmoid_jacobian` (warm-up): the full Jacobian of an elementwise sigmoid.
2. :func:`check_window_gradients` (build-it): the window classifier s = uᵀ tanh(Wx + b), one
   window per row of X: dW, db, du and dX from the error signal δ, given the upstream gradient
   ds of each window's score.
3. :func:`check_jacobian_form` (stretch): ∂s/∂W for one window as a 1 × n·5d Jacobian (the
   product of three Jacobians, W flattened row by row) and as an array shaped like W.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import gradcheck
from helpers import layers as L
from helpers.exercises._check import call_learner, compare, exercise, not_yet, passed

__all__ = ["check_sigmoid_jacobian", "check_window_gradients", "check_jacobian_form",
           "window_case"]

# The course's backward functions and numerical gradients: exercise 2 is to write it by hand.
_REFERENCE = (L.affine_backward, L.tanh_backward, L.sigmoid_backward, L.relu_backward,
              gradcheck.numerical_gradient, gradcheck.numerical_gradient_array,
              gradcheck.numerical_jacobian)


# ------------------------------------------------------------------ 1. elementwise Jacobian

@exercise("04", 1, "the Jacobian of an elementwise sigmoid")
def check_sigmoid_jacobian(sigmoid_jacobian) -> bool:
    """``sigmoid_jacobian(z)``: z (n,) → J (n, n) with ``J[i, j] = ∂σ(z_i)/∂z_j``."""
    rng = np.random.default_rng()
    for n in (4, 1):
        z = rng.standard_normal(n)
        ok, J = call_learner(sigmoid_jacobian, z)
        if not ok:
            return not_yet(J)
        s = L.sigmoid(z)
        ok, hint = compare(J, np.diag(s * (1 - s)), "J", mistakes=[
            ("that is the diagonal only; the Jacobian is the whole n × n matrix (np.diag puts "
             "a vector on the diagonal of one)", s * (1 - s)),
            ("the diagonal holds σ(z); it should hold σ′(z) = σ(z)(1 − σ(z))", np.diag(s)),
            ("σ′(z) = σ(z)(1 − σ(z)) is computed from σ(z), not from z itself",
             np.diag(z * (1 - z))),
            ("output i reads input i only, so every entry off the diagonal is 0 "
             "(np.diag, not np.outer)", np.outer(s, 1 - s)),
        ])
        if not ok:
            return not_yet(f"for z of length {n}: {hint}")
    return passed("the sigmoid's Jacobian is diag(σ(z)(1 − σ(z))): zero off the diagonal, "
                  "so a backward pass multiplies elementwise")


# ------------------------------------------------------------------ 2. window classifier

def window_case(N: int, d: int, n: int, rng) -> tuple:
    """A random batch for the window classifier: X (N, 5d), W (n, 5d), b (n,), u (n,), ds (N,).

    W is scaled by 1/√(5d), so z = Wx + b stays of order 1 (tanh away from saturation: a
    missing f′(z) changes every number).
    """
    X = rng.standard_normal((N, 5 * d))
    W = rng.standard_normal((n, 5 * d)) / np.sqrt(5 * d)
    return X, W, rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(N)


def _from_delta(Delta, X, W, H, ds):
    """(dW, db, du, dX) from the stacked error signals Delta (N, n)."""
    return Delta.T @ X, Delta.sum(axis=0), H.T @ ds, Delta @ W


def _window_expected(X, W, b, u, ds):
    """The right (dW, db, du, dX) and the whole answers of the classic mistakes."""
    Z = X @ W.T + b                                  # row t is (W x_t + b)ᵀ
    H = np.tanh(Z)
    Delta = ds[:, None] * u * (1 - H ** 2)           # row t is window t's δ
    right = _from_delta(Delta, X, W, H, ds)
    square = W.shape[0] == W.shape[1]                # W instead of Wᵀ only fits then
    mistakes = [
        ("that is xδᵀ, the row convention's layout (5d × n); here W is n × 5d (z = Wx + b), "
         "so dW = δᵀxᵀ, summed over the windows: ΔᵀX", (X.T @ Delta, None, None, None)),
        ("δ is missing the activation's local gradient: δ = ds · u ∘ f′(z), and for tanh "
         "f′(z) = 1 − h²", _from_delta(ds[:, None] * u, X, W, H, ds)),
        ("f′ of the wrong value: tanh′(z) = 1 − tanh²(z) = 1 − h², not 1 − z²",
         _from_delta(ds[:, None] * u * (1 - Z ** 2), X, W, H, ds)),
        ("f′ of the wrong value: tanh′ is taken at z, 1 − tanh²(z) = 1 − h², not at h",
         _from_delta(ds[:, None] * u * (1 - np.tanh(H) ** 2), X, W, H, ds)),
        ("tanh′(z) = 1 − h², with h squared, not 1 − h",
         _from_delta(ds[:, None] * u * (1 - H), X, W, H, ds)),
        ("h(1 − h) is the sigmoid's σ′; for tanh, f′(z) = 1 − h²",
         _from_delta(ds[:, None] * u * H * (1 - H), X, W, H, ds)),
        ("every gradient carries the upstream gradient of its window: δ = ds · u ∘ f′(z), "
         "du = Σ ds·h", _from_delta(u * (1 - H ** 2), X, W, H, np.ones_like(ds))),
        ("s = uᵀh reads h, the value after the activation: du = Hᵀ ds, not Zᵀ ds",
         (None, None, Z.T @ ds, None)),
        ("z = Wx + b, so ∂s/∂x = δW (as a column, Wᵀδᵀ): each row of Δ times W, not times Wᵀ",
         (None, None, None, Delta @ W.T if square else None)),
        ("b is added to every window: sum the windows' δ (over axis 0), one number per hidden "
         "unit", (None, Delta, None, None)),
        ("db has one number per hidden unit: sum δ over the windows only (axis=0), not over "
         "the hidden units too", (None, Delta.sum(), None, None)),
        ("that sums each window's δ over the hidden units (axis 1); b has one entry per hidden "
         "unit, so sum over the windows (axis 0)", (None, Delta.sum(axis=1), None, None)),
        ("b is added to every window: db sums every window's δ, not the first window's alone",
         (None, Delta[0], None, None)),
        ("W is shared by every window: dW adds up every window's δᵀxᵀ, not the first "
         "window's alone", (np.outer(Delta[0], X[0]), None, None, None)),
        ("u is shared by every window: du adds up every window's ds·h, not the first "
         "window's alone", (None, None, H[0] * ds[0], None)),
        ("W, b and u are shared by every window: add up the contributions of all windows, "
         "not only the last one's", (np.outer(Delta[-1], X[-1]), Delta[-1], H[-1] * ds[-1], None)),
    ]
    return right, mistakes


@exercise("04", 2, "the window classifier's gradients from δ")
def check_window_gradients(window_gradients) -> bool:
    """``window_gradients(X, W, b, u, ds)`` → dW (n, 5d), db (n,), du (n,), dX (N, 5d).

    One window per row of X (N, 5d); W (n, 5d), b (n,), u (n,); ds (N,) is ∂L/∂s of each
    window's score s = uᵀ tanh(Wx + b). Tested on one window with 5d = n (a transpose keeps
    the shape there, so only the values tell), then on non-square batches.
    """
    rng = np.random.default_rng()
    for N, d, n in ((1, 1, 5), (3, 2, 4), (2, 3, 2)):
        X, W, b, u, ds = window_case(N, d, n, rng)
        ok, answer = call_learner(window_gradients, X, W, b, u, ds, forbid=_REFERENCE)
        if not ok:
            return not_yet(answer)
        expected, mistakes = _window_expected(X, W, b, u, ds)
        ok, hint = compare(answer, expected, names=("dW", "db", "du", "dX"), mistakes=mistakes)
        if not ok:
            return not_yet(f"on {N} window{'s' * (N > 1)}, 5d = {5 * d}, n = {n}: {hint}")
    return passed("δ = ds · u ∘ (1 − h²), once per window; then dW = Δᵀ X (the sum of δᵀxᵀ), "
                  "db = Σ δ, du = Hᵀ ds and dX = Δ W")


# ------------------------------------------------------------------ 3. Jacobian form

@exercise("04", 3, "the Jacobian form and the shape convention")
def check_jacobian_form(jacobian_form) -> bool:
    """``jacobian_form(x, W, b, u)`` → J (1, n·5d), dW (n, 5d) for s = uᵀ tanh(Wx + b).

    J is ∂s/∂W in the Jacobian form, with W flattened row by row (``W.reshape(-1)``); dW holds
    the same numbers in W's shape. One window: x (5d,), W (n, 5d), b (n,), u (n,).
    """
    rng = np.random.default_rng()
    for d, n in ((2, 3), (1, 5)):
        (x,), W, b, u, _ = window_case(1, d, n, rng)
        # a numerical Jacobian is allowed here: the exercise is about layout, not calculus
        ok, answer = call_learner(jacobian_form, x, W, b, u, numerical=True)
        if not ok:
            return not_yet(answer)
        h = np.tanh(W @ x + b)
        dW = np.outer(u * (1 - h ** 2), x)
        J = dW.ravel()[None, :]
        no_fprime = np.outer(u, x)
        ok, hint = compare(answer, (J, dW), names=("J", "dW"), mistakes=[
            ("the Jacobian form of a number's derivative is one row: shape (1, n·5d), not a "
             "1-D array (reshape(1, -1))", (J.ravel(), None)),
            ("J lists W column by column (the vec of matrix-calculus texts); flatten W row by "
             "row, as numpy's reshape does: W_ij sits in column i·5d + j",
             (dW.ravel(order="F")[None, :], None)),
            ("the middle Jacobian ∂h/∂z = diag(f′(z)) = diag(1 − h²) is missing",
             (no_fprime.ravel()[None, :], no_fprime)),
            ("reshape J in the order W was flattened (row by row, numpy's default), not "
             "order='F'", (None, J.reshape(dW.shape, order="F"))),
            ("that is xδᵀ; in W's shape (n × 5d) it is δᵀxᵀ", (None, dW.T)),
        ])
        if not ok:
            return not_yet(f"for 5d = {5 * d}, n = {n}: {hint}")
    return passed("uᵀ · diag(f′(z)) · ∂z/∂W is the 1 × n·5d Jacobian form; reshaped row by row "
                  "it is δᵀxᵀ, the shape convention")
