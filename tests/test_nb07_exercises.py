"""Notebook 07's exercise checkers: each accepts a right answer, rejects wrong ones and the stub."""

from __future__ import annotations

import math

import pytest

from helpers.exercises import nb07


def _stub(*args):
    return None


def _raises(*args):
    raise ZeroDivisionError("oops")


def test_dc_prev(capsys):
    assert nb07.check_dc_prev(lambda dh, dc_next, o, tanh_c, f:
                              (dc_next + dh * o * (1 - tanh_c**2)) * f)
    assert capsys.readouterr().out.startswith("✓")
    assert not nb07.check_dc_prev(lambda dh, dc_next, o, tanh_c, f: dc_next * f)
    assert "only the cell-line path" in capsys.readouterr().out
    assert not nb07.check_dc_prev(lambda dh, dc_next, o, tanh_c, f:
                                  dc_next + dh * o * (1 - tanh_c**2))
    assert "forget gate" in capsys.readouterr().out
    assert not nb07.check_dc_prev(lambda dh, dc_next, o, tanh_c, f: (dh * o) * f)
    assert not nb07.check_dc_prev(_stub)
    assert capsys.readouterr().out.startswith("not yet")
    assert not nb07.check_dc_prev(_raises)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_dc_prev_refuses_an_answer_that_edits_its_inputs(capsys):
    def mutating(dh, dc_next, o, tanh_c, f):
        dc_next += dh * o * (1 - tanh_c**2)
        dc_next *= f
        return dc_next
    # right values, but a backward pass must leave the upstream gradient it was given alone
    assert not nb07.check_dc_prev(mutating)
    assert "changed its argument dc_next in place" in capsys.readouterr().out


def test_gru_dz(capsys):
    assert nb07.check_gru_dz(lambda dh, h_prev, n: dh * (n - h_prev))
    assert not nb07.check_gru_dz(lambda dh, h_prev, n: dh * n)
    assert "appears twice" in capsys.readouterr().out
    assert not nb07.check_gru_dz(lambda dh, h_prev, n: dh * (h_prev - n))
    assert "sign" in capsys.readouterr().out
    assert not nb07.check_gru_dz(lambda dh, h_prev, n: (n - h_prev))
    assert not nb07.check_gru_dz(lambda dh, h_prev, n: dh[:1] * n[:1])
    assert "shape" in capsys.readouterr().out
    assert not nb07.check_gru_dz(_stub)
    assert not nb07.check_gru_dz(_raises)


def test_param_count(capsys):
    blocks = {"rnn": 1, "gru": 3, "lstm": 4}
    assert nb07.check_param_count(lambda cell, D, H: blocks[cell] * (D * H + H * H + H))
    assert not nb07.check_param_count(lambda cell, D, H: blocks[cell] * (D * H + H * H))
    assert "biases" in capsys.readouterr().out
    assert not nb07.check_param_count(lambda cell, D, H: D * H + H * H + H)
    assert not nb07.check_param_count(lambda cell, D, H: 4 * (D * H + H * H + H))
    assert not nb07.check_param_count(lambda cell, D, H: "many")
    assert not nb07.check_param_count(_stub)
    assert not nb07.check_param_count(lambda cell, D, H: {"lstm": 1}[cell])  # KeyError → not yet


@pytest.mark.parametrize("answer, ok", [
    (69, True), (69.0, True), (math.ceil(math.log(0.5) / math.log(0.99)), True),
    (68, False), (70, False), (7, False), (None, False), ("69", False), (True, False),
])
def test_steps_to_half(answer, ok, capsys):
    assert nb07.check_steps_to_half(answer) is ok
    assert capsys.readouterr().out.startswith("✓" if ok else "not yet")
