"""Softmax over the last axis and scaled dot-product attention (어텐션, notebook 10).

Attention has no parameters of its own: each query row q_i scores every key row k_j,
s_ij = q_i·k_j / √d, the scores of a row go through a softmax, p_i = softmax(s_i), and the
output is the weighted sum of the value rows, out_i = Σ_j p_ij v_j. Backward walks the same three
steps in reverse: the weighted sum (a matmul gate), the softmax Jacobian diag(p) − p pᵀ of
notebook 04 applied row by row, and the scores into both the queries and the keys.

A boolean ``mask`` (True where a query may attend) removes keys from a row: their score is
−∞ before the softmax, so their weight is exactly 0 and they receive no gradient. A row with
no True at all would be 0/0; it is refused with a ValueError that names the row.

Nothing the caller does after forward changes backward: the caches hold the layer's own copies
of q, k, v and the weights p (the outputs are fresh arrays that the cache does not share).
"""

from __future__ import annotations

import numpy as np

from . import _validate as v
from ._validate import Cache  # attention_forward's argument v hides the module there

__all__ = ["softmax_forward", "softmax_backward", "attention_forward", "attention_backward",
           "attention_weights"]

_SOFTMAX = v.cache_spec("p: float *")
_ATTENTION = v.cache_spec("q: float N T E, k: float N S E, v: float N S F, p: float N T S")


# ------------------------------------------------------------------------- shared pieces

def _softmax(s: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, in place on ``s`` (which the caller owns); returns ``s``.

    Each row is shifted by its maximum first, so the largest exponent is e⁰ = 1: nothing
    overflows, and −∞ entries (masked keys) become exactly 0.
    """
    with np.errstate(over="ignore"):     # x − max below −1.8e308 is −∞: its weight is 0 anyway
        s -= s.max(axis=-1, keepdims=True)
    np.exp(s, out=s)
    s /= s.sum(axis=-1, keepdims=True)
    return s


def _softmax_backward(dp: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Row by row, ds = dp · (diag(p) − p pᵀ) = p ⊙ (dp − Σ_j dp_j p_j); shapes (…, C).

    Computed in place on ``dp`` (which the caller owns); returns it.
    """
    dp -= np.einsum("...j,...j->...", dp, p)[..., None]
    dp *= p
    return dp


# ------------------------------------------------------------------------------- softmax

def softmax_forward(x):
    """Softmax over the last axis: out[..., i] = e^{x_i} / Σ_j e^{x_j}, stable for large |x|.

    Args:
        x: scores, shape (..., C) with C ≥ 1, finite.

    Returns:
        out: probabilities, shape of x; every row (last axis) sums to 1.
        cache: (p,), the layer's own copy of out (the Jacobian diag(p) − p pᵀ needs only p).
    """
    fname = "softmax_forward"
    x = v.float_array(fname, "x", x)
    if x.ndim == 0 or x.shape[-1] == 0:
        raise ValueError(f"{fname}: x expects at least one axis with C ≥ 1 entries (…, C), "
                         f"got shape {x.shape}")
    p = _softmax(x.copy())          # in place, in a buffer of our own
    return v.own_copy(p), v.Cache(fname, (p,))


def softmax_backward(dout, cache):
    """Softmax backward: dx = p ⊙ (dout − Σ_i dout_i p_i) row by row, i.e. dout·(diag(p) − p pᵀ).

    Args:
        dout: upstream gradient, shape (..., C) of the forward output.
        cache: (p,) from :func:`softmax_forward`.

    Returns:
        dx: shape (..., C); an exact zero is +0.0 (where p underflowed to 0).
    """
    (p,) = v.cache("softmax_backward", cache, "softmax_forward", _SOFTMAX)
    dout = v.grad_shape("softmax_backward", dout, p.shape)
    dx = _softmax_backward(dout.copy(), p)
    dx += 0.0                       # −0.0 (p = 0 times a negative difference) → +0.0
    return dx


# ----------------------------------------------------------------------------- attention

def _attention_args(fname, q, k, v_, mask):
    """Validate q (N, Tq, d), k (N, Tk, d), v (N, Tk, dv) (``v_`` None: skip it) and the mask.

    Returns owned float64 copies q, k, v (or None) and the mask (or None).
    """
    q = v.float_array(fname, "q", q, 3, "(N, Tq, d)", copy=True)
    k = v.float_array(fname, "k", k, 3, "(N, Tk, d)", copy=True)
    shapes = f"q.shape={q.shape}, k.shape={k.shape}"
    if v_ is not None:
        v_ = v.float_array(fname, "v", v_, 3, "(N, Tk, dv)", copy=True)
        shapes += f", v.shape={v_.shape}"
    if 0 in q.shape or 0 in k.shape or (v_ is not None and 0 in v_.shape):
        raise ValueError(f"{fname}: q, k and v expect no empty axis ({shapes})")
    if k.shape[0] != q.shape[0] or (v_ is not None and v_.shape[0] != q.shape[0]):
        raise ValueError(f"{fname}: q, k and v expect the same batch size N ({shapes})")
    if k.shape[2] != q.shape[2]:
        raise ValueError(f"{fname}: k expects the query width d={q.shape[2]} in its last axis "
                         f"(scores are q·kᵀ), got {k.shape[2]} ({shapes})")
    if v_ is not None and v_.shape[1] != k.shape[1]:
        raise ValueError(f"{fname}: v expects one row per key, Tk={k.shape[1]}, got "
                         f"{v_.shape[1]} ({shapes})")
    return q, k, v_, _mask(fname, mask, q.shape[0], q.shape[1], k.shape[1])


def _mask(fname, mask, N, Tq, Tk):
    """Check a boolean mask of shape (Tq, Tk) or (N, Tq, Tk) with a True in every row."""
    if mask is None:
        return None
    v.unmasked(fname, "mask", mask)
    if not isinstance(mask, np.ndarray) or mask.dtype != np.bool_:
        got = (f"dtype {mask.dtype}" if isinstance(mask, np.ndarray) else type(mask).__name__)
        raise TypeError(f"{fname}: mask expects a boolean numpy array (True where a query may "
                        f"attend), got {got}")
    if mask.shape not in ((Tq, Tk), (N, Tq, Tk)):
        raise ValueError(f"{fname}: mask expects shape (Tq, Tk)=({Tq}, {Tk}) or "
                         f"(N, Tq, Tk)=({N}, {Tq}, {Tk}), got {mask.shape}")
    empty = ~mask.any(axis=-1)
    if empty.any():
        where = tuple(int(i) for i in np.argwhere(empty)[0])
        row = f"query {where[-1]}" + (f" of sequence {where[0]}" if mask.ndim == 3 else "")
        raise ValueError(f"{fname}: mask lets {row} attend to no key (a row of all False): "
                         f"its weights would be 0/0; every query needs at least one True")
    return mask


def _weights(fname, q, k, mask) -> np.ndarray:
    """p = softmax(q·kᵀ/√d) with masked scores at −∞; q (N, Tq, d), k (N, Tk, d) → (N, Tq, Tk)."""
    with np.errstate(over="ignore", invalid="ignore"):    # refused just below
        s = q @ k.transpose(0, 2, 1)
        s *= 1.0 / np.sqrt(q.shape[-1])
    if not np.isfinite(s).all():
        raise ValueError(f"{fname}: the scores q·kᵀ/√d overflow float64 (q and k of order "
                         f"1e150 or more: largest |q| {np.abs(q).max():.1e}, |k| "
                         f"{np.abs(k).max():.1e})")
    if mask is not None:
        s[np.broadcast_to(~mask, s.shape)] = -np.inf
    return _softmax(s)


def attention_weights(q, k, mask=None):
    """The attention weights alone: softmax(q·kᵀ/√d) row by row, shape (N, Tq, Tk).

    Args and errors as :func:`attention_forward` (without v). Each row sums to 1; a masked
    key gets weight exactly 0.
    """
    q, k, _, mask = _attention_args("attention_weights", q, k, None, mask)
    return _weights("attention_weights", q, k, mask)


def attention_forward(q, k, v, mask=None):
    """Scaled dot-product attention, forward: out = softmax(q·kᵀ/√d)·v.

    Args:
        q: queries, shape (N, Tq, d).
        k: keys, shape (N, Tk, d).
        v: values, shape (N, Tk, dv).
        mask: None, or a boolean array of shape (Tq, Tk) (the same for every sequence) or
            (N, Tq, Tk); True where query i may attend to key j. Every row needs a True:
            a fully masked row raises ValueError (its weights would be 0/0).

    Returns:
        out: shape (N, Tq, dv); row i is Σ_j p_ij v_j.
        cache: (q, k, v, p) — the layer's own copies of the inputs and the weights p
            (N, Tq, Tk).

    Raises:
        TypeError: q, k, v not numpy arrays of real numbers; a mask that is not boolean.
        ValueError: wrong ranks or mismatched sizes, nan or inf in q, k or v, scores that
            overflow float64, a mask of the wrong shape or with a fully masked row.
    """
    q, k, v_, mask = _attention_args("attention_forward", q, k, v, mask)
    p = _weights("attention_forward", q, k, mask)
    out = p @ v_
    return out, Cache("attention_forward", (q, k, v_, p))


def attention_backward(dout, cache):
    """Scaled dot-product attention, backward.

    With s = q·kᵀ/√d, p = softmax(s) by rows and out = p·v:

        dv = pᵀ·dout                          weighted sum (matmul gate), per sequence
        dp = dout·vᵀ
        ds = p ⊙ (dp − Σ_j dp_j p_j)          softmax Jacobian diag(p) − p pᵀ, row by row
        dq = ds·k / √d,   dk = dsᵀ·q / √d     the scores read both q and k

    A masked key has p_ij = 0, so ds_ij = 0: no gradient reaches it through that query.

    Args:
        dout: upstream gradient, shape (N, Tq, dv).
        cache: from :func:`attention_forward`.

    Returns:
        dq (N, Tq, d), dk (N, Tk, d), dv (N, Tk, dv).
    """
    q, k, v_, p = v.cache("attention_backward", cache, "attention_forward", _ATTENTION)
    N, Tq, _ = q.shape
    dout = v.grad_shape("attention_backward", dout, (N, Tq, v_.shape[2]))
    dv = p.transpose(0, 2, 1) @ dout
    dp = dout @ v_.transpose(0, 2, 1)
    ds = _softmax_backward(dp, p)
    ds *= 1.0 / np.sqrt(q.shape[-1])
    dq = ds @ k
    dk = ds.transpose(0, 2, 1) @ q
    return dq, dk, dv
