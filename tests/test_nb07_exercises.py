"""Notebook 07's exercise checkers: right answers pass; the reference, the stub and every
planted classic mistake get their own hint."""

from __future__ import annotations

import math

import numpy as np
import pytest
from exercise_tools import not_implemented as _not_implemented
from exercise_tools import passes as _passes
from exercise_tools import says as _says
from exercise_tools import stub as _stub

import helpers.layers as L
from helpers.exercises import nb07
from helpers.gradcheck import check_layer


def _sig(a):
    return 1.0 / (1.0 + np.exp(-a))


# ------------------------------------------------------------------ 1. warm-up

@pytest.mark.parametrize("answer, ok", [
    (69, True), (69.0, True), (np.int64(69), True),
    (math.ceil(math.log(0.5) / math.log(0.99)), True),
    (68, False), (70, False), (7, False), (68.97, False), (None, False), ("69", False),
    (True, False), (float("nan"), False), (float("inf"), False), (Ellipsis, False),
])
def test_steps_to_half(answer, ok, capsys):
    assert nb07.check_steps_to_half(answer) is ok
    out = capsys.readouterr().out
    assert out.startswith("✓" if ok else "not yet")
    assert out.count("\n") == 1


def test_steps_to_half_prints_enough_digits(capsys):
    assert nb07.check_steps_to_half(69)
    out = capsys.readouterr().out
    assert "0.99^68 ≈ 0.5049 ≥ 0.5 > 0.99^69 ≈ 0.4998" in out


@pytest.mark.parametrize("answer, words", [
    (68, "very close"), (70, "very close"), (7, "with a logarithm"),
    (68.97, "not a whole number"), (None, "TODO"), ("69", "got str"),
    (float("nan"), "got nan"),
])
def test_steps_to_half_hints(answer, words, capsys):
    assert not nb07.check_steps_to_half(answer)
    _says(capsys, words)


def _liar(base, value):
    """A ``base`` (int or float) subclass instance that says it equals anything, and whose
    float(), int() and index say 69."""
    methods = {"__eq__": lambda self, other: True, "__hash__": base.__hash__,
               "__float__": lambda self: 69.0, "__int__": lambda self: 69,
               "__index__": lambda self: 69}
    return type(f"AlwaysEqual{base.__name__}", (base,), methods)(value)


@pytest.mark.parametrize("answer, ok, words", [
    (_liar(float, 3.0), False, "with a logarithm"), (_liar(int, 68), False, "very close"),
    (_liar(float, 69.0), True, "0.99^68"), (_liar(int, 69), True, "0.99^68"),
    (np.float32(69.0), True, "0.99^68"), (np.uint8(69), True, "0.99^68"),
    (np.float16(68.5), False, "not a whole number"),
])
def test_steps_to_half_reads_the_stored_value_not_the_subclass_methods(answer, ok, words,
                                                                       capsys):
    assert nb07.check_steps_to_half(answer) is ok
    out = capsys.readouterr().out
    assert out.startswith("✓" if ok else "not yet") and words in out


# ------------------------------------------------------------------ learner-style answers

def lstm_answer(dh, dc_next, cache, *, wrong=""):
    """A learner's lstm_step_backward, written independently of the checker, with one
    classic mistake switched on by ``wrong``."""
    x, h_prev, c_prev, Wx, Wh, ifog, tanh_c = cache
    H = dh.shape[1]
    i, f, o, g = ifog[:, :H], ifog[:, H:2 * H], ifog[:, 2 * H:3 * H], ifog[:, 3 * H:]
    c = f * c_prev + i * g
    if wrong == "tanh(c) vs c":
        through_h = dh * o * (1 - c * c)
    elif wrong == "g slope in dc":
        through_h = dh * o * (1 - g * g)
    else:
        through_h = dh * o * (1 - tanh_c * tanh_c)
    dc = {"no dc_next": through_h, "no h path": dc_next}.get(wrong, dc_next + through_h)
    do = dh * c if wrong == "o uses c" else dh * tanh_c
    di, df, dg = dc * g, dc * c_prev, dc * i
    dc_prev = dc if wrong == "no f" else dc * f

    def gate_slope(s, name):
        if wrong == f"tanh slope on {name}":
            return 1 - s * s
        if wrong == f"no slope on {name}":
            return 1.0
        if wrong == "sigmoid applied again":                 # s treated as a pre-activation
            return _sig(s) * (1 - _sig(s))
        return s * (1 - s)
    da_i, da_f, da_o = di * gate_slope(i, "i"), df * gate_slope(f, "f"), do * gate_slope(o, "o")
    da_g = dg * {"g slope from tanh_c": 1 - tanh_c**2,
                 "tanh applied again": 1 - np.tanh(g) ** 2}.get(wrong, 1 - g * g)
    if wrong == "all sigmoid slopes as tanh":
        da_i, da_f, da_o = di * (1 - i * i), df * (1 - f * f), do * (1 - o * o)
    if wrong == "no sigmoid slopes":
        da_i, da_f, da_o = di, df, do
    blocks = [da_i, da_f, da_g, da_o] if wrong == "ifgo" else [da_i, da_f, da_o, da_g]
    da = np.hstack(blocks)
    dx = da @ Wx.T
    dh_prev = {"dh_prev zero": 0 * dh, "dh_prev = dh": dh + 0}.get(wrong, da @ Wh.T)
    dWx, dWh = (da.T @ x, da.T @ h_prev) if wrong == "transposed" else (x.T @ da, h_prev.T @ da)
    db = {"db not summed": da, "db mean": da.mean(axis=0)}.get(wrong, da.sum(axis=0))
    return dx, dh_prev, dc_prev, dWx, dWh, db


def gru_answer(dh, cache, *, wrong=""):
    """A learner's gru_step_backward, written independently of the checker."""
    x, h_prev, Wx, Wh, zrn = cache
    H = dh.shape[1]
    z, r, n = zrn[:, :H], zrn[:, H:2 * H], zrn[:, 2 * H:]
    if wrong == "other convention":           # as if h = z ⊙ h_prev + (1 − z) ⊙ n
        dz, dn, dh_prev = dh * (h_prev - n), dh * (1 - z), dh * z
    else:
        dz = dh * (h_prev - n) if wrong == "dz sign" else dh * (n - h_prev)
        dn = dh * (1 - z) if wrong == "dn" else dh * z
        dh_prev = 0 * dh if wrong == "no 1 - z" else dh * (1 - z)
    da_n = dn * {"n slope sigmoid": n * (1 - n), "no n slope": 1.0,
                 "tanh applied again": 1 - np.tanh(n) ** 2}.get(wrong, 1 - n * n)
    Wh_z, Wh_r, Wh_n = Wh[:, :H], Wh[:, H:2 * H], Wh[:, 2 * H:]
    if wrong == "reset after":
        dr = da_n * (h_prev @ Wh_n)
        dWh_n = h_prev.T @ (r * da_n)
        dh_prev = dh_prev + (r * da_n) @ Wh_n.T
    else:
        d_rh = da_n @ Wh_n.T
        dr = d_rh * h_prev
        dWh_n = (h_prev.T if wrong == "dWh_n input" else (r * h_prev).T) @ da_n
        if wrong != "no reset path":
            dh_prev = dh_prev + r * d_rh
    da_z = dz * (1 - z * z if wrong == "z slope" else z * (1 - z))
    da_r = dr * (1 - r * r if wrong == "r slope" else r * (1 - r))
    if wrong == "sigmoid applied again":
        da_z, da_r = dz * _sig(z) * (1 - _sig(z)), dr * _sig(r) * (1 - _sig(r))
    if wrong != "no gate paths":
        dh_prev = dh_prev + da_z @ Wh_z.T + da_r @ Wh_r.T
    da = np.hstack([da_r, da_z, da_n] if wrong == "rzn" else [da_z, da_r, da_n])
    dx = da @ Wx.T
    dWh = np.hstack([h_prev.T @ da[:, :2 * H], dWh_n])
    dWx = x.T @ da
    if wrong == "transposed":
        dWx, dWh = dWx.T, dWh.T
    db = da if wrong == "db not summed" else da.sum(axis=0)
    return dx, dh_prev, dWx, dWh, db


def torch_answer(dh, cache, *, wrong=""):
    """A learner's backward of PyTorch's GRU step (nb07.gru_torch_step_forward)."""
    x, h_prev, Wx, Wh, zrn, hn = cache
    H = dh.shape[1]
    z, r, n = zrn[:, :H], zrn[:, H:2 * H], zrn[:, 2 * H:]
    if wrong == "course convention":
        dz, dn, dh_prev = dh * (n - h_prev), dh * z, dh * (1 - z)
    else:
        dz, dn, dh_prev = dh * (h_prev - n), dh * (1 - z), dh * z
    da_n = dn * (1 - n * n)
    Wh_n = Wh[:, 2 * H:]
    if wrong == "reset before":
        dr = (da_n @ Wh_n.T) * h_prev
        dWh_n = (r * h_prev).T @ da_n
        dh_prev = dh_prev + r * (da_n @ Wh_n.T)
        dbh_n = da_n.sum(axis=0)
    else:
        dr = da_n * (h_prev @ Wh_n if wrong == "dr without bias" else hn)
        dWh_n = h_prev.T @ (r * da_n)
        dh_prev = dh_prev + (r * da_n) @ Wh_n.T
        dbh_n = (da_n if wrong == "dbh_n without r" else r * da_n).sum(axis=0)
    da_z, da_r = dz * z * (1 - z), dr * r * (1 - r)
    dh_prev = dh_prev + np.hstack([da_z, da_r]) @ Wh[:, :2 * H].T
    da = np.hstack([da_z, da_r, da_n])
    dbx = da.sum(axis=0)
    dbh = dbx if wrong == "dbh = dbx" else np.concatenate([dbx[:2 * H], dbh_n])
    dWh = np.hstack([h_prev.T @ np.hstack([da_z, da_r]), dWh_n])
    return da @ Wx.T, dh_prev, x.T @ da, dWh, dbx, dbh


def _variant(answer, wrong):
    def fn(*args):
        return answer(*args, wrong=wrong)
    return fn


# ------------------------------------------------------------------ the reference agrees

def test_cases_cover_batch_one_and_d_not_h():
    assert any(N == 1 for _, N, _, _ in nb07._CASES)
    assert all(D != H and D not in (3 * H, 4 * H) for _, _, D, H in nb07._CASES)
    assert any(N > 1 for _, N, _, _ in nb07._CASES)


@pytest.mark.parametrize("N, D, H", [(1, 3, 2), (4, 5, 3)])
def test_the_learner_style_answers_agree_with_helpers(N, D, H):
    rng = np.random.default_rng(N)
    dh, dc, cache = nb07._lstm_case(rng, N, D, H)
    for a, b in zip(lstm_answer(dh, dc, cache), L.lstm_step_backward(dh, dc, cache),
                    strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    dh, cache = nb07._gru_case(rng, N, D, H)
    for a, b in zip(gru_answer(dh, cache), L.gru_step_backward(dh, cache), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


# ------------------------------------------------------------------ 2. LSTM build-it

def test_lstm_accepts_right_answers(capsys):
    assert nb07.check_lstm_step_backward(lstm_answer)
    assert _passes(capsys)
    assert nb07.check_lstm_step_backward(lambda dh, dc, cache: list(lstm_answer(dh, dc, cache)))
    assert _passes(capsys)


def test_lstm_refuses_the_reference(capsys):
    assert not nb07.check_lstm_step_backward(L.lstm_step_backward)
    _says(capsys, "without helpers.layers.lstm_step_backward")

    def via_gates(dh, dc, cache):
        from helpers.layers.lstm import _gates_backward
        x, h_prev, c_prev, Wx, Wh, ifog, tanh_c = cache
        da, dc_prev = _gates_backward(dh, dc, c_prev, ifog, tanh_c)
        return da @ Wx.T, da @ Wh.T, dc_prev, x.T @ da, h_prev.T @ da, da.sum(axis=0)
    assert not nb07.check_lstm_step_backward(via_gates)
    _says(capsys, "_gates_backward")


@pytest.mark.parametrize("wrong, words", [
    ("no f", "dc_prev: going back through c_t = f ⊙ c_prev + i ⊙ g multiplies dc by the forget"),
    ("dh_prev zero", "dh_prev: h_prev reaches the step through h_prev·Wh in all four blocks"),
    ("dh_prev = dh", "dh_prev: h_prev reaches the step only through h_prev·Wh, not directly"),
    ("tanh(c) vs c", "dx: the slope of tanh at c_t is 1 − tanh²(c_t)"),
    ("g slope in dc", "dx: the path from h_t into c_t goes through tanh(c_t)"),
    ("g slope from tanh_c", "dx: g = tanh(a_g): its own slope is 1 − g²"),
    ("o uses c", "dx: h_t = o ⊙ tanh(c_t), so do = dh ⊙ tanh(c_t), not dh ⊙ c_t"),
    ("no dc_next", "c_t feeds both h_t and c_{t+1}"),
    ("no h path", "c_t also reaches the loss through h_t"),
    ("all sigmoid slopes as tanh", "i, f and o are sigmoids: σ′ = σ(1 − σ)"),
    ("tanh slope on i", "i, f and o are sigmoids"),
    ("tanh slope on f", "i, f and o are sigmoids"),
    ("tanh slope on o", "i, f and o are sigmoids"),
    ("no slope on i", "each gate goes through its sigmoid"),
    ("no slope on f", "each gate goes through its sigmoid"),
    ("no slope on o", "each gate goes through its sigmoid"),
    ("no sigmoid slopes", "each gate goes through its sigmoid"),
    ("sigmoid applied again", "dx: the cache holds the gate values *after* the activation"),
    ("tanh applied again", "dx: the cache holds g = tanh(a_g) already: its slope is 1 − g²"),
    ("ifgo", "the order of a's columns: i, f, o, g"),
    ("transposed", "dWx: the weights multiply from the right"),
    ("db not summed", "db: b is added to every row of the batch"),
    ("db mean", "db is exactly 1/4 of the right value"),
])
def test_lstm_classic_mistakes(wrong, words, capsys):
    assert not nb07.check_lstm_step_backward(_variant(lstm_answer, wrong))
    _says(capsys, words)


def test_lstm_odd_answers(capsys):
    for stub in (_stub, _not_implemented):
        assert not nb07.check_lstm_step_backward(stub)
        _says(capsys, "TODO")
    assert not nb07.check_lstm_step_backward(lambda dh, dc, cache: lstm_answer(dh, dc, cache)[:5])
    _says(capsys, "return 6 arrays, in this order: dx, dh_prev, dc_prev, dWx, dWh, db")

    def edits(dh, dc, cache):
        dc += 1.0
        return lstm_answer(dh, dc - 1.0, cache)
    assert not nb07.check_lstm_step_backward(edits)
    _says(capsys, "changed its argument dc in place")


# ------------------------------------------------------------------ 3. GRU build-it

def test_gru_accepts_right_answers(capsys):
    assert nb07.check_gru_step_backward(gru_answer)
    assert _passes(capsys)


def test_gru_refuses_the_reference(capsys):
    assert not nb07.check_gru_step_backward(L.gru_step_backward)
    _says(capsys, "without helpers.layers.gru_step_backward")

    def via_cell(dh, cache):
        from helpers.layers.gru import _cell_backward
        x, h_prev, Wx, Wh, zrn = cache
        da, dh_prev = _cell_backward(dh, h_prev, zrn, Wh)
        return gru_answer(dh, cache)[:1] + (dh_prev,) + gru_answer(dh, cache)[2:]
    assert not nb07.check_gru_step_backward(via_cell)
    _says(capsys, "_cell_backward")


def _notebook_namespace(source: str) -> dict:
    """Define functions as the notebook does: in a module called __main__."""
    namespace = {"np": np, "__name__": "__main__", "lstm_answer": lstm_answer,
                 "gru_answer": gru_answer}
    exec(source, namespace)                                   # noqa: S102 - the notebook's
    return namespace


def test_a_learners_own_helpers_are_theirs_to_use(capsys):
    """The notebook prints no backward code: a helper the learner writes (even one named like
    the reference's private parts) is their own work, not refused."""
    ns = _notebook_namespace(
        "def lstm_gates_backward(dh, dc_next, cache):\n"
        "    return lstm_answer(dh, dc_next, cache)\n"
        "def lstm_step_backward(dh, dc_next, cache):\n"
        "    return lstm_gates_backward(dh, dc_next, cache)\n"
        "def gru_gates_backward(dh, cache):\n"
        "    return gru_answer(dh, cache)\n"
        "def gru_step_backward(dh, cache):\n"
        "    return gru_gates_backward(dh, cache)\n")
    assert nb07.check_lstm_step_backward(ns["lstm_step_backward"])
    assert nb07.check_gru_step_backward(ns["gru_step_backward"])
    assert "✓" in capsys.readouterr().out


def test_gru_names_the_other_convention(capsys):
    assert not nb07.check_gru_step_backward(_variant(gru_answer, "other convention"))
    out = _says(capsys, "this is the other GRU convention, h = z ⊙ h_prev + (1 − z) ⊙ n")
    assert "Chung et al. 2014" in out and "PyTorch" in out and "sign" not in out


@pytest.mark.parametrize("wrong, words", [
    ("no 1 - z", "dh_prev: h_prev also reaches h_t directly, through (1 − z) ⊙ h_prev"),
    ("dz sign", "dx: ∂h/∂z = n − h_prev"),
    ("dn", "dx: the candidate enters h_t as z ⊙ n, so dn = dh ⊙ z"),
    ("reset after", "dx: here the reset gate multiplies h_prev *before* Wh_n"),
    ("dWh_n input", "dWh: Wh_n multiplies r ⊙ h_prev, so dWh_n = (r ⊙ h_prev)ᵀ·da_n"),
    ("no reset path", "dh_prev: h_prev also reaches the candidate through r ⊙ h_prev"),
    ("no gate paths", "dh_prev: h_prev also feeds the gates z and r"),
    ("n slope sigmoid", "dx: n = tanh(a_n): its slope is 1 − n², not n(1 − n)"),
    ("no n slope", "dx: n = tanh(a_n): multiply dn by its slope 1 − n²"),
    ("z slope", "dx: z is a sigmoid: σ′ = z(1 − z)"),
    ("r slope", "dx: r is a sigmoid: σ′ = r(1 − r)"),
    ("sigmoid applied again", "dx: the cache holds z and r *after* the sigmoid"),
    ("tanh applied again", "dx: the cache holds n = tanh(a_n) already: its slope is 1 − n²"),
    ("rzn", "dx: the blocks of da go in the order of the weights' columns: z, r, n"),
    ("transposed", "dWx: the weights multiply from the right"),
    ("db not summed", "db: b is added to every row of the batch"),
])
def test_gru_classic_mistakes(wrong, words, capsys):
    assert not nb07.check_gru_step_backward(_variant(gru_answer, wrong))
    _says(capsys, words)


def test_gru_odd_answers(capsys):
    for stub in (_stub, _not_implemented):
        assert not nb07.check_gru_step_backward(stub)
        _says(capsys, "TODO")
    assert not nb07.check_gru_step_backward(
        lambda dh, cache: tuple(reversed(gru_answer(dh, cache))))
    assert capsys.readouterr().out.startswith("not yet:")


# ------------------------------------------------------------------ 4. stretch: PyTorch's GRU

def test_torch_forward_is_pytorchs_gru():
    """The equations of torch.nn.GRU, written out independently (blocks in the order z, r, n)."""
    rng = np.random.default_rng(3)
    N, D, H = 2, 4, 3
    x, h = rng.standard_normal((N, D)), rng.standard_normal((N, H))
    Wx, Wh = rng.standard_normal((D, 3 * H)), rng.standard_normal((H, 3 * H))
    bx, bh = rng.standard_normal(3 * H), rng.standard_normal(3 * H)
    ax, ah = x @ Wx + bx, h @ Wh + bh
    z = _sig(ax[:, :H] + ah[:, :H])
    r = _sig(ax[:, H:2 * H] + ah[:, H:2 * H])
    n = np.tanh(ax[:, 2 * H:] + r * ah[:, 2 * H:])
    out, cache = nb07.gru_torch_step_forward(x, h, Wx, Wh, bx, bh)
    np.testing.assert_allclose(out, (1 - z) * n + z * h, rtol=1e-12)
    np.testing.assert_allclose(cache[4], np.hstack([z, r, n]), rtol=1e-12)
    np.testing.assert_allclose(cache[5], ah[:, 2 * H:], rtol=1e-12)
    x[0, 0] = 99.0                                    # the cache keeps its own copies
    assert cache[0][0, 0] != 99.0


@pytest.mark.parametrize("N, D, H", [(1, 3, 2), (3, 2, 4)])
def test_torch_reference_backward_is_checked_numerically(N, D, H):
    rng = np.random.default_rng(N + D)
    inputs = {"x": rng.standard_normal((N, D)), "h_prev": rng.standard_normal((N, H)),
              "Wx": rng.standard_normal((D, 3 * H)) / np.sqrt(D),
              "Wh": rng.standard_normal((H, 3 * H)) / np.sqrt(H),
              "bx": rng.standard_normal(3 * H), "bh": rng.standard_normal(3 * H)}
    result = check_layer(nb07.gru_torch_step_forward, nb07._torch_backward, inputs,
                         verbose=False)
    assert result.max_error < 1e-7, result.errors


@pytest.mark.parametrize("change, words", [
    ({"bh": np.zeros(5)}, "gru_torch_step_forward: bh expects shape (6,)"),
    ({"bx": np.zeros(7)}, "gru_torch_step_forward: bx expects shape (6,)"),
    ({"Wh": np.zeros((2, 5))}, "gru_torch_step_forward: Wh expects shape (2, 6)"),
    ({"h_prev": np.zeros(2)}, "gru_torch_step_forward: h_prev expects a 2-D array"),
])
def test_torch_forward_names_bad_arguments(change, words):
    args = {"x": np.zeros((1, 3)), "h_prev": np.zeros((1, 2)), "Wx": np.zeros((3, 6)),
            "Wh": np.zeros((2, 6)), "bx": np.zeros(6), "bh": np.zeros(6), **change}
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        nb07.gru_torch_step_forward(**args)


def test_torch_accepts_the_right_answer(capsys):
    assert nb07.check_gru_torch_step_backward(torch_answer)
    assert _passes(capsys)


def test_torch_refuses_the_checkers_reference(capsys):
    assert not nb07.check_gru_torch_step_backward(nb07._torch_backward)
    _says(capsys, "_torch_backward")


@pytest.mark.parametrize("wrong, words", [
    ("course convention", "dx: this is the course's convention"),
    ("reset before", "dx: PyTorch's reset gate multiplies the bracket *after* the product"),
    ("dbh_n without r", "dbh: bh_n sits inside r ⊙ (h_prev·Wh_n + bh_n)"),
    ("dbh = dbx", "dbh: bh_n sits inside r ⊙ (h_prev·Wh_n + bh_n), bx_n outside"),
    ("dr without bias", "dx: dr = da_n ⊙ (h_prev·Wh_n + bh_n)"),
])
def test_torch_classic_mistakes(wrong, words, capsys):
    assert not nb07.check_gru_torch_step_backward(_variant(torch_answer, wrong))
    _says(capsys, words)


def test_torch_odd_answers(capsys):
    assert not nb07.check_gru_torch_step_backward(_stub)
    _says(capsys, "TODO")
    assert not nb07.check_gru_torch_step_backward(lambda dh, cache: torch_answer(dh, cache)[:5])
    _says(capsys, "return 6 arrays, in this order: dx, dh_prev, dWx, dWh, dbx, dbh")

    def zero_dWh(dh, cache):
        dx, dh_prev, dWx, dWh, dbx, dbh = torch_answer(dh, cache)
        return dx, dh_prev, dWx, 0 * dWh, dbx, dbh
    assert not nb07.check_gru_torch_step_backward(zero_dWh)
    _says(capsys, "dWh is all zeros")


# ------------------------------------------------------------------ the checker's own pieces

LSTM_KEYS = [("", ""), ("no f", "no f"), ("dh_prev zero", "dh_prev zero"),
             ("dh_prev = dh", "dh_prev = dh"), ("tanh(c) vs c", "tanh' of c"),
             ("g slope in dc", "tanh' of g in dc"),
             ("g slope from tanh_c", "tanh' of tanh_c for g"),
             ("o uses c", "o times c"), ("no dc_next", "dc without dc_next"),
             ("no h path", "dc without the h path"),
             ("all sigmoid slopes as tanh", "sigma' as tanh' ifo"),
             ("no sigmoid slopes", "no sigma' ifo"),
             *[(f"tanh slope on {g}", f"sigma' as tanh' {g}") for g in "ifo"],
             *[(f"no slope on {g}", f"no sigma' {g}") for g in "ifo"],
             ("ifgo", "order i, f, g, o"), ("transposed", "transposed"),
             ("db not summed", "db over rows"),
             ("sigmoid applied again", "sigma' at sigma ifo"),
             ("tanh applied again", "tanh' at tanh g")]
GRU_KEYS = [("", ""), ("other convention", "other convention"), ("no 1 - z", "no (1 - z) branch"),
            ("dz sign", "dz sign"), ("dn", "dn = dh (1 - z)"), ("reset after", "reset after Wh_n"),
            ("dWh_n input", "dWh_n from h_prev"), ("no reset path", "no reset path"),
            ("no gate paths", "no gates path"), ("n slope sigmoid", "tanh' as sigma'"),
            ("no n slope", "no tanh'"), ("z slope", "sigma' as tanh' z"),
            ("r slope", "sigma' as tanh' r"), ("rzn", "order r, z, n"),
            ("transposed", "transposed"), ("db not summed", "db over rows"),
            ("sigmoid applied again", "sigma' at sigma zr"),
            ("tanh applied again", "tanh' at tanh n")]
TORCH_KEYS = [("", ""), ("course convention", "course convention"),
              ("reset before", "reset before Wh_n"), ("dbh_n without r", "dbh_n without r"),
              ("dbh = dbx", "dbh_n without r"), ("dr without bias", "dr without bh_n")]


def _same_parts(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_every_checker_key_is_tested():
    assert {k for _, k in LSTM_KEYS} == {"", *nb07._LSTM_MISTAKES}
    assert {k for _, k in GRU_KEYS} == {"", *nb07._GRU_MISTAKES}
    assert {k for _, k in TORCH_KEYS} == {"", *nb07._TORCH_MISTAKES}


@pytest.mark.parametrize("wrong, key", LSTM_KEYS)
def test_lstm_mistake_is_the_whole_wrong_answer(wrong, key):
    """Each planted candidate equals, part by part, a learner's answer with that mistake."""
    for _, N, D, H in nb07._CASES:
        dh, dc, cache = nb07._lstm_case(np.random.default_rng(D), N, D, H)
        _same_parts(nb07._lstm_backward(dh, dc, cache, key),
                    lstm_answer(dh, dc, cache, wrong=wrong))


@pytest.mark.parametrize("wrong, key", GRU_KEYS)
def test_gru_mistake_is_the_whole_wrong_answer(wrong, key):
    for _, N, D, H in nb07._CASES:
        dh, cache = nb07._gru_case(np.random.default_rng(D), N, D, H)
        _same_parts(nb07._gru_backward(dh, cache, key), gru_answer(dh, cache, wrong=wrong))


@pytest.mark.parametrize("wrong, key", TORCH_KEYS)
def test_torch_mistake_is_the_whole_wrong_answer(wrong, key):
    for _, N, D, H in nb07._CASES:
        dh, cache = nb07._torch_case(np.random.default_rng(D), N, D, H)
        _same_parts(nb07._torch_backward(dh, cache, key), torch_answer(dh, cache, wrong=wrong))


def test_case_labels_tell_the_truth():
    for label, N, D, H in nb07._CASES:
        assert f"(N = {N}" in label and f"D = {D}, H = {H})" in label


def test_random_inputs_have_the_documented_scale():
    """Wx, Wh with variance 1/fan-in, b with standard deviation 0.5: unsaturated gates."""
    x, h_prev, Wx, Wh, b = nb07._inputs(np.random.default_rng(0), 2, 400, 100, 3)
    assert x.shape == (2, 400) and h_prev.shape == (2, 100)
    assert Wx.shape == (400, 300) and Wh.shape == (100, 300) and b.shape == (300,)
    assert Wx.std() == pytest.approx(1 / 20, rel=0.05)
    assert Wh.std() == pytest.approx(1 / 10, rel=0.05)
    assert b.std() == pytest.approx(0.5, rel=0.15)


def test_the_four_exercises_are_registered_in_order():
    from helpers.exercises._check import registered

    assert [(ex.number, ex.title) for ex in registered("07")] == [
        (1, "how long does the highway hold?"), (2, "build it: lstm_step_backward"),
        (3, "build it: gru_step_backward"), (4, "stretch: the GRU as PyTorch computes it")]


def test_torch_forward_refuses_a_bias_that_is_not_an_array():
    with pytest.raises(TypeError, match="gru_torch_step_forward: bh expects a numpy array"):
        nb07.gru_torch_step_forward(np.zeros((1, 3)), np.zeros((1, 2)), np.zeros((3, 6)),
                                    np.zeros((2, 6)), np.zeros(6), "0")
