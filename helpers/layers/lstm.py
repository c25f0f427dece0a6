"""Long short-term memory (LSTM) layer.

a = x_t·Wx + h_{t−1}·Wh + b, split into four blocks of H columns in the order i, f, o, g:
i = σ(a_i), f = σ(a_f), o = σ(a_o) are 게이트 gates, g = tanh(a_g) the candidate;
c_t = f ⊙ c_{t−1} + i ⊙ g (셀 상태 cell state), h_t = o ⊙ tanh(c_t) (은닉 상태 hidden state).
"""

from __future__ import annotations

import numpy as np

from . import _validate as v
from .rnn import flat

GATES = "i, f, o, g"
_STEP = v.cache_spec("x: float N D, h_prev: float N H, c_prev: float N H, Wx: float D G, "
                     "Wh: float H G, ifog: float N G, tanh_c: float N H")
_SEQUENCE = v.cache_spec("x: float N T D, h0: float N H, Wx: float D G, Wh: float H G, "
                         "ifog: float N T G, c: float N T H, tanh_c: float N T H, "
                         "h: float N T H")


def _gates(a, out=None):
    """Activated gates from pre-activations a (N, 4H): σ on i, f, o and tanh on g.

    Returns one array (N, 4H) holding [i | f | o | g] (written into ``out`` if given).
    σ(a) is computed as (1 + tanh(a/2)) / 2, the same function as 1 / (1 + e^−a): one tanh
    instead of exp, abs, a choice of branch and a division on every step, and nothing overflows.
    """
    H = a.shape[1] // 4
    ifog = np.empty_like(a) if out is None else out
    ifo = ifog[:, :3 * H]
    np.multiply(a[:, :3 * H], 0.5, out=ifo)
    np.tanh(ifo, out=ifo)
    ifo += 1.0
    ifo *= 0.5
    np.tanh(a[:, 3 * H:], out=ifog[:, 3 * H:])
    return ifog


def _split(ifog):
    """The four gate blocks [i | f | o | g] of an (N, 4H) array, as views (N, H) each."""
    H = ifog.shape[1] // 4
    return ifog[:, :H], ifog[:, H:2 * H], ifog[:, 2 * H:3 * H], ifog[:, 3 * H:]


def _gates_backward(dh, dc, c_prev, ifog, tanh_c, out=None):
    """Backward through one cell update, mirroring it line by line.

    Args:
        dh, dc: upstream gradients of h_t and c_t, shape (N, H).
        c_prev: c_{t−1}, shape (N, H); ifog: [i | f | o | g], shape (N, 4H);
        tanh_c: tanh(c_t), shape (N, H).
        out: optional (N, 4H) array to write da into.

    Returns:
        da: gradient of the pre-activations [da_i | da_f | da_o | da_g], shape (N, 4H).
        dc_prev: shape (N, H).
    """
    i, f, o, g = _split(ifog)
    H = i.shape[1]
    da = np.empty_like(ifog) if out is None else out
    di, df, do, dg = _split(da)            # views of da's blocks: σ′ and tanh′ are applied last
    # h = o ⊙ tanh(c)
    np.multiply(dh, tanh_c, out=do)
    dc = dc + dh * o * (1.0 - tanh_c**2)   # c reaches the loss directly and through h
    # c = f ⊙ c_prev + i ⊙ g
    np.multiply(dc, g, out=di)
    np.multiply(dc, c_prev, out=df)
    np.multiply(dc, i, out=dg)
    dc_prev = dc * f
    # i, f, o = σ(a_i), σ(a_f), σ(a_o) with σ′ = σ(1 − σ), three blocks at once; g = tanh(a_g)
    ifo = ifog[:, :3 * H]
    da[:, :3 * H] *= ifo * (1.0 - ifo)
    dg *= 1.0 - g**2
    return da, dc_prev


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One LSTM time step, forward.

    Args:
        x: inputs, shape (N, D).
        h_prev: previous hidden state, shape (N, H).
        c_prev: previous cell state, shape (N, H).
        Wx: shape (D, 4H); Wh: shape (H, 4H); b: shape (4H,) — column blocks i, f, o, g.

    Returns:
        h: next hidden state, shape (N, H).
        c: next cell state, shape (N, H).
        cache: (x, h_prev, c_prev, Wx, Wh, ifog, tanh_c) with ifog = [i | f | o | g] (N, 4H);
            copies of the inputs (h and c themselves are not kept).
    """
    fname = "lstm_step_forward"
    x, h_prev, Wx, Wh, b = v.recurrent_args(fname, x, h_prev, Wx, Wh, b, gates=4,
                                            sequence=False, gate_names=GATES)
    c_prev = v.grad_shape(fname, c_prev, h_prev.shape, name="c_prev", what="h_prev's shape",
                          copy=True)
    ifog = _gates(x @ Wx + h_prev @ Wh + b)
    i, f, o, g = _split(ifog)
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    cache = v.Cache(fname, (x, h_prev, c_prev, Wx, Wh, ifog, tanh_c))
    return h, c, cache


def lstm_step_backward(dh, dc, cache):
    """One LSTM time step, backward.

    Args:
        dh: upstream gradient of h, shape (N, H).
        dc: upstream gradient of c, shape (N, H).
        cache: from :func:`lstm_step_forward`.

    Returns:
        dx (N, D), dh_prev (N, H), dc_prev (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    x, h_prev, c_prev, Wx, Wh, ifog, tanh_c = v.cache("lstm_step_backward", cache,
                                                      "lstm_step_forward", _STEP)
    dh = v.grad_shape("lstm_step_backward", dh, tanh_c.shape, name="dh")
    dc = v.grad_shape("lstm_step_backward", dc, tanh_c.shape, name="dc")
    da, dc_prev = _gates_backward(dh, dc, c_prev, ifog, tanh_c)
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """An LSTM over a whole sequence, forward; the initial cell state c0 is zero.

    The input projections x_t·Wx + b of every step are one matrix product before the loop.

    Args:
        x: inputs, shape (N, T, D).
        h0: initial hidden state, shape (N, H).
        Wx: shape (D, 4H); Wh: shape (H, 4H); b: shape (4H,) — column blocks i, f, o, g.

    Returns:
        h: every hidden state, shape (N, T, H).
        cache: (x, h0, Wx, Wh, ifog, c, tanh_c, h); ifog (N, T, 4H), c and tanh_c (N, T, H);
            all the layer's own (x, h0, Wx, Wh and h are copies).
    """
    x, h0, Wx, Wh, b = v.recurrent_args("lstm_forward", x, h0, Wx, Wh, b, gates=4,
                                        sequence=True, h_name="h0", gate_names=GATES)
    N, T, _ = x.shape
    H = h0.shape[1]
    xWx = x @ Wx + b                               # (N, T, 4H), all steps at once
    ifog = np.empty((N, T, 4 * H))
    c = np.empty((N, T, H))
    tanh_c = np.empty((N, T, H))
    h = np.empty((N, T, H))
    h_prev, c_prev = h0, np.zeros_like(h0)
    for t in range(T):
        _gates(xWx[:, t] + h_prev @ Wh, out=ifog[:, t])
        i, f, o, g = _split(ifog[:, t])
        c[:, t] = f * c_prev + i * g
        tanh_c[:, t] = np.tanh(c[:, t])
        h[:, t] = o * tanh_c[:, t]
        h_prev, c_prev = h[:, t], c[:, t]
    cache = v.Cache("lstm_forward", (x, h0, Wx, Wh, ifog, c, tanh_c, v.own_copy(h)))
    return h, cache


def lstm_backward(dh, cache):
    """An LSTM over a whole sequence, backward (backpropagation through time).

    Args:
        dh: upstream gradient of every hidden state, shape (N, T, H).
        cache: from :func:`lstm_forward`.

    Returns:
        dx (N, T, D), dh0 (N, H), dWx (D, 4H), dWh (H, 4H), db (4H,).
    """
    x, h0, Wx, Wh, ifog, c, tanh_c, h = v.cache("lstm_backward", cache, "lstm_forward",
                                                _SEQUENCE)
    dh = v.grad_shape("lstm_backward", dh, h.shape, name="dh")
    T = x.shape[1]
    c_prev = np.concatenate([np.zeros_like(h0)[:, None], c[:, :-1]], axis=1)  # c_{t−1}
    da = np.empty_like(ifog)
    dh_next = np.zeros_like(h0)       # gradients flowing back from step t + 1
    dc_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        _, dc_next = _gates_backward(dh[:, t] + dh_next, dc_next, c_prev[:, t], ifog[:, t],
                                     tanh_c[:, t], out=da[:, t])
        dh_next = da[:, t] @ Wh.T
    dh0 = dh_next
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)   # h_{t−1}
    dx = da @ Wx.T
    dWx = flat(x).T @ flat(da)
    dWh = flat(h_prev).T @ flat(da)
    db = da.sum(axis=(0, 1))
    return dx, dh0, dWx, dWh, db
