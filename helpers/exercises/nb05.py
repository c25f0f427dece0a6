"""Checkers for notebook 05 (convolution backprop).

1. :func:`check_output_size` — the output-size formula ``(H + 2P − FH) // S + 1``.
2. :func:`check_dx_by_hand` — dL/dx of the 5-input, 3-tap example, written out by hand.
3. :func:`check_conv1d_dw` — dL/dw of a 1-D cross-correlation as a correlation of x with δ.
4. :func:`check_maxpool_backward` — 2×2 max-pool backward routes δ to each window's winner.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import as_array, call_learner, compare, exercise, not_yet, passed
from helpers.gradcheck import numerical_gradient
from helpers.layers import conv1d_backward, max_pool2d_backward

__all__ = ["check_output_size", "check_dx_by_hand", "check_conv1d_dw", "check_maxpool_backward",
           "EX2_W", "EX2_DELTA"]

# Exercise 2: a 3-tap kernel w = (w1, w2, w3) and the upstream gradient δ = (δ1, δ2, δ3).
EX2_W = (1.0, 2.0, -1.0)
EX2_DELTA = (0.5, -1.0, 2.0)


@exercise("05", 1, "output size")
def check_output_size(fn) -> bool:
    """``fn(H, FH, S, P)`` must return the output height ``(H + 2P − FH) // S + 1`` (an int)."""
    cases = [(28, 3, 1, 0), (7, 3, 2, 1), (32, 5, 1, 2), (8, 3, 2, 0), (10, 4, 3, 1), (4, 4, 1, 0)]
    for H, FH, S, P in cases:
        ok, got = call_learner(fn, H, FH, S, P)
        if not ok:
            return not_yet(got)
        want = (H + 2 * P - FH) // S + 1
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
            if isinstance(got, (float, np.floating)) and got == want:
                return not_yet("right value, but return an int: a size cannot be fractional "
                               "(use // for the division)")
            return not_yet(f"expected an int, got {type(got).__name__} for H={H}, FH={FH}, "
                           f"S={S}, P={P}")
        if got != want:
            if got == (H - FH) // S + 1:
                hint = "padding adds P zeros on *both* sides: the padded height is H + 2P"
            elif S > 1 and got == (H + 2 * P - FH) / S + 1:
                hint = "a partial window at the edge does not count: floor the division"
            else:
                hint = f"for H={H}, FH={FH}, S={S}, P={P} you gave {got}"
            return not_yet(hint)
    return passed("output size (H + 2P − FH) // S + 1 — e.g. 28 − 3 + 1 = 26")


def _full_conv(delta, w):
    """dx_j = Σ_i δ_i · w_{j−i}: the full convolution of δ with w (0-based)."""
    return np.convolve(np.asarray(delta, dtype=np.float64), np.asarray(w, dtype=np.float64))


@exercise("05", 2, "dL/dx of the 5-input example, by hand")
def check_dx_by_hand(dx) -> bool:
    """``dx``: the five numbers (dL/dx1, …, dL/dx5) for ``EX2_W`` and ``EX2_DELTA``."""
    want = _full_conv(EX2_DELTA, EX2_W)
    if dx is None:
        return not_yet("fill in dx, then run this cell again")
    ok, a = as_array(dx, "dx")
    if not ok:
        return not_yet(a)
    if a.shape == (3,):
        return not_yet("dx has one entry per input x_j: five numbers, not three")
    ok, hint = compare(a, want, "dx")
    if ok:
        return passed("dx = full convolution of δ with w: " +
                      ", ".join(f"{v:g}" for v in want))
    if a.shape != want.shape:
        return not_yet(hint)
    unflipped = np.correlate(np.pad(np.asarray(EX2_DELTA), 2), np.asarray(EX2_W), "valid")
    if np.allclose(a, unflipped):
        return not_yet("the kernel is used flipped: x3 receives w3·δ1 + w2·δ2 + w1·δ3")
    if np.allclose(a[1:-1], want[1:-1]):
        return not_yet("the middle is right; the edge inputs x1 and x5 each touch one output")
    return not_yet(hint + " (write each x_j's sum: which outputs o_i used x_j, with which w_k?)")


@exercise("05", 3, "the weight gradient of a 1-D layer")
def check_conv1d_dw(fn) -> bool:
    """``fn(x, delta)`` → dw of ``o_i = Σ_k w_k·x_{i+k}`` (valid, stride 1); ``K = L − len(δ) + 1``.

    Shapes: x (L,), delta (L − K + 1,) → dw (K,).
    """
    rng = np.random.default_rng(5)
    for L, K in [(5, 3), (8, 2), (6, 6), (9, 4)]:
        x = rng.standard_normal(L)
        w = rng.standard_normal(K)
        delta = rng.standard_normal(L - K + 1)
        ok, got = call_learner(fn, x, delta, forbid=(conv1d_backward,))
        if not ok:
            return not_yet(got)

        def loss(wv, x=x, delta=delta):
            return np.sum(np.correlate(x, wv, "valid") * delta)

        want = numerical_gradient(loss, w.copy())
        ok, hint = compare(got, want, "dw", rtol=1e-6, atol=1e-8, mistakes=[
            ("reversed: dw_k pairs δ_i with x_{i+k}, slide δ along x "
             "(np.correlate(x, delta, 'valid'))", want[::-1])])
        if not ok:
            return not_yet(hint if "reversed" in hint else
                           f"{hint} (for L={L}, K={K}: dw_k = Σ_i δ_i·x_(i+k))")
    return passed("dw is the correlation of the input with δ")


def _max_pool(x):
    """2×2 max pool with stride 2 of an (H, W) map, H and W even → (H/2, W/2)."""
    H, W = x.shape
    return x.reshape(H // 2, 2, W // 2, 2).max(axis=(1, 3))


@exercise("05", 4, "max-pool backward")
def check_maxpool_backward(fn) -> bool:
    """``fn(x, dout)`` → dx for a 2×2, stride-2 max pool of one map.

    Shapes: x (H, W) with H, W even; dout (H/2, W/2) → dx (H, W).
    """
    rng = np.random.default_rng(7)
    cases = [np.array([[1., 3., 2., 0.], [4., 2., 1., 5.], [0., 1., 3., 2.], [2., 6., 1., 1.]]),
             rng.standard_normal((6, 8)), rng.standard_normal((2, 2))]
    for x in cases:
        dout = rng.uniform(0.5, 2.0, (x.shape[0] // 2, x.shape[1] // 2))
        ok, got = call_learner(fn, x, dout, forbid=(max_pool2d_backward,))
        if not ok:
            return not_yet(got)
        want = numerical_gradient(lambda z, d=dout: np.sum(_max_pool(z) * d), x.copy())
        spread = np.kron(dout, np.ones((2, 2)))
        router = ("every cell of a window got gradient: max is a router, only the winner (the "
                  "argmax) receives δ, the others get 0")
        ok, hint = compare(got, want, "dx", rtol=1e-6, atol=1e-7,
                           mistakes=[(router, spread), (router, spread / 4)])
        if not ok:
            return not_yet(hint if router in hint else f"{hint} (for x of shape {x.shape})")
    return passed("max-pool backward routes each δ to its window's maximum, like the max gate")
