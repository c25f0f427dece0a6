"""Checkers for notebook 06 — backpropagation through time.

1. :func:`check_shared_dWh` — the gradient of the shared weight Wh is a *sum* over time steps.
2. :func:`check_clip_grad_norm` — gradient-norm clipping over all parameters together.
3. :func:`check_predictions` — vanish, explode or neither, for the matrices of
   :func:`prediction_matrices`.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises._check import NOT_DONE, call_learner, compare, exercise, not_yet, passed
from helpers.layers.init import orthogonal

__all__ = [
    "check_shared_dWh",
    "check_clip_grad_norm",
    "prediction_matrices",
    "linear_gradient_ratio",
    "check_predictions",
    "PREDICTION_T",
]

PREDICTION_T = 100  # steps the gradient travels back in exercise 3
LABELS = ("vanish", "explode", "neither")


# ----------------------------------------------------------------------------- exercise 1

def _shared_case(seed: int = 6, T: int = 5, N: int = 3, H: int = 4):
    rng = np.random.default_rng(seed)
    h_prev = rng.standard_normal((T, N, H))
    da = rng.standard_normal((T, N, H))
    return h_prev, da


@exercise("06", 1, "a shared weight's gradient is a sum")
def check_shared_dWh(shared_dWh) -> bool:
    """``shared_dWh(h_prev, da)`` must return Σ_t h_prev[t]ᵀ·da[t].

    Args of the learner's function:
        h_prev: (T, N, H) the hidden state *entering* each step, h_{t−1}.
        da: (T, N, H) the gradient of each step's pre-activation a_t.
    Returns (expected): dWh, shape (H, H).
    """
    h_prev, da = _shared_case()
    ok, result = call_learner(shared_dWh, h_prev, da)
    if not ok:
        return not_yet(result)
    expected = np.einsum("tni,tnj->ij", h_prev, da)
    good, hint = compare(result, expected, "dWh", mistakes=[
        ("that is only the last step's share: Wh is used at every step, so add them all",
         h_prev[-1].T @ da[-1]),
        ("that is the average over steps; a shared weight collects the sum",
         expected / len(da)),
        ("transposed: dWh[i, j] pairs h_{t−1}[:, i] with da_t[:, j], so use h_prev[t].T @ da[t]",
         np.einsum("tni,tnj->ij", da, h_prev))])
    if good:
        return passed("dWh is the sum over time steps of h_{t−1}ᵀ·da_t — the Repeat node again")
    return not_yet(hint)


# ----------------------------------------------------------------------------- exercise 2

def _clip_reference(grads, max_norm):
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads))
    scale = 1.0 if total <= max_norm else max_norm / total
    return [g * scale for g in grads]


def _clip_cases():
    rng = np.random.default_rng(60)
    big = [rng.standard_normal((4, 3)) * 10, rng.standard_normal(3) * 10]
    small = [rng.standard_normal((4, 3)) * 0.01, rng.standard_normal(3) * 0.01]
    lopsided = [np.full((2, 2), 3.0), np.array([0.1, -0.1])]  # only the pair exceeds 5
    return [("a large gradient", big, 5.0), ("a small gradient", small, 5.0),
            ("a gradient whose arrays are each under θ but whose total is over", lopsided, 5.0)]


@exercise("06", 2, "clip several gradients with one norm")
def check_clip_grad_norm(clip_grad_norm) -> bool:
    """``clip_grad_norm(grads, max_norm)`` must return new arrays scaled by min(1, θ/‖g‖).

    ‖g‖ is the norm of *all* gradients together (the square root of the sum of squares of every
    entry of every array); the inputs must not be modified, and the arrays returned must be new
    ones (not the inputs handed back, even when no clipping is needed).
    """
    for label, grads, max_norm in _clip_cases():
        ok, result = call_learner(clip_grad_norm, grads, max_norm, fresh=True)
        if not ok:
            return not_yet(result)
        if not isinstance(result, (list, tuple)) or len(result) != len(grads):
            return not_yet(f"return a list of {len(grads)} arrays, one per gradient")
        expected = tuple(_clip_reference(grads, max_norm))
        per_array = tuple(g * min(1.0, max_norm / np.linalg.norm(g)) for g in grads)
        good, hint = compare(result, expected, [f"grads[{i}]" for i in range(len(grads))],
                             mistakes=[("you clipped each array on its own; clipping uses one "
                                        "norm over all arrays together, so every array gets "
                                        "the same scale", per_array)])
        if not good:
            return not_yet(f"on {label}: {hint}")
    return passed("one global norm, one scale for every array: direction kept, length capped")


# ----------------------------------------------------------------------------- exercise 3

def prediction_matrices(H: int = 8) -> dict[str, np.ndarray]:
    """Five (H, H) recurrent matrices Wh for exercise 3 (deterministic).

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
    dh = rng.standard_normal(Wh.shape[0])
    dh /= np.linalg.norm(dh)
    for _ in range(T):
        dh = dh @ Wh.T
    return float(np.linalg.norm(dh))


def _truth() -> dict[str, str]:
    out = {}
    for name, Wh in prediction_matrices().items():
        r = linear_gradient_ratio(Wh)
        out[name] = "vanish" if r < 1e-3 else "explode" if r > 1e3 else "neither"
    return out


@exercise("06", 3, "predict: vanish, explode or neither?")
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
    return not_yet(f"{len(wrong)} of {len(truth)} are off; compute σ_max = "
                   "np.linalg.norm(Wh, 2) for each, and where σ_max > 1 run the recursion "
                   "with linear_gradient_ratio(Wh) to see what really happens")
