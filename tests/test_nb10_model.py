"""Notebook 10's encoder–decoder (helpers.widgets.attention_explorer): gradients and training."""

import numpy as np
import pytest

from helpers import layers as L
from helpers.gradcheck import numerical_gradient, rel_error
from helpers.widgets.attention_explorer import (
    encoder_gradient_profile,
    encoder_state_gradients,
    init_seq2seq,
    position_accuracy,
    reverse_batch,
    seq2seq_backward,
    seq2seq_forward,
    train_seq2seq,
)

SMALL = {"V": 4, "D": 3, "H": 5}      # a tiny model: every parameter checked numerically
T = 5


def small_problem(seed=0, N=3):
    rng = np.random.default_rng(seed)
    P = init_seq2seq(rng, **SMALL)
    P = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in P.items()}   # biases ≠ 0
    x, y = reverse_batch(rng, N, T, SMALL["V"])
    return P, x, y


def numerical(f, x, h=1e-3):
    """Richardson-extrapolated central differences (see helpers.gradcheck): accurate to ~1e-12,
    so gradient entries of 1e-6 are checked to many digits."""
    return (4 * numerical_gradient(f, x.copy(), h / 2) - numerical_gradient(f, x.copy(), h)) / 3


def loss_of(P, x, y, attend):
    scores, cache = seq2seq_forward(P, x, attend)
    loss, dscores = L.softmax_cross_entropy(scores.reshape(-1, SMALL["V"]), y.reshape(-1))
    return loss, dscores, cache


def test_reverse_batch():
    x, y = reverse_batch(np.random.default_rng(0), 4, 7, 5)
    assert x.shape == y.shape == (4, 7) and x.min() >= 0 and x.max() < 5
    assert np.array_equal(y, x[:, ::-1])


@pytest.mark.parametrize("attend", [True, False])
def test_every_parameter_gradient_matches_central_differences(attend):
    P, x, y = small_problem()
    _, dscores, cache = loss_of(P, x, y, attend)
    grads, _ = seq2seq_backward(dscores, cache)
    assert set(grads) == set(P)
    for name in P:
        num = numerical(lambda p, name=name: loss_of({**P, name: p}, x, y, attend)[0], P[name])
        assert grads[name].shape == P[name].shape
        assert rel_error(grads[name], num) < 1e-7, name
    if not attend:
        for name in ("Wq", "bq"):
            assert not grads[name].any()
        assert not grads["Wo"][SMALL["H"]:].any()    # the context half of Wo sees only zeros


def run_with_offset(P, x, y, attend, t, delta):
    """The loss when delta (N, H) is added to encoder state t right after it is computed."""
    N = x.shape[0]
    e, _ = L.embedding_forward(x, P["E"])
    h, states = np.zeros((N, SMALL["H"])), []
    for s in range(T):
        h, _ = L.rnn_step_forward(e[:, s], h, P["Wx_e"], P["Wh_e"], P["b_e"])
        if s == t:
            h = h + delta
        states.append(h)
    h_enc = np.stack(states, axis=1)
    g, _ = L.embedding_forward(np.full((N, T), SMALL["V"]), P["E"])
    h_dec, _ = L.rnn_forward(g, h_enc[:, -1], P["Wx_d"], P["Wh_d"], P["b_d"])
    ctx = np.zeros_like(h_dec)
    if attend:
        q = h_dec @ P["Wq"] + P["bq"]
        ctx, _ = L.attention_forward(q, h_enc, h_enc)
    scores = np.concatenate([h_dec, ctx], axis=2) @ P["Wo"] + P["bo"]
    return L.softmax_cross_entropy(scores.reshape(-1, SMALL["V"]), y.reshape(-1))[0]


@pytest.mark.parametrize("attend", [True, False])
def test_total_encoder_state_gradient_is_dL_dh_enc_t(attend):
    """encoder_state_gradients gives ∂L/∂h_enc_t through every path (checked by nudging h_t)."""
    P, x, y = small_problem(seed=1)
    _, dscores, cache = loss_of(P, x, y, attend)
    _, dh_enc = seq2seq_backward(dscores, cache)
    total = encoder_state_gradients(dh_enc, cache[7], P["Wh_e"])
    zero = np.zeros((x.shape[0], SMALL["H"]))
    for t in range(T):
        num = numerical(lambda d, t=t: run_with_offset(P, x, y, attend, t, d), zero)
        assert rel_error(total[:, t], num) < 1e-7, t
    if not attend:                      # only the last state is reached from outside the encoder
        assert not dh_enc[:, :-1].any()


def test_gradient_profile_is_per_sequence_and_positive():
    P, x, y = small_problem(seed=2, N=6)
    prof = encoder_gradient_profile(P, x, y, True)
    assert prof.shape == (T,) and np.all(prof > 0)
    # one sequence's summed loss: the profile of a batch of copies equals that of one sequence
    one = encoder_gradient_profile(P, x[:1], y[:1], True)
    many = encoder_gradient_profile(P, np.repeat(x[:1], 4, 0), np.repeat(y[:1], 4, 0), True)
    np.testing.assert_allclose(one, many, rtol=1e-12)


def test_training_is_seeded_and_shares_its_start():
    P1, l1 = train_seq2seq(True, seed=3, steps=5)
    P2, l2 = train_seq2seq(True, seed=3, steps=5)
    assert np.array_equal(l1, l2) and all(np.array_equal(P1[k], P2[k]) for k in P1)
    _, l_plain = train_seq2seq(False, seed=3, steps=1)
    assert l_plain[0] != l1[0]          # same weights and batch: only the context differs
    x, y = reverse_batch(np.random.default_rng(0), 50)
    acc = position_accuracy(P1, x, y, True)
    assert acc.shape == (16,) and np.all((acc >= 0) & (acc <= 1))
