"""Notebook 05's checkers accept a right answer and reject wrong ones and the shipped stubs."""

from __future__ import annotations

import numpy as np

from helpers.exercises import nb05


def stub(*args):  # what the notebook ships: the learner has not written anything yet
    return None


def raising_stub(*args):
    raise NotImplementedError


# ---- 1. output size ------------------------------------------------------------------------

def test_output_size(capsys):
    assert nb05.check_output_size(lambda H, FH, S, P: (H + 2 * P - FH) // S + 1)
    assert capsys.readouterr().out.startswith("✓")
    assert not nb05.check_output_size(stub)
    assert "not yet" in capsys.readouterr().out
    assert not nb05.check_output_size(raising_stub)
    assert not nb05.check_output_size(lambda H, FH, S, P: (H - FH) // S + 1)
    assert "both" in capsys.readouterr().out.split("\n")[-2]
    assert not nb05.check_output_size(lambda H, FH, S, P: (H + 2 * P - FH) / S + 1)
    assert "int" in capsys.readouterr().out
    assert not nb05.check_output_size(lambda H, FH, S, P: H + 2 * P - FH + 1)
    assert not nb05.check_output_size(lambda H, FH, S, P: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


# ---- 2. dx by hand -------------------------------------------------------------------------

def test_dx_by_hand(capsys):
    w1, w2, w3 = nb05.EX2_W
    d1, d2, d3 = nb05.EX2_DELTA
    right = [w1 * d1, w2 * d1 + w1 * d2, w3 * d1 + w2 * d2 + w1 * d3, w3 * d2 + w2 * d3, w3 * d3]
    assert nb05.check_dx_by_hand(right)
    assert nb05.check_dx_by_hand(np.array(right))
    assert capsys.readouterr().out.startswith("✓")
    assert not nb05.check_dx_by_hand(None)  # the shipped stub
    assert not nb05.check_dx_by_hand([0.0, 0.0, 0.0, 0.0, 0.0])
    assert not nb05.check_dx_by_hand([1.0, 2.0, 3.0])
    assert "five" in capsys.readouterr().out.splitlines()[-1]
    unflipped = [w3 * d1, w2 * d1 + w3 * d2, w1 * d1 + w2 * d2 + w3 * d3, w1 * d2 + w2 * d3,
                 w1 * d3]
    assert not nb05.check_dx_by_hand(unflipped)
    assert "flipped" in capsys.readouterr().out
    assert not nb05.check_dx_by_hand("abc")


# ---- 3. dw of a 1-D correlation ------------------------------------------------------------

def test_conv1d_dw(capsys):
    assert nb05.check_conv1d_dw(lambda x, delta: np.correlate(x, delta, "valid"))

    def loops(x, delta):
        K = len(x) - len(delta) + 1
        return np.array([sum(delta[i] * x[i + k] for i in range(len(delta))) for k in range(K)])

    assert nb05.check_conv1d_dw(loops)
    assert capsys.readouterr().out.startswith("✓")
    assert not nb05.check_conv1d_dw(stub)
    assert not nb05.check_conv1d_dw(raising_stub)
    assert not nb05.check_conv1d_dw(lambda x, delta: np.correlate(x, delta, "valid")[::-1])
    assert "reversed" in capsys.readouterr().out.splitlines()[-1]
    assert not nb05.check_conv1d_dw(lambda x, delta: np.convolve(x, delta, "full"))

    def in_place(x, delta):
        x *= 2
        return np.correlate(x / 2, delta, "valid")

    assert not nb05.check_conv1d_dw(in_place)
    assert "in place" in capsys.readouterr().out


# ---- 4. max-pool backward ------------------------------------------------------------------

def maxpool_backward(x, dout):
    H, W = x.shape
    dx = np.zeros_like(x)
    for i in range(H // 2):
        for j in range(W // 2):
            win = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            a, b = np.unravel_index(np.argmax(win), (2, 2))
            dx[2 * i + a, 2 * j + b] = dout[i, j]
    return dx


def test_maxpool_backward(capsys):
    assert nb05.check_maxpool_backward(maxpool_backward)
    assert capsys.readouterr().out.startswith("✓")
    assert not nb05.check_maxpool_backward(stub)
    assert not nb05.check_maxpool_backward(raising_stub)
    assert not nb05.check_maxpool_backward(lambda x, d: np.kron(d, np.ones((2, 2))))
    assert "winner" in capsys.readouterr().out.splitlines()[-1]
    assert not nb05.check_maxpool_backward(lambda x, d: np.zeros_like(x))
    assert not nb05.check_maxpool_backward(lambda x, d: d)
    assert "shape" in capsys.readouterr().out.splitlines()[-1]


def test_the_reference_layers_are_refused(capsys):
    from helpers.layers import conv1d_backward, conv1d_forward, max_pool2d_backward

    def via_conv1d(x, delta):
        K = len(x) - len(delta) + 1
        _, cache = conv1d_forward(x[None, None], np.zeros((1, 1, K)), np.zeros(1))
        return conv1d_backward(delta[None, None], cache)[1][0, 0]

    assert not nb05.check_conv1d_dw(via_conv1d)
    assert "without helpers.layers.conv1d_backward" in capsys.readouterr().out
    assert not nb05.check_maxpool_backward(lambda x, d: max_pool2d_backward(d, x))
    assert "without helpers.layers.max_pool2d_backward" in capsys.readouterr().out
