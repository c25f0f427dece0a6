"""Checkers for notebook 10 — attention as a gradient shortcut.

1. ``check_causal_mask`` (warm-up): a boolean (T, T) mask, True where position i may attend to
   position j ≤ i.
2. ``check_attention_backward`` (build-it): the whole backward pass of scaled dot-product
   attention, from its cache (q, k, v, p).
3. ``check_self_attention_backward`` (stretch): a self-attention layer q = x·Wq, k = x·Wk,
   v = x·Wv around attention; x feeds three paths.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import layers as L
from helpers.exercises._check import (
    call_learner,
    compare,
    exercise,
    not_yet,
    passed,
)
from helpers.layers import attention as _attention

__all__ = ["check_causal_mask", "check_attention_backward", "check_self_attention_backward",
           "self_attention_forward"]

_REFERENCE = (L.attention_backward, L.softmax_backward, _attention._softmax_backward)


# ------------------------------------------------------------------------- 1. causal mask

def _mask_hint(answer, T: int) -> str | None:
    """Why ``answer`` is not the causal mask of size T, or None when it is."""
    want = np.tril(np.ones((T, T), dtype=bool))
    if not isinstance(answer, np.ndarray):          # (None never gets here: call_learner)
        return f"return a numpy array, got {type(answer).__name__}"
    if answer.shape != (T, T):
        return f"for T = {T} the mask should have shape ({T}, {T}), got {answer.shape}"
    if answer.dtype != np.bool_:
        if answer.dtype.kind in "iuf" and np.array_equal(answer, want):
            return (f"the pattern is right, but the mask must be boolean (dtype bool), got "
                    f"dtype {answer.dtype}: create it with dtype=bool (or add .astype(bool))")
        return f"the mask must be an array of True/False (dtype bool), got dtype {answer.dtype}"
    if np.array_equal(answer, want):
        return None
    if np.array_equal(answer, want.T):
        return ("that lets position i see positions j ≥ i — the future; causal means j ≤ i "
                "(the lower triangle, np.tril)")
    if np.array_equal(answer, np.tril(want, k=-1)):
        return ("the diagonal is missing: a position may attend to itself (and row 0 would "
                "have no True at all, which attention_forward refuses)")
    if np.array_equal(answer, ~want):
        return "True and False are swapped: True marks the keys a query *may* attend to"
    return "row i should be True in columns 0 … i and False after"


@exercise("10", 1, "a causal mask")
def check_causal_mask(causal_mask) -> bool:
    """``causal_mask(T)`` should return the boolean (T, T) array with True where j ≤ i."""
    for T in (4, 7, 1):
        ok, answer = call_learner(causal_mask, T)
        if not ok:
            return not_yet(answer)
        hint = _mask_hint(answer, T)
        if hint:
            return not_yet(hint)
    return passed("the lower triangle (np.tril): query i sees keys 0 … i; every row keeps its "
                  "diagonal, so no row is empty")


# ------------------------------------------------------------------- 2. attention backward

def _cases():
    """(label, inputs, mask): a causal batch of 2 with d ≠ dv (square scores, so a missing
    transpose still has the right shape and gets its own hint), and batch 1 with Tq ≠ Tk."""
    rng = np.random.default_rng()             # fresh inputs every run
    a = {"q": rng.standard_normal((1, 3, 4)), "k": rng.standard_normal((1, 5, 4)),
         "v": rng.standard_normal((1, 5, 2))}
    b = {"q": rng.standard_normal((2, 4, 3)), "k": rng.standard_normal((2, 4, 3)),
         "v": rng.standard_normal((2, 4, 5))}
    return [("two sequences, 4 queries, causal mask", b, np.tril(np.ones((4, 4), dtype=bool))),
            ("one sequence, 3 queries, 5 keys", a, None)]


def _mistakes(dout, q, k, v, p):
    """The whole answers (dq, dk, dv) of the classic mistakes, for :func:`compare`."""
    scale = 1.0 / np.sqrt(q.shape[-1])
    T = (0, 2, 1)
    dv = p.transpose(T) @ dout
    dp = dout @ v.transpose(T)

    def through_scores(ds, scale=scale):
        """(dq, dk, dv) when ds (N, Tq, Tk) is what reaches the scores s = q·kᵀ·scale."""
        return scale * ds @ k, scale * ds.transpose(T) @ q, dv
    ds = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))
    right = through_scores(ds)
    square = q.shape[1] == k.shape[1]          # a missing transpose only fits square scores
    return [
        ("the scores are q·kᵀ/√d, so dq and dk carry the factor 1/√d too",
         through_scores(ds, 1.0)),
        ("the softmax Jacobian is diag(p) − p pᵀ: subtract each row's Σ_j dp_j p_j from dp "
         "before multiplying by p", through_scores(p * dp)),
        ("the softmax Jacobian is not diagonal: every weight of a row depends on every score "
         "(−p_i p_j off the diagonal), so ds = p ⊙ (dp − Σ_j dp_j p_j), not p(1 − p) ⊙ dp",
         through_scores(p * (1 - p) * dp)),
        ("the scores reach the output only through the softmax: apply its Jacobian to dp "
         "first (ds = p ⊙ (dp − Σ_j dp_j p_j))", through_scores(dp)),
        ("the softmax runs along each row, over the keys: sum over the last axis",
         through_scores(p * (dp - np.sum(dp * p, axis=-2, keepdims=True)))),
        ("each key sits in a column of the scores, so dk = dsᵀ·q/√d (the transpose of ds)",
         (right[0], scale * ds @ q if square else None, dv)),
        ("dv collects, for key j, the weights every query gave it: dv = pᵀ·dout",
         (*right[:2], p @ dout if square else None)),
    ]


@exercise("10", 2, "the attention backward")
def check_attention_backward(attention_backward) -> bool:
    """``attention_backward(dout, cache)`` with cache (q, k, v, p) should return dq, dk, dv."""
    names = ("dq", "dk", "dv")
    for label, inputs, mask in _cases():
        out, cache = L.attention_forward(**inputs, mask=mask)
        dout = np.random.default_rng().standard_normal(out.shape)
        expected = L.attention_backward(dout, cache)
        ok, answer = call_learner(attention_backward, dout, tuple(cache), forbid=_REFERENCE)
        if not ok:
            return not_yet(answer)
        ok, hint = compare(answer, tuple(expected), names=names,
                           mistakes=_mistakes(dout, *cache))
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dv = pᵀ·dout, ds = p ⊙ (dp − Σ dp·p), dq = ds·k/√d, dk = dsᵀ·q/√d — "
                  "and a masked key (p = 0) gets no gradient by itself")


# --------------------------------------------------------------- 3. self-attention backward

def self_attention_forward(x, Wq, Wk, Wv, mask=None):
    """A self-attention layer: q = x·Wq, k = x·Wk, v = x·Wv, out = attention(q, k, v, mask).

    Args:
        x: (N, T, D); Wq, Wk: (D, d); Wv: (D, dv); mask: None or boolean (T, T).

    Returns:
        out (N, T, dv) and cache (x, Wq, Wk, Wv, attention_cache).
    """
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    out, att_cache = L.attention_forward(q, k, v, mask)
    return out, (x.copy(), Wq.copy(), Wk.copy(), Wv.copy(), att_cache)


def _self_cases():
    rng = np.random.default_rng()
    causal = np.tril(np.ones((5, 5), dtype=bool))
    return [("one sequence of 3, D = 4, d = 2", rng.standard_normal((1, 3, 4)), 2, 3, None),
            ("two causal sequences of 5, D = 3, d = 4", rng.standard_normal((2, 5, 3)), 4, 2,
             causal)]


def _self_expected(dout, cache):
    x, Wq, Wk, Wv, att_cache = cache
    dq, dk, dv = L.attention_backward(dout, att_cache)

    def dW(d):
        """Σ over sequences and positions of xᵀ·d: (D, width of d)."""
        return np.einsum("ntD,nte->De", x, d)
    paths = {"queries": dq @ Wq.T, "keys": dk @ Wk.T, "values": dv @ Wv.T}
    terms = {"queries": "dq·Wqᵀ", "keys": "dk·Wkᵀ", "values": "dv·Wvᵀ"}
    right = (sum(paths.values()), dW(dq), dW(dk), dW(dv))
    mistakes = []
    for kept in (("queries",), ("keys",), ("values",), ("queries", "keys"),
                 ("queries", "values"), ("keys", "values")):
        missing = [name for name in paths if name not in kept]
        mistakes.append((
            "x feeds three paths (queries, keys, values) and a fork sums what comes back from "
            "all three: dx is missing " + " and ".join(f"the {n}' {terms[n]}" for n in missing),
            (sum(paths[name] for name in kept), *right[1:])))
    mistakes.append(("each weight is shared by every sequence and every position: sum xᵀ·dq "
                     "over both", (right[0], *(x[0].T @ d[0] for d in (dq, dk, dv)))))
    return right, mistakes


@exercise("10", 3, "a self-attention layer (stretch)")
def check_self_attention_backward(self_attention_backward) -> bool:
    """``self_attention_backward(dout, cache)`` should return dx, dWq, dWk, dWv."""
    names = ("dx", "dWq", "dWk", "dWv")
    for label, x, d, dv, mask in _self_cases():
        rng = np.random.default_rng()
        D = x.shape[-1]
        W = [rng.standard_normal((D, n)) for n in (d, d, dv)]     # scores of order D ≤ 4
        out, cache = self_attention_forward(x, *W, mask)
        dout = rng.standard_normal(out.shape)
        expected, mistakes = _self_expected(dout, cache)
        ok, answer = call_learner(self_attention_backward, dout, cache)
        if not ok:
            return not_yet(answer)
        ok, hint = compare(answer, expected, names=names, mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("dx = dq·Wqᵀ + dk·Wkᵀ + dv·Wvᵀ (a fork into three paths), and each W sums "
                  "xᵀ·d over every sequence and position")
