"""helpers.layers: conv1d, conv2d_naive, conv2d (im2col), max_pool2d."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradcheck import check_layer
from helpers.layers import (
    conv1d_backward,
    conv1d_forward,
    conv2d_backward,
    conv2d_forward,
    conv2d_naive_backward,
    conv2d_naive_forward,
    max_pool2d_backward,
    max_pool2d_forward,
)
from helpers.layers.conv import MAX_PADDED, _check_conv_args

TOL = 1e-7
H_CONV = 1e-3  # convolution is linear in each input: central differences are exact up to
               # round-off whatever the step, and a larger step means less round-off
H_POOL = 1e-5  # pooling is only piecewise linear: the step must stay below the gaps in x
rng = np.random.default_rng(1)


def randn(*shape):
    return rng.standard_normal(shape)


# ---------------------------------------------------------------- gradient checks

CONV2D_CASES = [  # x shape, w shape, stride, pad
    ((1, 1, 4, 4), (1, 1, 3, 3), 1, 0),      # batch 1, single channel
    ((2, 3, 5, 6), (4, 3, 3, 3), 1, 1),      # padding, non-square input
    ((2, 2, 7, 5), (3, 2, 3, 2), 2, 1),      # stride 2, non-square kernel
    ((1, 2, 6, 7), (2, 2, 3, 4), 3, 2),      # stride 3, pad 2, floor division drops a row
    ((2, 1, 3, 3), (2, 1, 3, 3), 1, 0),      # kernel = input: 1×1 output
]


NAIVE_CASES = [  # the same situations, smaller: every forward runs Python loops
    ((1, 1, 4, 4), (1, 1, 3, 3), 1, 0),
    ((2, 2, 4, 5), (2, 2, 3, 3), 1, 1),
    ((1, 2, 7, 5), (2, 2, 3, 2), 2, 1),
    ((1, 2, 6, 7), (2, 2, 3, 4), 3, 2),
    ((2, 1, 3, 3), (2, 1, 3, 3), 1, 0),
]


@pytest.mark.parametrize("fwd, bwd, xs, ws, stride, pad",
                         [(conv2d_forward, conv2d_backward, *case) for case in CONV2D_CASES]
                         + [(conv2d_naive_forward, conv2d_naive_backward, *case)
                            for case in NAIVE_CASES])
def test_conv2d_gradcheck(fwd, bwd, xs, ws, stride, pad):
    inputs = {"x": randn(*xs), "w": randn(*ws), "b": randn(ws[0])}
    res = check_layer(fwd, bwd, inputs, options={"stride": stride, "pad": pad}, h=H_CONV,
                      verbose=False)
    assert res.max_error < TOL, res.errors


@pytest.mark.parametrize("xs, ws, stride, pad", [
    ((1, 1, 5), (1, 1, 3), 1, 0),
    ((2, 3, 8), (4, 3, 3), 2, 1),
    ((3, 2, 7), (2, 2, 4), 3, 2),
])
def test_conv1d_gradcheck(xs, ws, stride, pad):
    inputs = {"x": randn(*xs), "w": randn(*ws), "b": randn(ws[0])}
    res = check_layer(conv1d_forward, conv1d_backward, inputs,
                      options={"stride": stride, "pad": pad}, h=H_CONV,
                      verbose=False)
    assert res.max_error < TOL, res.errors


def test_conv1d_is_conv2d_with_height_one():
    x, w, b = randn(2, 3, 9), randn(4, 3, 3), randn(4)
    out1, cache1 = conv1d_forward(x, w, b, stride=2)
    out2, cache2 = conv2d_forward(x[:, :, None], w[:, :, None], b, stride=2)
    np.testing.assert_allclose(out1, out2[:, :, 0], rtol=1e-12, atol=1e-12)
    dout = randn(*out1.shape)
    for g1, g2 in zip(conv1d_backward(dout, cache1), conv2d_backward(dout[:, :, None], cache2),
                      strict=True):
        np.testing.assert_allclose(g1, g2.reshape(g1.shape), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("xs, size, stride", [
    ((1, 1, 4, 4), 2, 2),
    ((2, 3, 6, 5), 2, 2),      # odd width: last column dropped
    ((2, 2, 7, 7), 3, 2),      # stride < size: overlapping windows
    ((1, 2, 6, 8), 2, 3),      # stride > size: gaps
    ((2, 1, 5, 6), 3, 1),
])
def test_max_pool2d_gradcheck(xs, size, stride):
    x = rng.permutation(np.prod(xs)).reshape(xs) * 0.1 + randn(*xs) * 0.01  # no near-ties
    res = check_layer(max_pool2d_forward, max_pool2d_backward, {"x": x},
                      options={"size": size, "stride": stride}, h=H_POOL,
                      verbose=False)
    assert res.max_error < TOL, res.errors


def test_max_pool2d_values_and_ties():
    x = np.array([[[[1.0, 5.0, 2.0, 2.0],
                    [3.0, 4.0, 2.0, 2.0]]]])
    out, cache = max_pool2d_forward(x)
    np.testing.assert_array_equal(out, [[[[5.0, 2.0]]]])
    dx = max_pool2d_backward(np.array([[[[10.0, 7.0]]]]), cache)
    # the maximum gets everything; on a tie the first maximum (row-major) does, as in PyTorch
    np.testing.assert_array_equal(dx, [[[[0.0, 10.0, 7.0, 0.0],
                                         [0.0, 0.0, 0.0, 0.0]]]])


def test_max_pool2d_overlapping_windows_accumulate():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0          # the centre is the maximum of all four 2×2 windows
    _, cache = max_pool2d_forward(x, size=2, stride=1)
    dx = max_pool2d_backward(np.ones((1, 1, 2, 2)), cache)
    assert dx[0, 0, 1, 1] == 4.0 and dx.sum() == 4.0


# ---------------------------------------------------------------- naive vs vectorized

def _assert_conv2d_agree(x, w, b, stride, pad):
    out_n, cache_n = conv2d_naive_forward(x, w, b, stride=stride, pad=pad)
    out_v, cache_v = conv2d_forward(x, w, b, stride=stride, pad=pad)
    np.testing.assert_allclose(out_v, out_n, rtol=1e-10, atol=1e-12)
    dout = np.random.default_rng(0).standard_normal(out_n.shape)
    for g_n, g_v in zip(conv2d_naive_backward(dout, cache_n), conv2d_backward(dout, cache_v),
                        strict=True):
        assert g_n.shape == g_v.shape
        np.testing.assert_allclose(g_v, g_n, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("xs, ws, stride, pad", CONV2D_CASES)
def test_conv2d_agrees_with_naive(xs, ws, stride, pad):
    _assert_conv2d_agree(randn(*xs), randn(*ws), randn(ws[0]), stride, pad)


@settings(max_examples=40, deadline=None)
@given(N=st.integers(1, 2), C=st.integers(1, 3), F=st.integers(1, 3),
       H=st.integers(1, 7), W=st.integers(1, 7), HH=st.integers(1, 4), WW=st.integers(1, 4),
       stride=st.integers(1, 3), pad=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_conv2d_agrees_with_naive_property(N, C, F, H, W, HH, WW, stride, pad, seed):
    if HH > H + 2 * pad or WW > W + 2 * pad:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv2d_forward(np.ones((N, C, H, W)), np.ones((F, C, HH, WW)), np.ones(F),
                           stride=stride, pad=pad)
        return
    g = np.random.default_rng(seed)
    x, w, b = (g.standard_normal(s) for s in ((N, C, H, W), (F, C, HH, WW), (F,)))
    out, _ = conv2d_forward(x, w, b, stride=stride, pad=pad)
    assert out.shape == (N, F, (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1)
    _assert_conv2d_agree(x, w, b, stride, pad)


# ---------------------------------------------------------------- optional PyTorch check

def test_conv2d_and_pool_match_torch():
    torch = pytest.importorskip("torch")
    x, w, b = randn(2, 3, 7, 6), randn(4, 3, 3, 2), randn(4)
    out, cache = conv2d_forward(x, w, b, stride=2, pad=1)
    dout = randn(*out.shape)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    tout = torch.nn.functional.conv2d(tx, tw, tb, stride=2, padding=1)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    for g, t in zip(conv2d_backward(dout, cache), (tx, tw, tb), strict=True):
        np.testing.assert_allclose(g, t.grad.numpy(), rtol=1e-10, atol=1e-12)
    xp = randn(2, 3, 7, 7)
    out, cache = max_pool2d_forward(xp, size=3, stride=2)
    txp = torch.tensor(xp, requires_grad=True)
    tout = torch.nn.functional.max_pool2d(txp, 3, 2)
    dout = randn(*out.shape)
    tout.backward(torch.tensor(dout))
    np.testing.assert_allclose(out, tout.detach().numpy())
    np.testing.assert_allclose(max_pool2d_backward(dout, cache), txp.grad.numpy(), rtol=1e-12)


# ---------------------------------------------------------------- inputs untouched, dtypes

def test_inputs_are_not_modified():
    x, w, b = randn(2, 3, 6, 6), randn(2, 3, 3, 3), randn(2)
    x1, w1, b1 = randn(2, 3, 8), randn(2, 3, 3), randn(2)
    originals = [a.copy() for a in (x, w, b, x1, w1, b1)]
    for fwd, bwd in [(conv2d_forward, conv2d_backward),
                     (conv2d_naive_forward, conv2d_naive_backward)]:
        out, cache = fwd(x, w, b, stride=2, pad=1)
        dout = np.ones_like(out)
        bwd(dout, cache)
        np.testing.assert_array_equal(dout, 1.0)
    out, cache = conv1d_forward(x1, w1, b1, stride=1, pad=1)
    conv1d_backward(np.ones_like(out), cache)
    out, cache = max_pool2d_forward(x, size=2, stride=1)
    max_pool2d_backward(np.ones_like(out), cache)
    for a, c in zip((x, w, b, x1, w1, b1), originals, strict=True):
        np.testing.assert_array_equal(a, c)


def test_float32_inputs_give_float64():
    x, w, b = (a.astype(np.float32) for a in (randn(1, 2, 5, 5), randn(3, 2, 3, 3), randn(3)))
    out, cache = conv2d_forward(x, w, b)
    assert out.dtype == np.float64
    assert all(g.dtype == np.float64 for g in conv2d_backward(np.ones(out.shape), cache))


# ---------------------------------------------------------------- bad input

X4, W4, B4 = np.ones((2, 3, 8, 8)), np.ones((5, 3, 3, 3)), np.ones(5)
X3, W3, B3 = np.ones((2, 3, 8)), np.ones((5, 3, 3)), np.ones(5)


@pytest.mark.parametrize("fname", ["conv2d_forward", "conv2d_naive_forward"])
@pytest.mark.parametrize("args, kwargs, exc, words", [
    ((np.ones((3, 8, 8)), W4, B4), {}, ValueError, ["x", "4-D", "(N, C, H, W)", "(3, 8, 8)"]),
    ((X4, np.ones((5, 3, 3)), B4), {}, ValueError, ["w", "4-D", "(5, 3, 3)"]),
    ((X4, np.ones((5, 4, 3, 3)), B4), {}, ValueError,
     ["w expects 4 input channels but x has 3 (x.shape=(2, 3, 8, 8), w.shape=(5, 4, 3, 3))"]),
    ((X4, W4, np.ones(4)), {}, ValueError, ["b", "(5,)", "(4,)"]),
    ((X4, W4, np.ones((5, 1))), {}, ValueError, ["b", "(5,)", "(5, 1)"]),
    ((X4, W4, B4), {"stride": 0}, ValueError, ["stride", ">= 1", "0"]),
    ((X4, W4, B4), {"stride": 1.5}, TypeError, ["stride", "integer", "1.5", "float"]),
    ((X4, W4, B4), {"stride": True}, TypeError, ["stride", "bool"]),
    ((X4, W4, B4), {"pad": -1}, ValueError, ["pad", ">= 0", "-1"]),
    ((X4, W4, B4), {"pad": "1"}, TypeError, ["pad", "str"]),
    ((np.ones((2, 3, 2, 8)), W4, B4), {}, ValueError,
     ["window (3) is larger than the padded input height (2 + 2*0 = 2)"]),
    ((np.ones((2, 3, 8, 1)), W4, B4), {"pad": 0}, ValueError, ["padded input width"]),
    ((X4.tolist(), W4, B4), {}, TypeError, ["x", "numpy array", "list"]),
    ((X4.astype(object), W4, B4), {}, TypeError, ["x", "real numbers", "object"]),
])
def test_conv2d_bad_input(fname, args, kwargs, exc, words):
    fwd = {"conv2d_forward": conv2d_forward, "conv2d_naive_forward": conv2d_naive_forward}[fname]
    with pytest.raises(exc) as info:
        fwd(*args, **kwargs)
    msg = str(info.value)
    assert msg.startswith(fname + ":"), msg
    for word in words:
        assert word in msg, (word, msg)


def test_conv2d_small_input_is_fine_with_padding():
    out, _ = conv2d_forward(np.ones((1, 3, 2, 2)), W4, B4, pad=1)
    assert out.shape == (1, 5, 2, 2)


@pytest.mark.parametrize("args, kwargs, exc, words", [
    ((X4, W3, B3), {}, ValueError, ["x", "3-D", "(N, C, L)"]),
    ((X3, np.ones((5, 2, 3)), B3), {}, ValueError, ["2 input channels but x has 3"]),
    ((X3, W3, np.ones(2)), {}, ValueError, ["b", "(5,)"]),
    ((X3, W3, B3), {"stride": 0}, ValueError, ["stride"]),
    ((X3, W3, B3), {"pad": -2}, ValueError, ["pad"]),
    ((np.ones((2, 3, 2)), W3, B3), {}, ValueError, ["padded input length"]),
])
def test_conv1d_bad_input(args, kwargs, exc, words):
    with pytest.raises(exc) as info:
        conv1d_forward(*args, **kwargs)
    msg = str(info.value)
    assert msg.startswith("conv1d_forward:"), msg
    for word in words:
        assert word in msg, (word, msg)


@pytest.mark.parametrize("args, exc, words", [
    ((np.ones((2, 8, 8)),), ValueError, ["x", "4-D"]),
    ((X4, 0), ValueError, ["size", ">= 1"]),
    ((X4, 2, 0), ValueError, ["stride", ">= 1"]),
    ((X4, 2.0), TypeError, ["size", "float"]),
    ((X4, 9), ValueError, ["window (9)", "height"]),
    ((np.ones((1, 1, 4, 1)),), ValueError, ["window (2)", "width"]),
])
def test_max_pool2d_bad_input(args, exc, words):
    with pytest.raises(exc) as info:
        max_pool2d_forward(*args)
    msg = str(info.value)
    assert msg.startswith("max_pool2d_forward:"), msg
    for word in words:
        assert word in msg, (word, msg)


@pytest.mark.parametrize("fwd, bwd, args", [
    (conv2d_forward, conv2d_backward, (X4, W4, B4)),
    (conv2d_naive_forward, conv2d_naive_backward, (X4, W4, B4)),
    (conv1d_forward, conv1d_backward, (X3, W3, B3)),
    (max_pool2d_forward, max_pool2d_backward, (X4,)),
])
def test_backward_checks_dout_shape(fwd, bwd, args):
    out, cache = fwd(*args)
    with pytest.raises(ValueError, match=r"_backward: dout expects the forward output's shape"):
        bwd(np.ones(out.shape[:-1] + (out.shape[-1] + 1,)), cache)


# ---------------------------------------------------------------- window vs padded input

@pytest.mark.parametrize("fwd", [conv2d_forward, conv2d_naive_forward])
@pytest.mark.parametrize("pad", [1, 2])
def test_window_may_fill_but_not_exceed_the_padded_input(fwd, pad):
    """H + 2·pad is the limit: a window of exactly that size gives one output row."""
    H = 2
    K = H + 2 * pad
    out, _ = fwd(np.ones((1, 1, H, H)), np.ones((1, 1, K, K)), np.zeros(1), pad=pad)
    assert out.shape == (1, 1, 1, 1) and out[0, 0, 0, 0] == H * H
    with pytest.raises(ValueError, match=rf"window \({K + 1}\) is larger than the padded input "
                                         rf"height \({H} \+ 2\*{pad} = {K}\)"):
        fwd(np.ones((1, 1, H, H + 5)), np.ones((1, 1, K + 1, K)), np.zeros(1), pad=pad)
    with pytest.raises(ValueError, match=rf"padded input width \({H} \+ 2\*{pad} = {K}\)"):
        fwd(np.ones((1, 1, H + 5, H)), np.ones((1, 1, K, K + 1)), np.zeros(1), pad=pad)


def test_conv1d_window_limit_with_padding():
    out, _ = conv1d_forward(np.ones((1, 1, 3)), np.ones((1, 1, 5)), np.zeros(1), pad=1)
    assert out.shape == (1, 1, 1) and out[0, 0, 0] == 3.0
    with pytest.raises(ValueError, match=r"window \(6\) is larger than the padded input length"):
        conv1d_forward(np.ones((1, 1, 3)), np.ones((1, 1, 6)), np.zeros(1), pad=1)


@pytest.mark.parametrize("fwd, args", [(conv2d_forward, (X4, W4)), (conv1d_forward, (X3, W3))])
@pytest.mark.parametrize("b, exc, words", [
    ([1.0] * 5, TypeError, ["b", "numpy array", "list"]),
    (np.ones(5, dtype=complex), TypeError, ["b", "real numbers", "complex"]),
    (np.ones(5, dtype=bool), TypeError, ["b", "bool"]),
])
def test_conv_bias_type_is_checked(fwd, args, b, exc, words):
    with pytest.raises(exc) as info:
        fwd(*args, b)
    msg = str(info.value)
    assert msg.startswith(fwd.__name__ + ":"), msg
    for word in words:
        assert word in msg, (word, msg)


def test_max_pool2d_with_a_one_by_one_window_is_the_identity():
    x = randn(2, 3, 4, 5)
    out, cache = max_pool2d_forward(x, size=1, stride=1)
    np.testing.assert_array_equal(out, x)
    dout = randn(2, 3, 4, 5)
    np.testing.assert_array_equal(max_pool2d_backward(dout, cache), dout)
    out, cache = max_pool2d_forward(x, size=1, stride=2)       # every other pixel
    np.testing.assert_array_equal(out, x[:, :, ::2, ::2])


@pytest.mark.parametrize("call, message", [
    (lambda: conv2d_forward(X4, np.ones((5, 3, 3)), B4),
     "conv2d_forward: w expects a 4-D array (F, C, HH, WW), got shape (5, 3, 3)"),
    (lambda: conv2d_forward(np.ones((2, 3, 8)), W4, B4),
     "conv2d_forward: x expects a 4-D array (N, C, H, W), got shape (2, 3, 8)"),
    (lambda: conv1d_forward(X3, np.ones((5, 3)), B3),
     "conv1d_forward: w expects a 3-D array (F, C, K), got shape (5, 3)"),
    (lambda: conv1d_forward(np.ones((2, 3)), W3, B3),
     "conv1d_forward: x expects a 3-D array (N, C, L), got shape (2, 3)"),
    (lambda: conv2d_forward(X4, np.ones((5, 4, 3, 3)), np.ones(4)),
     "conv2d_forward: w expects 4 input channels but x has 3 "
     "(x.shape=(2, 3, 8, 8), w.shape=(5, 4, 3, 3))"),
    (lambda: conv1d_forward(X3, W3, np.ones(3)),
     "conv1d_forward: b expects shape (5,) (one per filter, w.shape[0]), got shape (3,)"),
])
def test_conv_messages_in_full(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


@pytest.mark.parametrize("call, message", [
    (lambda: max_pool2d_forward(np.ones((2, 8, 8))),
     "max_pool2d_forward: x expects a 4-D array (N, C, H, W), got shape (2, 8, 8)"),
    (lambda: max_pool2d_forward(X4, 9),
     "max_pool2d_forward: the window (9) is larger than the padded input height (8 + 2*0 = 8) "
     "(x.shape=(2, 3, 8, 8), size=9)"),
    (lambda: max_pool2d_backward(np.ones((2, 3, 4, 5)), max_pool2d_forward(X4)[1]),
     "max_pool2d_backward: dout expects the forward output's shape (2, 3, 4, 4), "
     "got shape (2, 3, 4, 5)"),
])
def test_pool_messages_in_full(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value) == message


# ---------------------------------------------------------------- review 10 round 2: the pad bound

@pytest.mark.parametrize("fwd", [conv1d_forward, conv2d_forward, conv2d_naive_forward])
def test_a_huge_pad_is_refused_before_any_allocation(fwd):
    """pad=10**6 on a 4×4 image asked numpy for 29 TiB (MemoryError)."""
    x, w = ((np.ones((1, 1, 4)), np.ones((1, 1, 3))) if fwd is conv1d_forward
            else (np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3))))
    if fwd is conv1d_forward:                  # 2·10⁶ numbers: allowed; one axis more is not
        fwd(x, w, np.ones(1), pad=10**6)
        return
    with pytest.raises(ValueError) as info:
        fwd(x, w, np.ones(1), pad=10**6)
    size = (4 + 2 * 10**6) ** 2
    assert str(info.value) == (
        f"{fwd.__name__}: pad=1000000 would make a padded input of {size:.3g} numbers "
        f"({size * 8 / 2**30:.3g} GiB); at most 2.15e+09 (16 GiB) "
        f"(x.shape=(1, 1, 4, 4), w.shape=(1, 1, 3, 3))")


def test_the_largest_padded_input_allowed_is_max_padded():
    """The bound counts N·C·(H + 2·pad)·(W + 2·pad) numbers, and MAX_PADDED itself passes."""
    x, w = np.zeros((2, 4, 2, 2)), np.zeros((1, 4, 1, 1))
    side = int(np.sqrt(MAX_PADDED // 8))                     # 2·4·side² = MAX_PADDED exactly
    pad = (side - 2) // 2
    assert 2 * 4 * (2 + 2 * pad) ** 2 == MAX_PADDED
    _check_conv_args("f", x, w, np.zeros(1), 1, pad, ("height", "width"))
    with pytest.raises(ValueError, match="f: pad="):
        _check_conv_args("f", x, w, np.zeros(1), 1, pad + 1, ("height", "width"))


@pytest.mark.parametrize("fwd, bwd, x, w", [
    (conv1d_forward, conv1d_backward, (1, 2, 5), (3, 2, 3)),
    (conv2d_forward, conv2d_backward, (1, 2, 5, 6), (3, 2, 3, 2)),
    (conv2d_naive_forward, conv2d_naive_backward, (1, 2, 5, 6), (3, 2, 2, 3)),
])
def test_a_pad_beyond_full_padding_is_allowed_as_in_pytorch(fwd, bwd, x, w):
    """pad = K + 1: the border windows read padding only, give b and pass no gradient."""
    K = max(w[2:])
    xs, ws, bs = randn(*x), randn(*w), randn(w[0])
    out, cache = fwd(xs, ws, bs, pad=K + 1)
    sizes = zip(x[2:], w[2:], strict=True)
    assert out.shape[2:] == tuple(n + 2 * (K + 1) - k + 1 for n, k in sizes)
    corner = (slice(None), slice(None)) + (0,) * (len(x) - 2)
    np.testing.assert_array_equal(out[corner], np.broadcast_to(bs, out[corner].shape))
    dx, dw, db = bwd(np.ones_like(out), cache)
    assert dx.shape == x and dw.shape == w and db.shape == (w[0],)
