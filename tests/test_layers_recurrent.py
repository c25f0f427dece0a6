"""helpers.layers: rnn_step/rnn, lstm_step/lstm, gru_step/gru."""

import warnings

import numpy as np
import pytest

from helpers.gradcheck import numerical_gradient_array, rel_error
from helpers.layers import (
    gru_backward,
    gru_forward,
    gru_step_backward,
    gru_step_forward,
    lstm_backward,
    lstm_forward,
    lstm_step_backward,
    lstm_step_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)

TOL = 1e-7
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
STEP = {"rnn": (rnn_step_forward, rnn_step_backward),
        "lstm": (lstm_step_forward, lstm_step_backward),
        "gru": (gru_step_forward, gru_step_backward)}
SEQ = {"rnn": (rnn_forward, rnn_backward), "lstm": (lstm_forward, lstm_backward),
       "gru": (gru_forward, gru_backward)}
SHAPES = [(1, 1, 2, 3),   # batch 1, sequence length 1
          (3, 4, 5, 6),
          (2, 7, 3, 2)]   # N, T, D, H


def params(kind, N, T, D, H, seed=0):
    """Sequence-layer inputs x (N, T, D), h0 (N, H), Wx, Wh, b, scaled to stay unsaturated."""
    g = np.random.default_rng(seed)
    G = GATES[kind]
    return {"x": g.standard_normal((N, T, D)), "h0": g.standard_normal((N, H)),
            "Wx": g.standard_normal((D, G * H)) / np.sqrt(D),
            "Wh": g.standard_normal((H, G * H)) / np.sqrt(H), "b": g.standard_normal(G * H) * 0.5}


def step_params(kind, N, D, H, seed=0):
    p = params(kind, N, 1, D, H, seed)
    return {"x": p["x"][:, 0], "h_prev": p["h0"], "Wx": p["Wx"], "Wh": p["Wh"], "b": p["b"]}


# ---------------------------------------------------------------- gradient checks

def numerical(f, x, dout, h=1e-3):
    """Richardson-extrapolated central differences, (4·g(h/2) − g(h)) / 3 (see gradcheck).

    Plain central differences at their best step (h ≈ 1e-5) carry ~1e-10 absolute error, so a
    gradient entry that happens to be ~1e-4 shows ~1e-7 relative error from the check alone.
    """
    return numerical_gradient_array(f, x, dout, h, richardson=True)


def check(forward, backward, inputs, seed=0):
    """Relative error of every gradient of a (forward, backward) pair, {name: error}.

    The upstream gradient is random on every output (for a sequence: on every step).
    """
    out, cache = forward(**inputs)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    grads = backward(dout, cache)
    errors = {}
    for (name, value), grad in zip(inputs.items(), grads, strict=True):
        assert grad.shape == value.shape, name
        x = value.copy()
        num = numerical(lambda z, name=name: forward(**{**inputs, name: z})[0], x, dout)
        errors[name] = rel_error(grad, num)
    return errors


@pytest.mark.parametrize("kind", ["rnn", "gru"])
@pytest.mark.parametrize("N, T, D, H", SHAPES)
def test_step_gradcheck(kind, N, T, D, H):
    errors = check(*STEP[kind], step_params(kind, N, D, H))
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("N, T, D, H", SHAPES)
def test_lstm_step_gradcheck_with_dh_and_dc(N, T, D, H):
    """Upstream gradients on both outputs: check d(sum(h·dh) + sum(c·dc)) for every input."""
    g = np.random.default_rng(1)
    p = step_params("lstm", N, D, H)
    inputs = {"x": p["x"], "h_prev": p["h_prev"], "c_prev": g.standard_normal((N, H)),
              "Wx": p["Wx"], "Wh": p["Wh"], "b": p["b"]}
    dh, dc = g.standard_normal((N, H)), g.standard_normal((N, H))
    _, _, cache = lstm_step_forward(**inputs)
    grads = lstm_step_backward(dh, dc, cache)

    def h_and_c(z, name):
        h, c, _cache = lstm_step_forward(**{**inputs, name: z})
        return np.stack([h, c])

    for (name, value), grad in zip(inputs.items(), grads, strict=True):
        assert grad.shape == value.shape
        num = numerical(lambda z, name=name: h_and_c(z, name), value.copy(), np.stack([dh, dc]))
        assert rel_error(grad, num) < TOL, name


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("N, T, D, H", SHAPES)
def test_sequence_gradcheck(kind, N, T, D, H):
    """An upstream gradient on every step; dh0 is checked too."""
    errors = check(*SEQ[kind], params(kind, N, T, D, H))
    assert set(errors) == {"x", "h0", "Wx", "Wh", "b"}
    assert max(errors.values()) < TOL, errors


def test_check_layer_accepts_the_sequence_layers():
    """The notebooks' one-call checker fits these pairs (names and order of the gradients).

    Its plain central differences are noisier than :func:`numerical` (an entry of dWh near
    zero can show ~2e-7 here), so only the plumbing is asserted, with a loose tolerance.
    """
    from helpers.gradcheck import check_layer
    for kind in SEQ:
        res = check_layer(*SEQ[kind], params(kind, 2, 3, 2, 3), h=1e-5, tolerance=1e-5,
                          verbose=False)
        assert list(res.errors) == ["x", "h0", "Wx", "Wh", "b"]
        assert res.passed, (kind, res.errors)


# ---------------------------------------------------------------- sequence = loop of steps

@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_sequence_equals_loop_of_steps(kind):
    N, T, D, H = 2, 5, 3, 4
    p = params(kind, N, T, D, H, seed=3)
    dh = np.random.default_rng(4).standard_normal((N, T, H))
    h_seq, cache = SEQ[kind][0](**p)
    grads_seq = SEQ[kind][1](dh, cache)

    step_fwd, step_bwd = STEP[kind]
    h_prev, c_prev, caches = p["h0"], np.zeros((N, H)), []
    for t in range(T):
        if kind == "lstm":
            h_prev, c_prev, step_cache = step_fwd(p["x"][:, t], h_prev, c_prev,
                                                  p["Wx"], p["Wh"], p["b"])
        else:
            h_prev, step_cache = step_fwd(p["x"][:, t], h_prev, p["Wx"], p["Wh"], p["b"])
        np.testing.assert_allclose(h_seq[:, t], h_prev, rtol=1e-12, atol=1e-14)
        caches.append(step_cache)

    dx = np.zeros_like(p["x"])
    dW = [np.zeros_like(p[k]) for k in ("Wx", "Wh", "b")]
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        if kind == "lstm":
            dx[:, t], dh_next, dc_next, *dWt = step_bwd(dh[:, t] + dh_next, dc_next, caches[t])
        else:
            dx[:, t], dh_next, *dWt = step_bwd(dh[:, t] + dh_next, caches[t])
        dW = [a + b for a, b in zip(dW, dWt, strict=True)]
    for got, want in zip(grads_seq, [dx, dh_next, *dW], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_rnn_values():
    p = params("rnn", 2, 2, 3, 4)
    h, _ = rnn_forward(**p)
    h1 = np.tanh(p["x"][:, 0] @ p["Wx"] + p["h0"] @ p["Wh"] + p["b"])
    h2 = np.tanh(p["x"][:, 1] @ p["Wx"] + h1 @ p["Wh"] + p["b"])
    np.testing.assert_allclose(h, np.stack([h1, h2], axis=1), rtol=1e-13)


def test_lstm_gate_order_is_i_f_o_g():
    """Open only the forget gate's bias wide: c keeps c_prev, and h = o ⊙ tanh(c)."""
    N, D, H = 1, 2, 3
    Wx, Wh = np.zeros((D, 4 * H)), np.zeros((H, 4 * H))
    b = np.concatenate([np.full(H, -50.0), np.full(H, 50.0), np.full(H, 50.0), np.zeros(H)])
    c_prev = np.array([[0.5, -1.0, 2.0]])
    h, c, _ = lstm_step_forward(np.ones((N, D)), np.zeros((N, H)), c_prev, Wx, Wh, b)
    np.testing.assert_allclose(c, c_prev, rtol=1e-15)        # i ≈ 0, f ≈ 1
    np.testing.assert_allclose(h, np.tanh(c_prev), rtol=1e-15)  # o ≈ 1


def test_gru_gate_order_is_z_r_n():
    """z = 0 keeps h_prev; z = 1 takes n = tanh(b_n) when r = 0 and x·Wx_n = 0."""
    N, D, H = 1, 2, 2
    Wx, Wh = np.zeros((D, 3 * H)), np.ones((H, 3 * H))
    h_prev = np.array([[0.3, -0.7]])
    b_keep = np.concatenate([np.full(H, -50.0), np.zeros(H), np.zeros(H)])
    h, _ = gru_step_forward(np.ones((N, D)), h_prev, Wx, Wh, b_keep)
    np.testing.assert_allclose(h, h_prev, rtol=1e-15)
    b_new = np.concatenate([np.full(H, 50.0), np.full(H, -50.0), [0.2, -0.4]])
    h, _ = gru_step_forward(np.ones((N, D)), h_prev, Wx, Wh, b_new)
    np.testing.assert_allclose(h, np.tanh([[0.2, -0.4]]), rtol=1e-12)


def test_lstm_matches_torch():
    torch = pytest.importorskip("torch")
    N, T, D, H = 2, 5, 3, 4
    p = params("lstm", N, T, D, H, seed=5)
    dh = np.random.default_rng(6).standard_normal((N, T, H))
    h, cache = lstm_forward(**p)
    dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)

    lstm = torch.nn.LSTM(D, H, batch_first=True).double()
    # torch stacks the gates as i, f, g, o (rows of W_ih); ours are i, f, o, g (columns)
    order = np.r_[0:2 * H, 3 * H:4 * H, 2 * H:3 * H]
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(p["Wx"].T[order]))
        lstm.weight_hh_l0.copy_(torch.tensor(p["Wh"].T[order]))
        lstm.bias_ih_l0.copy_(torch.tensor(p["b"][order]))
        lstm.bias_hh_l0.zero_()
    tx = torch.tensor(p["x"], requires_grad=True)
    th0 = torch.tensor(p["h0"][None], requires_grad=True)
    out, _ = lstm(tx, (th0, torch.zeros(1, N, H, dtype=torch.float64)))
    out.backward(torch.tensor(dh))
    np.testing.assert_allclose(h, out.detach().numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(dh0, th0.grad.numpy()[0], rtol=1e-10, atol=1e-13)
    inverse = np.argsort(order)
    np.testing.assert_allclose(dWx, lstm.weight_ih_l0.grad.numpy().T[:, inverse], rtol=1e-10,
                               atol=1e-13)
    np.testing.assert_allclose(dWh, lstm.weight_hh_l0.grad.numpy().T[:, inverse], rtol=1e-10,
                               atol=1e-13)
    np.testing.assert_allclose(db, lstm.bias_ih_l0.grad.numpy()[inverse], rtol=1e-10, atol=1e-13)


# ---------------------------------------------------------------- saturation, inputs, dtypes

@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_large_inputs_are_finite_and_warning_free(kind):
    p = params(kind, 2, 3, 2, 3)
    p["x"] = np.array([1000.0, -1000.0])[None, None, :] * np.ones((2, 3, 2))
    p["Wx"] = np.ones_like(p["Wx"])
    with np.errstate(over="raise", divide="raise", invalid="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        h, cache = SEQ[kind][0](**{**p, "x": p["x"] * np.array([1.0, 0.0])})
        grads = SEQ[kind][1](np.ones_like(h), cache)
        h2, cache2 = SEQ[kind][0](**{**p, "Wx": p["Wx"] * 1000})
        grads2 = SEQ[kind][1](np.ones_like(h2), cache2)
    for a in (h, h2, *grads, *grads2):
        assert np.all(np.isfinite(a))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_inputs_are_not_modified(kind):
    p = params(kind, 2, 3, 4, 5)
    originals = {k: a.copy() for k, a in p.items()}
    h, cache = SEQ[kind][0](**p)
    dh = np.ones_like(h)
    SEQ[kind][1](dh, cache)
    sp = step_params(kind, 2, 4, 5)
    step_originals = {k: a.copy() for k, a in sp.items()}
    if kind == "lstm":
        c_prev = np.ones((2, 5))
        h1, c1, step_cache = lstm_step_forward(sp["x"], sp["h_prev"], c_prev, sp["Wx"],
                                               sp["Wh"], sp["b"])
        lstm_step_backward(dh[:, 0], dh[:, 0], step_cache)
        np.testing.assert_array_equal(c_prev, 1.0)
    else:
        h1, step_cache = STEP[kind][0](**sp)
        STEP[kind][1](dh[:, 0], step_cache)
    np.testing.assert_array_equal(dh, 1.0)
    for k in p:
        np.testing.assert_array_equal(p[k], originals[k])
    for k in sp:
        np.testing.assert_array_equal(sp[k], step_originals[k])


def test_float32_inputs_give_float64():
    p = {k: a.astype(np.float32) for k, a in params("gru", 2, 3, 4, 5).items()}
    h, cache = gru_forward(**p)
    assert h.dtype == np.float64
    assert all(g.dtype == np.float64 for g in gru_backward(np.ones(h.shape), cache))


# ---------------------------------------------------------------- bad input

def _bad(kind, **changes):
    p = params(kind, 2, 3, 4, 5)
    p.update(changes)
    return p


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("change, exc, words", [
    ({"x": np.ones((2, 4))}, ValueError, ["x", "3-D", "(N, T, D)", "(2, 4)"]),
    ({"x": np.ones((2, 0, 4))}, ValueError, ["x", "at least one time step"]),
    ({"h0": np.ones(5)}, ValueError, ["h0", "2-D", "(N, H)"]),
    ({"h0": np.ones((3, 5))}, ValueError, ["h0", "2 rows", "3", "x.shape=(2, 3, 4)"]),
    ({"Wx": "weights"}, TypeError, ["Wx", "numpy array", "str"]),
    ({"x": np.full((2, 3, 4), "a")}, TypeError, ["x", "real numbers"]),
])
def test_sequence_bad_input(kind, change, exc, words):
    fname = f"{kind}_forward"
    with pytest.raises(exc) as info:
        SEQ[kind][0](**_bad(kind, **change))
    msg = str(info.value)
    assert msg.startswith(fname + ":"), msg
    for word in words:
        assert word in msg, (word, msg)


@pytest.mark.parametrize("kind, gates", [
    ("rnn", "H=5 columns"),
    ("lstm", "4·H=20 columns with H=5 from h0, gate order i, f, o, g"),
    ("gru", "3·H=15 columns with H=5 from h0, gate order z, r, n"),
])
def test_weight_shape_messages(kind, gates):
    G = GATES[kind]
    cases = [("Wx", np.ones((3, G * 5)), f"Wx expects shape (4, {G * 5}) (D=4 rows from x; "),
             ("Wx", np.ones((4, G * 5 + 1)), f"but got (4, {G * 5 + 1})"),
             ("Wh", np.ones((5, G * 4)), f"Wh expects shape (5, {G * 5}) (H=5 rows; "),
             ("Wh", np.ones(G * 5), "Wh expects a 2-D array"),
             ("b", np.ones(G * 5 - 1), f"b expects shape ({G * 5},)")]
    for name, value, words in cases:
        with pytest.raises(ValueError) as info:
            SEQ[kind][0](**_bad(kind, **{name: value}))
        assert words in str(info.value), str(info.value)
        if name != "Wh" or value.ndim == 2:
            assert gates in str(info.value), str(info.value)


@pytest.mark.parametrize("kind, why", [
    ("rnn", "H=5 columns with H=5 from h0)"),
    ("lstm", "4·H=20 columns with H=5 from h0, gate order i, f, o, g)"),
    ("gru", "3·H=15 columns with H=5 from h0, gate order z, r, n)"),
])
def test_weight_messages_in_full(kind, why):
    """The whole message, so that every part of it (block count, gate order) is pinned."""
    G = GATES[kind]
    width = "H" if G == 1 else f"{G}·H"
    cases = [("Wh", np.ones((4, G * 5)), f"{kind}_forward: Wh expects shape (5, {G * 5}) "
              f"(H=5 rows; {why} but got (4, {G * 5}) (x.shape=(2, 3, 4), h0.shape=(2, 5))"),
             ("Wx", np.ones(G * 5), f"{kind}_forward: Wx expects a 2-D array (D, {width}), "
              f"got shape ({G * 5},)"),
             ("Wh", np.ones(G * 5), f"{kind}_forward: Wh expects a 2-D array (H, {width}), "
              f"got shape ({G * 5},)"),
             ("b", np.ones(G * 5 + 1), f"{kind}_forward: b expects shape ({G * 5},) "
              f"({why[:-1]}), got shape ({G * 5 + 1},)")]
    for name, value, message in cases:
        with pytest.raises(ValueError) as info:
            SEQ[kind][0](**_bad(kind, **{name: value}))
        assert str(info.value) == message


def test_lstm_weights_for_a_gru_are_rejected():
    p = params("gru", 2, 3, 4, 5)
    with pytest.raises(ValueError, match=r"lstm_forward: Wx expects shape \(4, 20\)"):
        lstm_forward(**p)


@pytest.mark.parametrize("bad", ["dh", "dc"])
@pytest.mark.parametrize("shape", [(1, 5), (5,), (2, 1)])
def test_lstm_step_backward_refuses_gradients_that_would_broadcast(bad, shape):
    sp = step_params("lstm", 2, 4, 5)
    _, _, cache = lstm_step_forward(sp["x"], sp["h_prev"], np.zeros((2, 5)), sp["Wx"],
                                    sp["Wh"], sp["b"])
    grads = {"dh": np.ones((2, 5)), "dc": np.ones((2, 5)), bad: np.ones(shape)}
    with pytest.raises(ValueError) as info:
        lstm_step_backward(grads["dh"], grads["dc"], cache)
    assert str(info.value) == (f"lstm_step_backward: {bad} expects the forward output's shape "
                               f"(2, 5), got shape {shape}")


def test_step_bad_input():
    sp = step_params("lstm", 2, 4, 5)
    with pytest.raises(ValueError, match=r"lstm_step_forward: c_prev expects .*\(2, 5\).*\(2, 4\)"):
        lstm_step_forward(sp["x"], sp["h_prev"], np.ones((2, 4)), sp["Wx"], sp["Wh"], sp["b"])
    with pytest.raises(ValueError, match=r"rnn_step_forward: x expects a 2-D array \(N, D\)"):
        rnn_step_forward(np.ones((2, 1, 4)), np.ones((2, 5)), np.ones((4, 5)), np.ones((5, 5)),
                         np.ones(5))
    with pytest.raises(ValueError, match=r"gru_step_forward: h_prev expects 2 rows"):
        gru_step_forward(np.ones((2, 4)), np.ones((1, 5)), np.ones((4, 15)), np.ones((5, 15)),
                         np.ones(15))


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_backward_checks_dh_shape(kind):
    h, cache = SEQ[kind][0](**params(kind, 2, 3, 4, 5))
    with pytest.raises(ValueError, match=f"{kind}_backward: dh expects the forward output's shape"):
        SEQ[kind][1](np.ones((2, 3, 4)), cache)
    sp = step_params(kind, 2, 4, 5)
    if kind == "lstm":
        _, _, step_cache = lstm_step_forward(sp["x"], sp["h_prev"], np.zeros((2, 5)), sp["Wx"],
                                             sp["Wh"], sp["b"])
        with pytest.raises(ValueError, match="lstm_step_backward: dc expects"):
            lstm_step_backward(np.ones((2, 5)), np.ones((5, 2)), step_cache)
    else:
        _, step_cache = STEP[kind][0](**sp)
        with pytest.raises(ValueError, match=f"{kind}_step_backward: dh expects"):
            STEP[kind][1](np.ones((2, 4)), step_cache)


# ---------------------------------------------------------------- orthogonal initializer

def _gram_schmidt(G):
    """Q of G = Q·R with R's diagonal positive, column by column (the textbook recipe)."""
    Q = np.zeros_like(G)
    for j in range(G.shape[1]):
        u = G[:, j] - Q[:, :j] @ (Q[:, :j].T @ G[:, j])
        Q[:, j] = u / np.linalg.norm(u)
    return Q


@pytest.mark.parametrize("n", [1, 2, 5, 32])
def test_orthogonal_is_the_unique_q_of_its_gaussian_draw(n):
    from helpers.layers.init import orthogonal
    Q = orthogonal(n, np.random.default_rng(7))
    assert Q.shape == (n, n) and Q.dtype == np.float64
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(Q @ Q.T, np.eye(n), atol=1e-12)
    G = np.random.default_rng(7).standard_normal((n, n))          # the one draw it takes
    np.testing.assert_allclose(Q, _gram_schmidt(G), atol=1e-10)   # same numbers, any LAPACK
    R = Q.T @ G
    np.testing.assert_allclose(np.tril(R, -1), 0.0, atol=1e-12)
    assert np.all(np.diag(R) > 0)
    np.testing.assert_allclose(np.linalg.svd(0.9 * Q, compute_uv=False), 0.9, rtol=1e-12)


def test_orthogonal_takes_exactly_one_draw_and_is_reproducible():
    from helpers.layers.init import orthogonal
    rng, ref = np.random.default_rng(3), np.random.default_rng(3)
    Q = orthogonal(4, rng)
    ref.standard_normal((4, 4))
    assert rng.standard_normal() == ref.standard_normal()
    np.testing.assert_array_equal(Q, orthogonal(4, np.random.default_rng(3)))
    assert not np.allclose(Q, orthogonal(4, np.random.default_rng(4)))


def test_orthogonal_is_still_importable_from_the_widget():
    from helpers.layers.init import orthogonal
    from helpers.widgets.vanishing_explorer import orthogonal as from_widget
    assert from_widget is orthogonal


@pytest.mark.parametrize("n, rng, exc, message", [
    (0, np.random.default_rng(0), ValueError, "orthogonal: n expects an integer >= 1, got 0"),
    (2.0, np.random.default_rng(0), TypeError,
     "orthogonal: n expects an integer >= 1, got 2.0 of type float"),
    (True, np.random.default_rng(0), TypeError,
     "orthogonal: n expects an integer >= 1, got True of type bool"),
    (3, 0, TypeError, "orthogonal: rng expects a numpy.random.Generator "
                      "(np.random.default_rng(seed)), got int"),
    (3, np.random.RandomState(0), TypeError, "orthogonal: rng expects a numpy.random.Generator "
                                             "(np.random.default_rng(seed)), got RandomState"),
])
def test_orthogonal_bad_input(n, rng, exc, message):
    from helpers.layers.init import orthogonal
    with pytest.raises(exc) as info:
        orthogonal(n, rng)
    assert str(info.value) == message
