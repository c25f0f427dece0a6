"""Notebook 08's exercise checkers: the right answers pass; the references, the stubs and the
classic mistakes fail, each mistake with its own hint."""

from __future__ import annotations

import numpy as np
import pytest

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


def _stub(*args):
    return None


def _not_implemented(*args):
    raise NotImplementedError


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


def _compact(dout, xhat, gamma, sigma, mean=True, var=True, axis=0):
    K = dout.shape[axis]
    g = dout * gamma
    dx = K * g
    if mean:
        dx = dx - g.sum(axis=axis, keepdims=True)
    if var:
        dx = dx - xhat * (g * xhat).sum(axis=axis, keepdims=True)
    return dx / (K * sigma)


@pytest.mark.parametrize("wrong, words", [
    (_bn_variant(lambda d, xh, g, s: d * g / s), "treated as constants"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, mean=False)), "through the mean"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, var=False)), "through the variance"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, 1.0, s)), "γ is missing"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s, axis=1)), "layer norm's backward"),
    (_bn_variant(lambda d, xh, g, s: _compact(d, xh, g, s**2)), "σ² instead of σ"),
    (_bn_variant(lambda d, xh, g, s: -_compact(d, xh, g, s)), "wrong sign"),
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
    (_ln_variant(lambda d, xh, g, s: _compact(d, xh, g, s, mean=False, axis=1)), "dx"),
    (bn_backward, "dx"),
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
