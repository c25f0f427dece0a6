"""Checkers for notebook 06 — backpropagation through time.

1. :func:`check_shared_dWh` (warm-up): the gradient of the shared weight Wh is a *sum* over
   time steps.
2. :func:`check_bptt_backward` (build-it): the whole BPTT loop over a sequence, from the
   forward's values, returning dx, dh0 and the summed dWx, dWh, db.
3. :func:`check_clip_grad_norm` (build-it): gradient-norm clipping over all parameters together.
4. :func:`check_predictions` (stretch): vanish, explode or neither, for the matrices of
   :func:`prediction_matrices`.
5. :func:`check_stitched_backward` (stretch): undo truncated BPTT — chunk by chunk, carrying each
   chunk's dh0 back into the previous chunk, recover the gradient of the whole sequence.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers import layers
from helpers.exercises._check import (
    NOT_DONE,
    call_learner,
    compare,
    exercise,
    not_yet,
    passed,
)
from helpers.layers.init import orthogonal

__all__ = [
    "check_shared_dWh",
    "check_bptt_backward",
    "check_clip_grad_norm",
    "prediction_matrices",
    "linear_gradient_ratio",
    "check_predictions",
    "check_stitched_backward",
    "PREDICTION_T",
]

PREDICTION_T = 100  # steps the gradient travels back in exercise 4
LABELS = ("vanish", "explode", "neither")
BPTT_NAMES = ("dx", "dh0", "dWx", "dWh", "db")
NOTEBOOK_REFERENCES = ("rnn_backward", "rnn_step_backward")  # the notebook's own versions


# Each case's label is what the learner reads in a hint ("on N = 1 sequence, …"): the tests
# check that every label states the sizes its case really has.
SHARED_CASES = (("T = 5 steps, a batch of N = 3, H = 4", (5, 3, 4)),
                ("T = 3 steps, a batch of N = 1, H = 2", (3, 1, 2)))
SEQUENCE_CASES = (("N = 1 sequence, T = 4 steps, D = 3, H = 5", (1, 4, 3, 5)),
                  ("N = 3 sequences, T = 5 steps, D = 4, H = 3", (3, 5, 4, 3)),
                  ("N = 2 sequences, T = 1 step, D = 2, H = 4", (2, 1, 2, 4)))
CLIP_CASES = (("a large gradient (norms 30 and 20, θ = 5)", ((4, 3), (3,)), (30.0, 20.0), 5.0),
              ("a small gradient (norms 0.03 and 0.02, θ = 5)", ((4, 3), (3,)), (0.03, 0.02),
               5.0),
              ("arrays each under θ, together over (norms 4 and 4, θ = 5)", ((2, 2), (3,)),
               (4.0, 4.0), 5.0),
              ("three arrays (norms 3, 6 and 2, θ = 1)", ((2, 5), (5, 5), (5,)),
               (3.0, 6.0, 2.0), 1.0))
STITCH_CASES = (("3 chunks of 3, 3 and 2 steps, N = 2, D = 3, H = 4", 2, (3, 3, 2), 3, 4),
                ("2 chunks of 4 and 1 steps, N = 1, D = 2, H = 5", 1, (4, 1), 2, 5))


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new cases."""
    return np.random.default_rng()


def _rnn_weights(rng, D: int, H: int):
    """Wx (D, H), Wh (H, H), b (H,) at a scale that keeps tanh away from saturation."""
    return (rng.standard_normal((D, H)) / np.sqrt(D), rng.standard_normal((H, H)) / np.sqrt(H),
            rng.uniform(-0.2, 0.2, H))


# ----------------------------------------------------------------------------- exercise 1

@exercise("06", 1, "a shared weight's gradient is a sum")
def check_shared_dWh(shared_dWh) -> bool:
    """``shared_dWh(h_prev, da)`` must return Σ_t h_prev[t]ᵀ·da[t].

    Args of the learner's function:
        h_prev: (T, N, H) the hidden state *entering* each step, h_{t−1}.
        da: (T, N, H) the gradient of each step's pre-activation a_t.
    Returns (expected): dWh, shape (H, H).
    """
    rng = _rng()
    for label, shape in SHARED_CASES:
        h_prev, da = rng.standard_normal(shape), rng.standard_normal(shape)   # (T, N, H)
        ok, result = call_learner(shared_dWh, h_prev, da)
        if not ok:
            return not_yet(result)
        expected = np.einsum("tni,tnj->ij", h_prev, da)
        good, hint = compare(result, expected, "dWh", mistakes=[
            ("that is only the last step's share: Wh is used at every step, so add them all",
             h_prev[-1].T @ da[-1]),
            ("that is only the first step's share: Wh is used at every step, so add them all",
             h_prev[0].T @ da[0]),
            ("that is the average over steps; a shared weight collects the sum",
             expected / len(da)),
            ("transposed: dWh[i, j] pairs h_{t−1}[:, i] with da_t[:, j], so use "
             "h_prev[t].T @ da[t]", np.einsum("tni,tnj->ij", da, h_prev))])
        if not good:
            return not_yet(f"on {label}: {hint}")
    return passed("dWh is the sum over time steps of h_{t−1}ᵀ·da_t — the Repeat node again")


# ----------------------------------------------------------------------------- exercise 2

def _bptt(dh, cache, *, fork=True, local=True, slope="h", transpose=True, shares="sum",
          h_first="h0", dh0="full"):
    """BPTT from the forward's values, with switches that plant the classic mistakes.

    dh (N, T, H), cache = (x (N, T, D), h0 (N, H), Wx (D, H), Wh (H, H), h (N, T, H)) →
    dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,). The defaults are right.
    """
    x, h0, Wx, Wh, h = cache
    T = dh.shape[1]
    dx = np.zeros(x.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(Wh.shape[1])
    dh_next = np.zeros(h0.shape)
    for t in reversed(range(T)):
        h_prev = h[:, t - 1] if t > 0 or h_first == "wrap" else h0   # "wrap": h[:, -1] at t = 0
        g = (dh[:, t] if local or t == T - 1 else 0.0) + (dh_next if fork else 0.0)
        tanh_slope = {"h": 1 - h[:, t] ** 2, "h_prev": 1 - h_prev ** 2,
                      "tanh_h": 1 - np.tanh(h[:, t]) ** 2,
                      "a": 1 - np.arctanh(h[:, t]) ** 2}[slope]
        da = g * tanh_slope
        dx[:, t] = da @ Wx.T
        dh_next = da @ (Wh.T if transpose else Wh)
        share = (x[:, t].T @ da, h_prev.T @ da, da.sum(axis=0))
        if shares == "sum" or (shares == "first" and t == 0) or (shares == "last" and t == T - 1):
            keep = shares != "sum"
            dWx = share[0] if keep else dWx + share[0]
            dWh = share[1] if keep else dWh + share[1]
            db = share[2] if keep else db + share[2]
    dh0_out = {"full": dh_next, "da": da, "zero": np.zeros(h0.shape)}[dh0]
    return dx, dh0_out, dWx, dWh, db


def _sequence_cases(rng):
    """(label, dh, cache) for SEQUENCE_CASES: batch 1 non-square, D > H, and T = 1."""
    cases = []
    for label, (N, T, D, H) in SEQUENCE_CASES:
        x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
        _, cache = layers.rnn_forward(x, h0, *_rnn_weights(rng, D, H))
        cases.append((label, rng.standard_normal((N, T, H)), cache))
    return cases


BPTT_MISTAKES = (
    (dict(fork=False), "dh_t is missing what comes back from step t+1: h_t feeds both its "
     "loss and the next step (a fork), so add dh[:, t] and dh_next before the tanh gate"),
    (dict(local=False), "only the last step's loss reaches the states: every h_t has its own "
     "loss gradient dh[:, t]; add it to dh_next at every step"),
    (dict(slope="h_prev"), "tanh′ of the wrong value: the step that made h_t has slope "
     "1 − h_t², not 1 − h_{t−1}²"),
    (dict(slope="tanh_h"), "tanh′ of the wrong value: h_t is already tanh(a_t), so tanh′(a_t) = "
     "1 − h_t² (not 1 − tanh(h_t)²)"),
    (dict(slope="a"), "tanh′ of the wrong value: 1 − a_t² uses the pre-activation; tanh′(a_t) = "
     "1 − tanh(a_t)² = 1 − h_t²"),
    (dict(transpose=False), "a missing transpose: the gradient sent back to h_{t−1} is "
     "da_t·Whᵀ (the matmul gate), not da_t·Wh"),
    (dict(shares="first"), "a shared weight collects a sum over time: this is only step 1's "
     "share (an = where += belongs?)"),
    (dict(shares="last"), "a shared weight collects a sum over time: this is only step T's "
     "share (an = where += belongs?)"),
    (dict(h_first="wrap"), "at t = 1 the state entering the step is h0 from the cache, not "
     "h[:, -1]: Python's index −1 wraps around to the last step"),
    (dict(dh0="da"), "dh0 is one gate further back than da_1: dh0 = da_1·Whᵀ"),
    (dict(dh0="zero"), "dh0 is missing: it is what step 1 sends back to h0, da_1·Whᵀ — the "
     "dh_next left after the loop"),
)


def _forbidden(fn) -> tuple:
    """The course's reference BPTT, and the notebook's own versions if the learner sees them."""
    found = [layers.rnn_backward, layers.rnn_step_backward]
    names = getattr(fn, "__globals__", None)
    if isinstance(names, dict):
        found += [names[n] for n in NOTEBOOK_REFERENCES
                  if callable(names.get(n)) and names.get(n) is not fn]
    return tuple(found)


@exercise("06", 2, "the BPTT loop over a whole sequence")
def check_bptt_backward(bptt_backward) -> bool:
    """``bptt_backward(dh, cache)`` must return (dx, dh0, dWx, dWh, db) of the whole sequence.

    dh (N, T, H): the loss gradient arriving at every h_t; cache = (x (N, T, D), h0 (N, H),
    Wx (D, H), Wh (H, H), h (N, T, H)), the forward's values (as ``helpers.layers.rnn_forward``
    keeps them). Returns dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    forbid = _forbidden(bptt_backward)
    for label, dh, cache in _sequence_cases(_rng()):
        ok, answer = call_learner(bptt_backward, dh, cache, forbid=forbid)
        if not ok:
            return not_yet(answer.replace("__main__.", "the notebook's "))
        expected = _bptt(dh, cache)
        mistakes = [(hint, _bptt(dh, cache, **switch)) for switch, hint in BPTT_MISTAKES]
        ok, hint = compare(answer, expected, names=BPTT_NAMES, mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("BPTT: dh_t = its loss gradient + what step t+1 sends back, da_t = "
                  "dh_t ⊙ (1 − h_t²), and the shared weights sum their shares over time")


# ----------------------------------------------------------------------------- exercise 3

def _clip(grads, max_norm, *, norm="global", always=False):
    """Clip with switches: ``norm`` "global" (right), "each" (per array), "squared" (no sqrt),
    "sum" (the sum of the arrays' norms); ``always`` rescales even below the threshold."""
    sizes = [float(np.sqrt(np.sum(g * g))) for g in grads]
    total = {"global": float(np.sqrt(sum(n * n for n in sizes))),
             "squared": float(sum(n * n for n in sizes)), "sum": float(sum(sizes))}.get(norm)
    out = []
    for i, g in enumerate(grads):
        size = sizes[i] if norm == "each" else total
        scale = (max_norm / size if always else min(1.0, max_norm / size)) if size > 0 else 1.0
        out.append(g * scale)
    return out


def _with_norm(rng, shape, norm: float) -> np.ndarray:
    """A random array of the given shape whose norm is exactly ``norm``."""
    g = rng.standard_normal(shape)
    return g * (norm / np.linalg.norm(g))


def _clip_cases(rng):
    """(label, grads, θ) for CLIP_CASES: large, small, each array under θ, three arrays."""
    return [(label, [_with_norm(rng, s, n) for s, n in zip(shapes, norms, strict=True)], theta)
            for label, shapes, norms, theta in CLIP_CASES]


@exercise("06", 3, "clip several gradients with one norm")
def check_clip_grad_norm(clip_grad_norm) -> bool:
    """``clip_grad_norm(grads, max_norm)`` must return new arrays scaled by min(1, θ/‖g‖).

    ‖g‖ is the norm of *all* gradients together (the square root of the sum of squares of every
    entry of every array); the inputs must not be modified, and the arrays returned must be new
    ones (not the inputs handed back, even when no clipping is needed).
    """
    for label, grads, max_norm in _clip_cases(_rng()):
        ok, result = call_learner(clip_grad_norm, grads, max_norm, fresh=True)
        if not ok:
            return not_yet(result)
        if not isinstance(result, (list, tuple)) or len(result) != len(grads):
            return not_yet(f"return a list of {len(grads)} arrays, one per gradient")
        mistakes = [("you clipped each array on its own; clipping uses one norm over all "
                     "arrays together, so every array gets the same scale",
                     tuple(_clip(grads, max_norm, norm="each"))),
                    ("a gradient already under the threshold passes unchanged: the scale is "
                     "min(1, θ/‖g‖)", tuple(_clip(grads, max_norm, always=True))),
                    ("‖g‖ is the square root of the sum of squares; the square root is missing",
                     tuple(_clip(grads, max_norm, norm="squared"))),
                    ("‖g‖ is the square root of the sum of *all* squares, not the sum of the "
                     "arrays' norms", tuple(_clip(grads, max_norm, norm="sum")))]
        good, hint = compare(result, tuple(_clip(grads, max_norm)),
                             [f"grads[{i}]" for i in range(len(grads))], mistakes=mistakes)
        if not good:
            return not_yet(f"on {label}: {hint}")
    return passed("one global norm, one scale for every array: direction kept, length capped")


# ----------------------------------------------------------------------------- exercise 4

def prediction_matrices(H: int = 8) -> dict[str, np.ndarray]:
    """Five (H, H) recurrent matrices Wh for exercise 4 (deterministic).

    A: Gaussian scaled to σ_max = 0.9; B: orthogonal; C: orthogonal × 1.1;
    D: every entry 0.3; E: strictly upper-triangular with entries 2 (large σ_max, nilpotent).
    """
    rng = np.random.default_rng(606)
    G = rng.standard_normal((H, H))
    Q = orthogonal(H, rng)
    return {
        "A": 0.9 * G / np.linalg.norm(G, 2),
        "B": Q,
        "C": 1.1 * Q,
        "D": np.full((H, H), 0.3),
        "E": np.triu(np.full((H, H), 2.0), k=1),
    }


def linear_gradient_ratio(Wh: np.ndarray, T: int = PREDICTION_T, seed: int = 0) -> float:
    """‖∂L/∂h_0‖ / ‖∂L/∂h_T‖ for a *linear* RNN h_t = h_{t−1}·Wh + x_t·Wx + b.

    Starts from a seeded random unit vector dh_T and applies dh_{t−1} = dh_t·Whᵀ T times.
    """
    rng = np.random.default_rng(seed)
    dh = rng.standard_normal(len(Wh))
    dh /= np.linalg.norm(dh)
    for _ in range(T):
        dh = dh @ Wh.T
    return float(np.linalg.norm(dh))


def _classify(ratio: float) -> str:
    """"vanish" below 1e-3, "explode" above 1e3, else "neither"."""
    return "vanish" if ratio < 1e-3 else "explode" if ratio > 1e3 else "neither"


def _truth() -> dict[str, str]:
    return {name: _classify(linear_gradient_ratio(Wh))
            for name, Wh in prediction_matrices().items()}


@exercise("06", 4, "predict: vanish, explode or neither?")
def check_predictions(predictions) -> bool:
    """``predictions`` maps "A" … "E" to "vanish", "explode" or "neither" (T = 100 steps).

    "vanish" means ‖∂L/∂h_0‖ < 1e-3 and "explode" means > 1e3, for ‖∂L/∂h_T‖ = 1.
    """
    truth = _truth()
    if not isinstance(predictions, dict):
        kind = type(predictions).__name__
        return not_yet(f"expected a dict like {{'A': 'vanish', …}}, got {kind}")
    missing = [k for k in truth if k not in predictions]
    if missing:
        return not_yet(f"give a prediction for {', '.join(missing)}")
    answers = {k: predictions[k].strip().lower() if isinstance(predictions[k], str) else None
               for k in truth}
    if any(a not in LABELS for a in answers.values()):
        if all(predictions[k] is None or answers[k] in ("?", "") for k in truth):
            return not_yet(NOT_DONE)
        return not_yet(f"each prediction must be one of {LABELS}")
    wrong = [k for k in truth if answers[k] != truth[k]]
    if not wrong:
        return passed("σ_max < 1 guarantees vanishing; σ_max > 1 only allows explosion — "
                      "E has a huge σ_max and still vanishes")
    if wrong == ["E"]:
        return not_yet("1 of 5 is off: E — a large σ_max allows growth but does not force it; "
                       "look at what E·E·…·E (8 factors) is")
    return not_yet(f"{len(wrong)} of {len(truth)} are off; compute σ_max = "
                   "np.linalg.norm(Wh, 2) for each, and where σ_max > 1 run the recursion "
                   "with linear_gradient_ratio(Wh) to see what really happens")


# ----------------------------------------------------------------------------- exercise 5

def _chunks(rng, N, lengths, D, H):
    """Consecutive chunks of one batch of sequences, the state carried across them."""
    weights = _rnn_weights(rng, D, H)
    h, caches, dh_chunks = rng.standard_normal((N, H)), [], []
    for k in lengths:
        hs, cache = layers.rnn_forward(rng.standard_normal((N, k, D)), h, *weights)
        caches.append(cache)
        dh_chunks.append(rng.standard_normal((N, k, H)))
        h = hs[:, -1]
    return dh_chunks, caches


def _stitch(dh_chunks, caches, mode="carry"):
    """(dh0, dWx, dWh, db) chunk by chunk, last chunk first. ``mode``: "carry" (right), "drop"
    (truncated BPTT), "forward" (chunks in the wrong order), "first_step" (the carry added to
    the previous chunk's first step), "replace" (the carry replaces that step's own gradient)."""
    order = range(len(caches)) if mode == "forward" else reversed(range(len(caches)))
    step = {"carry": -1, "forward": -1, "replace": -1, "first_step": 0, "drop": None}[mode]
    carry = dWx = dWh = db = 0.0
    for i in order:
        dh = np.array(dh_chunks[i], dtype=np.float64)
        if step is not None:
            dh[:, step] = carry if mode == "replace" else dh[:, step] + carry
        _, carry, dWx_i, dWh_i, db_i = layers.rnn_backward(dh, caches[i])
        dWx, dWh, db = dWx + dWx_i, dWh + dWh_i, db + db_i
    return carry, dWx, dWh, db


@exercise("06", 5, "undo the truncation")
def check_stitched_backward(stitched_backward) -> bool:
    """``stitched_backward(dh_chunks, caches)`` must return the whole sequence's
    (dh0, dWx, dWh, db) from its consecutive chunks.

    caches[i]: ``helpers.layers.rnn_forward``'s cache of chunk i, the state carried from chunk
    i−1; dh_chunks[i] (N, k_i, H): the loss gradient of every state of chunk i. dh0 (N, H) is
    the gradient of the state entering chunk 0.
    """
    rng = _rng()
    for label, N, lengths, D, H in STITCH_CASES:
        dh_chunks, caches = _chunks(rng, N, lengths, D, H)
        ok, answer = call_learner(stitched_backward, dh_chunks, caches)
        if not ok:
            return not_yet(answer)
        mistakes = [
            ("that is truncated BPTT: each chunk's dh0 is the gradient of the previous chunk's "
             "last state; add it to that chunk's dh[:, -1] before its backward",
             _stitch(dh_chunks, caches, "drop")),
            ("the chunks must go backward in time, last chunk first: a chunk's dh0 is only "
             "known after its backward", _stitch(dh_chunks, caches, "forward")),
            ("the carried dh0 belongs to the previous chunk's *last* state (dh[:, -1]), the one "
             "that entered the chunk after it", _stitch(dh_chunks, caches, "first_step")),
            ("the carried dh0 must be *added* to dh[:, -1]: that state also has its own loss "
             "gradient (a fork)", _stitch(dh_chunks, caches, "replace")),
        ]
        ok, hint = compare(answer, _stitch(dh_chunks, caches), names=("dh0", "dWx", "dWh", "db"),
                           mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("carry each chunk's dh0 into the previous chunk's last state and truncated "
                  "BPTT becomes exact BPTT: truncation is exactly that dropped dh0")
