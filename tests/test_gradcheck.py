import functools
import warnings

import numpy as np
import pytest

import helpers.gradcheck as gc
import helpers.layers as L
from helpers.gradcheck import (
    DEFAULT_TOLERANCE,
    LayerCheck,
    check_layer,
    forward_difference,
    numerical_gradient,
    numerical_gradient_array,
    numerical_jacobian,
    rel_error,
    verdict,
)


def test_numerical_gradient_of_a_quadratic_is_exact_to_roundoff():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    x = np.array([0.5, -1.5])
    before = x.copy()
    g = numerical_gradient(lambda z: 0.5 * z @ A @ z, x)
    np.testing.assert_allclose(g, A @ x, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(x, before)  # restored


def test_central_beats_forward_difference():
    x = np.array([1.0])
    exact = 3.0  # d/dx x^3 at 1
    central = numerical_gradient(lambda z: z[0] ** 3, x, h=1e-3)[0]
    forward = forward_difference(lambda z: z[0] ** 3, x, h=1e-3)[0]
    assert abs(central - exact) < 2e-6 < abs(forward - exact)


def test_numerical_gradient_array_is_the_vector_jacobian_product():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 4))
    x = rng.standard_normal(4)
    dout = rng.standard_normal(3)
    g = numerical_gradient_array(lambda z: W @ z, x, dout)
    np.testing.assert_allclose(g, W.T @ dout, rtol=1e-8)


def test_rel_error_values():
    assert rel_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.2)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    with pytest.raises(ValueError, match="rel_error"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_rejects_integer_arrays():
    with pytest.raises(TypeError, match="numerical_gradient: x expects a floating-point"):
        numerical_gradient(lambda z: z.sum(), np.arange(3))


def _scale_forward(x, w):
    return x * w, (x, w)


def _scale_backward(dout, cache):
    x, w = cache
    return dout * w, np.sum(dout * x)


def _wrong_backward(dout, cache):
    x, w = cache
    return dout * w, np.sum(dout * x) * 1.01


def test_check_layer_passes_a_right_backward_and_fails_a_wrong_one(capsys):
    inputs = {"x": np.linspace(-1, 1, 6).reshape(2, 3), "w": np.array(0.7)}
    good = check_layer(_scale_forward, _scale_backward, inputs, name="scale")
    assert good.passed and good.max_error < 1e-9
    assert capsys.readouterr().out == "scale: dx, dw — max relative error < 1e-07 ✓\n"
    bad = check_layer(_scale_forward, _wrong_backward, inputs, name="scale")
    assert not bad.passed and bad.errors["w"] > 1e-3 and bad.errors["x"] < 1e-9
    assert "✗" in capsys.readouterr().out
    np.testing.assert_array_equal(inputs["x"], np.linspace(-1, 1, 6).reshape(2, 3))


def test_richardson_cancels_the_h_squared_error():
    x = np.array([0.3, -1.2, 2.0])
    dout = np.ones(3)
    exact = np.cos(x)
    plain = numerical_gradient_array(np.sin, x.copy(), dout, h=1e-3)
    rich = numerical_gradient_array(np.sin, x.copy(), dout, h=1e-3, richardson=True)
    assert rel_error(plain, exact) > 1e-8        # O(h²) = 1e-7-ish relative
    assert rel_error(rich, exact) < 1e-11


def _lookup_forward(ids, W):
    return W[ids], (ids, W.shape)


def _lookup_backward(dout, cache):
    ids, shape = cache
    dW = np.zeros(shape)
    np.add.at(dW, ids, dout)
    return dW


def test_check_layer_pairs_a_short_gradient_tuple_with_the_float_inputs():
    ids = np.array([[0, 2, 0]])
    W = np.arange(6.0).reshape(3, 2)
    res = check_layer(_lookup_forward, _lookup_backward, {"ids": ids, "W": W}, verbose=False)
    assert list(res.errors) == ["W"] and res.passed


# ------------------------------------------------------------------ exact values, bad input

def test_forward_difference_has_its_known_O_h_error_and_restores_x():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    before = x.copy()
    h = 1e-3
    g = forward_difference(lambda z: np.sum(z ** 2), x, h=h)
    np.testing.assert_allclose(g, 2 * before + h, rtol=0, atol=1e-9)   # ((x+h)² − x²)/h = 2x + h
    np.testing.assert_array_equal(x, before)
    g_default = forward_difference(lambda z: np.sum(z ** 2), x)
    np.testing.assert_allclose(g_default, 2 * before + 1e-5, rtol=0, atol=1e-9)


def test_central_difference_of_a_cubic_has_its_known_O_h2_error():
    x = np.array([1.0, -2.0])
    h = 1e-2
    g = numerical_gradient(lambda z: np.sum(z ** 3), x, h=h)
    np.testing.assert_allclose(g, 3 * x ** 2 + h ** 2, rtol=0, atol=1e-10)   # 3x² + h²


@pytest.mark.parametrize("fn", [numerical_gradient, forward_difference])
def test_finite_differences_refuse_what_they_cannot_perturb(fn):
    name = fn.__name__
    with pytest.raises(TypeError, match=f"^{name}: x expects a numpy array, got list$"):
        fn(np.sum, [1.0, 2.0])
    with pytest.raises(TypeError, match=f"^{name}: x expects a floating-point array \\("
                                        "perturbing integers is meaningless\\), got dtype int64$"):
        fn(np.sum, np.arange(3, dtype=np.int64))


def test_numerical_gradient_array_refuses_integers_and_accepts_a_list_dout():
    with pytest.raises(TypeError, match="^numerical_gradient_array: x expects a floating-point"):
        numerical_gradient_array(lambda z: z, np.arange(2), np.ones(2))
    g = numerical_gradient_array(lambda z: 3 * z, np.array([1.0, 2.0]), [1, -1])
    np.testing.assert_allclose(g, [3.0, -3.0], rtol=1e-9)


def test_numerical_jacobian_of_known_maps():
    rng = np.random.default_rng(1)
    W = rng.standard_normal((3, 4))
    x = rng.standard_normal(4)
    before = x.copy()
    np.testing.assert_allclose(numerical_jacobian(lambda z: W @ z, x), W, rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(x, before)
    X = rng.standard_normal((2, 3))
    J = numerical_jacobian(np.sin, X)
    assert J.shape == (6, 6)
    np.testing.assert_allclose(J, np.diag(np.cos(X).ravel()), rtol=1e-8, atol=1e-10)
    J = numerical_jacobian(lambda z: np.array([z.sum(), (z ** 2).sum()]), x, h=1e-4)
    np.testing.assert_allclose(J, np.stack([np.ones(4), 2 * x]), rtol=1e-7)


def test_numerical_jacobian_works_on_a_read_only_input():
    x = np.array([1.0, 2.0])
    x.flags.writeable = False
    np.testing.assert_allclose(numerical_jacobian(lambda z: 2 * z, x), 2 * np.eye(2), rtol=1e-9)


@pytest.mark.parametrize("x, given", [([1.0], "list"), (np.arange(2), "ndarray of dtype int64")])
def test_numerical_jacobian_refuses_non_float_input(x, given):
    with pytest.raises(TypeError, match=f"^numerical_jacobian: x expects a floating-point numpy "
                                        f"array, got {given}$"):
        numerical_jacobian(lambda z: z, x)


def test_rel_error_edge_cases():
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0
    assert rel_error([], []) == 0.0
    assert rel_error([1.0, 2.0], (1.0, 2.0)) == 0.0                       # sequences are fine
    assert rel_error(np.array([1e-13]), np.array([0.0])) == pytest.approx(0.1)   # floor 1e-12
    assert rel_error(2.0, 1.0) == pytest.approx(1 / 3)
    assert isinstance(rel_error(np.ones(2), np.ones(2)), float)
    assert np.isnan(rel_error(np.array([np.nan]), np.array([1.0])))


# ------------------------------------------------------------------ verdicts

@pytest.mark.parametrize("err, tol, line", [
    (3e-10, 1e-7, "dW vs numerical: relative error < 1e-07 ✓"),
    (1e-7, 1e-7, "dW vs numerical: relative error ≥ 1e-07 ✗"),
    (0.2, 1e-7, "dW vs numerical: relative error ≥ 1e-07 ✗"),
    (0.0, 1e-12, "dW vs numerical: relative error < 1e-12 ✓"),
    (float("nan"), 1e-7, "dW vs numerical: relative error is nan ✗"),
    (np.float64(5e-13), 1e-12, "dW vs numerical: relative error < 1e-12 ✓"),
])
def test_verdict_is_one_stable_line(err, tol, line):
    assert verdict("dW vs numerical", err, tol) == line


def test_verdict_defaults_to_the_course_tolerance():
    assert DEFAULT_TOLERANCE == 1e-7
    assert verdict("x", 9.9e-8) == "x: relative error < 1e-07 ✓"
    assert verdict("x", 1e-7) == "x: relative error ≥ 1e-07 ✗"


def test_layer_check_verdict_details_and_edge_cases():
    good = LayerCheck("affine", {"x": 1e-10, "w": 3e-9})
    assert good.max_error == 3e-9 and good.passed
    assert good.verdict() == "affine: dx, dw — max relative error < 1e-07 ✓"
    assert good.details() == "dx 1.0e-10  dw 3.0e-09"
    at_mark = LayerCheck("relu", {"x": 1e-7})
    assert not at_mark.passed
    assert at_mark.verdict() == "relu: dx — max relative error ≥ 1e-07 ✗"
    hidden_nan = LayerCheck("bad", {"x": 1e-12, "w": float("nan")})
    assert not hidden_nan.passed and np.isnan(hidden_nan.max_error)
    assert hidden_nan.verdict() == "bad: dx, dw — max relative error is nan ✗"
    empty = LayerCheck("none")
    assert empty.max_error == 0.0 and empty.passed and empty.details() == ""
    assert LayerCheck("t", {"x": 0.5}, tolerance=1.0).verdict() == "t: dx — max relative error " \
                                                                   "< 1e+00 ✓"


# ------------------------------------------------------------------ check_layer, more cases

def _two_out_forward(x, w):
    """A forward with two outputs (like lstm_step_forward): h = x·w, c = x + w, cache last."""
    return x * w, x + w, (x, w)


def _two_out_backward(dh, cache):
    """The gradient of sum(h · dh) only: check_layer checks the first output."""
    x, w = cache
    return dh * w, np.sum(dh * x)


def test_check_layer_checks_the_first_output_of_a_three_item_forward(capsys):
    inputs = {"x": np.linspace(-1, 1, 6).reshape(2, 3), "w": np.array(0.7)}
    res = check_layer(_two_out_forward, _two_out_backward, inputs)
    assert res.passed and res.max_error < 1e-9 and list(res.errors) == ["x", "w"]
    assert capsys.readouterr().out == "_two_out: dx, dw — max relative error < 1e-07 ✓\n"


def test_check_layer_names_options_wrt_and_verbosity(capsys):
    def scaled_forward(x, w, scale=1.0):
        return scale * x * w, (x, w, scale)

    def scaled_backward(dout, cache):
        x, w, scale = cache
        return scale * dout * w, scale * np.sum(dout * x)

    inputs = {"x": np.arange(1.0, 7.0).reshape(2, 3), "w": np.array(-1.3)}
    res = check_layer(scaled_forward, scaled_backward, inputs, options={"scale": 3.0},
                      wrt=["w"], verbose=False)
    assert res.name == "scaled" and list(res.errors) == ["w"] and res.passed
    assert capsys.readouterr().out == ""
    wrong = check_layer(scaled_forward, lambda d, c: (d * c[1], np.sum(d * c[0])), inputs,
                        options={"scale": 3.0},
                        verbose=False)
    assert not wrong.passed

    anonymous = functools.partial(scaled_forward, scale=2.0)
    res = check_layer(anonymous, lambda d, c: scaled_backward(d, c), inputs, verbose=False)
    assert res.name == "layer" and res.passed


def test_check_layer_tolerance_and_richardson_and_step():
    x = {"x": np.array([0.3, -1.2, 2.0])}

    def sin_forward(x):
        return np.sin(x), x

    def sin_backward(dout, x):
        return dout * np.cos(x)

    rich = check_layer(sin_forward, sin_backward, x, verbose=False)
    plain = check_layer(sin_forward, sin_backward, x, richardson=False, verbose=False)
    assert rich.errors["x"] < 1e-11 < plain.errors["x"] < 1e-6
    coarse = check_layer(sin_forward, sin_backward, x, richardson=False, h=1e-1, verbose=False)
    assert coarse.errors["x"] > 1e-4 and not coarse.passed
    assert check_layer(sin_forward, sin_backward, x, richardson=False, h=1e-1, tolerance=1e-2,
                       verbose=False).passed


def test_check_layer_refuses_a_gradient_count_that_fits_nothing():
    inputs = {"x": np.ones((2, 2)), "w": np.array(0.5), "b": np.array(0.1)}

    def fwd(x, w, b):
        return x * w + b, (x, w)

    with pytest.raises(ValueError):
        check_layer(fwd, lambda d, c: (d, np.sum(d)), inputs, verbose=False)


# ------------------------------------------------------------------ review 10, round 2


def _norm_inputs(rng, N, D, scale=1.0, offset=0.0):
    return {"x": rng.standard_normal((N, D)) * scale + offset,
            "gamma": rng.standard_normal(D), "beta": rng.standard_normal(D)}


@pytest.mark.parametrize("forward, backward, inputs", [
    (L.tanh_forward, L.tanh_backward,
     {"x": np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)}),
    (L.batchnorm_forward, L.batchnorm_backward,
     {"x": np.random.default_rng(1).standard_normal((4, 3)) * 1e-3, "gamma": np.ones(3),
      "beta": np.zeros(3)}),
    (L.layernorm_forward, L.layernorm_backward, _norm_inputs(np.random.default_rng(2), 4, 3,
                                                             scale=1e4)),
    (L.batchnorm_forward, L.batchnorm_backward, _norm_inputs(np.random.default_rng(3), 5, 3,
                                                             scale=1e-4)),
])
def test_check_layer_passes_right_layers_in_float32_and_far_from_unit_size(forward, backward,
                                                                           inputs):
    before = {k: v.copy() for k, v in inputs.items()}
    res = check_layer(forward, backward, inputs, verbose=False)
    assert res.passed, res.errors
    for k, v in inputs.items():        # the caller's arrays (and their dtype) are untouched
        assert v.dtype == before[k].dtype and np.array_equal(v, before[k])


def test_check_layer_on_layernorm_with_two_features_is_not_flaky():
    for seed in range(40):      # 68 of 200 seeds failed with the fixed step and no floor
        res = check_layer(L.layernorm_forward, L.layernorm_backward,
                          _norm_inputs(np.random.default_rng(seed), 3, 2), verbose=False)
        assert res.passed, (seed, res.errors)


def test_check_layer_still_catches_small_errors_in_tiny_gradients():
    def slipped(dout, cache):        # dx off by 1 % where dx is of the order of eps
        dx, dgamma, dbeta = L.layernorm_backward(dout, cache)
        return dx * 1.01, dgamma, dbeta

    for seed in range(5):
        inputs = _norm_inputs(np.random.default_rng(seed), 3, 2)
        res = check_layer(L.layernorm_forward, slipped, inputs, verbose=False)
        assert not res.passed and res.errors["x"] > 1e-6, res.errors
        assert res.errors["gamma"] < 1e-9


def test_the_default_step_fits_the_input():
    rng = np.random.default_rng(0)
    unit = rng.standard_normal((4, 3))
    assert gc._step(unit) == 1e-3 and gc._step(unit * 5) == 1e-3
    assert gc._step(3 * unit + 1000) == 1e-3             # an offset alone keeps 1e-3
    assert gc._step(np.zeros(3)) == gc._step(np.zeros(0)) == 1e-3
    assert gc._step(np.full(3, np.inf)) == 1e-3
    assert gc._step(np.array([1e308, -1e308])) == 1e-3      # a spread that overflows
    small = unit * 1e-3
    assert gc._step(small) == pytest.approx(1e-3 * np.sqrt(np.mean(small ** 2)), rel=1e-12)
    big = unit * 1e4
    assert gc._step(big) == pytest.approx(1e-3 * np.std(big), rel=1e-12)
    assert gc._step(np.array([0.0999])) == pytest.approx(0.0999e-3)
    assert gc._step(np.array([0.1])) == 1e-3
    assert gc._step(np.array([-10.0, 10.0])) == 1e-3
    assert gc._step(np.array([-10.5, 10.5])) == pytest.approx(10.5e-3)


def test_an_explicit_step_is_used_as_given_and_the_default_retries_at_a_tenth(monkeypatch):
    calls = []
    real = gc.numerical_gradient_array

    def spy(f, x, dout, h=1e-5, richardson=False):
        calls.append(h)
        return real(f, x, dout, h, richardson)

    monkeypatch.setattr(gc, "numerical_gradient_array", spy)
    x = {"x": np.array([0.3, -1.2, 2.0])}
    right = check_layer(L.tanh_forward, L.tanh_backward, x, verbose=False)
    assert right.passed and calls == [1e-3]
    calls.clear()
    wrong = check_layer(L.tanh_forward, lambda d, c: d, x, verbose=False)
    assert not wrong.passed and calls == [1e-3, 1e-4]
    calls.clear()
    assert not check_layer(L.tanh_forward, lambda d, c: d, x, h=1e-2, verbose=False).passed
    assert calls == [1e-2]


def test_a_right_layer_too_sharp_for_the_first_step_passes_at_the_second():
    def sharp_forward(x):        # bends on a scale of 1/100: a step of 1e-3 is too coarse
        return np.tanh(100 * x), x

    def sharp_backward(dout, x):
        return dout * 100 * (1 - np.tanh(100 * x) ** 2)

    x = {"x": np.array([0.001, -0.003, 0.005, 1.0])}
    coarse = check_layer(sharp_forward, sharp_backward, x, h=1e-3, verbose=False)
    fine = check_layer(sharp_forward, sharp_backward, x, h=1e-4, verbose=False)
    default = check_layer(sharp_forward, sharp_backward, x, verbose=False)
    assert not coarse.passed and fine.passed
    assert default.errors == fine.errors


def test_check_layer_pairs_the_gradients_with_wrt_for_extra_float_inputs():
    rng = np.random.default_rng(0)
    inputs = {**_norm_inputs(rng, 3, 4), "running_mean": rng.standard_normal(4),
              "running_var": rng.uniform(0.5, 2.0, 4)}
    res = check_layer(L.batchnorm_inference_forward, L.batchnorm_inference_backward, inputs,
                      wrt=["x", "gamma", "beta"], verbose=False)
    assert res.passed and list(res.errors) == ["x", "gamma", "beta"]
    with pytest.raises(ValueError, match=r"^check_layer: backward returned 3 gradients, but "
                                         r"inputs has 5 entries \(5 floating-point: x, gamma, "
                                         r"beta, running_mean, running_var\); name the ones it "
                                         r"returns, in its order, with wrt=\[\.\.\.\]"):
        check_layer(L.batchnorm_inference_forward, L.batchnorm_inference_backward, inputs,
                    verbose=False)


@pytest.mark.parametrize("fn", [numerical_gradient, forward_difference])
def test_finite_differences_explain_float32_read_only_and_array_valued_f(fn):
    name = fn.__name__
    with pytest.raises(TypeError, match=f"^{name}: x expects a float64 array, got float32: a "
                                        "small step is lost in float32 rounding; pass "
                                        r"x\.astype\(np\.float64\) \(and let f use it\)$"):
        fn(lambda v: float(v.sum()), np.ones(2, dtype=np.float32))
    with pytest.raises(TypeError, match=f"^{name}: x expects a float64 array, got float16"):
        fn(lambda v: float(v.sum()), np.ones(2, dtype=np.float16))
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=f"^{name}: x is read-only, but it is perturbed in "
                                         r"place \(f may read it from a closure\): pass a "
                                         r"writable copy, x\.copy\(\)$"):
        fn(lambda v: float(v.sum()), frozen)
    with pytest.raises(TypeError, match=f"^{name}: f expects to return one number, got an "
                                        r"array of shape \(3,\) and dtype float64; for an "
                                        r"array-valued f use numerical_gradient_array"):
        fn(lambda v: 2 * v, np.ones(3))
    with pytest.raises(TypeError, match=f"^{name}: f expects to return one number, got an "
                                        r"array of shape \(\) and dtype <U1"):
        fn(lambda v: "a", np.ones(3))
    one = fn(lambda v: np.array([v @ v]), np.array([1.0, 2.0]))    # one number in an array
    assert one.shape == (2,) and np.allclose(one, [2.0, 4.0], atol=1e-4)
    empty = fn(lambda v: float(v.sum()), np.zeros((0, 3)))
    assert empty.shape == (0, 3) and empty.dtype == np.float64
    wide = fn(lambda v: float(v @ v), np.array([1.0, 2.0], dtype=np.longdouble))
    assert np.allclose(wide, [2.0, 4.0], atol=1e-4)


def test_numerical_gradient_array_names_a_shape_mismatch_and_jacobian_upcasts_float32():
    with pytest.raises(ValueError, match=r"^numerical_gradient_array: f\(x\) has shape \(3,\) "
                                         r"but dout has shape \(2,\); they must be the same$"):
        numerical_gradient_array(lambda v: v * 2, np.ones(3), np.ones(2))
    x32 = np.array([0.3, -0.7], dtype=np.float32)
    J = numerical_jacobian(lambda v: np.sin(v), x32)
    assert J.dtype == np.float64 and x32.dtype == np.float32
    assert rel_error(J, np.diag(np.cos(x32.astype(np.float64)))) < 1e-9


def test_rel_error_of_infinities_is_defined_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rel_error(np.inf, np.inf) == 0.0
        assert rel_error([np.inf, -np.inf, 1.0], [np.inf, -np.inf, 1.0]) == 0.0
        assert rel_error(np.inf, 1.0) == 1.0 and rel_error(-np.inf, np.inf) == 1.0
        assert rel_error(1e308, -1e308) == 1.0
        assert rel_error([np.inf, 2.0], [np.inf, 1.0]) == pytest.approx(1 / 3)
        assert np.isnan(rel_error([np.nan, np.inf], [1.0, np.inf]))


def test_entries_below_the_checks_own_round_off_are_judged_on_absolute_error():
    def offset_forward(x):     # a tiny slope under a large constant: round-off dominates
        return 1e3 + 1e-9 * x, x

    def offset_backward(dout, x):
        return 1e-9 * dout

    x = np.array([0.5, -1.0, 2.0, 0.25])
    res = check_layer(offset_forward, offset_backward, {"x": x}, verbose=False)
    dout = np.random.default_rng(0).standard_normal(4)
    num = numerical_gradient_array(lambda v: offset_forward(v)[0], x.copy(), dout, 1e-3,
                                   richardson=True)
    floor = 32 * np.finfo(float).eps * np.sum(np.abs((1e3 + 1e-9 * x) * dout)) / 1e-3 / 1e-7
    want = np.max(np.abs(1e-9 * dout - num) / np.maximum(np.abs(1e-9 * dout) + np.abs(num),
                                                         floor))
    assert res.passed and res.errors["x"] == pytest.approx(want, rel=1e-9)
    assert rel_error(1e-9 * dout, num) > 1e-4          # the plain relative error is noise


def test_check_layer_names_itself_when_a_gradient_has_the_wrong_shape():
    with pytest.raises(ValueError, match=r"^check_layer: a and b must have the same shape, got "
                                         r"\(2,\) and \(3,\)$"):
        check_layer(L.tanh_forward, lambda d, c: d[:2], {"x": np.ones(3)}, verbose=False)


def test_an_infinite_output_cannot_pass_a_wrong_backward():     # (its floor is inf, its
    # numerical gradient nan: nan never passes)
    def blowing_forward(x):
        return np.array([np.inf, 2 * x[1]]), x

    res = check_layer(blowing_forward, lambda d, c: np.array([0.0, 3 * d[1]]),
                      {"x": np.array([1.0, 2.0])}, wrt=["x"], verbose=False)
    assert not res.passed
