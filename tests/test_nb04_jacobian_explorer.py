"""The Jacobian explorer of notebook 04: its pure function, static figure and widget."""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradcheck import numerical_jacobian, rel_error

# From the module itself: through the lazy package, whichever name is asked first imports the
# module, and Python then binds helpers.widgets.jacobian_explorer to the module, not the widget.
from helpers.widgets.jacobian_explorer import (
    DEFAULT_X,
    EXPLORER_W,
    JACOBIAN_OPS,
    jacobian_data,
    jacobian_explorer,
    jacobian_explorer_figure,
)

X = np.array([-2.0, -0.5, 0.7, 1.9])


@pytest.mark.parametrize("op", list(JACOBIAN_OPS))
def test_analytic_jacobian_matches_numerical(op):
    d = jacobian_data(op, X)
    assert d["J"].shape == d["J_numerical"].shape
    assert d["rel_error"] < 1e-7
    assert len(d["row_labels"]) == d["J"].shape[0]
    assert len(d["col_labels"]) == d["J"].shape[1]
    assert d["vlim"] >= np.abs(d["J"]).max()


@pytest.mark.parametrize("op", ["tanh", "sigmoid", "relu"])
def test_elementwise_ops_have_diagonal_jacobians(op):
    d = jacobian_data(op, X)
    assert d["is_diagonal"]
    assert np.count_nonzero(d["J"] - np.diag(np.diag(d["J"]))) == 0


def test_known_jacobians():
    np.testing.assert_allclose(jacobian_data("tanh", X)["J"], np.diag(1 - np.tanh(X) ** 2))
    np.testing.assert_array_equal(jacobian_data("relu", X)["J"], np.diag([0, 0, 1.0, 1.0]))
    np.testing.assert_array_equal(jacobian_data("affine_x", X)["J"], EXPLORER_W)
    assert np.all(EXPLORER_W != 0)  # no entry that looks like a structural zero
    np.testing.assert_array_equal(jacobian_data("affine_b", X)["J"], np.eye(3))
    J = jacobian_data("affine_W", X)["J"]
    assert J.shape == (3, 12)
    np.testing.assert_array_equal(J[1, 4:8], X)  # z2 depends on row 2 of W through x
    assert np.count_nonzero(J) == 12
    p = np.exp(X) / np.exp(X).sum()
    np.testing.assert_allclose(jacobian_data("softmax", X)["J"], np.diag(p) - np.outer(p, p))
    assert not jacobian_data("softmax", X)["is_diagonal"]


def test_relu_kink_is_flagged():
    d = jacobian_data("relu", [0.0, 1.0, -1.0, 2.0])
    assert d["at_kink"] and d["J"][0, 0] == 0 and d["J_numerical"][0, 0] == pytest.approx(0.5)
    assert not jacobian_data("relu", X)["at_kink"]
    assert jacobian_data("relu", [-3 + 30 * 0.1, 1.0, 1.0, 1.0])["at_kink"]  # 4e-16, a slider's 0
    fig = jacobian_explorer_figure("relu", [0.0, 1.0, -1.0, 2.0])
    assert any("kink" in t.get_text() for t in fig.texts)


def test_softmax_columns_sum_to_zero():
    # the outputs always sum to one, so moving any input changes that sum by nothing
    J = jacobian_data("softmax", X)["J"]
    np.testing.assert_allclose(J.sum(axis=0), 0, atol=1e-15)


def test_input_is_not_modified_and_bad_input_is_named():
    x = X.copy()
    jacobian_data("affine_W", x)
    np.testing.assert_array_equal(x, X)
    with pytest.raises(ValueError, match=r"jacobian_data: op .*'cube'"):
        jacobian_data("cube", X)
    with pytest.raises(ValueError, match=r"jacobian_data: x expects shape \(4,\)"):
        jacobian_data("tanh", np.zeros(3))
    with pytest.raises(TypeError, match="jacobian_data: x"):
        jacobian_data("tanh", ["a", "b", "c", "d"])


def test_numerical_jacobian_is_the_gradcheck_one():
    # the widget module re-exports it for old imports; the notebook imports helpers.gradcheck
    module = importlib.import_module("helpers.widgets.jacobian_explorer")
    assert module.numerical_jacobian is numerical_jacobian


def test_numerical_jacobian_of_a_linear_map_and_its_errors():
    A = np.arange(6.0).reshape(2, 3)
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(numerical_jacobian(lambda v: A @ v, x), A, atol=1e-9)
    with pytest.raises(TypeError, match="numerical_jacobian: x"):
        numerical_jacobian(lambda v: v, np.arange(3))


def test_static_figure_has_a_title_and_labelled_axes():
    fig = jacobian_explorer_figure()
    ax = fig.axes[0]
    assert "tanh" in ax.get_title() and "diagonal" in ax.get_title()
    assert ax.get_xlabel() and ax.get_ylabel()
    assert ax.images[0].get_array().shape == (4, 4)


def test_widget_updates_one_figure_in_place():
    box = jacobian_explorer()
    image = box.figure_image
    fig = image.fig
    first = image.image.value
    menu = box.children[0]
    menu.value = "affine_W"
    assert image.fig is fig
    assert fig.axes[0].images[0].get_array().shape == (3, 12)
    assert image.image.value != first
    box.children[1].children[0].value = 1.0  # slider x1
    assert fig.axes[0].images[0].get_array()[0, 0] == pytest.approx(1.0)
    assert rel_error(fig.axes[0].images[0].get_array(),
                     jacobian_data("affine_W", [1.0, *DEFAULT_X[1:]])["J"]) == 0.0


def test_blitted_redraw_matches_a_full_redraw():
    # the background is cached per op: coming back to an op after moving sliders must give
    # the same pixels as drawing that state from scratch
    box = jacobian_explorer()
    image = box.figure_image
    menu, slider = box.children[0], box.children[2].children[1]  # x4
    for op in ["softmax", "tanh", "affine_W", "softmax"]:  # softmax again: its cached background
        menu.value = op
    slider.value = 1.0
    blitted = np.asarray(image.fig.canvas.buffer_rgba()).copy()
    image.refresh(key="fresh", full=True)
    full = np.asarray(image.fig.canvas.buffer_rgba())
    assert np.mean(np.any(blitted != full, axis=-1)) < 0.01  # antialiased edges at most
    assert image.last_render_ms > 0


@settings(max_examples=40, deadline=None)
@given(op=st.sampled_from(sorted(JACOBIAN_OPS)),
       x=st.lists(st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3), min_size=4, max_size=4))
def test_any_slider_position_gives_a_checked_jacobian(op, x):
    # every state the sliders can reach (ReLU's kink at exactly 0 excluded)
    d = jacobian_data(op, x)
    assert d["rel_error"] < 1e-6
    assert np.all(np.abs(d["J"]) <= d["vlim"])


@pytest.mark.parametrize("op", ["tanh", "affine_W"])
def test_static_figure_text_is_projector_size(op):
    # every label, tick and cell value at least 10 pt (the course style's sizes: 12–14 pt)
    fig = jacobian_explorer_figure(op)
    fig.canvas.draw()
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and
                                    hasattr(a, "get_text")) if t.get_visible() and t.get_text()]
    assert texts
    assert min(t.get_fontsize() for t in texts) >= 10
