"""Notebook 01's checkers: each accepts a right answer and rejects a wrong one and the stub."""

import pytest

from helpers.exercises.nb01 import check_by_hand, check_fork_backward, check_multiply_backward


def mul_stub(x, y, dout):
    # TODO: return dx, dy
    return None


def fork_stub(x, y):
    raise NotImplementedError


def test_multiply_backward(capsys):
    assert check_multiply_backward(lambda x, y, dout: (y * dout, x * dout))
    assert capsys.readouterr().out.startswith("✓")
    assert not check_multiply_backward(lambda x, y, dout: (x * dout, y * dout))
    assert "swaps" in capsys.readouterr().out
    assert not check_multiply_backward(lambda x, y, dout: (y, x))
    assert "upstream" in capsys.readouterr().out
    assert not check_multiply_backward(mul_stub)
    assert capsys.readouterr().out.startswith("not yet: fill in")
    assert not check_multiply_backward(lambda x, y, dout: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_multiply_backward(lambda x, y, dout: y * dout)
    assert "two numbers" in capsys.readouterr().out


def test_fork_backward(capsys):
    assert check_fork_backward(lambda x, y: ((x + y) + x, x))
    assert capsys.readouterr().out.startswith("✓")
    assert not check_fork_backward(lambda x, y: (x + y, x))        # kept one path only
    assert "fork" in capsys.readouterr().out
    assert not check_fork_backward(lambda x, y: (2 * x + y, 1.0))
    assert "df/dy" in capsys.readouterr().out
    assert not check_fork_backward(fork_stub)
    assert capsys.readouterr().out.startswith("not yet: fill in")


@pytest.mark.parametrize("answer, ok, word", [
    ((3.0, 0.0, 3.0), True, "✓"),
    ((3, 0, 3), True, "✓"),
    ((3.0, 0.0, 2.0), False, "used twice"),       # forgot the second path into z
    ((1.5, 1.5, 3.0), False, "x wins"),           # split the max like an add
    ((3.0, 3.0, 3.0), False, "loser"),
    ((None, None, None), False, "fill in"),       # the shipped stub
    (("3", 0.0, 3.0), True, "✓"),                 # a numeric string still counts as a number
    (("three", 0.0, 3.0), False, "expected a number"),
])
def test_by_hand(capsys, answer, ok, word):
    assert check_by_hand(*answer) is ok
    assert word in capsys.readouterr().out
