"""helpers.seq2seq — notebook 10's encoder–decoder: every piece's gradient against central
differences, the forks, the cut shortcut, the measurements, the optimiser and the shipped
results."""

import numpy as np
import pytest

from helpers import layers as L
from helpers import seq2seq as S
from helpers.gradcheck import numerical_gradient, rel_error

SMALL = {"V": 4, "D": 3, "H": 5}      # a tiny model: every parameter checked numerically
N, T = 3, 6                           # distinct from each other and from the sizes above
TOL = 1e-7


def small_problem(seed=0, n=N):
    rng = np.random.default_rng(seed)
    P = S.init_seq2seq(rng, **SMALL)
    P = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in P.items()}   # biases ≠ 0
    x, y = S.reverse_batch(rng, n, T, SMALL["V"])
    return P, x, y


def numerical(f, x, h=1e-3):
    """Richardson-extrapolated central differences: accurate to ~1e-12."""
    return (4 * numerical_gradient(f, x.copy(), h / 2) - numerical_gradient(f, x.copy(), h)) / 3


def weighted(out, w):
    return float(np.sum(out * w))


def assert_param_grads(grads, P, output_of, w):
    """Each grads[name] against central differences of Σ output_of(P with that array) ⊙ w."""
    for name, grad in grads.items():
        num = numerical(lambda p, name=name: weighted(output_of({**P, name: p}), w), P[name])
        assert rel_error(grad, num) < TOL, name


# ------------------------------------------------------------------------- data, weights

def test_reverse_batch():
    x, y = S.reverse_batch(np.random.default_rng(0), 4, 7, 5)
    assert x.shape == y.shape == (4, 7) and x.min() >= 0 and x.max() == 4
    assert np.array_equal(y, x[:, ::-1]) and y.flags.c_contiguous
    assert np.array_equal(x, np.random.default_rng(0).integers(0, 5, (4, 7)))
    x16, _ = S.reverse_batch(np.random.default_rng(0), 2)
    assert x16.shape == (2, S.TASK["T"]) and x16.max() < S.TASK["V"]


def test_init_draws_each_weight_from_the_generator_in_order():
    P = S.init_seq2seq(np.random.default_rng(4), V=4, D=3, H=5)
    g = np.random.default_rng(4)

    def w(rows, cols):
        return g.standard_normal((rows, cols)) / np.sqrt(rows)
    want = {"E": 0.5 * g.standard_normal((5, 3)), "Wx_e": w(3, 5), "Wh_e": w(5, 5),
            "Wx_d": w(3, 5), "Wh_d": w(5, 5), "Wq": w(5, 5), "Wo": w(10, 4)}
    for name, value in want.items():
        np.testing.assert_array_equal(P[name], value, err_msg=name)
    for name, size in (("b_e", 5), ("b_d", 5), ("bq", 5), ("bo", 4)):
        np.testing.assert_array_equal(P[name], np.zeros(size), err_msg=name)
    assert set(P) == set(want) | {"b_e", "b_d", "bq", "bo"}
    default = S.init_seq2seq(np.random.default_rng(0))
    assert default["E"].shape == (S.TASK["V"] + 1, S.SIZES["D"])
    assert default["Wo"].shape == (2 * S.SIZES["H"], S.TASK["V"])


# ---------------------------------------------------------------- each piece, checked

def test_encoder_is_an_embedding_then_an_rnn_from_zero_and_its_backward_checks():
    P, x, _ = small_problem()
    h_enc, cache = S.encoder_forward(P, x)
    want, _ = L.rnn_forward(P["E"][x], np.zeros((N, SMALL["H"])), P["Wx_e"], P["Wh_e"], P["b_e"])
    np.testing.assert_array_equal(h_enc, want)
    w = np.random.default_rng(1).standard_normal(h_enc.shape)
    grads = S.encoder_backward(w, cache)
    assert set(grads) == {"E", "Wx_e", "Wh_e", "b_e"}
    assert_param_grads(grads, P, lambda Q: S.encoder_forward(Q, x)[0], w)


def test_decoder_reads_go_the_last_row_of_E_and_starts_from_h_last():
    P, _, _ = small_problem()
    rng = np.random.default_rng(2)
    h_last = rng.standard_normal((N, SMALL["H"]))
    h_dec, cache = S.decoder_forward(P, h_last, T)
    go = np.repeat(P["E"][-1][None, None], N, 0).repeat(T, 1)
    want, _ = L.rnn_forward(go, h_last, P["Wx_d"], P["Wh_d"], P["b_d"])
    np.testing.assert_array_equal(h_dec, want)
    w = rng.standard_normal(h_dec.shape)
    dh_last, grads = S.decoder_backward(w, cache)
    assert set(grads) == {"E", "Wx_d", "Wh_d", "b_d"}
    assert not grads["E"][:-1].any() and grads["E"][-1].any()     # only GO's row is read
    num = numerical(lambda h: weighted(S.decoder_forward(P, h, T)[0], w), h_last)
    assert rel_error(dh_last, num) < TOL
    assert_param_grads(grads, P, lambda Q: S.decoder_forward(Q, h_last, T)[0], w)


def test_context_attends_over_the_encoder_states_and_its_backward_checks():
    P, _, _ = small_problem()
    rng = np.random.default_rng(3)
    h_dec, h_enc = rng.standard_normal((2, N, T, SMALL["H"]))
    c, cache = S.context_forward(P, h_dec, h_enc)
    want, _ = L.attention_forward(h_dec @ P["Wq"] + P["bq"], h_enc, h_enc)
    np.testing.assert_allclose(c, want, rtol=1e-13)
    w = rng.standard_normal(c.shape)
    dh_dec, dh_enc, grads = S.context_backward(w, cache)
    assert set(grads) == {"Wq", "bq"}
    for got, arg in ((dh_dec, "h_dec"), (dh_enc, "h_enc")):
        def f(a, arg=arg):
            args = {"h_dec": h_dec, "h_enc": h_enc, arg: a}
            return weighted(S.context_forward(P, args["h_dec"], args["h_enc"])[0], w)
        assert rel_error(got, numerical(f, {"h_dec": h_dec, "h_enc": h_enc}[arg])) < TOL, arg
    assert_param_grads(grads, P, lambda Q: S.context_forward(Q, h_dec, h_enc)[0], w)


def test_readout_reads_h_dec_and_c_side_by_side_and_its_backward_checks():
    P, _, _ = small_problem()
    rng = np.random.default_rng(4)
    h_dec, c = rng.standard_normal((2, N, T, SMALL["H"]))
    scores, cache = S.readout_forward(P, h_dec, c)
    np.testing.assert_allclose(scores, h_dec @ P["Wo"][:SMALL["H"]] + c @ P["Wo"][SMALL["H"]:]
                               + P["bo"], rtol=1e-12)
    w = rng.standard_normal(scores.shape)
    dh_dec, dc, grads = S.readout_backward(w, cache)
    assert dh_dec.shape == dc.shape == (N, T, SMALL["H"]) and set(grads) == {"Wo", "bo"}
    np.testing.assert_allclose(dh_dec, w @ P["Wo"][:SMALL["H"]].T, rtol=1e-12)
    np.testing.assert_allclose(dc, w @ P["Wo"][SMALL["H"]:].T, rtol=1e-12)
    assert_param_grads(grads, P, lambda Q: S.readout_forward(Q, h_dec, c)[0], w)


# ------------------------------------------------------------------------- the whole model

def test_loss_is_the_mean_cross_entropy_of_the_scores():
    P, x, y = small_problem()
    loss, dscores, cache = S.seq2seq_loss(P, x, y, True)
    scores, _ = S.seq2seq_forward(P, x, True)
    want, dwant = L.softmax_cross_entropy(scores.reshape(-1, SMALL["V"]), y.reshape(-1))
    assert loss == want and dscores.shape == (N, T, SMALL["V"])
    np.testing.assert_array_equal(dscores.reshape(-1, SMALL["V"]), dwant)
    assert len(cache) == 4


@pytest.mark.parametrize("attend", [True, False])
def test_every_parameter_gradient_matches_central_differences(attend):
    P, x, y = small_problem()
    _, dscores, cache = S.seq2seq_loss(P, x, y, attend)
    grads, _ = S.seq2seq_backward(dscores, cache)
    assert set(grads) == set(P)
    for name in P:
        num = numerical(lambda p, name=name: S.seq2seq_loss({**P, name: p}, x, y, attend)[0],
                        P[name])
        assert grads[name].shape == P[name].shape
        assert rel_error(grads[name], num) < TOL, name
    if not attend:
        for name in ("Wq", "bq"):
            assert not grads[name].any()
        assert not grads["Wo"][SMALL["H"]:].any()    # the context half of Wo sees only zeros


def test_without_attention_the_context_is_zero():
    P, x, _ = small_problem()
    scores, cache = S.seq2seq_forward(P, x, False)
    h_enc, _ = S.encoder_forward(P, x)
    h_dec, _ = S.decoder_forward(P, h_enc[:, -1], T)
    want, _ = S.readout_forward(P, h_dec, np.zeros_like(h_dec))
    np.testing.assert_array_equal(scores, want)
    assert cache[2] is None
    c, none = S.context_forward(P, h_dec, h_enc, attend=False)
    assert none is None and c.shape == h_dec.shape and not c.any()
    dh_dec, dh_enc, grads = S.context_backward(np.ones_like(h_dec), None)
    assert dh_dec.shape == dh_enc.shape == h_dec.shape and not dh_dec.any() and not dh_enc.any()
    assert grads["Wq"].shape == (SMALL["H"], SMALL["H"]) and grads["bq"].shape == (SMALL["H"],)
    assert not grads["Wq"].any() and not grads["bq"].any()


def test_dh_enc_is_what_reaches_each_encoder_state_from_outside():
    P, x, y = small_problem(seed=5)
    _, dscores, cache = S.seq2seq_loss(P, x, y, True)
    _, dh_enc = S.seq2seq_backward(dscores, cache)
    _, dc, _ = S.readout_backward(dscores, cache[3])
    dh_dec_direct, _, _ = S.readout_backward(dscores, cache[3])
    dh_dec_q, dkv, _ = S.context_backward(dc, cache[2])
    dh_last, _ = S.decoder_backward(dh_dec_direct + dh_dec_q, cache[1])
    want = dkv.copy()
    want[:, -1] += dh_last
    np.testing.assert_allclose(dh_enc, want, rtol=1e-12, atol=1e-15)
    _, cache_plain = S.seq2seq_forward(P, x, False)
    _, dh_plain = S.seq2seq_backward(dscores, cache_plain)
    assert not dh_plain[:, :-1].any() and dh_plain[:, -1].any()


def test_a_cut_shortcut_stops_only_the_keys_and_values_gradient():
    """shortcut=False: the forward pass is unchanged; the encoder learns only through the
    decoder's start; the readout, query and decoder gradients are those of the full model."""
    P, x, y = small_problem(seed=6)
    _, dscores, cache = S.seq2seq_loss(P, x, y, True)
    full, _ = S.seq2seq_backward(dscores, cache)
    cut, dh_cut = S.seq2seq_backward(dscores, cache, shortcut=False)
    for name in ("Wo", "bo", "Wq", "bq", "Wx_d", "Wh_d", "b_d"):
        np.testing.assert_array_equal(cut[name], full[name], err_msg=name)
    assert not dh_cut[:, :-1].any()
    dh_dec, dc, _ = S.readout_backward(dscores, cache[3])
    dh_last, grads_dec = S.decoder_backward(dh_dec + S.context_backward(dc, cache[2])[0],
                                            cache[1])
    np.testing.assert_array_equal(dh_cut[:, -1], dh_last)
    grads_enc = S.encoder_backward(dh_cut, cache[0])
    for name in ("Wx_e", "Wh_e", "b_e"):
        np.testing.assert_array_equal(cut[name], grads_enc[name], err_msg=name)
        assert not np.allclose(cut[name], full[name]), name
    np.testing.assert_allclose(cut["E"], grads_enc["E"] + grads_dec["E"], rtol=1e-12)


def run_with_offset(P, x, y, attend, t, delta):
    """The loss when delta (N, H) is added to encoder state t right after it is computed."""
    e = P["E"][x]
    h, states = np.zeros((x.shape[0], SMALL["H"])), []
    for s in range(T):
        h, _ = L.rnn_step_forward(e[:, s], h, P["Wx_e"], P["Wh_e"], P["b_e"])
        if s == t:
            h = h + delta
        states.append(h)
    h_enc = np.stack(states, axis=1)
    h_dec, _ = S.decoder_forward(P, h_enc[:, -1], T)
    c = S.context_forward(P, h_dec, h_enc)[0] if attend else np.zeros_like(h_dec)
    scores, _ = S.readout_forward(P, h_dec, c)
    return L.softmax_cross_entropy(scores.reshape(-1, SMALL["V"]), y.reshape(-1))[0]


@pytest.mark.parametrize("attend", [True, False])
def test_total_encoder_state_gradient_is_dL_dh_enc_t(attend):
    """encoder_state_gradients gives ∂L/∂h_enc_t through every path (checked by nudging h_t)."""
    P, x, y = small_problem(seed=1)
    _, dscores, cache = S.seq2seq_loss(P, x, y, attend)
    _, dh_enc = S.seq2seq_backward(dscores, cache)
    total = S.encoder_state_gradients(dh_enc, cache)
    zero = np.zeros((N, SMALL["H"]))
    for t in range(T):
        num = numerical(lambda d, t=t: run_with_offset(P, x, y, attend, t, d), zero)
        assert rel_error(total[:, t], num) < TOL, t


def test_attention_weights_are_the_context_pieces_softmax():
    P, x, _ = small_problem(seed=2)
    _, cache = S.seq2seq_forward(P, x, True)
    h_enc, _ = S.encoder_forward(P, x)
    h_dec, _ = S.decoder_forward(P, h_enc[:, -1], T)
    want = L.attention_weights(h_dec @ P["Wq"] + P["bq"], h_enc)
    np.testing.assert_allclose(S.attention_weights(cache), want, rtol=1e-12)


def test_gradient_profile_is_the_median_norm_for_one_sequences_summed_loss():
    P, x, y = small_problem(seed=2, n=6)
    prof = S.encoder_gradient_profile(P, x, y, True)
    _, dscores, cache = S.seq2seq_loss(P, x, y, True)
    _, dh_enc = S.seq2seq_backward(dscores * 6 * T, cache)
    total = S.encoder_state_gradients(dh_enc, cache)
    np.testing.assert_allclose(prof, np.median(np.linalg.norm(total, axis=2), axis=0),
                               rtol=1e-12)
    one = S.encoder_gradient_profile(P, x[:1], y[:1], False)
    many = S.encoder_gradient_profile(P, np.repeat(x[:1], 4, 0), np.repeat(y[:1], 4, 0), False)
    np.testing.assert_allclose(one, many, rtol=1e-12)


def test_position_accuracy_counts_right_outputs_per_step():
    P, x, y = small_problem(seed=3, n=40)
    scores, _ = S.seq2seq_forward(P, x, True)
    pred = scores.argmax(axis=2)
    np.testing.assert_array_equal(S.position_accuracy(P, x, y, True), (pred == y).mean(0))
    np.testing.assert_array_equal(S.position_accuracy(P, x, pred, True), np.ones(T))


@pytest.mark.parametrize("call, error, words", [
    (lambda P, x: S.seq2seq_forward(P, x, 1), TypeError,
     "seq2seq_forward: attend expects True or False, got int"),
    (lambda P, x: S.seq2seq_forward(P, np.full_like(x, SMALL["V"]), True), ValueError,
     "seq2seq_forward: x expects symbols 0 … 3 (4 is GO, which only the decoder reads), got 4"),
    (lambda P, x: S.seq2seq_backward(np.zeros((N, T, SMALL["V"])),
                                     S.seq2seq_forward(P, x, True)[1], shortcut="no"),
     TypeError, "seq2seq_backward: shortcut expects True or False, got str"),
])
def test_bad_input_names_function_and_argument(call, error, words):
    P, x, _ = small_problem()
    with pytest.raises(error) as info:
        call(P, x)
    assert str(info.value) == words


def test_numpy_bools_are_flags_too():
    P, x, _ = small_problem()
    scores, cache = S.seq2seq_forward(P, x, np.True_)
    S.seq2seq_backward(np.zeros_like(scores), cache, np.False_)


# ------------------------------------------------------------------------------- training

def test_clip_by_norm_scales_all_gradients_by_one_factor():
    a, b = np.array([3.0, 0.0]), np.array([[0.0], [4.0]])      # ‖(a, b)‖ = 5
    clipped = S.clip_by_norm({"a": a, "b": b}, 2.5)
    np.testing.assert_array_equal(clipped["a"], [1.5, 0.0])
    np.testing.assert_array_equal(clipped["b"], [[0.0], [2.0]])
    for theta in (5.0, 7.0):                                    # at or under θ: the same arrays
        kept = S.clip_by_norm({"a": a, "b": b}, theta)
        assert kept["a"] is a and kept["b"] is b and set(kept) == {"a", "b"}
    zero = {"a": np.zeros(2)}
    assert S.clip_by_norm(zero, 1.0)["a"] is zero["a"]


def test_adam_step_matches_the_formula_in_place():
    rng = np.random.default_rng(7)
    P = {"w": rng.standard_normal(3)}
    w0 = P["w"].copy()
    m, s = {"w": np.zeros(3)}, {"w": np.zeros(3)}
    g1, g2 = rng.standard_normal((2, 3))
    S.adam_step(P, {"w": g1}, m, s, 1, 0.1)
    S.adam_step(P, {"w": g2}, m, s, 2, 0.1)
    m_want = 0.9 * 0.1 * g1 + 0.1 * g2
    s_want = 0.999 * 0.001 * g1 ** 2 + 0.001 * g2 ** 2
    np.testing.assert_allclose(m["w"], m_want, rtol=1e-14)
    np.testing.assert_allclose(s["w"], s_want, rtol=1e-14)
    step1 = 0.1 * g1 / (np.abs(g1) + 1e-8)
    step2 = 0.1 * (m_want / (1 - 0.9 ** 2)) / (np.sqrt(s_want / (1 - 0.999 ** 2)) + 1e-8)
    np.testing.assert_allclose(P["w"], w0 - step1 - step2, rtol=1e-12)


def test_one_training_step_is_clipped_adam_on_the_seeds_batch():
    P, losses = S.train_seq2seq(True, seed=3, steps=1, batch=5, lr=0.02, clip=0.5)
    P0 = S.init_seq2seq(np.random.default_rng(3))
    x, y = S.reverse_batch(np.random.default_rng(10_003), 5)
    loss, dscores, cache = S.seq2seq_loss(P0, x, y, True)
    assert losses.shape == (1,) and losses[0] == loss
    grads = S.clip_by_norm(S.seq2seq_backward(dscores, cache)[0], 0.5)
    m = {k: np.zeros_like(p) for k, p in P0.items()}
    S.adam_step(P0, grads, m, {k: np.zeros_like(p) for k, p in P0.items()}, 1, 0.02)
    for name in P0:
        np.testing.assert_allclose(P[name], P0[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_training_is_seeded_shares_its_start_and_learns():
    P1, l1 = S.train_seq2seq(True, seed=3, steps=40)
    P2, l2 = S.train_seq2seq(True, seed=3, steps=40)
    assert np.array_equal(l1, l2) and all(np.array_equal(P1[k], P2[k]) for k in P1)
    assert l1.shape == (40,) and l1[-5:].mean() < l1[:5].mean() - 0.05
    _, l_plain = S.train_seq2seq(False, seed=3, steps=1)
    assert l_plain[0] != l1[0]          # same weights and batch: only the context differs
    _, l_cut = S.train_seq2seq(True, seed=3, steps=3, shortcut=False)
    assert l_cut[0] == l1[0] and l_cut[2] != l1[2]       # the same start, another gradient
    P_wide, _ = S.train_seq2seq(False, seed=3, steps=1, H=7)
    assert P_wide["Wh_e"].shape == (7, 7)


# --------------------------------------------------------------------------- shipped results

def test_shipped_models_have_the_model_shapes():
    models = S.load_models()
    P0 = S.init_seq2seq(np.random.default_rng(0))
    assert set(models) == {"attention", "plain"}
    for kind, P in models.items():
        assert set(P) == set(P0)
        for name, value in P.items():
            assert value.shape == P0[name].shape and np.all(np.isfinite(value)), (kind, name)


def test_shipped_seed_results_have_their_shapes():
    seeds = S.load_seeds()
    n, T16, steps = len(seeds["seeds"]), S.TASK["T"], S.TRAINING["steps"]
    assert n == 10
    for name in ("attention", "plain", "plain_long", "plain_wide", "cut"):
        acc = seeds[f"acc_{name}"]
        assert acc.shape == (n, T16) and np.all((acc >= 0) & (acc <= 1)), name
        assert float(seeds[f"lr/{name}"]) in seeds["lr_grid"], name
        assert seeds[f"lr_grid/{name}"].shape == seeds["lr_grid"].shape, name
    assert seeds["loss_attention"].shape == seeds["loss_plain"].shape == (n, steps)
    assert not {"loss_plain_long", "loss_plain_wide", "loss_cut"} & set(seeds)
    for key in ("grad_init_attention", "grad_init_plain", "grad_trained_attention",
                "grad_trained_plain", "grad_init_plain_wide"):
        assert seeds[key].shape == (n, T16) and np.all(seeds[key] > 0), key
