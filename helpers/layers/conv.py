"""Convolution (합성곱): conv1d, conv2d_naive (explicit loops), conv2d (im2col, vectorized).

All three compute a cross-correlation, as every deep-learning library does:

    out[n, f, i, j] = b[f] + Σ_{c, p, q} w[f, c, p, q] · x_pad[n, c, i·stride + p, j·stride + q]

with output size H′ = (H + 2·pad − HH) // stride + 1 (floor division, as PyTorch).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _validate as v

# einsum through BLAS where it can; optimize= picks how the sums are done, not what they are
# equivalent mutant `False`: the same sums, only slower
_einsum = partial(np.einsum, optimize=True)

_CONV1D = v.cache_spec("x_pad: float N C P, windows: float N C L K, w: float F C K, "
                       "stride: int, pad: int")
_CONV2D_NAIVE = v.cache_spec("x_pad: float N C P Q, w: float F C A B, stride: int, pad: int")
_CONV2D = v.cache_spec("x_shape: shape 4, col: float R S, w: float F C A B, stride: int, "
                       "pad: int")


MAX_PADDED = 2**31     # numbers in a padded input (16 GiB of float64): far beyond any course use


def _check_conv_args(fname, x, w, b, stride, pad, spatial):
    """Validate a convolution's arguments; return them as float64 plus the output sizes.

    ``spatial`` names the spatial axes: ``("length",)`` for conv1d, ``("height", "width")``
    for conv2d. ``w`` is returned as a copy (every backward needs it); ``x`` is not: the
    caches keep a padded copy or the im2col columns, arrays of their own.

    ``pad`` may be any int ≥ 0, as in PyTorch: beyond K − 1 ("full" padding) the border
    windows read padding only, so their outputs are b and they pass no gradient. Only a padded
    input of more than ``MAX_PADDED`` numbers is refused (pad=10**6 on a 4×4 image would ask
    for 29 TiB): a ValueError that names the size, instead of numpy's MemoryError.
    """
    nd = 2 + len(spatial)
    x_layout = "(N, C, L)" if nd == 3 else "(N, C, H, W)"
    w_layout = "(F, C, K)" if nd == 3 else "(F, C, HH, WW)"
    x = v.float_array(fname, "x", x, ndim=nd, layout=x_layout)
    w = v.float_array(fname, "w", w, ndim=nd, layout=w_layout, copy=True)
    shapes = f"(x.shape={x.shape}, w.shape={w.shape})"
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"{fname}: w expects {w.shape[1]} input channels but x has "
                         f"{x.shape[1]} {shapes}")
    b = v.bias(fname, b, w.shape[0], "one per filter, w.shape[0]")
    stride = v.positive_int(fname, "stride", stride, minimum=1)
    pad = v.positive_int(fname, "pad", pad, minimum=0)
    padded = x.shape[0] * x.shape[1] * np.prod([n + 2 * pad for n in x.shape[2:]], dtype=float)
    if padded > MAX_PADDED:
        raise ValueError(f"{fname}: pad={pad} would make a padded input of {padded:.3g} numbers "
                         f"({padded * 8 / 2**30:.3g} GiB); at most {MAX_PADDED:.3g} "
                         f"(16 GiB) {shapes}")
    out_sizes = tuple(v.output_size(fname, axis, n, k, stride, pad, shapes)
                      # equivalent mutant `False`: one name in spatial per axis of x and of w
                      for axis, n, k in zip(spatial, x.shape[2:], w.shape[2:], strict=True))
    return x, w, b, stride, pad, out_sizes


# ------------------------------------------------------------------------------ conv1d

def conv1d_forward(x, w, b, stride=1, pad=0):
    """1-D convolution forward pass (vectorized over a sliding-window view).

    Args:
        x: inputs, shape (N, C, L).
        w: filters, shape (F, C, K).
        b: bias, shape (F,).
        stride: step between windows (int ≥ 1).
        pad: zeros added at both ends of the length axis (int ≥ 0).

    Returns:
        out: shape (N, F, L′) with L′ = (L + 2·pad − K) // stride + 1.
        cache: (x_pad, windows, w, stride, pad); windows is a view of x_pad, shape (N, C, L′, K).
    """
    x, w, b, stride, pad, _ = _check_conv_args("conv1d_forward", x, w, b, stride, pad,
                                               ("length",))
    K = w.shape[2]
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    windows = sliding_window_view(x_pad, K, axis=2)[:, :, ::stride]     # (N, C, L′, K)
    out = _einsum("nclk,fck->nfl", windows, w) + b[:, None]
    cache = v.Cache("conv1d_forward", (x_pad, windows, w, stride, pad))
    return out, cache


def conv1d_backward(dout, cache):
    """1-D convolution backward pass.

    Args:
        dout: upstream gradient, shape (N, F, L′).
        cache: from :func:`conv1d_forward`.

    Returns:
        dx: shape (N, C, L); dw: shape (F, C, K); db: shape (F,).
    """
    x_pad, windows, w, stride, pad = v.cache("conv1d_backward", cache, "conv1d_forward",
                                             _CONV1D)
    N, C, L_out, K = windows.shape
    dout = v.grad_shape("conv1d_backward", dout, (N, w.shape[0], L_out))
    db = dout.sum(axis=(0, 2))
    dw = _einsum("nfl,nclk->fck", dout, windows)
    dx_pad = np.zeros_like(x_pad)
    for k in range(K):  # kernel offset k touched x_pad[k], x_pad[k + stride], …
        dx_pad[:, :, k:k + stride * L_out:stride] += _einsum("nfl,fc->ncl", dout, w[:, :, k])
    dx = dx_pad[:, :, pad:x_pad.shape[2] - pad]
    return dx, dw, db


# ------------------------------------------------------------------------ conv2d_naive

def conv2d_naive_forward(x, w, b, stride=1, pad=0):
    """2-D convolution forward pass with explicit loops (for teaching; slow).

    Args:
        x: inputs, shape (N, C, H, W).
        w: filters, shape (F, C, HH, WW).
        b: bias, shape (F,).
        stride: step between windows, both axes (int ≥ 1).
        pad: zeros added on every side of H and W (int ≥ 0).

    Returns:
        out: shape (N, F, H′, W′), H′ = (H + 2·pad − HH) // stride + 1, likewise W′.
        cache: (x_pad, w, stride, pad).
    """
    x, w, b, stride, pad, (H_out, W_out) = _check_conv_args(
        "conv2d_naive_forward", x, w, b, stride, pad, ("height", "width"))
    N, F = x.shape[0], w.shape[0]
    HH, WW = w.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    window = x_pad[n, :, hs:hs + HH, ws:ws + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = v.Cache("conv2d_naive_forward", (x_pad, w, stride, pad))
    return out, cache


def conv2d_naive_backward(dout, cache):
    """2-D convolution backward pass with explicit loops, mirroring the forward.

    Args:
        dout: upstream gradient, shape (N, F, H′, W′).
        cache: (x_pad, w, stride, pad) from :func:`conv2d_naive_forward`.

    Returns:
        dx: shape (N, C, H, W); dw: shape (F, C, HH, WW); db: shape (F,).
    """
    x_pad, w, stride, pad = v.cache("conv2d_naive_backward", cache, "conv2d_naive_forward",
                                    _CONV2D_NAIVE)
    N, F = x_pad.shape[0], w.shape[0]
    HH, WW = w.shape[2:]
    H_out = (x_pad.shape[2] - HH) // stride + 1
    W_out = (x_pad.shape[3] - WW) // stride + 1
    dout = v.grad_shape("conv2d_naive_backward", dout, (N, F, H_out, W_out))
    dx_pad = np.zeros_like(x_pad)
    dw = np.zeros_like(w)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    window = x_pad[n, :, hs:hs + HH, ws:ws + WW]
                    # out[n, f, i, j] = Σ window · w[f] + b[f]: each factor gets the other
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
                    dw[f] += window * dout[n, f, i, j]
                    db[f] += dout[n, f, i, j]
    dx = dx_pad[:, :, pad:x_pad.shape[2] - pad, pad:x_pad.shape[3] - pad]
    return dx, dw, db


# ------------------------------------------------------------------------------ conv2d

def conv2d_forward(x, w, b, stride=1, pad=0):
    """2-D convolution forward pass, vectorized with im2col.

    Every receptive field becomes one column of ``col`` (built once, with a sliding-window
    view and one copy); the convolution is then a single matrix product
    ``w_row (F, C·HH·WW) @ col (C·HH·WW, N·H′·W′)``.

    Args:
        x: inputs, shape (N, C, H, W).
        w: filters, shape (F, C, HH, WW).
        b: bias, shape (F,).
        stride: step between windows, both axes (int ≥ 1).
        pad: zeros added on every side of H and W (int ≥ 0).

    Returns:
        out: shape (N, F, H′, W′), H′ = (H + 2·pad − HH) // stride + 1, likewise W′.
        cache: (x_shape, col, w, stride, pad); col has shape (C·HH·WW, N·H′·W′).
    """
    x, w, b, stride, pad, (H_out, W_out) = _check_conv_args(
        "conv2d_forward", x, w, b, stride, pad, ("height", "width"))
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    x_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    x_pad[:, :, pad:pad + H, pad:pad + W] = x
    windows = sliding_window_view(x_pad, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]
    # windows: (N, C, H′, W′, HH, WW) view  →  col: (C·HH·WW, N·H′·W′) copy
    col = windows.transpose(1, 4, 5, 0, 2, 3).reshape(C * HH * WW, N * H_out * W_out)
    w_row = w.reshape(F, C * HH * WW)
    out_row = w_row @ col                                   # (F, N·H′·W′)
    out_row += b[:, None]
    out = out_row.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    cache = v.Cache("conv2d_forward", (x.shape, col, w, stride, pad))
    return np.ascontiguousarray(out), cache


def conv2d_backward(dout, cache):
    """2-D convolution backward pass, vectorized (col2im by kernel offsets).

    Args:
        dout: upstream gradient, shape (N, F, H′, W′).
        cache: (x_shape, col, w, stride, pad) from :func:`conv2d_forward`.

    Returns:
        dx: shape (N, C, H, W); dw: shape (F, C, HH, WW); db: shape (F,).
    """
    (N, C, H, W), col, w, stride, pad = v.cache("conv2d_backward", cache, "conv2d_forward",
                                                _CONV2D)
    F, _, HH, WW = w.shape
    H_out = (H + 2 * pad - HH) // stride + 1
    W_out = (W + 2 * pad - WW) // stride + 1
    dout = v.grad_shape("conv2d_backward", dout, (N, F, H_out, W_out))
    db = dout.sum(axis=(0, 2, 3))
    dout_row = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
    w_row = w.reshape(F, C * HH * WW)
    dw = (dout_row @ col.T).reshape(w.shape)
    dcol = (w_row.T @ dout_row).reshape(C, HH, WW, N, H_out, W_out)
    # col2im: the column entry for kernel offset (p, q) came from x_pad[:, :, p::stride, q::stride]
    H_pad, W_pad = H + 2 * pad, W + 2 * pad
    dx_pad = np.zeros((C, N, H_pad, W_pad))               # channel-major, like dcol[:, p, q]
    for p in range(HH):
        for q in range(WW):
            dx_pad[:, :, p:p + stride * H_out:stride, q:q + stride * W_out:stride] += dcol[:, p, q]
    dx = dx_pad[:, :, pad:H_pad - pad, pad:W_pad - pad].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(dx), dw, db
