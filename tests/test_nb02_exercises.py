"""Notebook 02's exercise checkers accept a right answer and reject wrong ones and the stub."""

from __future__ import annotations

import numpy as np

from helpers.exercises.nb02 import (
    check_sigmoid_backward_from_output,
    check_softmax_ce,
    check_staged_backward,
)
from helpers.layers import sigmoid


def stub(*args):
    raise NotImplementedError


def stub_none(*args):
    return None


# 1. sigmoid gate backward from its output ------------------------------------------------

def test_sigmoid_backward_accepts_right(capsys):
    assert check_sigmoid_backward_from_output(lambda out, dout: dout * out * (1 - out))
    assert capsys.readouterr().out.startswith("✓")


def test_sigmoid_backward_rejects_wrong_and_stub(capsys):
    assert not check_sigmoid_backward_from_output(stub)
    assert not check_sigmoid_backward_from_output(stub_none)
    assert not check_sigmoid_backward_from_output(
        lambda out, dout: dout * sigmoid(out) * (1 - sigmoid(out)))
    assert not check_sigmoid_backward_from_output(lambda out, dout: out * (1 - out))
    out = capsys.readouterr().out
    assert out.count("not yet") == 4 and "do not apply σ again" in out and "upstream" in out


def test_sigmoid_backward_rejects_in_place_edit():
    def in_place(out, dout):
        dout *= out * (1 - out)
        return dout * 1.0
    assert not check_sigmoid_backward_from_output(in_place)


# 2. staged backward with += ---------------------------------------------------------------

def right_g_backward(dg, cache):
    x, y, xy, s, sq = cache
    ds = dg                      # add gate: both branches get dg
    dsq = dg
    dxy = ds * s * (1 - s)       # sigmoid gate
    dx = dxy * y                 # multiply gate
    dy = dxy * x
    dx += dsq * 2 * x            # square gate: the second path into x
    return dx, dy


def forgot_accumulate(dg, cache):
    x, y, xy, s, sq = cache
    dxy = dg * s * (1 - s)
    dx = dxy * y
    dy = dxy * x
    dx = dg * 2 * x              # overwrites instead of +=
    return dx, dy


def test_staged_accepts_right(capsys):
    assert check_staged_backward(right_g_backward)
    assert capsys.readouterr().out.startswith("✓")


def test_staged_rejects_wrong_and_stub(capsys):
    assert not check_staged_backward(stub)
    assert not check_staged_backward(forgot_accumulate)
    assert not check_staged_backward(lambda dg, cache: 1.0)
    out = capsys.readouterr().out
    assert out.count("not yet") == 3 and "+=" in out


# 3. softmax cross-entropy ------------------------------------------------------------------

def right_softmax_ce(scores, y):
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    N = scores.shape[0]
    loss = -np.log(p[np.arange(N), y]).mean()
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N


def naive_softmax_ce(scores, y):
    with np.errstate(all="ignore"):
        p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        N = scores.shape[0]
        loss = -np.log(p[np.arange(N), y]).mean()
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N


def test_softmax_ce_accepts_right(capsys):
    assert check_softmax_ce(right_softmax_ce)
    assert capsys.readouterr().out.startswith("✓")


def test_softmax_ce_rejects_wrong_and_stub(capsys):
    def no_division(scores, y):
        loss, d = right_softmax_ce(scores, y)
        return loss, d * scores.shape[0]

    assert not check_softmax_ce(stub)
    assert not check_softmax_ce(naive_softmax_ce)
    assert not check_softmax_ce(no_division)
    assert not check_softmax_ce(lambda s, y: (0.0, None))
    out = capsys.readouterr().out
    assert out.count("not yet") == 4
    assert "subtract each row's maximum" in out and "divide the gradient by N" in out


# odd submissions that used to crash (issue 10 §3) and the reference implementation --------

def test_staged_backward_answers_odd_dx_calmly(capsys):
    for odd, words in [((np.ones(3), 1.0), "dx should have shape (), got (3,)"),
                       ((None, 1.0), "dx is missing (None)"),
                       (("dx", 1.0), "dx should be numbers, got a string 'dx'"),
                       ((None, None), "fill in the lines marked TODO")]:
        assert check_staged_backward(lambda dg, cache, odd=odd: odd) is False
        assert words in capsys.readouterr().out


def test_sigmoid_backward_refuses_a_ragged_tuple_and_the_reference(capsys):
    from helpers.layers import sigmoid_backward, sigmoid_forward

    assert not check_sigmoid_backward_from_output(lambda out, dout: ([1.0, 2.0], [3.0]))
    assert "ragged" in capsys.readouterr().out

    def via_reference(out, dout):
        _, cache = sigmoid_forward(np.log(out / (1 - out)))
        return sigmoid_backward(dout, cache)
    assert not check_sigmoid_backward_from_output(via_reference)
    assert "without helpers.layers.sigmoid_backward" in capsys.readouterr().out


def test_softmax_ce_refuses_the_reference(capsys):
    from helpers.layers import softmax_cross_entropy
    assert not check_softmax_ce(softmax_cross_entropy)
    assert "without helpers.layers.softmax_cross_entropy" in capsys.readouterr().out
