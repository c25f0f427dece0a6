"""Notebook 03's training explorer: snapshots, decision grids, precomputed frames, the widget."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from helpers.widgets.training_snapshots import (
    decision_grid,
    explorer_data,
    explorer_frame,
    grid_points,
    region_image,
    region_plot,
    snapshot,
    training_explorer,
    training_explorer_figure,
)


def _params(seed=0, H=8, C=3):
    rng = np.random.default_rng(seed)
    return {"W1": rng.standard_normal((2, H)), "b1": rng.standard_normal(H),
            "W2": rng.standard_normal((H, C)), "b2": rng.standard_normal(C)}


def _data(seed=0, N=30, C=3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, 2)), rng.integers(0, C, N)


def _snapshots(K=4):
    out = []
    for k in range(K):
        p = _params(k)
        out.append(snapshot(10 * k, p, {"W1": 0.1 * p["W1"], "dW2": p["W2"]}, 1.0 / (k + 1)))
    return out


def test_snapshot_copies_and_measures_norms():
    p = _params()
    grads = {"W1": np.full((2, 8), 0.5), "W2": np.ones((8, 3))}
    s = snapshot(3, p, grads, 0.25)
    p["W1"][0, 0] = 99.0                       # a later in-place update must not leak in
    assert s["params"]["W1"][0, 0] != 99.0
    assert s["step"] == 3 and s["loss"] == 0.25
    assert s["grad_norms"]["W1"] == pytest.approx(0.5 * 4)     # sqrt(16 · 0.25)
    assert s["grad_norms"]["W2"] == pytest.approx(np.sqrt(24))


def test_snapshot_rejects_bad_input():
    p = _params()
    with pytest.raises(ValueError, match="snapshot: grads"):
        snapshot(0, p, {"W1": np.zeros((2, 8))}, 1.0)
    with pytest.raises(ValueError, match="snapshot: grads\\['W2'\\] expects shape"):
        snapshot(0, p, {"W1": np.zeros((2, 8)), "W2": np.zeros((3, 3))}, 1.0)
    with pytest.raises(ValueError, match="params expects keys"):
        snapshot(0, {"W1": p["W1"]}, {}, 1.0)
    with pytest.raises(TypeError, match="snapshot: params"):
        snapshot(0, [1, 2], {}, 1.0)


def test_grid_points_layout():
    P = grid_points((0.0, 1.0, 10.0, 12.0), 3)
    assert P.shape == (9, 2)
    np.testing.assert_allclose(P[:3, 1], 10.0)          # row 0 is the bottom row
    np.testing.assert_allclose(P[:3, 0], [0.0, 0.5, 1.0])
    np.testing.assert_allclose(P[-1], [1.0, 12.0])


def test_decision_grid_matches_a_direct_forward_pass():
    p = _params(1)
    extent = (-2.0, 2.0, -1.0, 3.0)
    grid = decision_grid(p, extent, 7)
    P = grid_points(extent, 7)
    direct = (np.maximum(P @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]).argmax(axis=1)
    assert grid.shape == (7, 7)
    np.testing.assert_array_equal(grid, direct.reshape(7, 7))


def test_decision_grid_rejects_bad_input():
    p = _params()
    with pytest.raises(ValueError, match="decision_grid: resolution"):
        decision_grid(p, (0, 1, 0, 1), 1)
    with pytest.raises(ValueError, match="decision_grid: extent"):
        decision_grid(p, (0, 1), 5)
    bad = dict(p, W1=np.zeros((3, 8)))
    with pytest.raises(ValueError, match="W1"):
        decision_grid(bad, (0, 1, 0, 1), 5)


def test_explorer_data_and_frame():
    X, y = _data()
    snaps = _snapshots(4)
    X_before = X.copy()
    data = explorer_data(snaps, X, y, resolution=9)
    np.testing.assert_array_equal(X, X_before)
    assert data["grids"].shape == (4, 9, 9)
    np.testing.assert_array_equal(data["steps"], [0, 10, 20, 30])
    np.testing.assert_allclose(data["loss"], [1.0, 0.5, 1 / 3, 0.25])
    assert data["n_classes"] == 3
    for k, s in enumerate(snaps):
        p = s["params"]
        pred = (np.maximum(X @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"]).argmax(axis=1)
        assert data["accuracy"][k] == pytest.approx(np.mean(pred == y))
    f = explorer_frame(data, 2)
    assert f["step"] == 20 and f["grid"].shape == (9, 9)
    assert f["grad_norms"]["W2"] == pytest.approx(snaps[2]["grad_norms"]["W2"])
    assert "step 20" in f["title"]
    assert explorer_frame(data, -1)["step"] == 30


def test_explorer_rejects_bad_input():
    X, y = _data()
    with pytest.raises(ValueError, match="explorer_data: snapshots"):
        explorer_data([], X, y)
    with pytest.raises(ValueError, match="explorer_data: X"):
        explorer_data(_snapshots(1), X[:, :1], y)
    with pytest.raises(ValueError, match="explorer_data: y"):
        explorer_data(_snapshots(1), X, y.astype(float))
    with pytest.raises(ValueError, match="explorer_data: resolution"):
        explorer_data(_snapshots(1), X, y, resolution=1)
    with pytest.raises(ValueError, match="explorer_data: only"):
        explorer_data(_snapshots(2), X, y, only=2)
    data = explorer_data(_snapshots(2), X, y, resolution=5)
    with pytest.raises(ValueError, match="explorer_frame: k"):
        explorer_frame(data, 2)


def test_explorer_data_only_one_snapshot():
    X, y = _data()
    full = explorer_data(_snapshots(3), X, y, resolution=6)
    one = explorer_data(_snapshots(3), X, y, resolution=6, only=-1)
    np.testing.assert_array_equal(one["grids"][2], full["grids"][2])
    assert one["accuracy"][2] == full["accuracy"][2]
    assert np.isnan(one["accuracy"][0]) and (one["grids"][0] == -1).all()
    np.testing.assert_array_equal(one["loss"], full["loss"])


def test_region_image_colours_each_class():
    grid = np.array([[0, 1], [2, 1]])
    img = region_image(grid, 3)
    assert img.shape == (2, 2, 3)
    np.testing.assert_allclose(img[0, 1], img[1, 1])
    assert len({tuple(img[0, 0]), tuple(img[0, 1]), tuple(img[1, 0])}) == 3
    np.testing.assert_allclose(img[0, 0], matplotlib.colors.to_rgb("#A2C8EC"))
    for bad in ([[0, 3]], [[-1, 0]], [0, 1], [[0.0, 1.0]]):
        with pytest.raises(ValueError, match="region_image: grid"):
            region_image(np.array(bad), 3)
    for n in (0, 5, 2.0):
        with pytest.raises(ValueError, match="region_image: n_classes"):
            region_image(grid, n)


def test_region_plot_draws_contours_and_points():
    from matplotlib.figure import Figure

    X, y = _data()
    ax = Figure().add_subplot()
    assert region_plot(ax, _params(), X, y, resolution=20, title="after training") is ax
    assert ax.get_title() == "after training"
    assert len(ax.collections) >= 1 + 3                  # the filled contours, three classes
    assert ax.get_legend() is not None and ax.get_xlabel() == "$x_1$"
    ax2 = Figure().add_subplot()
    region_plot(ax2, _params(), X, y, resolution=20, extent=(-5, 5, -4, 4), legend="none")
    assert ax2.get_xlim() == (-5, 5) and ax2.get_ylim() == (-4, 4)
    assert ax2.get_legend() is None
    with pytest.raises(ValueError, match="region_plot: legend"):
        region_plot(ax2, _params(), X, y, legend="left")
    with pytest.raises(ValueError, match="region_plot: params"):
        region_plot(ax2, {"W1": 1}, X, y)


def test_widget_builds_and_redraws():
    X, y = _data()
    box = training_explorer(_snapshots(3), X, y, resolution=10, index=0)
    ex = box.explorer
    first = ex.figure_image.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    slider = box.children[0].children[0]
    slider.value = 2                                 # moving the slider re-renders
    assert ex.figure_image.image.value != first
    assert "step 20" in box.children[0].children[1].value
    assert ex.figure_image.last_render_ms > 0


def test_static_figure_has_three_titled_axes():
    X, y = _data()
    fig = training_explorer_figure(_snapshots(3), X, y, resolution=10, index=1)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(fig.axes) == 3
    assert any("step 10" in t for t in titles)
    for ax in fig.axes:
        assert ax.get_ylabel()
