"""Gated recurrent unit (GRU) layer.

Three blocks of H columns in the order z, r, n (update gate, reset gate, candidate):
z = σ(x_t·Wx_z + h_{t−1}·Wh_z + b_z), r = σ(x_t·Wx_r + h_{t−1}·Wh_r + b_r),
n = tanh(x_t·Wx_n + (r ⊙ h_{t−1})·Wh_n + b_n), h_t = (1 − z) ⊙ h_{t−1} + z ⊙ n.
(The reset gate multiplies h_{t−1} before Wh_n, as in the original GRU paper; PyTorch applies
it after the product, so its numbers differ.)
"""

from __future__ import annotations

import numpy as np

from . import _validate as v
from .activations import _sigmoid as sigmoid
from .rnn import flat

GATES = "z, r, n"
_STEP = v.cache_spec("x: float N D, h_prev: float N H, Wx: float D G, Wh: float H G, "
                     "zrn: float N G")
_SEQUENCE = v.cache_spec("x: float N T D, h0: float N H, Wx: float D G, Wh: float H G, "
                         "zrn: float N T G, h: float N T H")


def _cell(xWx, h_prev, Wh):
    """One GRU update from the input projection xWx = x·Wx + b (N, 3H) and h_prev (N, H).

    Returns h (N, H) and zrn = [z | r | n] (N, 3H).
    """
    H = h_prev.shape[1]
    Wh_zr, Wh_n = Wh[:, :2 * H], Wh[:, 2 * H:]
    zr = sigmoid(xWx[:, :2 * H] + h_prev @ Wh_zr)
    z, r = zr[:, :H], zr[:, H:]
    n = np.tanh(xWx[:, 2 * H:] + (r * h_prev) @ Wh_n)
    h = (1.0 - z) * h_prev + z * n
    return h, np.concatenate([z, r, n], axis=1)


def _cell_backward(dh, h_prev, zrn, Wh):
    """Backward through :func:`_cell`, mirroring it line by line (weight gradients aside).

    Args:
        dh: upstream gradient of h_t, shape (N, H).
        h_prev: h_{t−1}, shape (N, H); zrn: [z | r | n], shape (N, 3H); Wh: shape (H, 3H).

    Returns:
        da: gradient of the pre-activations [da_z | da_r | da_n], shape (N, 3H).
        dh_prev: shape (N, H).
    """
    H = h_prev.shape[1]
    z, r, n = zrn[:, :H], zrn[:, H:2 * H], zrn[:, 2 * H:]
    Wh_zr, Wh_n = Wh[:, :2 * H], Wh[:, 2 * H:]
    # h = (1 − z) ⊙ h_prev + z ⊙ n
    dz = dh * (n - h_prev)
    dn = dh * z
    dh_prev = dh * (1.0 - z)
    # n = tanh(a_n),  a_n = x·Wx_n + (r ⊙ h_prev)·Wh_n + b_n
    da_n = dn * (1.0 - n**2)
    drh = da_n @ Wh_n.T                 # gradient of r ⊙ h_prev
    dr = drh * h_prev
    dh_prev += drh * r
    # z, r = σ(a_z), σ(a_r),  [a_z | a_r] = x·Wx_zr + h_prev·Wh_zr + b_zr
    da_z = dz * z * (1.0 - z)
    da_r = dr * r * (1.0 - r)
    dh_prev += np.concatenate([da_z, da_r], axis=1) @ Wh_zr.T
    da = np.concatenate([da_z, da_r, da_n], axis=1)
    return da, dh_prev


def gru_step_forward(x, h_prev, Wx, Wh, b):
    """One GRU time step, forward.

    Args:
        x: inputs, shape (N, D).
        h_prev: previous hidden state, shape (N, H).
        Wx: shape (D, 3H); Wh: shape (H, 3H); b: shape (3H,) — column blocks z, r, n.

    Returns:
        h: next hidden state, shape (N, H).
        cache: (x, h_prev, Wx, Wh, zrn) with zrn = [z | r | n] (N, 3H); copies of the inputs
            (h itself is not kept).
    """
    x, h_prev, Wx, Wh, b = v.recurrent_args("gru_step_forward", x, h_prev, Wx, Wh, b,
                                            gates=3, sequence=False, gate_names=GATES)
    h, zrn = _cell(x @ Wx + b, h_prev, Wh)
    cache = v.Cache("gru_step_forward", (x, h_prev, Wx, Wh, zrn))
    return h, cache


def gru_step_backward(dh, cache):
    """One GRU time step, backward.

    Args:
        dh: upstream gradient of h, shape (N, H).
        cache: from :func:`gru_step_forward`.

    Returns:
        dx (N, D), dh_prev (N, H), dWx (D, 3H), dWh (H, 3H), db (3H,).
    """
    x, h_prev, Wx, Wh, zrn = v.cache("gru_step_backward", cache, "gru_step_forward", _STEP)
    dh = v.grad_shape("gru_step_backward", dh, h_prev.shape, name="dh")
    H = h_prev.shape[1]
    da, dh_prev = _cell_backward(dh, h_prev, zrn, Wh)
    dx = da @ Wx.T
    dWx = x.T @ da
    dWh = np.concatenate([h_prev.T @ da[:, :2 * H],                           # z, r blocks
                          (zrn[:, H:2 * H] * h_prev).T @ da[:, 2 * H:]], axis=1)  # n block
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db


def gru_forward(x, h0, Wx, Wh, b):
    """A GRU over a whole sequence, forward.

    The input projections x_t·Wx + b of every step are one matrix product before the loop.

    Args:
        x: inputs, shape (N, T, D).
        h0: initial hidden state, shape (N, H).
        Wx: shape (D, 3H); Wh: shape (H, 3H); b: shape (3H,) — column blocks z, r, n.

    Returns:
        h: every hidden state, shape (N, T, H).
        cache: (x, h0, Wx, Wh, zrn, h); zrn (N, T, 3H); all the layer's own (x, h0, Wx, Wh
            and h are copies).
    """
    x, h0, Wx, Wh, b = v.recurrent_args("gru_forward", x, h0, Wx, Wh, b, gates=3,
                                        sequence=True, h_name="h0", gate_names=GATES)
    N, T, _ = x.shape
    H = h0.shape[1]
    xWx = x @ Wx + b                               # (N, T, 3H), all steps at once
    zrn = np.empty((N, T, 3 * H))
    h = np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_prev, zrn[:, t] = _cell(xWx[:, t], h_prev, Wh)
        h[:, t] = h_prev
    cache = v.Cache("gru_forward", (x, h0, Wx, Wh, zrn, v.own_copy(h)))
    return h, cache


def gru_backward(dh, cache):
    """A GRU over a whole sequence, backward (backpropagation through time).

    Args:
        dh: upstream gradient of every hidden state, shape (N, T, H).
        cache: from :func:`gru_forward`.

    Returns:
        dx (N, T, D), dh0 (N, H), dWx (D, 3H), dWh (H, 3H), db (3H,).
    """
    x, h0, Wx, Wh, zrn, h = v.cache("gru_backward", cache, "gru_forward", _SEQUENCE)
    dh = v.grad_shape("gru_backward", dh, h.shape, name="dh")
    T, H = x.shape[1], h0.shape[1]
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)   # h_{t−1}, (N, T, H)
    da = np.empty_like(zrn)
    dh_next = np.zeros_like(h0)        # gradient flowing back from step t + 1
    for t in reversed(range(T)):
        da[:, t], dh_next = _cell_backward(dh[:, t] + dh_next, h_prev[:, t], zrn[:, t], Wh)
    dh0 = dh_next
    dx = da @ Wx.T
    dWx = flat(x).T @ flat(da)
    rh_prev = zrn[:, :, H:2 * H] * h_prev                      # r_t ⊙ h_{t−1}
    dWh = np.concatenate([flat(h_prev).T @ flat(da[:, :, :2 * H]),
                          flat(rh_prev).T @ flat(da[:, :, 2 * H:])], axis=1)
    db = da.sum(axis=(0, 1))
    return dx, dh0, dWx, dWh, db
