"""Notebook 01's checkers: each accepts a right answer and rejects a wrong one and the stub."""

import pytest

from helpers.exercises.nb01 import check_by_hand, check_divide_backward, check_fork_backward


def div_stub(a, b, dout):
    # TODO: local gradients times dout
    return None


def fork_stub(x, y):
    raise NotImplementedError


def test_divide_backward(capsys):
    assert check_divide_backward(lambda a, b, dout: (dout / b, -a * dout / b ** 2))
    assert capsys.readouterr().out.startswith("✓")
    assert not check_divide_backward(lambda a, b, dout: (dout / b, a * dout / b ** 2))
    assert "sign" in capsys.readouterr().out
    assert not check_divide_backward(lambda a, b, dout: (1 / b, -a / b ** 2))
    assert "upstream" in capsys.readouterr().out
    assert not check_divide_backward(lambda a, b, dout: (dout / b, -a * dout / b))
    assert "−a/b²" in capsys.readouterr().out
    assert not check_divide_backward(lambda a, b, dout: (b * dout, a * dout))   # multiply's rule
    assert "da" in capsys.readouterr().out
    assert not check_divide_backward(div_stub)
    assert capsys.readouterr().out.startswith("not yet: fill in")
    assert not check_divide_backward(lambda a, b, dout: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
    assert not check_divide_backward(lambda a, b, dout: dout / b)
    assert "return 2 numbers, in this order: da, db" in capsys.readouterr().out


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
    (("3", 0.0, 3.0), False, "got a string '3'"),  # a string is not a number, even "3"
    (("three", 0.0, 3.0), False, "should be numbers"),
])
def test_by_hand(capsys, answer, ok, word):
    assert check_by_hand(*answer) is ok
    assert word in capsys.readouterr().out
