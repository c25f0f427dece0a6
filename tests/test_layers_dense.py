"""helpers.layers: affine, relu, sigmoid, tanh, softmax_cross_entropy."""

import warnings

import numpy as np
import pytest

from helpers.gradcheck import check_layer, numerical_gradient, rel_error
from helpers.layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    sigmoid,
    sigmoid_backward,
    sigmoid_forward,
    softmax_cross_entropy,
    tanh_backward,
    tanh_forward,
)

TOL = 1e-7
rng = np.random.default_rng(0)


def randn(*shape):
    return rng.standard_normal(shape)


# ---------------------------------------------------------------- gradient checks

@pytest.mark.parametrize("N, D, M", [(1, 3, 2), (4, 5, 3), (3, 1, 7)])
def test_affine_gradcheck(N, D, M):
    res = check_layer(affine_forward, affine_backward,
                      {"x": randn(N, D), "w": randn(D, M), "b": randn(M)}, h=1e-3,
                      verbose=False)  # linear in each input: a large step only cuts round-off
    assert res.max_error < TOL, res.errors


def test_affine_values():
    x, w, b = randn(2, 3), randn(3, 4), randn(4)
    out, _ = affine_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)


@pytest.mark.parametrize("fwd, bwd", [(relu_forward, relu_backward),
                                      (sigmoid_forward, sigmoid_backward),
                                      (tanh_forward, tanh_backward)])
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 2)])
def test_activation_gradcheck(fwd, bwd, shape):
    x = randn(*shape)
    if fwd is relu_forward:
        x += np.sign(x) * 0.01  # keep clear of the kink at 0, where h would straddle it
    res = check_layer(fwd, bwd, {"x": x}, h=1e-5, verbose=False)
    assert res.max_error < TOL, res.errors


def test_activation_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(relu_forward(x)[0], [0.0, 0.0, 3.0])
    np.testing.assert_allclose(sigmoid_forward(x)[0], 1 / (1 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_allclose(tanh_forward(x)[0], np.tanh(x))


def test_activations_accept_scalars():
    out, cache = sigmoid_forward(0.0)
    assert out.shape == () and out == 0.5
    assert sigmoid_backward(np.float64(1.0), cache) == 0.25


@pytest.mark.parametrize("fwd, bwd, f, df", [
    (relu_forward, relu_backward, lambda x: max(x, 0.0), lambda x: float(x > 0)),
    (sigmoid_forward, sigmoid_backward, lambda x: 1 / (1 + np.exp(-x)),
     lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    (tanh_forward, tanh_backward, np.tanh, lambda x: 1 - np.tanh(x) ** 2),
])
@pytest.mark.parametrize("x", [0.5, -2, np.float32(1.5), np.int64(3)])
def test_every_activation_takes_a_real_scalar(fwd, bwd, f, df, x):
    out, cache = fwd(x)
    assert np.shape(out) == () and out == pytest.approx(f(float(x)), rel=1e-14)
    assert bwd(2.0, cache) == pytest.approx(2.0 * df(float(x)), rel=1e-14)
    with pytest.raises(TypeError, match=f"{fwd.__name__}: x expects a numpy array, got bool"):
        fwd(True)


def test_relu_gradient_at_zero_is_zero():
    _, cache = relu_forward(np.zeros(3))
    np.testing.assert_array_equal(relu_backward(np.ones(3), cache), 0.0)


@pytest.mark.parametrize("N, C", [(1, 2), (5, 4), (3, 10)])
def test_softmax_cross_entropy_gradcheck(N, C):
    scores, y = randn(N, C), rng.integers(0, C, size=N)
    loss, dscores = softmax_cross_entropy(scores, y)
    num = numerical_gradient(lambda s: softmax_cross_entropy(s, y)[0], scores.copy(), h=1e-5)
    assert rel_error(dscores, num) < TOL


def test_softmax_cross_entropy_values():
    # uniform scores: loss is log C exactly
    loss, dscores = softmax_cross_entropy(np.zeros((2, 4)), np.array([0, 3]))
    assert loss == pytest.approx(np.log(4))
    np.testing.assert_allclose(dscores.sum(axis=1), 0.0, atol=1e-16)


# ---------------------------------------------------------------- stability at ±1000

def test_large_inputs_are_finite_and_warning_free():
    x = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        s, cache = sigmoid_forward(x)
        ds = sigmoid_backward(np.ones_like(x), cache)
        t, cache = tanh_forward(x)
        dt = tanh_backward(np.ones_like(x), cache)
        loss, dscores = softmax_cross_entropy(np.array([[1000.0, -1000.0, 0.0],
                                                        [-1000.0, 1000.0, 999.0]]),
                                              np.array([1, 2]))
    for a in (s, ds, t, dt, dscores):
        assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(s[[0, 4]], [0.0, 1.0])
    assert s[1] == pytest.approx(1 / (1 + np.exp(30)), rel=1e-14)  # small values keep precision
    assert loss == pytest.approx((2000.0 + 1.0 + np.log1p(np.exp(-1.0))) / 2, rel=1e-14)


# ---------------------------------------------------------------- inputs untouched, dtypes

def test_inputs_are_not_modified():
    x, w, b = randn(3, 4), randn(4, 2), randn(2)
    dout = randn(3, 2)
    copies = [a.copy() for a in (x, w, b, dout)]
    _, cache = affine_forward(x, w, b)
    affine_backward(dout, cache)
    for fwd, bwd in [(relu_forward, relu_backward), (sigmoid_forward, sigmoid_backward),
                     (tanh_forward, tanh_backward)]:
        _, cache = fwd(x)
        bwd(x, cache)
    scores, y = randn(3, 4), np.array([0, 1, 3])
    s0, y0 = scores.copy(), y.copy()
    softmax_cross_entropy(scores, y)
    for a, c in zip((x, w, b, dout), copies, strict=True):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(scores, s0)
    np.testing.assert_array_equal(y, y0)


def test_float32_and_int_inputs_are_computed_in_float64():
    x = randn(2, 3).astype(np.float32)
    out, _ = affine_forward(x, np.ones((3, 2), dtype=np.float32), np.zeros(2, dtype=int))
    assert out.dtype == np.float64
    assert relu_forward(np.arange(-2, 3))[0].dtype == np.float64


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, exc, words", [
    (lambda: affine_forward(np.ones(3), np.ones((3, 2)), np.ones(2)),
     ValueError, ["affine_forward", "x", "2-D", "(3,)"]),
    (lambda: affine_forward(np.ones((2, 3)), np.ones(3), np.ones(2)),
     ValueError, ["affine_forward", "w", "2-D", "(3,)"]),
    (lambda: affine_forward(np.ones((2, 3)), np.ones((4, 2)), np.ones(2)),
     ValueError, ["affine_forward", "w", "3 rows", "4", "x.shape=(2, 3)", "w.shape=(4, 2)"]),
    (lambda: affine_forward(np.ones((2, 3)), np.ones((3, 2)), np.ones(3)),
     ValueError, ["affine_forward", "b", "(2,)", "(3,)"]),
    (lambda: affine_forward([[1.0, 2.0]], np.ones((2, 2)), np.ones(2)),
     TypeError, ["affine_forward", "x", "numpy array", "list"]),
    (lambda: affine_forward(np.array([["a", "b"]]), np.ones((2, 2)), np.ones(2)),
     TypeError, ["affine_forward", "x", "real numbers", "<U1"]),
    (lambda: affine_forward(np.ones((2, 2)), np.ones((2, 2), dtype=complex), np.ones(2)),
     TypeError, ["affine_forward", "w", "complex"]),
    (lambda: affine_backward(np.ones((3, 2)), affine_forward(np.ones((2, 3)), np.ones((3, 2)),
                                                             np.ones(2))[1]),
     ValueError, ["affine_backward", "dout", "(2, 2)", "(3, 2)"]),
    (lambda: relu_forward("1.0"), TypeError, ["relu_forward", "x", "str"]),
    (lambda: sigmoid_forward(np.array([True])), TypeError, ["sigmoid_forward", "x", "bool"]),
    (lambda: tanh_backward(np.ones(2), tanh_forward(np.ones(3))[1]),
     ValueError, ["tanh_backward", "dout", "(3,)", "(2,)"]),
    (lambda: softmax_cross_entropy(np.ones(3), np.array([0])),
     ValueError, ["softmax_cross_entropy", "scores", "2-D"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3])),
     ValueError, ["softmax_cross_entropy", "y", "expects values in [0, 3), got 3"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, -1])),
     ValueError, ["softmax_cross_entropy", "y", "-1"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.5])),
     ValueError, ["softmax_cross_entropy", "y", "integer", "float64"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 1, 2])),
     ValueError, ["softmax_cross_entropy", "y", "(2,)", "(3,)"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([[0, 1]])),
     ValueError, ["softmax_cross_entropy", "y", "1-D", "(1, 2)"]),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), [0, 1]),
     TypeError, ["softmax_cross_entropy", "y", "list"]),
])
def test_bad_input_messages(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


@pytest.mark.parametrize("call, message", [
    (lambda: affine_forward(np.ones(3), np.ones((3, 2)), np.ones(2)),
     "affine_forward: x expects a 2-D array (N, D), got shape (3,)"),
    (lambda: affine_forward(np.ones((2, 3)), np.ones(3), np.ones(2)),
     "affine_forward: w expects a 2-D array (D, M), got shape (3,)"),
    (lambda: affine_forward(np.ones((2, 3)), np.ones((3, 2)), np.ones(3)),
     "affine_forward: b expects shape (2,) (one per column of w), got shape (3,)"),
    (lambda: tanh_backward(np.ones(2), tanh_forward(np.ones(3))[1]),
     "tanh_backward: dout expects the forward output's shape (3,), got shape (2,)"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([[0, 1]])),
     "softmax_cross_entropy: y expects a 1-D array (N,), got shape (1, 2)"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0.0, 1.0])),
     "softmax_cross_entropy: y expects integers (an integer dtype), got dtype float64"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), np.array([0, 1, 2])),
     "softmax_cross_entropy: y expects one label per row of scores, shape (2,), got shape (3,) "
     "(scores.shape=(2, 3))"),
    (lambda: softmax_cross_entropy(np.ones((2, 3)), [0, 1]),
     "softmax_cross_entropy: y expects a numpy array of integers, got list"),
    (lambda: softmax_cross_entropy(np.ones(3), np.array([0])),
     "softmax_cross_entropy: scores expects a 2-D array (N, C), got shape (3,)"),
])
def test_messages_in_full(call, message):
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert str(info.value) == message


# ---------------------------------------------------------------- edge inputs (issue 10 §2)

def test_perfect_prediction_loss_is_plus_zero():
    loss, dscores = softmax_cross_entropy(np.zeros((1, 1)), np.array([0]))
    assert loss == 0.0 and not np.signbit(loss) and repr(loss) == "0.0"
    np.testing.assert_array_equal(dscores, [[0.0]])


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("where", [(0, 0), (1, 2)])
def test_non_finite_scores_raise(bad, where):
    scores = np.zeros((2, 3))
    scores[where] = bad
    with pytest.raises(ValueError) as info, warnings.catch_warnings():
        warnings.simplefilter("error")
        softmax_cross_entropy(scores, np.array([0, 1]))
    msg = str(info.value)
    for word in ["softmax_cross_entropy", "scores", "finite", str(bad), str(where)]:
        assert word in msg, (word, msg)


@pytest.mark.parametrize("shape", [(0, 3), (2, 0), (0, 0)])
def test_empty_scores_raise(shape):
    with pytest.raises(ValueError) as info:
        softmax_cross_entropy(np.ones(shape), np.zeros(shape[0], dtype=int))
    assert str(info.value) == ("softmax_cross_entropy: scores expects at least one row and one "
                               f"column, got shape {shape}")


ACTIVATIONS = [(relu_forward, relu_backward), (sigmoid_forward, sigmoid_backward),
               (tanh_forward, tanh_backward)]


@pytest.mark.parametrize("fwd, bwd", ACTIVATIONS)
def test_activations_take_arrays_not_lists_like_every_layer(fwd, bwd):
    """One rule for every layer: a list raises TypeError (np.array(...) it first)."""
    name = fwd.__name__
    with pytest.raises(TypeError, match=f"{name}: x expects a numpy array, got list"):
        fwd([1.0, 2.0])
    with pytest.raises(TypeError, match=f"{name}: x expects an array of real numbers"):
        fwd(np.array(["1.0"]))
    _, cache = fwd(np.array([1.0, 2.0]))
    name = bwd.__name__
    with pytest.raises(TypeError, match=f"{name}: dout expects a numpy array, got list"):
        bwd([1.0, 1.0], cache)


def test_sigmoid_helper_validates_too():
    with pytest.raises(TypeError, match="sigmoid: x expects a numpy array, got list"):
        sigmoid([1.0, 2.0])
    assert sigmoid(0.0) == 0.5
    np.testing.assert_array_equal(sigmoid(np.array([-800.0, 800.0])), [0.0, 1.0])


@pytest.mark.parametrize("fwd, bwd", ACTIVATIONS)
@pytest.mark.parametrize("dout_shape", [(4,), (1, 4), (3, 1), (), (4, 3)])
def test_activation_backward_refuses_a_dout_that_would_broadcast(fwd, bwd, dout_shape):
    """A wrong-shaped upstream gradient must not silently broadcast into a dx of x's shape."""
    _, cache = fwd(randn(3, 4))
    with pytest.raises(ValueError, match=rf"{bwd.__name__}: dout expects the forward output's "
                                         rf"shape \(3, 4\), got shape"):
        bwd(np.ones(dout_shape), cache)


def test_relu_gradient_is_one_above_zero_and_zero_at_and_below():
    x = np.array([-1.0, -1e-300, 0.0, 1e-300, 2.0])
    _, cache = relu_forward(x)
    np.testing.assert_array_equal(relu_backward(np.full(5, 3.0), cache), [0, 0, 0, 3.0, 3.0])


@pytest.mark.parametrize("b, exc, words", [
    ([0.0, 0.0], TypeError, ["affine_forward", "b", "numpy array", "list"]),
    (np.array(["a", "b"]), TypeError, ["affine_forward", "b", "real numbers"]),
    (np.ones((1, 2)), ValueError, ["affine_forward", "b", "(2,)", "(1, 2)"]),
    (np.ones(()), ValueError, ["affine_forward", "b", "(2,)", "()"]),
])
def test_bias_is_checked(b, exc, words):
    with pytest.raises(exc) as info:
        affine_forward(np.ones((3, 4)), np.ones((4, 2)), b)
    for word in words:
        assert word in str(info.value), (word, str(info.value))


# ---------------------------------------------------------------- review 10 round 2, defect 11

def test_a_loss_beyond_float64_raises_without_a_warning():
    """[[1e308, -1e308]] with label 1: the gap 2e308 overflowed to inf with a RuntimeWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, dscores = softmax_cross_entropy(np.array([[1e308, -1e308]]), np.array([0]))
        assert loss == 0.0 and not np.signbit(loss)
        np.testing.assert_array_equal(dscores, [[0.0, 0.0]])
        with pytest.raises(ValueError) as info:
            softmax_cross_entropy(np.array([[1e308, -1e308]]), np.array([1]))
    assert str(info.value) == (
        "softmax_cross_entropy: the loss overflows float64: in row 0 the label's score -1e+308 "
        "lies so far below the row's maximum 1e+308 that −log p, the loss, is beyond 1.8e308 "
        "(scores of order 1e308: an overflow upstream?)")


def test_a_mean_loss_beyond_float64_raises_and_names_the_worst_row():
    """Each row's loss is finite (1.7e308) but their mean overflows in the sum."""
    scores = np.array([[0.0, 1.0], [1e308, -7e307], [1e308, -7e307]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="in row 1 the label's score -7e"):
            softmax_cross_entropy(scores, np.array([0, 1, 1]))
        loss, _ = softmax_cross_entropy(scores[:2], np.array([0, 1]))
    assert loss == pytest.approx((1.7e308 + np.log1p(np.e)) / 2)
