"""Notebook 08's exercise checkers: the right answers pass; the references, the stubs and the
classic mistakes fail, each mistake with its own hint."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import stub as _stub

from helpers import layers
from helpers.exercises import nb08

# ------------------------------------------------------------------------------ answers


def param_grads(dout, xhat):
    return (dout * xhat).sum(axis=0), dout.sum(axis=0)


def bn_backward(dout, cache):
    xhat, gamma, sigma = cache
    N = dout.shape[0]
    dgamma, dbeta = (dout * xhat).sum(axis=0), dout.sum(axis=0)
    dx = gamma / (N * sigma) * (N * dout - dbeta - xhat * dgamma)
    return dx, dgamma, dbeta


def ln_backward(dout, cache):
    xhat, gamma, sigma = cache
    D = dout.shape[1]
    g = dout * gamma
    dx = (D * g - g.sum(axis=1, keepdims=True)
          - xhat * (g * xhat).sum(axis=1, keepdims=True)) / (D * sigma)
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)






def _check(checker, fn, capsys):
    ok = checker(fn)
    return ok, capsys.readouterr().out


# ------------------------------------------------------------------------------ exercise 1

def test_param_grads_right_answer_passes(capsys):
    ok, out = _check(nb08.check_bn_param_grads, param_grads, capsys)
    assert ok and out.startswith("✓")


@pytest.mark.parametrize("wrong, words", [
    (lambda dout, xhat: (dout.sum(axis=0), dout.sum(axis=0)), "weighs each dout by the x̂"),
    (lambda dout, xhat: ((dout * xhat).sum(axis=1), dout.sum(axis=1)), "sums over the features"),
    (lambda dout, xhat: ((dout * xhat).mean(axis=0), dout.mean(axis=0)), "a mean where a sum"),
    (lambda dout, xhat: (dout.sum(axis=0), (dout * xhat).sum(axis=0)), "swapped"),
    (lambda dout, xhat: (dout * xhat).sum(axis=0), "return 2"),
    (lambda dout, xhat: (xhat.sum(axis=0), dout.sum(axis=0)), "Σ_n x̂ is 0 by construction"),
    (lambda dout, xhat: (np.zeros(dout.shape[1]), dout.sum(axis=0)), "zero in every column"),
    (_stub, "fill in"),
])
def test_param_grads_mistakes_get_their_hint(wrong, words, capsys):
    ok, out = _check(nb08.check_bn_param_grads, wrong, capsys)
    assert not ok and out.startswith("not yet") and words in out, out


# ------------------------------------------------------------------------------ exercise 2

def test_batchnorm_backward_right_answer_passes(capsys):
    ok, out = _check(nb08.check_batchnorm_backward, bn_backward, capsys)
    assert ok and out.startswith("✓")


def test_batchnorm_backward_staged_answer_passes(capsys):
    def staged(dout, cache):
        xhat, gamma, sigma = cache
        N = dout.shape[0]
        xc = xhat * sigma
        dxhat = dout * gamma
        dinv = (dxhat * xc).sum(axis=0)
        dxc = dxhat / sigma
        dvar = -dinv / sigma**2 / (2 * sigma)
        dxc = dxc + 2 * xc / N * dvar
        dx = dxc - dxc.sum(axis=0) / N
        return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
    ok, out = _check(nb08.check_batchnorm_backward, staged, capsys)
    assert ok, out


def test_batchnorm_backward_refuses_the_reference(capsys):
    def calls_reference(dout, cache):
        xhat, gamma, sigma = cache
        return layers.batchnorm_backward(dout, (xhat * sigma, gamma, sigma))
    ok, out = _check(nb08.check_batchnorm_backward, calls_reference, capsys)
    assert not ok and "helpers.layers.batchnorm_backward" in out, out


def _bn_variant(dx_of):
    def fn(dout, cache):
        xhat, gamma, sigma = cache
        return dx_of(dout, xhat, gamma, sigma), (dout * xhat).sum(axis=0), dout.sum(axis=0)
    return fn


def _compact(dout, xhat, gamma, sigma, mean=True, var=True, axis=0, K=None, var_factor=1.0,
             mean_factor=1.0, front=None):
    """The compact form over ``axis``; the keywords plant one mistake each: a path left out,
    the wrong count K, the variance or mean path scaled, another factor in front."""
    K = dout.shape[axis] if K is None else K
    g = dout * gamma
    dx = K * g
    if mean:
        dx = dx - mean_factor * g.sum(axis=axis, keepdims=True)
    if var:
        dx = dx - var_factor * xhat * (g * xhat).sum(axis=axis, keepdims=True)
    return dx / (K * sigma) if front is None else dx * front / sigma


@pytest.mark.parametrize("wrong, words", [
    (_bn_variant(lambda d, xh, g, s: d * g / s), "treated as constants"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, mean=False)), "through the mean"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var=False)), "through the variance"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, 1.0, s)), "γ is missing"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=1)), "layer norm's backward"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s**2)), "σ² instead of σ"),
    (_bn_variant(lambda d, xh, g, s: -_compact(d, xh, g, s)), "wrong sign"),
    (_bn_variant(lambda d, xh, g, s: g / (len(d) * s) * (
        len(d) * d - d.sum(axis=1, keepdims=True) - xh * (d * xh).sum(axis=1, keepdims=True))),
     "layer norm's backward"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, front=1.0)), "1/N in front is missing"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, mean_factor=len(d))), "without its 1/N"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var_factor=0.5)), "one of the two 2s"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var_factor=2.0)), "one of the two 2s"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, K=len(d) - 1)), "not by N − 1"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var_factor=len(d) / (len(d) - 1))),
     "not by N − 1"),
    (lambda dout, cache: cache, "the cache's own arrays handed back"),
    (_bn_variant(lambda d, xh, g, s: d), "dx is dout handed back unchanged"),
    (lambda dout, cache: bn_backward(dout, cache)[:2], "return 3"),
    (lambda dout, cache: (bn_backward(dout, cache)[0].T,) + bn_backward(dout, cache)[1:],
     "shape"),
    (_stub, "fill in"),
    (_not_implemented, "fill in"),
])
def test_batchnorm_backward_mistakes_get_their_hint(wrong, words, capsys):
    ok, out = _check(nb08.check_batchnorm_backward, wrong, capsys)
    assert not ok and out.startswith("not yet") and words in out, out


def test_batchnorm_backward_refuses_editing_the_cache(capsys):
    def edits(dout, cache):
        xhat, gamma, sigma = cache
        xhat *= 1.0 + 0.0 * sigma     # numerically the same, but in place
        return bn_backward(dout, cache)
    ok, out = _check(nb08.check_batchnorm_backward, edits, capsys)
    # multiplying by exactly 1.0 leaves every value as it was: that is allowed
    assert ok, out

    def really_edits(dout, cache):
        dx, dgamma, dbeta = bn_backward(dout, cache)
        dout *= 2.0
        return dx, dgamma, dbeta
    ok, out = _check(nb08.check_batchnorm_backward, really_edits, capsys)
    assert not ok and "in place" in out, out


# ------------------------------------------------------------------------------ exercise 3

def test_layernorm_backward_right_answer_passes(capsys):
    ok, out = _check(nb08.check_layernorm_backward, ln_backward, capsys)
    assert ok and out.startswith("✓")


def test_layernorm_backward_refuses_the_reference(capsys):
    def calls_reference(dout, cache):
        xhat, gamma, sigma = cache
        return layers.layernorm_backward(dout, (xhat, gamma, sigma))
    ok, out = _check(nb08.check_layernorm_backward, calls_reference, capsys)
    assert not ok and "helpers.layers.layernorm_backward" in out, out


def _ln_variant(dx_of, param_axis=0):
    def fn(dout, cache):
        xhat, gamma, sigma = cache
        return (dx_of(dout, xhat, gamma, sigma), (dout * xhat).sum(axis=param_axis),
                dout.sum(axis=param_axis))
    return fn


@pytest.mark.parametrize("wrong, words", [
    (_ln_variant(lambda d, xh, g, s: g * _compact(d, xh, 1.0, s, axis=1)), "out of the sums"),
    (_ln_variant(lambda d, xh, g, s: d * g / s), "treated as constants"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=1), param_axis=1),
     "per feature"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, mean=False, axis=1)),
     "each row's mean is missing"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var=False, axis=1)),
     "each row's variance is missing"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=1, front=1.0)),
     "1/D in front is missing"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=1, K=len(d))), "not by N"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=0)), "run over the batch"),
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=0, K=d.shape[1])),
     "run over the batch"),
    (bn_backward, "run over the batch"),
    (lambda dout, cache: cache, "the cache's own arrays handed back"),
    (_ln_variant(lambda d, xh, g, s: d), "dx is dout handed back unchanged"),
    (_stub, "fill in"),
])
def test_layernorm_backward_mistakes_get_their_hint(wrong, words, capsys):
    ok, out = _check(nb08.check_layernorm_backward, wrong, capsys)
    assert not ok and out.startswith("not yet") and words in out, out


def test_the_checkers_are_registered_in_order():
    from helpers.exercises._check import registered
    assert [(ex.number, ex.title) for ex in registered("08")] == [
        (1, "dγ and dβ"), (2, "batch norm backward"), (3, "layer norm backward")]


def test_cases_include_the_smallest_batches():
    """Batch norm's cases start at N = 2, layer norm's at N = 1 (and one is non-square)."""
    xhat, gamma, sigma, dout = nb08._case(0, 2, 3, axis=0)
    assert xhat.shape == (2, 3) and sigma.shape == (3,)
    np.testing.assert_allclose(np.abs(xhat), np.broadcast_to(np.sqrt(1 - 1e-5 / sigma**2), (2, 3)),
                               rtol=1e-12)
    xhat, gamma, sigma, dout = nb08._case(0, 1, 5, axis=1)
    assert xhat.shape == (1, 5) and sigma.shape == (1, 1)


# ------------------------------------------------------------------------------ the cases

def _documented_case(seed, N, D, axis):
    """nb08._case's recipe, written again: x = 3·(standard normal), γ of magnitude in [0.5, 2]
    with random signs, dout standard normal."""
    rng = np.random.default_rng(seed)
    x = 3 * rng.standard_normal((N, D))
    xc = x - x.mean(axis=axis, keepdims=True)
    sigma = np.sqrt((xc**2).mean(axis=axis, keepdims=True) + 1e-5)
    gamma = rng.uniform(0.5, 2.0, D) * rng.choice([-1.0, 1.0], D)
    return xc / sigma, gamma, sigma[0] if axis == 0 else sigma, rng.standard_normal((N, D))


def _spy(answer, seen):
    def fn(*args):
        seen.append(args)
        return answer(*args)
    return fn


def test_param_grads_cases_are_the_documented_ones(capsys):
    seen = []
    assert _check(nb08.check_bn_param_grads, _spy(param_grads, seen), capsys)[0]
    assert [dout.shape for dout, _ in seen] == [(2, 3), (5, 4), (4, 4)]
    for seed, (dout, xhat) in enumerate(seen):
        N, D = dout.shape
        np.testing.assert_array_equal(dout, _documented_case(seed, N, D, 0)[3])
        np.testing.assert_array_equal(xhat, _documented_case(seed + 10, N, D, 0)[0])


@pytest.mark.parametrize("checker, answer, shapes, axis", [
    (nb08.check_batchnorm_backward, bn_backward, [(5, 4), (2, 3), (8, 8)], 0),
    (nb08.check_layernorm_backward, ln_backward, [(3, 4), (1, 5), (6, 6)], 1),
])
def test_backward_cases_are_the_documented_ones(checker, answer, shapes, axis, capsys):
    """Batch 1 (layer norm) or the smallest batch N = 2 (batch norm), a non-square case and a
    square one; γ with both signs."""
    seen = []
    assert _check(checker, _spy(answer, seen), capsys)[0]
    assert [dout.shape for dout, _ in seen] == shapes
    for seed, (dout, cache) in enumerate(seen):
        want = _documented_case(seed, *dout.shape, axis)
        for got, ref in zip((*cache, dout), want, strict=True):
            np.testing.assert_array_equal(got, ref)
    gammas = np.concatenate([cache[1] for _, cache in seen])
    assert np.all(np.abs(gammas) >= 0.5) and np.all(np.abs(gammas) <= 2.0)
    assert np.any(gammas < 0) and np.any(gammas > 0)


# ------------------------------------------------------------------------------ names in hints

def _off(answer, k, factor=1.7):
    """The right answer with part k scaled by a factor no classic mistake produces."""
    def fn(*args):
        parts = list(answer(*args))
        parts[k] = parts[k] * factor + 0.3
        return tuple(parts)
    return fn


@pytest.mark.parametrize("checker, answer, k, name", [
    (nb08.check_bn_param_grads, param_grads, 0, "dgamma"),
    (nb08.check_bn_param_grads, param_grads, 1, "dbeta"),
    (nb08.check_batchnorm_backward, bn_backward, 0, "dx"),
    (nb08.check_batchnorm_backward, bn_backward, 1, "dgamma"),
    (nb08.check_batchnorm_backward, bn_backward, 2, "dbeta"),
    (nb08.check_layernorm_backward, ln_backward, 0, "dx"),
    (nb08.check_layernorm_backward, ln_backward, 1, "dgamma"),
    (nb08.check_layernorm_backward, ln_backward, 2, "dbeta"),
])
def test_a_wrong_gradient_is_named(checker, answer, k, name, capsys):
    ok, out = _check(checker, _off(answer, k), capsys)
    assert not ok and f": {name} " in out, out


def test_layernorm_dbeta_over_the_features_gets_its_hint(capsys):
    def wrong(dout, cache):
        dx, dgamma, _ = ln_backward(dout, cache)
        return dx, dgamma, dout.sum(axis=1)
    ok, out = _check(nb08.check_layernorm_backward, wrong, capsys)
    assert not ok and "dβ sums over the batch (axis=0)" in out, out
