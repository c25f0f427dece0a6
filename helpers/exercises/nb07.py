"""Checkers for notebook 07 — LSTM and GRU backprop.

1. :func:`check_steps_to_half` (warm-up): how many steps a forget gate of 0.99 keeps half of a
   gradient.
2. :func:`check_lstm_step_backward` (build-it): one LSTM step backward, from the cache of
   ``helpers.layers.lstm_step_forward``.
3. :func:`check_gru_step_backward` (build-it): one GRU step backward, from the cache of
   ``helpers.layers.gru_step_forward``; an answer in the other GRU convention is recognised.
4. :func:`check_gru_torch_step_backward` (stretch): the GRU step as PyTorch computes it
   (:func:`gru_torch_step_forward`), backward.

The build-it checkers run the learner's function on fresh random inputs (one sequence, N = 1,
and a batch, with D ≠ H), refuse the course's reference backward passes (``helpers.layers``;
a learner's own helper functions, whatever their names, are theirs to use), and name the classic
mistake behind a wrong gradient. Each checker returns True/False and prints one line (see
:mod:`helpers.exercises._check`).
"""

from __future__ import annotations

import math

import numpy as np

import helpers.layers as layers
from helpers.exercises._check import NOT_DONE, call_learner, compare, exercise, not_yet, passed
from helpers.layers import _validate as _v
from helpers.layers import gru as _gru
from helpers.layers import lstm as _lstm

__all__ = ["check_steps_to_half", "check_lstm_step_backward", "check_gru_step_backward",
           "check_gru_torch_step_backward", "gru_torch_step_forward", "OTHER_CONVENTION"]

# (label, N, D, H): batch 1, and a batch with D ≠ H (a swapped matmul cannot keep its shape)
_CASES = (("one sequence (N = 1, D = 3, H = 2)", 1, 3, 2),
          ("a batch (N = 4, D = 5, H = 3)", 4, 5, 3))


def _rng() -> np.random.Generator:
    """A fresh generator: every run of a checker draws new inputs."""
    return np.random.default_rng()


def _sigmoid(a):
    return 0.5 * (1.0 + np.tanh(0.5 * a))


# ------------------------------------------------------------------ 1. warm-up: 0.99ᵏ < 1/2

@exercise("07", 1, "how long does the highway hold?")
def check_steps_to_half(steps_to_half) -> bool:
    """``steps_to_half`` should be the first k with 0.99**k < 1/2, i.e. 69."""
    if steps_to_half is None or steps_to_half is Ellipsis:
        return not_yet(NOT_DONE)
    if isinstance(steps_to_half, bool) or not isinstance(steps_to_half,
                                                         (int, np.integer, float, np.floating)):
        return not_yet(f"expected an integer number of steps, got {type(steps_to_half).__name__}")
    steps_to_half = _plain(steps_to_half)
    expected = math.ceil(math.log(0.5) / math.log(0.99))
    if steps_to_half == expected:
        return passed(f"0.99^{expected - 1} ≈ {0.99 ** (expected - 1):.4f} ≥ 0.5 > "
                      f"0.99^{expected} ≈ {0.99 ** expected:.4f}: about 70 steps of memory")
    if isinstance(steps_to_half, (float, np.floating)) and not math.isfinite(steps_to_half):
        return not_yet(f"expected an integer number of steps, got {steps_to_half}")
    if steps_to_half != round(steps_to_half):
        return not_yet(f"{steps_to_half} is not a whole number of steps: round up to the first "
                       "integer k with 0.99ᵏ < 0.5")
    if abs(steps_to_half - expected) == 1:
        return not_yet("very close: which k is the *first* with 0.99ᵏ below 0.5?")
    return not_yet("solve 0.99ᵏ = 1/2 for k with a logarithm, then round up")


def _plain(number):
    """The value of an int or a float as a plain Python number, read from its storage: a subclass
    cannot answer ``==`` (or ``float()``) with its own methods."""
    if isinstance(number, float):
        return float.__float__(number)
    if isinstance(number, int):
        return int.__int__(number)
    return number.item()        # a numpy int or float (float64 is a float, above)


# ------------------------------------------------------------------ shared pieces

_TRANSPOSED = ("the weights multiply from the right (a = x·Wx + h_prev·Wh + b), so "
               "dWx = xᵀ·da and dWh = h_prevᵀ·da, with the shapes of Wx and Wh")
_DB_ROWS = "b is added to every row of the batch: db sums da over the rows (axis 0)"


def _inputs(rng, N: int, D: int, H: int, blocks: int):
    """x (N, D) and h_prev (N, H) standard normal; Wx (D, kH) and Wh (H, kH) with variance
    1/fan-in, b (kH,) with standard deviation 0.5, for k = ``blocks``: the gates stay mostly
    unsaturated, so that a wrong σ′ or tanh′ changes the answer visibly."""
    x, h_prev = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    Wx = rng.standard_normal((D, blocks * H)) / np.sqrt(D)
    Wh = rng.standard_normal((H, blocks * H)) / np.sqrt(H)
    return x, h_prev, Wx, Wh, 0.5 * rng.standard_normal(blocks * H)


def _sigma_of(s):
    """σ′ taken at σ(s): the slope of a gate whose *value* s was treated as its input."""
    return _sigmoid(s) * (1 - _sigmoid(s))


def _weight_grads(x, h_prev, da, mistake):
    """dWx, dWh (the LSTM's, or the GRU's z and r blocks) and db from da, with two mistakes."""
    if mistake == "transposed":
        return da.T @ x, da.T @ h_prev, da.sum(axis=0)
    db = da if mistake == "db over rows" else da.sum(axis=0)
    return x.T @ da, h_prev.T @ da, db


# ------------------------------------------------------------------ 2. LSTM step backward

def _lstm_backward(dh, dc_next, cache, mistake: str = ""):
    """One LSTM step backward from the cache of ``layers.lstm_step_forward``, or the answer
    a classic ``mistake`` gives (a key of :data:`_LSTM_MISTAKES`; "" for the right one)."""
    x, h_prev, c_prev, Wx, Wh, ifog, tanh_c = cache
    i, f, o, g = np.split(ifog, 4, axis=1)
    c = f * c_prev + i * g
    slope_c = {"tanh' of c": 1 - c**2, "tanh' of g in dc": 1 - g**2}.get(mistake,
                                                                         1 - tanh_c**2)
    do = dh * (c if mistake == "o times c" else tanh_c)
    dc = {"dc without dc_next": dh * o * slope_c,
          "dc without the h path": dc_next}.get(mistake, dc_next + dh * o * slope_c)
    di, df, dg = dc * g, dc * c_prev, dc * i
    dc_prev = dc if mistake == "no f" else dc * f
    slopes = {"i": i * (1 - i), "f": f * (1 - f), "o": o * (1 - o), "g": 1 - g**2}
    kind, _, gates = mistake.rpartition(" ")      # e.g. "sigma' as tanh'" and "fo"
    values = {"i": i, "f": f, "o": o}
    for gate in gates if kind in ("sigma' as tanh'", "no sigma'", "sigma' at sigma") else ():
        slopes[gate] = {"sigma' as tanh'": 1 - values[gate]**2, "no sigma'": 1.0,
                        "sigma' at sigma": _sigma_of(values[gate])}[kind]
    if mistake == "tanh' of tanh_c for g":
        slopes["g"] = 1 - tanh_c**2
    if mistake == "tanh' at tanh g":
        slopes["g"] = 1 - np.tanh(g)**2
    blocks = {"i": di * slopes["i"], "f": df * slopes["f"], "o": do * slopes["o"],
              "g": dg * slopes["g"]}
    order = "ifgo" if mistake == "order i, f, g, o" else "ifog"
    da = np.concatenate([blocks[k] for k in order], axis=1)
    dx = da @ Wx.T
    dh_prev = {"dh_prev zero": np.zeros_like(dh), "dh_prev = dh": dh}.get(mistake, da @ Wh.T)
    dWx, dWh, db = _weight_grads(x, h_prev, da, mistake)
    return dx, dh_prev, dc_prev, dWx, dWh, db


_SIGMA_AS_TANH = ("i, f and o are sigmoids: σ′ = σ(1 − σ), written with the cached gate "
                  "values (1 − σ² is tanh′)")
_NO_SIGMA = "each gate goes through its sigmoid: multiply by σ′ = σ(1 − σ)"
_TWICE = ("the cache holds the gate values *after* the activation: σ′ = i(1 − i) (and 1 − g² "
          "for g) from the cached values; σ(i)(1 − σ(i)) applies the sigmoid a second time")
_LSTM_MISTAKES = {
    "no f": "going back through c_t = f ⊙ c_prev + i ⊙ g multiplies dc by the forget gate f "
            "(dc_prev = dc ⊙ f: the highway's only factor)",
    "dh_prev zero": "h_prev reaches the step through h_prev·Wh in all four blocks: "
                    "dh_prev = da·Whᵀ",
    "dh_prev = dh": "h_prev reaches the step only through h_prev·Wh, not directly: "
                    "dh_prev = da·Whᵀ",
    "tanh' of c": "the slope of tanh at c_t is 1 − tanh²(c_t), from the cached tanh_c, "
                  "not 1 − c_t²",
    "tanh' of g in dc": "the path from h_t into c_t goes through tanh(c_t): its slope is "
                        "1 − tanh²(c_t) (tanh_c), not 1 − g²",
    "tanh' of tanh_c for g": "g = tanh(a_g): its own slope is 1 − g², not 1 − tanh²(c_t)",
    "o times c": "h_t = o ⊙ tanh(c_t), so do = dh ⊙ tanh(c_t), not dh ⊙ c_t",
    "dc without dc_next": "c_t feeds both h_t and c_{t+1}: dc = dc_next + dh ⊙ o ⊙ (1 − "
                          "tanh²c_t) (a fork: the two gradients add)",
    "dc without the h path": "c_t also reaches the loss through h_t = o ⊙ tanh(c_t): dc = "
                             "dc_next + dh ⊙ o ⊙ (1 − tanh²c_t) (a fork: the two gradients add)",
    **{f"sigma' as tanh' {gates}": _SIGMA_AS_TANH for gates in ("ifo", "i", "f", "o")},
    **{f"no sigma' {gates}": _NO_SIGMA for gates in ("ifo", "i", "f", "o")},
    "sigma' at sigma ifo": _TWICE,
    "tanh' at tanh g": "the cache holds g = tanh(a_g) already: its slope is 1 − g², not "
                       "1 − tanh²(g) (that applies the tanh a second time)",
    "order i, f, g, o": "the blocks of da go in the order of a's columns: i, f, o, g",
    "transposed": _TRANSPOSED,
    "db over rows": _DB_ROWS,
}
_LSTM_NAMES = ("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db")
_LSTM_REFERENCE = (layers.lstm_step_backward, layers.lstm_backward, _lstm._gates_backward,
                   layers.gru_step_backward, layers.gru_backward, _lstm_backward)


def _lstm_case(rng, N, D, H):
    """A fresh LSTM step: (dh, dc_next, cache) from ``layers.lstm_step_forward``."""
    x, h_prev, Wx, Wh, b = _inputs(rng, N, D, H, 4)
    _, _, cache = layers.lstm_step_forward(x, h_prev, rng.standard_normal((N, H)), Wx, Wh, b)
    return rng.standard_normal((N, H)), rng.standard_normal((N, H)), cache


@exercise("07", 2, "build it: lstm_step_backward")
def check_lstm_step_backward(lstm_step_backward) -> bool:
    """``lstm_step_backward(dh, dc_next, cache)`` with the cache of ``lstm_step_forward``
    ``(x, h_prev, c_prev, Wx, Wh, ifog, tanh_c)`` → dx, dh_prev, dc_prev, dWx, dWh, db."""
    rng = _rng()
    for label, N, D, H in _CASES:
        dh, dc_next, cache = _lstm_case(rng, N, D, H)
        ok, answer = call_learner(lstm_step_backward, dh, dc_next, cache,
                                  forbid=_LSTM_REFERENCE)
        if not ok:
            return not_yet(answer)
        mistakes = [(hint, _lstm_backward(dh, dc_next, cache, key))
                    for key, hint in _LSTM_MISTAKES.items()]
        ok, hint = compare(answer, tuple(layers.lstm_step_backward(dh, dc_next, cache)),
                           names=_LSTM_NAMES, mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("the LSTM step backward: dc = dc_next + dh ⊙ o ⊙ (1 − tanh²c), dc_prev = "
                  "dc ⊙ f (the highway), da through σ′ and tanh′, then the matmul gate")


# ------------------------------------------------------------------ 3. GRU step backward

OTHER_CONVENTION = ("this is the other GRU convention, h = z ⊙ h_prev + (1 − z) ⊙ n (Cho et al. "
                    "2014, PyTorch, d2l); this course and its cache use h = (1 − z) ⊙ h_prev + "
                    "z ⊙ n (Chung et al. 2014): swap z and 1 − z")


def _gru_backward(dh, cache, mistake: str = ""):
    """One GRU step backward from the cache of ``layers.gru_step_forward``, or the answer a
    classic ``mistake`` gives (a key of :data:`_GRU_MISTAKES`; "" for the right one)."""
    x, h_prev, Wx, Wh, zrn = cache
    H = h_prev.shape[1]
    z, r, n = np.split(zrn, 3, axis=1)
    Wh_zr, Wh_n = Wh[:, :2 * H], Wh[:, 2 * H:]
    keep, take = (z, 1 - z) if mistake == "other convention" else (1 - z, z)
    # h = keep ⊙ h_prev + take ⊙ n
    dz = dh * (h_prev - n) if mistake in ("other convention", "dz sign") else dh * (n - h_prev)
    dn = dh * (1 - z if mistake == "dn = dh (1 - z)" else take)
    dh_prev = np.zeros_like(dh) if mistake == "no (1 - z) branch" else dh * keep
    slope_n = {"tanh' as sigma'": n * (1 - n), "no tanh'": np.ones_like(n),
               "tanh' at tanh n": 1 - np.tanh(n)**2}.get(mistake, 1 - n**2)
    da_n = dn * slope_n
    if mistake == "reset after Wh_n":        # backward of r ⊙ (h_prev·Wh_n), not (r ⊙ h_prev)·Wh_n
        dr = da_n * (h_prev @ Wh_n)
        dWh_n = h_prev.T @ (da_n * r)
        dh_prev = dh_prev + (da_n * r) @ Wh_n.T
    else:
        drh = da_n @ Wh_n.T                  # gradient of r ⊙ h_prev
        dr = drh * h_prev
        dWh_n = (h_prev if mistake == "dWh_n from h_prev" else r * h_prev).T @ da_n
        if mistake != "no reset path":
            dh_prev = dh_prev + drh * r
    slope_z = {"sigma' as tanh' z": 1 - z**2, "sigma' at sigma zr": _sigma_of(z)}.get(
        mistake, z * (1 - z))
    slope_r = {"sigma' as tanh' r": 1 - r**2, "sigma' at sigma zr": _sigma_of(r)}.get(
        mistake, r * (1 - r))
    da_zr = np.concatenate([dz * slope_z, dr * slope_r], axis=1)
    if mistake != "no gates path":
        dh_prev = dh_prev + da_zr @ Wh_zr.T
    blocks = [da_zr[:, H:], da_zr[:, :H]] if mistake == "order r, z, n" else [da_zr]
    da = np.concatenate([*blocks, da_n], axis=1)
    dx = da @ Wx.T
    dWx, dWh_zr, db = _weight_grads(x, h_prev, da, mistake)
    if mistake == "transposed":
        dWh = np.concatenate([h_prev.T @ da[:, :2 * H], dWh_n], axis=1).T
    else:
        dWh = np.concatenate([dWh_zr[:, :2 * H], dWh_n], axis=1)
    return dx, dh_prev, dWx, dWh, db


_GRU_MISTAKES = {
    "other convention": OTHER_CONVENTION,
    "no (1 - z) branch": "h_prev also reaches h_t directly, through (1 − z) ⊙ h_prev: add "
                         "dh ⊙ (1 − z) to dh_prev (the GRU's highway)",
    "dz sign": "∂h/∂z = n − h_prev: the (1 − z) ⊙ h_prev term gives −h_prev (check the sign "
               "of dz)",
    "dn = dh (1 - z)": "the candidate enters h_t as z ⊙ n, so dn = dh ⊙ z",
    "reset after Wh_n": "here the reset gate multiplies h_prev *before* Wh_n: n = tanh(x·Wx_n "
                        "+ (r ⊙ h_prev)·Wh_n + b_n); that backward is for r ⊙ (h_prev·Wh_n), "
                        "PyTorch's form",
    "dWh_n from h_prev": "Wh_n multiplies r ⊙ h_prev, so dWh_n = (r ⊙ h_prev)ᵀ·da_n",
    "no reset path": "h_prev also reaches the candidate through r ⊙ h_prev: add "
                     "(da_n·Wh_nᵀ) ⊙ r to dh_prev",
    "no gates path": "h_prev also feeds the gates z and r through Wh_z and Wh_r: add "
                     "[da_z | da_r]·Wh_zrᵀ to dh_prev",
    "tanh' as sigma'": "n = tanh(a_n): its slope is 1 − n², not n(1 − n)",
    "no tanh'": "n = tanh(a_n): multiply dn by its slope 1 − n²",
    "sigma' as tanh' z": "z is a sigmoid: σ′ = z(1 − z), not 1 − z²",
    "sigma' as tanh' r": "r is a sigmoid: σ′ = r(1 − r), not 1 − r²",
    "sigma' at sigma zr": "the cache holds z and r *after* the sigmoid: σ′ = z(1 − z) from the "
                          "cached value; σ(z)(1 − σ(z)) applies the sigmoid a second time",
    "tanh' at tanh n": "the cache holds n = tanh(a_n) already: its slope is 1 − n², not "
                       "1 − tanh²(n) (that applies the tanh a second time)",
    "order r, z, n": "the blocks of da go in the order of the weights' columns: z, r, n",
    "transposed": _TRANSPOSED,
    "db over rows": _DB_ROWS,
}
_GRU_NAMES = ("dx", "dh_prev", "dWx", "dWh", "db")
_GRU_REFERENCE = (layers.gru_step_backward, layers.gru_backward, _gru._cell_backward,
                  layers.lstm_step_backward, layers.lstm_backward, _gru_backward)


def _gru_case(rng, N, D, H):
    """A fresh GRU step: (dh, cache) from ``layers.gru_step_forward``."""
    _, cache = layers.gru_step_forward(*_inputs(rng, N, D, H, 3))
    return rng.standard_normal((N, H)), cache


@exercise("07", 3, "build it: gru_step_backward")
def check_gru_step_backward(gru_step_backward) -> bool:
    """``gru_step_backward(dh, cache)`` with the cache of ``gru_step_forward``
    ``(x, h_prev, Wx, Wh, zrn)`` → dx, dh_prev, dWx, dWh, db."""
    rng = _rng()
    for label, N, D, H in _CASES:
        dh, cache = _gru_case(rng, N, D, H)
        ok, answer = call_learner(gru_step_backward, dh, cache, forbid=_GRU_REFERENCE)
        if not ok:
            return not_yet(answer)
        mistakes = [(hint, _gru_backward(dh, cache, key)) for key, hint in _GRU_MISTAKES.items()]
        ok, hint = compare(answer, tuple(layers.gru_step_backward(dh, cache)), names=_GRU_NAMES,
                           mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("the GRU step backward: h_prev collects four paths (the (1 − z) branch, the "
                  "reset path, and the two gates), and dz = dh ⊙ (n − h_prev)")


# ------------------------------------------------------------------ 4. stretch: PyTorch's GRU

def _bias(fname: str, name: str, b, H: int) -> np.ndarray:
    b = _v.float_array(fname, name, b)
    if b.shape != (3 * H,):
        raise ValueError(f"{fname}: {name} expects shape ({3 * H},) (3·H with H={H} from "
                         f"h_prev, blocks z, r, n), got shape {b.shape}")
    return b


def gru_torch_step_forward(x, h_prev, Wx, Wh, bx, bh):
    """One GRU step as PyTorch's ``nn.GRU`` computes it (its blocks kept in our order z, r, n).

    z = σ(x·Wx_z + bx_z + h_prev·Wh_z + bh_z),  r = σ(x·Wx_r + bx_r + h_prev·Wh_r + bh_r),
    n = tanh(x·Wx_n + bx_n + r ⊙ (h_prev·Wh_n + bh_n)),  h = z ⊙ h_prev + (1 − z) ⊙ n.

    Args:
        x: (N, D); h_prev: (N, H); Wx: (D, 3H); Wh: (H, 3H); bx, bh: (3H,).

    Returns:
        h (N, H) and cache (x, h_prev, Wx, Wh, zrn, hn): zrn = [z | r | n] (N, 3H) and
        hn = h_prev·Wh_n + bh_n (N, H), the bracket the reset gate multiplies. The arrays of
        the cache are copies.
    """
    fname = "gru_torch_step_forward"
    H = _v.float_array(fname, "h_prev", h_prev, ndim=2, layout="(N, H)").shape[1]
    bx, bh = (_bias(fname, name, b, H) for name, b in (("bx", bx), ("bh", bh)))
    x, h_prev, Wx, Wh, bx = _v.recurrent_args(fname, x, h_prev, Wx, Wh, bx, gates=3,
                                              sequence=False, gate_names="z, r, n")
    a = x @ Wx + bx
    ah = h_prev @ Wh + bh
    zr = _sigmoid(a[:, :2 * H] + ah[:, :2 * H])
    z, r = zr[:, :H], zr[:, H:]
    hn = ah[:, 2 * H:]
    n = np.tanh(a[:, 2 * H:] + r * hn)
    h = z * h_prev + (1 - z) * n
    return h, (x, h_prev, Wx, Wh, np.concatenate([zr, n], axis=1), hn)


def _torch_backward(dh, cache, mistake: str = ""):
    """Backward of :func:`gru_torch_step_forward` → dx, dh_prev, dWx, dWh, dbx, dbh, or the
    answer a classic ``mistake`` gives (a key of :data:`_TORCH_MISTAKES`)."""
    x, h_prev, Wx, Wh, zrn, hn = cache
    H = h_prev.shape[1]
    z, r, n = np.split(zrn, 3, axis=1)
    keep, take = (1 - z, z) if mistake == "course convention" else (z, 1 - z)
    dz = dh * (n - h_prev) if mistake == "course convention" else dh * (h_prev - n)
    dn = dh * take
    dh_prev = dh * keep
    da_n = dn * (1 - n**2)                               # gradient of x·Wx_n + bx_n + r ⊙ hn
    if mistake == "reset before Wh_n":               # the course's rule: (r ⊙ h_prev)·Wh_n
        drh = da_n @ Wh[:, 2 * H:].T
        dr = drh * h_prev
        dhn = da_n                                   # as if bh_n sat outside the reset
        dWh_n = (r * h_prev).T @ da_n
        dh_prev = dh_prev + drh * r
    else:
        dhn = da_n if mistake == "dbh_n without r" else da_n * r
        dr = da_n * (h_prev @ Wh[:, 2 * H:] if mistake == "dr without bh_n" else hn)
        dWh_n = h_prev.T @ (da_n * r)
        dh_prev = dh_prev + (da_n * r) @ Wh[:, 2 * H:].T
    da_zr = np.concatenate([dz * z * (1 - z), dr * r * (1 - r)], axis=1)
    dh_prev = dh_prev + da_zr @ Wh[:, :2 * H].T
    da = np.concatenate([da_zr, da_n], axis=1)
    dbh = np.concatenate([da_zr.sum(axis=0), dhn.sum(axis=0)])
    dWh = np.concatenate([h_prev.T @ da_zr, dWh_n], axis=1)
    return da @ Wx.T, dh_prev, x.T @ da, dWh, da.sum(axis=0), dbh


_TORCH_MISTAKES = {
    "course convention": "this is the course's convention, h = (1 − z) ⊙ h_prev + z ⊙ n; "
                         "PyTorch keeps h = z ⊙ h_prev + (1 − z) ⊙ n: swap z and 1 − z",
    "reset before Wh_n": "PyTorch's reset gate multiplies the bracket *after* the product: "
                         "n = tanh(x·Wx_n + bx_n + r ⊙ (h_prev·Wh_n + bh_n))",
    "dbh_n without r": "bh_n sits inside r ⊙ (h_prev·Wh_n + bh_n), bx_n outside: dbh_n "
                       "carries the factor r (dbh_n = Σ da_n ⊙ r)",
    "dr without bh_n": "dr = da_n ⊙ (h_prev·Wh_n + bh_n) — the cached hn, bias included",
}
_TORCH_NAMES = ("dx", "dh_prev", "dWx", "dWh", "dbx", "dbh")


def _torch_case(rng, N, D, H):
    _, cache = gru_torch_step_forward(*_inputs(rng, N, D, H, 3), 0.5 * rng.standard_normal(3 * H))
    return rng.standard_normal((N, H)), cache


@exercise("07", 4, "stretch: the GRU as PyTorch computes it")
def check_gru_torch_step_backward(gru_torch_step_backward) -> bool:
    """``gru_torch_step_backward(dh, cache)`` with the cache of :func:`gru_torch_step_forward`
    → dx, dh_prev, dWx, dWh, dbx, dbh."""
    rng = _rng()
    for label, N, D, H in _CASES:
        dh, cache = _torch_case(rng, N, D, H)
        ok, answer = call_learner(gru_torch_step_backward, dh, cache, forbid=(_torch_backward,))
        if not ok:
            return not_yet(answer)
        mistakes = [(hint, _torch_backward(dh, cache, key))
                    for key, hint in _TORCH_MISTAKES.items()]
        ok, hint = compare(answer, _torch_backward(dh, cache), names=_TORCH_NAMES,
                           mistakes=mistakes)
        if not ok:
            return not_yet(f"on {label}: {hint}")
    return passed("PyTorch's GRU backward: z and 1 − z swap places, and the reset gate scales "
                  "the whole bracket h_prev·Wh_n + bh_n, so dr reads hn and dbh_n carries r")
