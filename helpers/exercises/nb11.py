"""Checkers for notebook 11 — capstone: a character-level LSTM language model by hand.

Exercise 1 (warm-up): the softmax with a temperature. Exercise 2 (build-it): the backward pass
of one chunk of a two-layer (stacked) LSTM language model, from the layer pairs of
``helpers.layers``. Exercise 3 (stretch): top-k sampling's distribution.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

import helpers.layers as layers
from helpers.exercises._check import as_array, call_learner, compare, exercise, not_yet, passed
from helpers.widgets.sampling_explorer import softmax_temperature

__all__ = ["check_temperature_softmax", "check_stacked_backward", "check_top_k_probs",
           "stacked_params", "stacked_forward"]

STACKED_KEYS = ("W_out", "b_out", "Wx2", "Wh2", "b2", "Wx1", "Wh1", "b1", "W_embed")


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new cases."""
    return np.random.default_rng()


# ------------------------------------------------------------------ exercise 1: temperature

def _softmax_last(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_LOG_SOFTMAX = ("these are log-probabilities (a log-softmax: every entry ≤ 0, each row's "
                "exponentials sum to 1), not the probabilities asked for: divide the "
                "exponentials of the shifted scores by their row sum instead of subtracting "
                "the log of that sum")


def _normalization_hint(answer, expected) -> str | None:
    """A hint when ``answer`` has the right exponentials normalized over the wrong entries: each
    row the expected row times its own factor (the whole array summed, or nothing), or each
    column summing to 1 (axis 0). None otherwise."""
    # equivalent mutant `''`: the name only reaches as_array's hint, which is dropped here
    ok, a = as_array(answer, "p", expected.shape)
    if not ok or a.ndim < 2 or not np.all(a > 0):
        return None
    if np.allclose(a.sum(axis=0), 1.0):
        return ("p: each column sums to 1, not each row: normalize over the last axis "
                "(axis=-1, keepdims=True), not axis 0")
    factor = a / expected
    if np.allclose(factor, factor[..., :1], rtol=1e-6):
        return ("p has the right exponentials but its rows do not each sum to 1: normalize "
                "every row by its own sum (axis=-1, keepdims=True)")
    return None


@exercise("11", 1, "the softmax with a temperature")
def check_temperature_softmax(temperature_softmax) -> bool:
    """``temperature_softmax(scores, tau)``: scores (..., V) → softmax(scores / τ), last axis."""
    rng = _rng()
    cases = [("one row of scores (V = 7), τ = 0.5", rng.standard_normal(7) * 3, 0.5),
             ("a batch (3, 5), τ = 2", rng.standard_normal((3, 5)) * 3, 2.0),
             ("large scores (2, 6) around 800, τ = 0.7",
              800 + 50 * rng.standard_normal((2, 6)), 0.7)]
    forbid = (softmax_temperature, layers.softmax_forward)
    for label, scores, tau in cases:
        ok, answer = call_learner(temperature_softmax, scores, tau, forbid=forbid)
        if not ok:
            return not_yet(answer)
        z = scores / tau
        expected = softmax_temperature(scores, tau)
        # equivalent mutant `False`: a (V,) row of column sums broadcasts over the rows alike
        by_column = np.exp(z) / np.exp(z).sum(axis=0, keepdims=True) if z.ndim == 2 else None
        mistakes = [("these are the scores, returned unchanged: turn them into probabilities "
                     "(divide by τ, exponentiate after subtracting each row's largest, "
                     "normalize each row to sum to 1)", scores),
                    ("these are the scaled scores s / τ, not yet probabilities: exponentiate "
                     "them (after subtracting each row's largest) and normalize each row to "
                     "sum to 1", z),
                    (_LOG_SOFTMAX, np.log(_softmax_last(z))),
                    (_LOG_SOFTMAX, np.log(_softmax_last(scores))),
                    ("the scores are multiplied by τ; divide them by τ",
                     _softmax_last(scores * tau)),
                    ("the temperature is missing: the scores must be divided by τ first",
                     _softmax_last(scores)),
                    ("not normalized: divide by the sum of the exponentials",
                     np.exp(z - z.max(axis=-1, keepdims=True))),
                    ("normalized over the wrong axis: each row (the last axis) must sum to 1",
                     by_column)]
        ok, hint = compare(answer, expected, names="p", mistakes=mistakes)
        # equivalent mutant `(scores.max() >= 100)`: the small cases' scores are 3·N(0, 1),
        # equivalent mutant `(101)`: the large case's 800 + 50·N(0, 1): none is near 100
        if not ok and scores.max() > 100 and ("contains nan" in hint or "contains inf" in hint):
            hint = ("p contains nan or inf — exp(800 / τ) overflows; subtract each row's largest "
                    "score before exp (it cancels in the ratio)")
        elif not ok and "wrong values" in hint:
            hint = _normalization_hint(answer, expected) or hint
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("p = softmax(s / τ): the order of the characters stays, τ < 1 sharpens and "
                  "τ > 1 flattens, and the max-shift keeps large scores finite")


# ------------------------------------------------------------------ exercise 2: stacked LSTM

def stacked_params(V: int, D: int, H1: int, H2: int, rng: np.random.Generator) -> dict:
    """Random parameters of the two-layer model: W_embed (V, D), Wx1 (D, 4H1), Wh1 (H1, 4H1),
    b1 (4H1,), Wx2 (H1, 4H2), Wh2 (H2, 4H2), b2 (4H2,), W_out (H2, V), b_out (V,)."""
    def w(*shape):
        return rng.standard_normal(shape) / np.sqrt(shape[0])
    return {"W_embed": rng.standard_normal((V, D)),
            "Wx1": w(D, 4 * H1), "Wh1": w(H1, 4 * H1), "b1": 0.3 * rng.standard_normal(4 * H1),
            "Wx2": w(H1, 4 * H2), "Wh2": w(H2, 4 * H2), "b2": 0.3 * rng.standard_normal(4 * H2),
            "W_out": w(H2, V), "b_out": 0.3 * rng.standard_normal(V)}


def stacked_forward(params: dict, ids, state):
    """One chunk of embedding → LSTM → LSTM → affine, forward.

    Args:
        params: see :func:`stacked_params`.
        ids: character ids, shape (N, T).
        state: ((h1, c1), (h2, c2)) entering the chunk, (N, H1) and (N, H2).

    Returns:
        scores (N·T, V), row n·T + t for sequence n at step t; the state leaving the chunk;
        caches = (emb_cache, steps1, steps2, aff_cache), steps1[t] and steps2[t] being the
        caches of ``lstm_step_forward`` at step t in layer 1 and layer 2.
    """
    x, emb_cache = layers.embedding_forward(ids, params["W_embed"])      # (N, T, D)
    N, T = np.shape(ids)
    (h1, c1), (h2, c2) = state
    h2_all, steps1, steps2 = [], [], []
    for t in range(T):
        h1, c1, cache1 = layers.lstm_step_forward(x[:, t], h1, c1, params["Wx1"],
                                                  params["Wh1"], params["b1"])
        h2, c2, cache2 = layers.lstm_step_forward(h1, h2, c2, params["Wx2"], params["Wh2"],
                                                  params["b2"])        # layer 2 reads h1
        h2_all.append(h2)
        steps1.append(cache1)
        steps2.append(cache2)
    scores, aff_cache = layers.affine_forward(np.stack(h2_all, axis=1).reshape(N * T, -1),
                                              params["W_out"], params["b_out"])
    return scores, ((h1, c1), (h2, c2)), (emb_cache, steps1, steps2, aff_cache)


def _layer_backward(dh_all, steps, *, through_time=True, cell=True, sum_over_time=True):
    """One LSTM layer's BPTT over a chunk, with switches that plant the classic mistakes.

    dh_all (N, T, H): the gradient arriving at every h_t from above → dx_all (N, T, D) and the
    layer's dWx, dWh, db.
    """
    T = len(steps)
    dh_next = np.zeros_like(dh_all[:, 0])
    dc_next = np.zeros_like(dh_all[:, 0])
    dx_all, dW = [None] * T, [0.0, 0.0, 0.0]
    for t in reversed(range(T)):
        dh = dh_all[:, t] + (dh_next if through_time else 0.0)
        dx_all[t], dh_next, dc_next, *dW_t = layers.lstm_step_backward(
            dh, dc_next if cell else np.zeros_like(dc_next), steps[t])
        dW = [a + b for a, b in zip(dW, dW_t, strict=True)] if sum_over_time else dW_t
    return np.stack(dx_all, axis=1), dW


def _stacked_backward(dscores, caches, *, from_above=True, time=(True, True), cell=(True, True),
                      sum_over_time=True, time_major=False) -> tuple:
    """The reference (all switches on) and its planted mistakes; gradients in STACKED_KEYS order.

    ``time`` and ``cell``: (layer 1, layer 2) — whether each layer carries dh_prev, dc_prev back.
    """
    emb_cache, steps1, steps2, aff_cache = caches
    dh2_flat, dW_out, db_out = layers.affine_backward(dscores, aff_cache)
    T = len(steps2)
    if time_major:      # rows read as t·N + n instead of n·T + t
        dh2_all = dh2_flat.reshape(T, -1, dh2_flat.shape[1]).transpose(1, 0, 2)
    else:
        dh2_all = dh2_flat.reshape(-1, T, dh2_flat.shape[1])
    dx2_all, dW2 = _layer_backward(dh2_all, steps2, through_time=time[1], cell=cell[1],
                                   sum_over_time=sum_over_time)
    dh1_from_above = dx2_all if from_above else np.zeros_like(dx2_all)
    dx1_all, dW1 = _layer_backward(dh1_from_above, steps1, through_time=time[0], cell=cell[0],
                                   sum_over_time=sum_over_time)
    dW_embed = layers.embedding_backward(dx1_all, emb_cache)
    return (dW_out, db_out, *dW2, *dW1, dW_embed)


_STACKED_MISTAKES = [
    ("layer 1 gets nothing from layer 2: layer 2's input is h1, so its dx is the gradient that "
     "arrives at every h1_t from above", dict(from_above=False)),
    ("layer 1 is missing its own path through time: dh1_t = (dx from layer 2 at t) + "
     "(dh1_prev from step t + 1) — a fork, two gradients add", dict(time=(False, True))),
    ("layer 2 is missing its own path through time: dh2_t = (the gradient from the scores at "
     "t) + (dh2_prev from step t + 1) — a fork, two gradients add", dict(time=(True, False))),
    ("layer 2's cell-state gradient is dropped: pass dc_prev of step t + 1 back into step t",
     dict(cell=(True, False))),
    ("layer 1's cell-state gradient is dropped: pass dc_prev of step t + 1 back into step t",
     dict(cell=(False, True))),
    ("only one step's share is kept: Wx, Wh and b are shared by every step, so their gradients "
     "are a sum over t (+=, not =)", dict(sum_over_time=False)),
    ("the rows of dscores are in the order n·T + t (sequence n, step t): reshape to (N, T, H), "
     "not (T, N, H)", dict(time_major=True)),
]


def _stacked_case(rng, label, N, T, V, D, H1, H2):
    params = stacked_params(V, D, H1, H2, rng)
    ids = rng.integers(0, V, size=(N, T))
    ids[0, :2] = ids[0, -1]                  # a repeated character: its rows must add up
    state = ((rng.standard_normal((N, H1)), rng.standard_normal((N, H1))),
             (rng.standard_normal((N, H2)), rng.standard_normal((N, H2))))
    scores, _, caches = stacked_forward(params, ids, state)
    _, dscores = layers.softmax_cross_entropy(scores, rng.integers(0, V, size=N * T))
    return label, dscores, caches


def _as_grads(answer):
    """The learner's dict → a tuple in STACKED_KEYS order, or a hint."""
    if not isinstance(answer, dict):
        return False, (f"return a dict of gradients with the keys of params "
                       f"({', '.join(sorted(STACKED_KEYS))}), got {type(answer).__name__}")
    missing = [k for k in STACKED_KEYS if k not in answer]
    if missing:
        return False, f"the dict of gradients lacks {', '.join(missing)}"
    return True, tuple(answer[k] for k in STACKED_KEYS)


@exercise("11", 2, "the two-layer model's backward pass")
def check_stacked_backward(stacked_backward) -> bool:
    """``stacked_backward(dscores, caches)`` → dict of the nine gradients of one chunk."""
    rng = _rng()
    cases = [_stacked_case(rng, "one sequence (N = 1, T = 4)", 1, 4, 6, 3, 5, 4),
             _stacked_case(rng, "a batch (N = 3, T = 5) with H1 ≠ H2", 3, 5, 7, 4, 3, 6)]
    names = tuple(f"d{k}" for k in STACKED_KEYS)
    for label, dscores, caches in cases:
        ok, answer = call_learner(stacked_backward, dscores, caches,
                                  forbid=(_stacked_backward, _layer_backward))
        if not ok:
            return not_yet(answer)
        ok, grads = _as_grads(answer)
        if not ok:
            return not_yet(grads)
        mistakes = [(hint, _stacked_backward(dscores, caches, **switch))
                    for hint, switch in _STACKED_MISTAKES]
        ok, hint = compare(grads, _stacked_backward(dscores, caches), names=names,
                           mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("two LSTM layers, one chunk: layer 2's dx is layer 1's gradient from above, "
                  "each layer adds its own path through time, and every shared weight sums "
                  "over the steps")


# ------------------------------------------------------------------ exercise 3: top-k

def _top_k(scores, k, tau, *, keep=None, normalize=True, temperature=True):
    p = softmax_temperature(scores, tau if temperature else 1.0)
    keep = np.argsort(-scores, kind="stable")[:k] if keep is None else keep
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q / q.sum() if normalize else q


@exercise("11", 3, "top-k sampling's distribution")
def check_top_k_probs(top_k_probs) -> bool:
    """``top_k_probs(scores, k, tau)``: scores (V,) → (V,) p(τ) kept on the k best, renormalized."""
    rng = _rng()
    cases = [("V = 8, k = 3, τ = 0.8", rng.standard_normal(8) * 2, 3, 0.8),
             ("V = 12, k = 5, τ = 1.5", rng.standard_normal(12) * 2, 5, 1.5)]
    for label, scores, k, tau in cases:
        ok, answer = call_learner(top_k_probs, scores, k, tau, forbid=(_top_k,))
        if not ok:
            return not_yet(answer)
        order = np.argsort(-scores, kind="stable")
        mistakes = [("these k probabilities do not sum to 1: renormalize what is kept",
                     _top_k(scores, k, tau, normalize=False)),
                    ("k + 1 characters are kept: keep exactly k",
                     _top_k(scores, k, tau, keep=order[:k + 1])),
                    ("k − 1 characters are kept: keep exactly k",
                     _top_k(scores, k, tau, keep=order[:k - 1])),
                    ("the k *least* likely characters are kept: sort the scores in decreasing "
                     "order", _top_k(scores, k, tau, keep=order[::-1][:k])),
                    ("the temperature is missing: divide the scores by τ",
                     _top_k(scores, k, tau, temperature=False))]
        ok, hint = compare(answer, _top_k(scores, k, tau), names="p", mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("top-k: the k most likely characters keep their relative odds at τ, "
                  "every other character gets probability 0")
