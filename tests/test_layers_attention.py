"""helpers.layers: softmax (last axis) and scaled dot-product attention with a boolean mask."""

import warnings

import numpy as np
import pytest
from layer_harness import check_aliasing

from helpers.gradcheck import check_layer, numerical_jacobian, rel_error
from helpers.layers import (
    attention_backward,
    attention_forward,
    softmax_backward,
    softmax_forward,
)
from helpers.layers.attention import attention_weights

TOL = 1e-7
# N, Tq, Tk, d, dv: batch 1, Tq ≠ Tk both ways, T = 1, d = 1, dv ≠ d
SHAPES = [(1, 1, 1, 1, 1), (2, 3, 5, 4, 2), (3, 5, 2, 3, 6), (2, 4, 4, 1, 3), (1, 6, 6, 8, 8)]


def qkv(N, Tq, Tk, d, dv, seed=0, scale=0.5):
    """q, k, v; q and k scaled so that the scores stay of order 1 (an unsaturated softmax, so no
    gradient entry is near the check's own absolute accuracy of ~1e-13)."""
    g = np.random.default_rng(seed)
    return {"q": scale * g.standard_normal((N, Tq, d)), "k": scale * g.standard_normal((N, Tk, d)),
            "v": g.standard_normal((N, Tk, dv))}


def causal(Tq, Tk):
    """Query i may attend to keys 0 … i (+ Tk − Tq when Tk > Tq: the last query sees every key)."""
    return np.tril(np.ones((Tq, Tk), dtype=bool), k=max(0, Tk - Tq))


def reference(q, k, v, mask=None):
    """Attention written out with loops over the batch and the queries (no shared code)."""
    N, Tq, d = q.shape
    out = np.zeros((N, Tq, v.shape[2]))
    for n in range(N):
        for i in range(Tq):
            s = np.array([q[n, i] @ k[n, j] / np.sqrt(d) for j in range(k.shape[1])])
            allowed = np.ones(len(s), bool) if mask is None else \
                (mask[n, i] if mask.ndim == 3 else mask[i])
            w = np.where(allowed, np.exp(s - s[allowed].max()), 0.0)
            out[n, i] = (w / w.sum()) @ v[n]
    return out


# ---------------------------------------------------------------- gradient checks

@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 1), (2, 2, 3)])
def test_softmax_gradcheck(shape):
    x = np.random.default_rng(1).standard_normal(shape)
    res = check_layer(softmax_forward, softmax_backward, {"x": x}, verbose=False)
    assert res.max_error < TOL, res.errors


def test_softmax_jacobian_is_diag_p_minus_ppT():
    x = np.random.default_rng(2).standard_normal(5)
    p, cache = softmax_forward(x)
    J = np.array([softmax_backward(e, cache) for e in np.eye(5)])   # rows: dout = e_i
    assert rel_error(J, np.diag(p) - np.outer(p, p)) < 1e-14
    assert rel_error(numerical_jacobian(lambda z: softmax_forward(z)[0], x), J) < 1e-8


@pytest.mark.parametrize("N, Tq, Tk, d, dv", SHAPES)
def test_attention_gradcheck(N, Tq, Tk, d, dv):
    res = check_layer(attention_forward, attention_backward, qkv(N, Tq, Tk, d, dv), verbose=False)
    assert res.max_error < TOL, res.errors


@pytest.mark.parametrize("N, Tq, Tk, d, dv", SHAPES)
def test_attention_gradcheck_causal_mask(N, Tq, Tk, d, dv):
    inputs = {**qkv(N, Tq, Tk, d, dv, seed=3), "mask": causal(Tq, Tk)}
    res = check_layer(attention_forward, attention_backward, inputs, verbose=False)
    assert res.max_error < TOL, res.errors


def test_attention_gradcheck_per_sequence_mask():
    inputs = qkv(3, 4, 5, 2, 3, seed=4)
    mask = np.random.default_rng(5).random((3, 4, 5)) < 0.5
    mask[:, :, 0] = True                              # every row keeps at least one key
    res = check_layer(attention_forward, attention_backward, {**inputs, "mask": mask},
                      verbose=False)
    assert res.max_error < TOL, res.errors


# ---------------------------------------------------------------- values

@pytest.mark.parametrize("N, Tq, Tk, d, dv", SHAPES)
def test_attention_values_match_loops(N, Tq, Tk, d, dv):
    a = qkv(N, Tq, Tk, d, dv, seed=6)
    np.testing.assert_allclose(attention_forward(**a)[0], reference(**a), rtol=1e-12, atol=1e-14)
    m = causal(Tq, Tk)
    np.testing.assert_allclose(attention_forward(**a, mask=m)[0], reference(**a, mask=m),
                               rtol=1e-12, atol=1e-14)


def test_weights_sum_to_one_and_masked_keys_get_zero_weight_and_gradient():
    a = qkv(2, 4, 4, 3, 2, seed=7)
    m = causal(4, 4)
    p = attention_weights(a["q"], a["k"], mask=m)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-15)
    assert np.all(p[:, ~m] == 0.0)
    # key j is seen only by queries i ≥ j: a gradient on query 0 alone reaches key 0 alone
    out, cache = attention_forward(**a, mask=m)
    dout = np.zeros_like(out)
    dout[:, 0] = 1.0
    dq, dk, dv = attention_backward(dout, cache)
    assert np.all(dk[:, 1:] == 0.0) and np.all(dv[:, 1:] == 0.0)
    assert np.all(dq[:, 1:] == 0.0)


def test_one_key_copies_its_value_and_passes_no_score_gradient():
    """Tk = 1 (or a row allowed one key): the weight is 1 whatever the scores, so dq = dk = 0."""
    a = qkv(2, 3, 1, 4, 2, seed=8)
    out, cache = attention_forward(**a)
    np.testing.assert_allclose(out, np.repeat(a["v"], 3, axis=1))
    dq, dk, dv = attention_backward(np.ones_like(out), cache)
    assert np.all(np.abs(dq) < 1e-15) and np.all(np.abs(dk) < 1e-15)
    np.testing.assert_allclose(dv, np.full((2, 1, 2), 3.0))


def test_matches_torch():
    torch = pytest.importorskip("torch")
    a = qkv(2, 5, 7, 4, 3, seed=9)
    m = causal(5, 7)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in a.items()}
    t_out = torch.nn.functional.scaled_dot_product_attention(t["q"], t["k"], t["v"],
                                                             attn_mask=torch.tensor(m))
    dout = np.random.default_rng(10).standard_normal(t_out.shape)
    t_grads = torch.autograd.grad(t_out, (t["q"], t["k"], t["v"]), torch.tensor(dout))
    out, cache = attention_forward(**a, mask=m)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-12, atol=1e-14)
    for ours, theirs in zip(attention_backward(dout, cache), t_grads, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- stability

def test_softmax_is_stable_for_large_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, cache = softmax_forward(np.array([[1e308, 0.0, -1e308], [800.0, 800.0, -800.0]]))
        dx = softmax_backward(np.ones((2, 3)), cache)
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]])
    assert np.all(np.isfinite(dx))


def test_attention_is_stable_for_large_scores():
    a = qkv(2, 3, 4, 5, 2, seed=11, scale=100.0)        # scores of order 10⁴
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = attention_forward(**a, mask=causal(3, 4))
        grads = attention_backward(np.ones_like(out), cache)
    assert all(np.all(np.isfinite(g)) for g in (out, *grads))


def test_float32_and_int_inputs_give_float64():
    a = qkv(1, 2, 3, 2, 2, seed=12)
    out, cache = attention_forward(a["q"].astype(np.float32), a["k"].astype(np.float32),
                                   np.arange(6).reshape(1, 3, 2))
    assert out.dtype == np.float64
    assert all(g.dtype == np.float64 for g in attention_backward(np.ones_like(out), cache))
    assert softmax_forward(np.arange(3))[0].dtype == np.float64


# ---------------------------------------------------------------- no aliasing

def test_softmax_is_immune_to_edits_after_forward():
    x = np.random.default_rng(13).standard_normal((3, 4))
    report = check_aliasing(softmax_forward, softmax_backward, {"x": x})
    assert report["outputs"] == {"out0": "unchanged"}


@pytest.mark.parametrize("with_mask", [False, True])
def test_attention_is_immune_to_edits_after_forward(with_mask):
    inputs = qkv(2, 3, 4, 2, 3, seed=14)
    if with_mask:
        inputs["mask"] = np.ones((3, 4), dtype=bool)    # an edit to all-False must not matter
    report = check_aliasing(attention_forward, attention_backward, inputs)
    assert report["outputs"] == {"out0": "unchanged"}


# ---------------------------------------------------------------- bad input

def test_fully_masked_row_is_refused_with_its_position():
    a = qkv(2, 3, 4, 2, 2)
    mask = np.ones((3, 4), dtype=bool)
    mask[1] = False
    with pytest.raises(ValueError, match=r"attention_forward: mask lets query 1 attend to no key"):
        attention_forward(**a, mask=mask)
    mask3 = np.ones((2, 3, 4), dtype=bool)
    mask3[1, 2] = False
    with pytest.raises(ValueError, match=r"query 2 of sequence 1 attend to no key"):
        attention_forward(**a, mask=mask3)
    with pytest.raises(ValueError, match=r"attention_weights: mask lets query 1"):
        attention_weights(a["q"], a["k"], mask=mask)


@pytest.mark.parametrize("change, exc, words", [
    (dict(q=np.ones((2, 3))), ValueError, "attention_forward: q expects a 3-D array (N, Tq, d)"),
    (dict(k=np.ones((2, 4, 3))), ValueError, "k expects the query width d=2"),
    (dict(v=np.ones((2, 5, 2))), ValueError, "v expects one row per key, Tk=4, got 5"),
    (dict(k=np.ones((1, 4, 2))), ValueError, "the same batch size N"),
    (dict(q=np.ones((2, 0, 2))), ValueError, "no empty axis"),
    (dict(q=[[[1.0, 2.0]]]), TypeError, "q expects a numpy array, got list"),
    (dict(v=np.array([[["a"]]])), TypeError, "v expects an array of real numbers"),
    (dict(q=np.full((2, 3, 2), np.nan)), ValueError, "q expects finite numbers, got nan"),
    (dict(k=np.full((2, 4, 2), np.inf)), ValueError, "k expects finite numbers, got inf"),
    (dict(q=np.full((2, 3, 2), 1e160), k=np.full((2, 4, 2), 1e160)), ValueError,
     "the scores q·kᵀ/√d overflow float64"),
    (dict(v=np.ones((1, 4, 2))), ValueError,
     "the same batch size N (q.shape=(2, 3, 2), k.shape=(2, 4, 2), v.shape=(1, 4, 2))"),
    (dict(mask=np.ones((3, 4))), TypeError, "mask expects a boolean numpy array"),
    (dict(mask=[[True] * 4] * 3), TypeError, "mask expects a boolean numpy array (True where"),
    (dict(mask=np.ones((4, 3), bool)), ValueError, "mask expects shape (Tq, Tk)=(3, 4) or"),
    (dict(mask=np.ones((1, 3, 4), bool)), ValueError, "(N, Tq, Tk)=(2, 3, 4), got (1, 3, 4)"),
])
def test_attention_bad_input(change, exc, words):
    a = {**qkv(2, 3, 4, 2, 2), **change}
    with pytest.raises(exc) as info:
        attention_forward(**a)
    assert words in str(info.value) and str(info.value).startswith("attention_forward: ")


def test_attention_weights_errors_name_it():
    big = np.full((2, 3, 2), 1e160)
    with pytest.raises(ValueError, match=r"^attention_weights: the scores q·kᵀ/√d overflow"):
        attention_weights(big, big)
    with pytest.raises(ValueError, match=r"^attention_weights: k expects the query width d=2"):
        attention_weights(np.ones((1, 2, 2)), np.ones((1, 2, 3)))


def test_bad_upstream_gradients():
    out, cache = attention_forward(**qkv(2, 3, 4, 2, 5))
    with pytest.raises(ValueError, match=r"attention_backward: dout expects .* \(2, 3, 5\)"):
        attention_backward(np.ones((2, 3, 2)), cache)
    p, cache = softmax_forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"softmax_backward: dout expects .* \(2, 3\)"):
        softmax_backward(np.ones(3), cache)


@pytest.mark.parametrize("x, exc, words", [
    (np.zeros((2, 0)), ValueError, "softmax_forward: x expects at least one axis with C ≥ 1"),
    (np.array(1.0), ValueError, "softmax_forward: x expects at least one axis"),
    (np.array([1.0, np.nan]), ValueError, "softmax_forward: x expects finite numbers, got nan"),
    (np.array([1.0, np.inf]), ValueError, "x expects finite numbers, got inf at index (1,)"),
    ([1.0, 2.0], TypeError, "softmax_forward: x expects a numpy array, got list"),
    (np.array([True, False]), TypeError, "x expects an array of real numbers, got dtype bool"),
])
def test_softmax_bad_input(x, exc, words):
    with pytest.raises(exc) as info:
        softmax_forward(x)
    assert words in str(info.value)


def test_inputs_are_not_modified():
    a = qkv(2, 3, 4, 2, 2, seed=15)
    m = causal(3, 4)
    before = {k: v.copy() for k, v in a.items()}
    out, cache = attention_forward(**a, mask=m)
    dout = np.ones_like(out)
    attention_backward(dout, cache)
    for k in a:
        assert np.array_equal(a[k], before[k]), k
    assert np.array_equal(m, causal(3, 4)) and np.all(dout == 1.0)
