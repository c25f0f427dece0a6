"""Checkers for notebook 07 — LSTM and GRU backprop.

Each checker returns True/False and prints one line (see :mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises._check import (
    NOT_DONE,
    as_array,
    call_learner,
    exercise,
    matches,
    not_yet,
    passed,
)

__all__ = ["check_dc_prev", "check_gru_dz", "check_param_count", "check_steps_to_half"]


def _arrays(seed: int, N: int = 3, H: int = 4):
    """Random upstream gradients and gate values of an LSTM/GRU step, each (N, H)."""
    rng = np.random.default_rng(seed)
    return {
        "dh": rng.standard_normal((N, H)),
        "dc_next": rng.standard_normal((N, H)),
        "o": rng.uniform(0.05, 0.95, (N, H)),
        "tanh_c": np.tanh(rng.standard_normal((N, H))),
        "f": rng.uniform(0.05, 0.95, (N, H)),
        "h_prev": rng.standard_normal((N, H)),
        "n": np.tanh(rng.standard_normal((N, H))),
    }


@exercise("07", 1, "dc_prev from both paths")
def check_dc_prev(fn) -> bool:
    """``fn(dh, dc_next, o, tanh_c, f)`` (each (N, H)) should return dL/dc_{t−1} (N, H)."""
    for seed in (0, 1):
        a = _arrays(seed)
        ok, answer = call_learner(fn, a["dh"], a["dc_next"], a["o"], a["tanh_c"], a["f"])
        if not ok:
            return not_yet(answer)
        dc_t = a["dc_next"] + a["dh"] * a["o"] * (1 - a["tanh_c"] ** 2)
        ok, got = as_array(answer, "dc_prev", dc_t.shape)
        if not ok:
            return not_yet(got)
        if matches(got, dc_t * a["f"]):
            continue
        if matches(got, a["dc_next"] * a["f"]):
            return not_yet("that is only the cell-line path; c_t also feeds h_t = o ⊙ tanh(c_t)")
        if matches(got, dc_t):
            return not_yet("that is dL/dc_t; one more step back multiplies by the forget gate")
        return not_yet("add both paths into c_t first (fork rule), "
                       "then go back through c_t = f ⊙ c_{t−1} + …")
    return passed("dc_prev = (dc_next + dh ⊙ o ⊙ (1 − tanh²c_t)) ⊙ f: "
                  "both paths, then the highway")


@exercise("07", 2, "the GRU's update gate")
def check_gru_dz(fn) -> bool:
    """``fn(dh, h_prev, n)`` (each (N, H)) should return dL/dz (N, H) for h = (1−z)h_prev + z n."""
    for seed in (0, 1):
        a = _arrays(seed)
        ok, answer = call_learner(fn, a["dh"], a["h_prev"], a["n"])
        if not ok:
            return not_yet(answer)
        ok, got = as_array(answer, "dz", a["dh"].shape)
        if not ok:
            return not_yet(got)
        if matches(got, a["dh"] * (a["n"] - a["h_prev"])):
            continue
        if matches(got, a["dh"] * a["n"]):
            return not_yet("z appears twice in h_t: in z ⊙ n and in (1 − z) ⊙ h_prev")
        if matches(got, a["dh"] * (a["h_prev"] - a["n"])):
            return not_yet("check the sign: the derivative of (1 − z) with respect to z is −1")
        return not_yet("differentiate (1 − z) ⊙ h_prev + z ⊙ n with respect to z, times dh")
    return passed("dz = dh ⊙ (n − h_prev): "
                  "z only matters where the candidate differs from the past")


_BLOCKS = {"rnn": 1, "gru": 3, "lstm": 4}


@exercise("07", 3, "parameter counts")
def check_param_count(fn) -> bool:
    """``fn(cell, D, H)`` should return the number of entries of Wx, Wh and b for that cell."""
    for cell, blocks in _BLOCKS.items():
        for D, H in ((2, 16), (5, 4), (128, 256)):
            ok, answer = call_learner(fn, cell, D, H)
            if not ok:
                return not_yet(answer)
            expected = blocks * (D * H + H * H + H)
            if isinstance(answer, bool) or not isinstance(answer, (int, np.integer, float)):
                return not_yet(f"expected a number, got {type(answer).__name__}")
            if answer != expected:
                if answer == blocks * (D * H + H * H):
                    return not_yet(f"{cell} with D={D}, H={H}: you forgot the biases")
                if answer == D * H + H * H + H:
                    return not_yet(f"{cell} with D={D}, H={H}: each gate block has its own weights")
                return not_yet(f"{cell} with D={D}, H={H}: got {answer}; count Wx (D, kH), "
                               "Wh (H, kH) and b (kH,) for k blocks")
    return passed("RNN : GRU : LSTM = 1 : 3 : 4 blocks of (DH + H² + H) parameters")


@exercise("07", 4, "how long does the highway hold?")
def check_steps_to_half(answer) -> bool:
    """``answer`` should be the first k with 0.99**k < 1/2, i.e. 69."""
    if answer is None:
        return not_yet(NOT_DONE)
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer, float)):
        return not_yet(f"expected an integer number of steps, got {type(answer).__name__}")
    expected = math.ceil(math.log(0.5) / math.log(0.99))
    if answer == expected:
        return passed(f"0.99^{expected} ≈ {0.99 ** expected:.3f} < 0.5 — about 70 steps of memory")
    if abs(answer - expected) <= 1:
        return not_yet("very close: which k is the *first* with 0.99ᵏ below 0.5?")
    return not_yet("solve 0.99ᵏ = 1/2 for k with a logarithm, then round up")
