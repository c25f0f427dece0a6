"""helpers.layers: batch norm (training and inference mode, running averages) and layer norm."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from layer_harness import check_aliasing

from helpers.gradcheck import check_layer, rel_error
from helpers.layers.norm import (
    batchnorm_backward,
    batchnorm_forward,
    batchnorm_inference_backward,
    batchnorm_inference_forward,
    batchnorm_running_update,
    layernorm_backward,
    layernorm_forward,
)

TOL = 1e-7
rng = np.random.default_rng(8)


def randn(*shape):
    return rng.standard_normal(shape)


def params(D):
    return {"gamma": randn(D), "beta": randn(D)}


def two_values_case(x, K, offset):
    """Inputs and a finite-difference step for a gradient check normalizing over K values.

    With K = 2 values (batch norm with N = 2, layer norm with D = 2) x̂ = ±√(v / (v + eps))
    whatever x is, so dx is of order eps / v: a spread comparable to √eps keeps dx large
    enough to measure, and the step h must be small against that spread.
    """
    if K == 2:
        return x * 3e-3 + offset, 1e-5
    return x + offset, 1e-3


def inference_pair():
    """batchnorm_inference_* with the running statistics bound, so check_layer sees (x, γ, β)."""
    mean, var = randn(4), rng.uniform(0.5, 2.0, 4)

    def forward(x, gamma, beta):
        return batchnorm_inference_forward(x, gamma, beta, mean, var)
    return forward, batchnorm_inference_backward, mean, var


# ---------------------------------------------------------------- gradient checks

# Shapes: the smallest batch (N = 2 for batch norm, N = 1 for layer norm), one feature (D = 1),
# square and non-square, and large offsets (x·3 + 1000: normalization must not lose precision).
BN_CASES = [(2, 3, 1.0, 0.0), (2, 1, 1.0, 0.0), (4, 5, 1.0, 0.0), (7, 3, 3.0, 1000.0),
            (5, 1, 3.0, 1000.0), (3, 8, 0.1, -50.0)]
LN_CASES = [(1, 4, 1.0, 0.0), (1, 1, 1.0, 0.0), (3, 1, 1.0, 0.0), (4, 5, 1.0, 0.0),
            (6, 3, 3.0, 1000.0), (1, 7, 3.0, 1000.0), (5, 2, 0.1, -50.0)]


@pytest.mark.parametrize("N, D, scale, offset", BN_CASES)
def test_batchnorm_gradcheck(N, D, scale, offset):
    x, h = two_values_case(randn(N, D) * scale, N, offset)
    res = check_layer(batchnorm_forward, batchnorm_backward, {"x": x, **params(D)}, h=h,
                      verbose=False)
    assert res.max_error < TOL, res.errors


@pytest.mark.parametrize("N, D, scale, offset", LN_CASES)
def test_layernorm_gradcheck(N, D, scale, offset):
    x, h = two_values_case(randn(N, D) * scale, D, offset)
    res = check_layer(layernorm_forward, layernorm_backward, {"x": x, **params(D)}, h=h,
                      verbose=False)
    if D == 1:  # one feature: x̂ = 0 for every row, out = β, dx = 0 exactly
        _, cache = layernorm_forward(x, **params(1))
        assert np.array_equal(layernorm_backward(randn(N, 1), cache)[0], np.zeros((N, 1)))
    assert res.max_error < TOL, res.errors


@pytest.mark.parametrize("N", [1, 3])
def test_batchnorm_inference_gradcheck(N):
    forward, backward, _, _ = inference_pair()
    res = check_layer(forward, backward, {"x": randn(N, 4) * 3 + 1000, **params(4)},
                      verbose=False)
    assert res.max_error < TOL, res.errors


def _extended(x, gamma, dout, axis):
    """The compact backward in extended precision (np.longdouble): a reference for big shapes,
    where central differences of a sum of N·D terms lose more digits than the backward does."""
    x, gamma, dout = (a.astype(np.longdouble) for a in (x, gamma, dout))
    xc = x - x.mean(axis=axis, keepdims=True)
    sigma = np.sqrt((xc**2).mean(axis=axis, keepdims=True) + np.longdouble(1e-5))
    xhat = xc / sigma
    g = dout * gamma
    K = x.shape[axis]
    dx = (K * g - g.sum(axis=axis, keepdims=True)
          - xhat * (g * xhat).sum(axis=axis, keepdims=True)) / (K * sigma)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


@pytest.mark.parametrize("forward, backward, axis", [(batchnorm_forward, batchnorm_backward, 0),
                                                     (layernorm_forward, layernorm_backward, 1)])
@pytest.mark.parametrize("N, D", [(64, 17), (256, 512)])
def test_large_shapes_against_extended_precision(forward, backward, axis, N, D):
    x, gamma, beta, dout = randn(N, D) * 3 + 1000, randn(D), randn(D), randn(N, D)
    _, cache = forward(x, gamma, beta)
    for ours, ref in zip(backward(dout, cache), _extended(x, gamma, dout, axis), strict=True):
        # absolute error against the largest entry: single entries near 0 are cancellations
        assert np.max(np.abs(ours - ref)) < 1e-12 * np.max(np.abs(ref))


@pytest.mark.parametrize("forward, backward, axis, N, D", [
    (batchnorm_forward, batchnorm_backward, 0, 2, 1),
    (batchnorm_forward, batchnorm_backward, 0, 2, 3),
    (layernorm_forward, layernorm_backward, 1, 1, 2),
    (layernorm_forward, layernorm_backward, 1, 3, 2),
])
def test_two_values_at_offset_1000_against_extended_precision(forward, backward, axis, N, D):
    """The smallest cases with x·3 + 1000, where central differences cannot resolve dx: two
    values give x̂ = ±√(v/(v + eps)), so dx is of order eps/v (10⁻⁶ here) and a step h moves
    the output by less than its rounding. The float64 backward still holds 7 digits."""
    x, gamma, beta, dout = randn(N, D) * 3 + 1000, randn(D), randn(D), randn(N, D)
    _, cache = forward(x, gamma, beta)
    for ours, ref in zip(backward(dout, cache), _extended(x, gamma, dout, axis), strict=True):
        assert np.max(np.abs(ours - ref)) < TOL * np.max(np.abs(ref))


# ---------------------------------------------------------------- values

def test_batchnorm_normalizes_each_column():
    x = randn(50, 3) * [1.0, 10.0, 0.1] + [0.0, 1000.0, -5.0]
    out, _ = batchnorm_forward(x, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-9)
    gamma, beta = np.array([2.0, 0.5, -1.0]), np.array([1.0, -3.0, 0.0])
    out2, _ = batchnorm_forward(x, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(out2, out * gamma + beta, rtol=1e-12, atol=1e-12)


def test_layernorm_normalizes_each_row_and_ignores_the_batch():
    x = randn(4, 6) * 3 + 1000
    out, _ = layernorm_forward(x, np.ones(6), np.zeros(6), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-10)
    np.testing.assert_allclose(out.std(axis=1), 1.0, rtol=1e-9)
    gamma, beta = randn(6), randn(6)
    whole, _ = layernorm_forward(x, gamma, beta)
    for n in range(4):  # row n alone gives the same output: no batch statistics
        alone, _ = layernorm_forward(x[n:n + 1], gamma, beta)
        np.testing.assert_array_equal(alone[0], whole[n])


def test_layernorm_is_batchnorm_of_the_transpose():
    """Normalizing over the other axis: with γ = 1, β = 0, LN(x) = BN(xᵀ)ᵀ."""
    x = randn(5, 7)
    ln, _ = layernorm_forward(x, np.ones(7), np.zeros(7))
    bn, _ = batchnorm_forward(x.T, np.ones(5), np.zeros(5))
    np.testing.assert_allclose(ln, bn.T, rtol=1e-13, atol=1e-13)


def test_backward_formulas_match_the_compact_form():
    x, gamma, beta, dout = randn(6, 4), randn(4), randn(4), randn(6, 4)
    out, cache = batchnorm_forward(x, gamma, beta, eps=1e-14)
    xc, _, sigma = cache
    xhat = xc / sigma
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    N = 6
    expected = gamma / (N * sigma) * (N * dout - dout.sum(0) - xhat * (dout * xhat).sum(0))
    assert rel_error(dx, expected) < 1e-12
    np.testing.assert_allclose(dgamma, (dout * xhat).sum(0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dbeta, dout.sum(0), rtol=1e-13)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)       # shift invariance
    # scale invariance (exact for eps = 0): dx is orthogonal to x̂ in every column
    np.testing.assert_allclose((dx * xhat).sum(axis=0), 0.0, atol=1e-10)


def test_batchnorm_two_examples_output_is_plus_minus_one():
    """N = 2: each column becomes ±√(v/(v + eps)) ≈ ±1 whatever the two values are."""
    out, _ = batchnorm_forward(np.array([[0.0, 5.0], [10.0, -995.0]]), np.ones(2), np.zeros(2))
    np.testing.assert_allclose(np.abs(out), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(np.sign(out), [[-1, 1], [1, -1]])


def test_batchnorm_one_example_raises_with_the_reason():
    with pytest.raises(ValueError) as info:
        batchnorm_forward(randn(1, 3), np.ones(3), np.zeros(3))
    for word in ("batchnorm_forward", "x", "at least 2 rows", "(1, 3)", "out = beta",
                 "batchnorm_inference_forward"):
        assert word in str(info.value)


def test_constant_column_gives_beta_and_finite_gradients():
    x = np.column_stack([np.full(4, 7.0), randn(4)])
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, 0.0])
    out, cache = batchnorm_forward(x, gamma, beta)
    np.testing.assert_array_equal(out[:, 0], 0.5)
    dx, dgamma, dbeta = batchnorm_backward(randn(4, 2), cache)
    assert all(np.all(np.isfinite(a)) for a in (dx, dgamma, dbeta))


def test_running_update_and_inference():
    x = randn(10, 3) * 2 + 5
    mean0, var0 = np.zeros(3), np.ones(3)
    mean, var = batchnorm_running_update(mean0, var0, x, momentum=0.9)
    np.testing.assert_allclose(mean, 0.1 * x.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(var, 0.9 + 0.1 * x.var(axis=0, ddof=1), rtol=1e-13)
    np.testing.assert_array_equal(mean0, 0.0)          # new arrays, inputs untouched
    np.testing.assert_array_equal(var0, 1.0)
    # momentum = 1 keeps the old values; many updates on one batch converge to its statistics
    same = batchnorm_running_update(mean0, var0, x, momentum=1.0)
    np.testing.assert_array_equal(same[0], mean0)
    for _ in range(400):
        mean, var = batchnorm_running_update(mean, var, x, momentum=0.9)
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(var, x.var(axis=0, ddof=1), rtol=1e-12)
    gamma, beta = randn(3), randn(3)
    out, _ = batchnorm_inference_forward(x, gamma, beta, mean, var, eps=1e-5)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5) * gamma + beta,
                               rtol=1e-12)
    # one example alone gets the same output as inside the batch
    alone, _ = batchnorm_inference_forward(x[:1], gamma, beta, mean, var)
    np.testing.assert_array_equal(alone[0], out[0])


def test_messages_in_full():
    """The whole message, where a word could hide a wrong bound."""
    with pytest.raises(ValueError) as info:
        _bn(eps=0.0)
    assert str(info.value) == "batchnorm_forward: eps expects a finite number > 0, got 0.0"
    with pytest.raises(ValueError) as info:
        batchnorm_running_update(np.zeros(2), np.ones(2), np.ones((4, 2)), momentum=2)
    assert str(info.value) == ("batchnorm_running_update: momentum expects a finite number > 0 "
                               "and at most 1, got 2.0")


def test_running_update_edge_cases():
    """Two rows are enough; momentum may be any real number type; a zero variance is valid."""
    x = np.array([[1.0, 5.0], [3.0, 5.0]])                      # N = 2, a constant column
    mean, var = batchnorm_running_update(np.zeros(2), np.ones(2), x, momentum=Fraction(1, 2))
    assert mean.dtype == np.float64 and var.dtype == np.float64
    np.testing.assert_allclose(mean, [1.0, 2.5], rtol=1e-15)
    np.testing.assert_allclose(var, [1.5, 0.5], rtol=1e-15)    # (1 + 2)/2 and (1 + 0)/2
    # a running variance of exactly 0 (a feature that never varied) is accepted
    out, _ = batchnorm_inference_forward(x, np.ones(2), np.zeros(2), np.zeros(2), np.zeros(2))
    np.testing.assert_allclose(out, x / np.sqrt(1e-5), rtol=1e-12)
    eps = batchnorm_forward(x, np.ones(2), np.zeros(2), eps=Fraction(1, 100))[1][2]
    np.testing.assert_allclose(eps, np.sqrt([1.0 + 0.01, 0.01]), rtol=1e-15)


def test_inference_backward_has_no_fork():
    forward, backward, mean, var = inference_pair()
    x, p, dout = randn(3, 4), params(4), randn(3, 4)
    _, cache = forward(x, **p)
    dx, dgamma, dbeta = backward(dout, cache)
    np.testing.assert_allclose(dx, dout * p["gamma"] / np.sqrt(var + 1e-5), rtol=1e-13)


# ---------------------------------------------------------------- inputs, caches, dtypes

FORWARDS = [
    (batchnorm_forward, batchnorm_backward, ()),
    (layernorm_forward, layernorm_backward, ()),
    (batchnorm_inference_forward, batchnorm_inference_backward,
     (rng.standard_normal(4), rng.uniform(0.5, 2.0, 4))),
]


@pytest.mark.parametrize("forward, backward, extra", FORWARDS)
def test_inputs_are_never_modified(forward, backward, extra):
    x, gamma, beta, dout = randn(5, 4), randn(4), randn(4), randn(5, 4)
    arrays = (x, gamma, beta, dout, *extra)
    copies = [a.copy() for a in arrays]
    _, cache = forward(x, gamma, beta, *extra)
    backward(dout, cache)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("forward, backward, extra", FORWARDS)
@pytest.mark.parametrize("N", [2, 5])
def test_layer_harness(forward, backward, extra, N):
    """tests/layer_harness.py: edits of inputs and outputs after forward, repeated backward."""
    inputs = {"x": randn(N, 4) * 3 + 1000, "gamma": randn(4), "beta": randn(4)}
    if extra:
        inputs.update(running_mean=extra[0].copy(), running_var=extra[1].copy())
    report = check_aliasing(forward, backward, inputs, options={"eps": 1e-5})
    assert report["outputs"] == {"out0": "unchanged"}     # the layers keep their own copies


def test_layer_harness_running_update():
    """The running statistics are returned as new arrays, untouched by later edits."""
    mean, var, x = randn(3), rng.uniform(0.5, 2.0, 3), randn(5, 3)
    new_mean, new_var = batchnorm_running_update(mean, var, x)
    expected = (new_mean.copy(), new_var.copy())
    for a in (mean, var, x):
        a *= -2.0
    np.testing.assert_array_equal(new_mean, expected[0])
    np.testing.assert_array_equal(new_var, expected[1])
    assert not np.shares_memory(new_mean, mean) and not np.shares_memory(new_var, var)


@pytest.mark.parametrize("forward, backward, extra", FORWARDS)
def test_nothing_after_forward_changes_backward(forward, backward, extra):
    x, gamma, beta, dout = randn(5, 4), randn(4), randn(4), randn(5, 4)
    extra = tuple(a.copy() for a in extra)
    out, cache = forward(x, gamma, beta, *extra)
    expected = [g.copy() for g in backward(dout, cache)]
    for a in (x, gamma, beta, out, *extra):
        a *= 3.0                                   # the caller reuses every buffer
        a += 1.0
    grads = backward(dout, cache)
    for g, e in zip(grads, expected, strict=True):
        np.testing.assert_array_equal(g, e)
    grads[0][...] = 0.0                            # editing a returned gradient …
    for g, e in zip(backward(dout, cache), expected, strict=True):
        np.testing.assert_array_equal(g, e)        # … does not reach the cache either


@pytest.mark.parametrize("forward, backward, extra", FORWARDS)
def test_float32_and_int_inputs_are_computed_in_float64(forward, backward, extra):
    x = (randn(3, 4) * 10).astype(np.int64)
    out, cache = forward(x, np.ones(4, dtype=np.float32), np.zeros(4, dtype=int), *extra)
    assert out.dtype == np.float64
    assert all(g.dtype == np.float64 for g in backward(np.ones((3, 4), np.float32), cache))


# ---------------------------------------------------------------- bad input

def _bn(x=None, gamma=None, beta=None, **kw):
    x = np.ones((3, 2)) if x is None else x
    return batchnorm_forward(x, np.ones(2) if gamma is None else gamma,
                             np.zeros(2) if beta is None else beta, **kw)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: _bn(x=np.ones(3)), ValueError, ["batchnorm_forward", "x", "2-D", "(N, D)", "(3,)"]),
    (lambda: _bn(x=[[1.0, 2.0], [3.0, 4.0]]), TypeError, ["batchnorm_forward", "x", "list"]),
    (lambda: _bn(x=np.ones((3, 2), dtype=complex)), TypeError,
     ["batchnorm_forward", "x", "real numbers", "complex"]),
    (lambda: _bn(x=np.ones((3, 0))), ValueError, ["batchnorm_forward", "x", "D >= 1", "(3, 0)"]),
    (lambda: _bn(x=np.ones((0, 2))), ValueError, ["batchnorm_forward", "x", "N >= 1", "(0, 2)"]),
    (lambda: _bn(gamma=np.ones(3)), ValueError,
     ["batchnorm_forward", "gamma", "(2,)", "(3,)", "x.shape=(3, 2)"]),
    (lambda: _bn(beta=np.ones((1, 2))), ValueError, ["batchnorm_forward", "beta", "(2,)",
                                                     "(1, 2)"]),
    (lambda: _bn(gamma=np.array(["a", "b"])), TypeError, ["batchnorm_forward", "gamma", "<U1"]),
    (lambda: _bn(eps=0.0), ValueError, ["batchnorm_forward", "eps", "> 0", "0.0"]),
    (lambda: _bn(eps=-1e-5), ValueError, ["batchnorm_forward", "eps", "> 0"]),
    (lambda: _bn(eps=float("nan")), ValueError, ["batchnorm_forward", "eps", "nan"]),
    (lambda: _bn(eps="1e-5"), TypeError, ["batchnorm_forward", "eps", "str"]),
    (lambda: _bn(eps=True), TypeError, ["batchnorm_forward", "eps", "bool"]),
    (lambda: batchnorm_backward(np.ones((2, 2)), _bn()[1]), ValueError,
     ["batchnorm_backward", "dout", "(3, 2)", "(2, 2)"]),
    (lambda: layernorm_forward(np.ones((2, 3)), np.ones(2), np.zeros(3)), ValueError,
     ["layernorm_forward", "gamma", "(3,)", "(2,)"]),
    (lambda: layernorm_forward(np.ones((2, 3, 1)), np.ones(3), np.zeros(3)), ValueError,
     ["layernorm_forward", "x", "2-D", "(2, 3, 1)"]),
    (lambda: layernorm_backward(np.ones(3), layernorm_forward(np.ones((1, 3)), np.ones(3),
                                                              np.zeros(3))[1]),
     ValueError, ["layernorm_backward", "dout", "(1, 3)", "(3,)"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), np.ones((1, 2))), ValueError,
     ["batchnorm_running_update", "x", "at least 2 rows", "(1, 2)"]),
    (lambda: batchnorm_running_update(np.zeros(3), np.ones(2), np.ones((4, 2))), ValueError,
     ["batchnorm_running_update", "running_mean", "(2,)", "(3,)"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), np.ones((4, 2)), momentum=1.5),
     ValueError, ["batchnorm_running_update", "momentum", "at most 1", "1.5"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), np.ones((4, 2)), momentum=0),
     ValueError, ["batchnorm_running_update", "momentum", "> 0"]),
    (lambda: batchnorm_inference_forward(np.ones((1, 2)), np.ones(2), np.zeros(2), np.zeros(2),
                                         np.array([1.0, -1.0])),
     ValueError, ["batchnorm_inference_forward", "running_var", ">= 0", "-1.0"]),
    (lambda: batchnorm_inference_forward(np.ones((1, 2)), np.ones(2), np.zeros(2), np.zeros(3),
                                         np.ones(2)),
     ValueError, ["batchnorm_inference_forward", "running_mean", "(2,)", "(3,)"]),
    (lambda: batchnorm_inference_forward(np.ones((1, 2)), np.ones(2), np.zeros(2), np.zeros(2),
                                         np.ones(3)),
     ValueError, ["batchnorm_inference_forward", "running_var", "(2,)", "(3,)"]),
    (lambda: batchnorm_inference_backward(np.ones((2, 2)), batchnorm_inference_forward(
        np.ones((1, 2)), np.ones(2), np.zeros(2), np.zeros(2), np.ones(2))[1]),
     ValueError, ["batchnorm_inference_backward", "dout", "(1, 2)", "(2, 2)"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), [[1.0, 2.0], [3.0, 4.0]]),
     TypeError, ["batchnorm_running_update", "x", "list"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), np.ones(4)), ValueError,
     ["batchnorm_running_update", "x", "2-D", "(N, D)", "(4,)"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(3), np.ones((4, 2))), ValueError,
     ["batchnorm_running_update", "running_var", "(2,)", "(3,)"]),
    (lambda: batchnorm_running_update(np.zeros(2), np.ones(2), np.ones((4, 2)), momentum="0.9"),
     TypeError, ["batchnorm_running_update", "momentum", "positive number", "str"]),
])
def test_bad_input_messages(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    function, argument = words[:2]
    assert str(info.value).startswith(f"{function}: {argument} expects "), str(info.value)
    for word in words[2:]:
        assert word in str(info.value), (word, str(info.value))


# ---------------------------------------------------------------- review 10 round 2, defect 5

def _extended_forward(x, gamma, beta, axis, eps=1e-5):
    """out in extended precision (x87 long double: exponents to ±4932, so (x − μ)² fits)."""
    x = x.astype(np.longdouble)
    xc = x - x.mean(axis=axis, keepdims=True)
    xhat = xc / np.sqrt((xc**2).mean(axis=axis, keepdims=True) + np.longdouble(eps))
    return xhat * gamma + beta


def test_the_reviewers_huge_inputs():
    """(x − μ)² overflowed to inf and every output came back 0 without a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = layernorm_forward(np.array([[1.0, 2.0, 3.0]]) * 1e160, np.ones(3), np.zeros(3))
        np.testing.assert_allclose(out, [[-np.sqrt(1.5), 0.0, np.sqrt(1.5)]], rtol=1e-15)
        out, _ = batchnorm_forward(np.array([[1.0], [2.0], [3.0]]) * 1e160, np.ones(1),
                                   np.zeros(1))
        np.testing.assert_allclose(out, [[-np.sqrt(1.5)], [0.0], [np.sqrt(1.5)]], rtol=1e-15)


@pytest.mark.parametrize("forward, backward, axis", [(batchnorm_forward, batchnorm_backward, 0),
                                                     (layernorm_forward, layernorm_backward, 1)])
@pytest.mark.parametrize("scale", [1e100, 1e154, 1e160, 1e200, 1e300, 8e307])
def test_huge_finite_inputs_against_extended_precision(forward, backward, axis, scale):
    """Any scale up to where x − μ itself overflows (x in ±2.2·scale, |x − μ| up to 4.4·scale):
    forward and backward agree with long double; no warning."""
    rng_ = np.random.default_rng(int(np.log10(scale)))
    x = rng_.uniform(-1, 1, (5, 4)) * scale
    x[0], x[1] = 2.2 * scale, -2.2 * scale                # the extremes, in every column
    gamma, beta, dout = randn(4), randn(4), randn(5, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward(x, gamma, beta)
        grads = backward(dout, cache)
    want = _extended_forward(x, gamma, beta, axis)
    assert np.max(np.abs(out - want)) < 1e-13 * np.max(np.abs(want))
    for ours, ref in zip(grads, _extended(x, gamma, dout, axis), strict=True):
        assert np.max(np.abs(ours - ref)) <= 1e-12 * np.max(np.abs(ref)), (ours, ref)


@pytest.mark.parametrize("forward", [batchnorm_forward, layernorm_forward])
def test_outputs_beyond_float64_raise(forward):
    x = np.array([[1.0, 5.0, -2.0], [4.0, 5.5, 0.0], [-3.0, 2.0, 9.0]])
    fname = forward.__name__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as info:
            forward(x, np.full(3, 1.7e308), np.zeros(3))
        assert str(info.value) == (f"{fname}: out overflows float64 (|gamma| or |beta| of "
                                   f"order 1e308?)")
        with pytest.raises(ValueError, match=f"^{fname}: out overflows float64"):
            forward(x, np.full(3, 1e308), np.full(3, 1.7e308))
        out, _ = forward(x, np.full(3, 1e308), np.zeros(3))    # near the edge, still finite
        assert np.isfinite(out).all() and np.abs(out).max() > 1e308


@pytest.mark.parametrize("forward, x", [
    (batchnorm_forward, np.array([[3.0], [-1.0], [-1.0], [-1.0]])),   # x̂ = √3 in a column of 4
    (layernorm_forward, np.array([[3.0, -1.0, -1.0, -1.0]])),         # and in a row of 4
])
def test_the_overflow_check_counts_the_standardized_slice(forward, x):
    """|x̂| reaches √(n − 1) for n values: √3·1.1e308 overflows, though 1.1e308 does not."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="out overflows float64"):
            forward(x, np.full(x.shape[1], 1.1e308), np.zeros(x.shape[1]))
        out, _ = forward(x, np.full(x.shape[1], 1e308), np.zeros(x.shape[1]))
    assert np.isfinite(out).all() and np.abs(out).max() > 1.7e308


def test_inference_outputs_beyond_float64_raise():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="^batchnorm_inference_forward: out overflows"):
            batchnorm_inference_forward(np.array([[1e308, 0.0]]), np.ones(2), np.zeros(2),
                                        np.array([-1e308, 0.0]), np.ones(2))


def test_a_huge_batchnorm_cache_keeps_the_ratios_backward_reads():
    """Where x − μ overflows, the cache holds (x̂, γ/σ, 1): xc/σ and γ/σ as before."""
    x = np.array([[1.7e308], [-1.7e308], [-1.7e308]])
    _, (xhat, kept, sigma) = batchnorm_forward(x, np.full(1, 3.0), np.zeros(1))
    np.testing.assert_allclose(xhat.ravel(), [np.sqrt(2), -np.sqrt(0.5), -np.sqrt(0.5)],
                               rtol=1e-15)
    true_sigma = 1.7e308 * (2 * np.sqrt(2) / 3)
    np.testing.assert_allclose(kept, 3.0 / true_sigma, rtol=1e-14)
    np.testing.assert_array_equal(sigma, [1.0])
