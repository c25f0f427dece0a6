"""Vanilla recurrent layer (순환 신경망 RNN): h_t = tanh(x_t·Wx + h_{t−1}·Wh + b)."""

from __future__ import annotations

import numpy as np

from . import _validate as v

_STEP = v.cache_spec("x: float N D, h_prev: float N H, Wx: float D H, Wh: float H H, "
                     "h: float N H")
_SEQUENCE = v.cache_spec("x: float N T D, h0: float N H, Wx: float D H, Wh: float H H, "
                         "h: float N T H")


def flat(a: np.ndarray) -> np.ndarray:
    """View a sequence array (N, T, K) as (N·T, K): one row per (example, step).

    Sums over the batch and the time steps then become one matrix product, e.g.
    dWx = Σ_t x_tᵀ·da_t = flat(x)ᵀ·flat(da).
    """
    N, T, K = a.shape
    return a.reshape(N * T, K)


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One RNN time step, forward.

    Args:
        x: inputs, shape (N, D).
        h_prev: previous hidden state (은닉 상태), shape (N, H).
        Wx: input-to-hidden weights, shape (D, H).
        Wh: hidden-to-hidden weights, shape (H, H).
        b: bias, shape (H,).

    Returns:
        h: next hidden state, shape (N, H).
        cache: (x, h_prev, Wx, Wh, h), every array a copy of the layer's own.
    """
    x, h_prev, Wx, Wh, b = v.recurrent_args("rnn_step_forward", x, h_prev, Wx, Wh, b,
                                            gates=1, sequence=False)
    a = x @ Wx + h_prev @ Wh + b
    h = np.tanh(a)
    cache = v.Cache("rnn_step_forward", (x, h_prev, Wx, Wh, v.own_copy(h)))
    return h, cache


def rnn_step_backward(dh, cache):
    """One RNN time step, backward.

    Args:
        dh: upstream gradient of h, shape (N, H).
        cache: from :func:`rnn_step_forward`.

    Returns:
        dx (N, D), dh_prev (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    x, h_prev, Wx, Wh, h = v.cache("rnn_step_backward", cache, "rnn_step_forward", _STEP)
    dh = v.grad_shape("rnn_step_backward", dh, h.shape, name="dh")
    da = dh * (1.0 - h**2)              # through tanh
    dx = da @ Wx.T
    dh_prev = da @ Wh.T
    dWx = x.T @ da
    dWh = h_prev.T @ da
    db = da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """An RNN over a whole sequence, forward.

    The input projections x_t·Wx + b of every step are computed in one matrix product before
    the loop; only h_{t−1}·Wh has to wait for the previous step.

    Args:
        x: inputs, shape (N, T, D).
        h0: initial hidden state, shape (N, H).
        Wx: shape (D, H); Wh: shape (H, H); b: shape (H,).

    Returns:
        h: every hidden state, shape (N, T, H).
        cache: (x, h0, Wx, Wh, h); all copies of the layer's own (BPTT needs every h_t: the
            cache keeps a copy of h, so editing the returned h leaves backward unchanged).
    """
    x, h0, Wx, Wh, b = v.recurrent_args("rnn_forward", x, h0, Wx, Wh, b, gates=1,
                                        sequence=True, h_name="h0")
    N, T, _ = x.shape
    xWx = x @ Wx + b                    # (N, T, H), all steps at once
    h = np.empty((N, T, h0.shape[1]))
    h_prev = h0
    for t in range(T):
        h_prev = h[:, t] = np.tanh(xWx[:, t] + h_prev @ Wh)
    cache = v.Cache("rnn_forward", (x, h0, Wx, Wh, v.own_copy(h)))
    return h, cache


def rnn_backward(dh, cache):
    """An RNN over a whole sequence, backward (backpropagation through time).

    Args:
        dh: upstream gradient of every hidden state, shape (N, T, H).
        cache: from :func:`rnn_forward`.

    Returns:
        dx (N, T, D), dh0 (N, H), dWx (D, H), dWh (H, H), db (H,).
    """
    x, h0, Wx, Wh, h = v.cache("rnn_backward", cache, "rnn_forward", _SEQUENCE)
    dh = v.grad_shape("rnn_backward", dh, h.shape, name="dh")
    T = x.shape[1]
    da = np.empty_like(h)               # gradient of each step's pre-activation
    dh_next = np.zeros_like(h0)         # gradient flowing back from step t + 1
    for t in reversed(range(T)):
        da[:, t] = (dh[:, t] + dh_next) * (1.0 - h[:, t] ** 2)
        dh_next = da[:, t] @ Wh.T
    dh0 = dh_next
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)   # (N, T, H): h_{t−1}
    dx = da @ Wx.T
    dWx = flat(x).T @ flat(da)          # Σ_t x_tᵀ·da_t in one matmul
    dWh = flat(h_prev).T @ flat(da)     # Σ_t h_{t−1}ᵀ·da_t
    db = da.sum(axis=(0, 1))
    return dx, dh0, dWx, dWh, db
