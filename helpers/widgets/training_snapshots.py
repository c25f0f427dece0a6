"""Training explorer (notebook 03): decision boundary and per-layer gradient norms, step by step.

A two-layer network ``scores = relu(X·W1 + b1)·W2 + b2`` is trained in the notebook; every few
steps the loop stores a :func:`snapshot` (a copy of the parameters, the gradient norms and the
loss). The widget precomputes the decision boundary of every snapshot once, so moving the slider
only swaps image data and moves two markers: no network is evaluated while you drag.

Pure functions (no matplotlib, unit-tested): :func:`snapshot`, :func:`decision_grid`,
:func:`explorer_data`, :func:`explorer_frame` (the per-slider-move lookup) and
:func:`region_image` (class grid → RGB). Drawing: :func:`training_explorer` (the widget),
:func:`training_explorer_figure` (the static figure of its default state) and
:func:`region_plot` (decision regions and data on one axes, drawn with filled contours so the
boundaries stay sharp at any resolution).
"""

from __future__ import annotations

from types import SimpleNamespace

import ipywidgets as W
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from helpers.plotting import FORWARD, GRADIENT, HIGHLIGHT, NEUTRAL, PALETTE
from helpers.widgets._figure import FigureImage

__all__ = ["snapshot", "decision_grid", "explorer_data", "explorer_frame", "region_image",
           "region_plot", "training_explorer", "training_explorer_figure"]

PARAM_NAMES = ("W1", "b1", "W2", "b2")
# Class colours: strong for the data points, light for the regions; markers differ too, so the
# classes stay distinguishable without colour.
POINT_COLOURS = [FORWARD, GRADIENT, NEUTRAL, PALETTE[4]]
REGION_COLOURS = ["#A2C8EC", "#FFBC79", "#CFCFCF", "#DCE9F5"]
MARKERS = ["o", "s", "^", "D"]
# both are gradients, so both orange (the course colour for gradients), told apart by dashes
LAYER_STYLES = {"W1": dict(color=GRADIENT, ls="-"), "W2": dict(color=HIGHLIGHT, ls="--")}


def _check_params(fname: str, params) -> dict:
    if not isinstance(params, dict):
        raise TypeError(f"{fname}: params expects a dict with keys {PARAM_NAMES}, "
                        f"got {type(params).__name__}")
    missing = [k for k in PARAM_NAMES if k not in params]
    if missing:
        raise ValueError(f"{fname}: params expects keys {PARAM_NAMES}, missing {missing}")
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=np.float64) for k in PARAM_NAMES)
    if W1.ndim != 2 or W1.shape[0] != 2:
        raise ValueError(f"{fname}: params['W1'] expects shape (2, H) for 2-D inputs, "
                         f"got {W1.shape}")
    H = W1.shape[1]
    if b1.shape != (H,) or W2.ndim != 2 or W2.shape[0] != H or b2.shape != (W2.shape[1],):
        raise ValueError(f"{fname}: expected W1 (2, H), b1 (H,), W2 (H, C), b2 (C,), got "
                         f"W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}")
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _check_data(fname: str, X, y) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or X.dtype.kind not in "fiu":
        raise ValueError(f"{fname}: X expects a numeric array of shape (N, 2), "
                         f"got shape {X.shape} dtype {X.dtype}")
    if y.shape != (X.shape[0],) or y.dtype.kind not in "iu":
        raise ValueError(f"{fname}: y expects integer labels of shape ({X.shape[0]},), "
                         f"got shape {y.shape} dtype {y.dtype}")
    return X.astype(np.float64), y


def snapshot(step: int, params: dict, grads: dict, loss: float) -> dict:
    """Record one training step for the explorer (copies, so later updates do not leak in).

    Args:
        step: the step number (int ≥ 0).
        params: ``{"W1": (2, H), "b1": (H,), "W2": (H, C), "b2": (C,)}``.
        grads: gradients of the loss, same keys and shapes (``dW1``… may be named ``W1``…).
        loss: the mean loss at this step (float).

    Returns:
        ``{"step", "loss", "params": copies, "grad_norms": {"W1": ‖dW1‖, "W2": ‖dW2‖}}``
        (Frobenius norms of the weight gradients).
    """
    p = _check_params("snapshot", params)
    if not isinstance(grads, dict):
        raise TypeError(f"snapshot: grads expects a dict, got {type(grads).__name__}")
    norms = {}
    for name in ("W1", "W2"):
        g = grads.get(name, grads.get("d" + name))
        if g is None:
            raise ValueError(f"snapshot: grads expects key '{name}' (or 'd{name}'), "
                             f"got keys {sorted(grads)}")
        g = np.asarray(g, dtype=np.float64)
        if g.shape != p[name].shape:
            raise ValueError(f"snapshot: grads['{name}'] expects shape {p[name].shape}, "
                             f"got {g.shape}")
        norms[name] = float(np.linalg.norm(g))
    return {"step": int(step), "loss": float(loss),
            "params": {k: v.copy() for k, v in p.items()}, "grad_norms": norms}


def grid_points(extent, resolution: int) -> np.ndarray:
    """The ``(resolution², 2)`` points of a regular grid over ``extent = (x0, x1, y0, y1)``,
    row-major from the bottom-left corner (row i has y = y0 + i·Δy)."""
    x0, x1, y0, y1 = extent
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def decision_grid(params: dict, extent, resolution: int = 100) -> np.ndarray:
    """Predicted class of a two-layer ReLU network on a regular grid.

    Args:
        params: ``W1 (2, H), b1 (H,), W2 (H, C), b2 (C,)``.
        extent: ``(x0, x1, y0, y1)`` of the grid.
        resolution: points per side (≥ 2).

    Returns:
        classes: int array ``(resolution, resolution)``; ``classes[i, j]`` is the argmax of
        ``relu(P·W1 + b1)·W2 + b2`` at ``x = x0 + j·Δx``, ``y = y0 + i·Δy``.
    """
    # imported here so that importing helpers.widgets never depends on helpers.layers
    from helpers.layers import affine_forward, relu_forward

    p = _check_params("decision_grid", params)
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"decision_grid: resolution expects an int ≥ 2, got {resolution!r}")
    if len(extent) != 4:
        raise ValueError(f"decision_grid: extent expects (x0, x1, y0, y1), got {extent!r}")
    P = grid_points(extent, int(resolution))
    a, _ = affine_forward(P, p["W1"], p["b1"])
    h, _ = relu_forward(a)
    scores, _ = affine_forward(h, p["W2"], p["b2"])
    return scores.argmax(axis=1).reshape(resolution, resolution)


def data_extent(X, margin: float = 0.15) -> tuple[float, float, float, float]:
    """A square-ish box around the points of X (N, 2), padded by ``margin`` of its size."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo).max()
    return (float(lo[0] - pad), float(hi[0] + pad), float(lo[1] - pad), float(hi[1] + pad))


def explorer_data(snapshots, X, y, resolution: int = 100, only: int | None = None) -> dict:
    """Everything the explorer draws, precomputed for every snapshot.

    Args:
        snapshots: list of dicts made by :func:`snapshot` (at least one), in step order.
        X: inputs (N, 2). y: integer labels (N,).
        resolution: grid points per side of the decision-boundary image.
        only: if given, the grid and accuracy are computed for this snapshot index alone
            (the others hold -1 and nan); the static figure needs no more.

    Returns:
        dict with ``steps`` (K,), ``loss`` (K,), ``grad_norms`` {"W1": (K,), "W2": (K,)},
        ``accuracy`` (K,) on (X, y), ``grids`` (K, R, R) predicted classes, ``extent``
        (x0, x1, y0, y1) and ``n_classes``.
    """
    X, y = _check_data("explorer_data", X, y)
    if not isinstance(snapshots, (list, tuple)) or not snapshots:
        raise ValueError("explorer_data: snapshots expects a non-empty list of snapshot() "
                         f"dicts, got {type(snapshots).__name__} of length "
                         f"{len(snapshots) if hasattr(snapshots, '__len__') else '?'}")
    from helpers.layers import affine_forward, relu_forward

    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"explorer_data: resolution expects an int ≥ 2, got {resolution!r}")
    K = len(snapshots)
    if only is not None and (not isinstance(only, (int, np.integer)) or not -K <= only < K):
        raise ValueError(f"explorer_data: only expects None or an index into {K} snapshots, "
                         f"got {only!r}")
    extent = data_extent(X)
    wanted = range(K) if only is None else [range(K)[only]]
    grids = np.full((K, resolution, resolution), -1, dtype=np.int64)
    acc = np.full(K, np.nan)
    for k in wanted:
        p = snapshots[k]["params"]
        grids[k] = decision_grid(p, extent, resolution)
        h, _ = relu_forward(affine_forward(X, p["W1"], p["b1"])[0])
        scores, _ = affine_forward(h, p["W2"], p["b2"])
        acc[k] = np.mean(scores.argmax(axis=1) == y)
    n_classes = int(snapshots[0]["params"]["W2"].shape[1])
    return {
        "steps": np.array([s["step"] for s in snapshots]),
        "loss": np.array([s["loss"] for s in snapshots]),
        "grad_norms": {k: np.array([s["grad_norms"][k] for s in snapshots])
                       for k in ("W1", "W2")},
        "accuracy": acc,
        "grids": grids,
        "extent": extent,
        "n_classes": n_classes,
    }


def explorer_frame(data: dict, k: int) -> dict:
    """What the explorer shows at snapshot ``k`` (a pure lookup in :func:`explorer_data`).

    Returns:
        ``{"step", "grid" (R, R), "loss", "grad_norms" {"W1", "W2"}, "accuracy", "title"}``.
    """
    K = len(data["steps"])
    if not isinstance(k, (int, np.integer)) or not -K <= k < K:
        raise ValueError(f"explorer_frame: k expects an int index into {K} snapshots, got {k!r}")
    step = int(data["steps"][k])
    accuracy = float(data["accuracy"][k])
    return {"step": step, "grid": data["grids"][k], "loss": float(data["loss"][k]),
            "grad_norms": {n: float(v[k]) for n, v in data["grad_norms"].items()},
            "accuracy": accuracy,
            "title": f"regions at step {step}, accuracy {100 * accuracy:.0f}%"}


def region_image(grid, n_classes: int) -> np.ndarray:
    """The RGB picture of a class grid: each cell in its class's region colour.

    Args:
        grid: int array (R, R) of classes in [0, n_classes), e.g. from :func:`decision_grid`.
        n_classes: number of classes C (1 ≤ C ≤ 4).

    Returns:
        float array (R, R, 3) of RGB values in [0, 1].
    """
    if not isinstance(n_classes, (int, np.integer)) or not 1 <= n_classes <= len(REGION_COLOURS):
        raise ValueError(f"region_image: n_classes expects an int in 1…{len(REGION_COLOURS)}, "
                         f"got {n_classes!r}")
    grid = np.asarray(grid)
    if grid.ndim != 2 or grid.dtype.kind not in "iu" or grid.min() < 0 or grid.max() >= n_classes:
        raise ValueError(f"region_image: grid expects a 2-D int array of classes in "
                         f"[0, {n_classes}), got shape {grid.shape} dtype {grid.dtype}")
    colours = np.array([to_rgb(c) for c in REGION_COLOURS[:n_classes]])
    return colours[grid]


def _contour_regions(ax, grid: np.ndarray, extent, n_classes: int) -> None:
    """Filled contours between the classes of a grid: smooth boundaries, no pixels."""
    x0, x1, y0, y1 = extent
    R = grid.shape[0]
    ax.contourf(np.linspace(x0, x1, R), np.linspace(y0, y1, R), grid,
                levels=np.arange(n_classes + 1) - 0.5, colors=REGION_COLOURS[:n_classes])


def _scatter_classes(ax, X: np.ndarray, y: np.ndarray, n_classes: int) -> list:
    """The data points, one colour and marker per class (told apart without colour too)."""
    return [ax.scatter(X[y == c, 0], X[y == c, 1], s=16, c=POINT_COLOURS[c], marker=MARKERS[c],
                       edgecolors="white", linewidths=0.4, label=f"class {c}")
            for c in range(n_classes)]


def _finish_region_axes(ax, extent, n_classes: int, legend: str) -> None:
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.grid(False)
    if legend == "below":       # off the regions: part of the widget's static background
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=n_classes, fontsize=11,
                  handletextpad=0.2, columnspacing=0.8, markerscale=1.5)
    elif legend == "inside":
        ax.legend(loc="upper left", fontsize=11, frameon=True, handletextpad=0.2,
                  markerscale=1.5)


def region_plot(ax, params: dict, X, y, resolution: int = 300, extent=None, title=None,
                legend: str = "inside"):
    """Draw a two-layer network's decision regions (filled contours) and the data on ``ax``.

    Args:
        ax: a matplotlib Axes.
        params: ``W1 (2, H), b1 (H,), W2 (H, C), b2 (C,)``.
        X: inputs (N, 2). y: integer labels (N,).
        resolution: grid points per side (the contours interpolate between them).
        extent: ``(x0, x1, y0, y1)``; default: a box around X.
        title: the axes title (None: keep the current one).
        legend: ``"inside"`` (upper left), ``"below"`` (under the axes) or ``"none"``.

    Returns:
        ax.
    """
    X_, y_ = _check_data("region_plot", X, y)
    p = _check_params("region_plot", params)
    if legend not in ("inside", "below", "none"):
        raise ValueError(f"region_plot: legend expects 'inside', 'below' or 'none', got {legend!r}")
    extent = data_extent(X_) if extent is None else tuple(extent)
    C = p["W2"].shape[1]
    _contour_regions(ax, decision_grid(p, extent, resolution), extent, C)
    _scatter_classes(ax, X_, y_, C)
    _finish_region_axes(ax, extent, C, legend)
    if title is not None:
        ax.set_title(title)
    return ax


class _ExplorerDrawing:
    """The explorer's artists on one Figure; :meth:`show` moves them to snapshot k.

    ``live=True`` (the widget): the regions are an RGB image swapped on every move, and step
    and accuracy go in the widget's label. ``live=False`` (the static figure): the regions of
    snapshot ``index`` as filled contours, and step and accuracy in the title.
    """

    def __init__(self, fig: Figure, data: dict, X, y, live: bool, index: int):
        self.data = data
        C = data["n_classes"]
        extent = data["extent"]
        ax_b = fig.add_subplot(1, 2, 1)
        ax_l = fig.add_subplot(2, 2, 2)
        ax_g = fig.add_subplot(2, 2, 4, sharex=ax_l)
        self.image = None
        if live:
            self.image = ax_b.imshow(region_image(data["grids"][index], C), origin="lower",
                                     extent=extent, interpolation="bilinear", aspect="auto")
        else:
            _contour_regions(ax_b, data["grids"][index], extent, C)
        self.points = _scatter_classes(ax_b, X, y, C)
        _finish_region_axes(ax_b, extent, C, legend="below")
        # re-rendering a title costs more than the rest of a redraw: the widget's label says it
        ax_b.set_title("decision regions" if live else explorer_frame(data, index)["title"])

        steps = data["steps"]
        ax_l.plot(steps, data["loss"], color=FORWARD, lw=1.5)
        ax_l.set_ylabel("loss")
        ax_l.set_title("loss and gradient norms")
        self.loss_dot, = ax_l.plot([steps[0]], [data["loss"][0]], "o", color=FORWARD, ms=7)
        for name, style in LAYER_STYLES.items():
            ax_g.plot(steps, data["grad_norms"][name], lw=1.5, label=f"‖d{name}‖", **style)
        ax_g.set_yscale("log")
        ax_g.yaxis.set_minor_locator(NullLocator())   # fewer texts to lay out on each redraw
        ax_l.tick_params(labelbottom=False)
        ax_g.set_xlabel("training step")
        ax_g.set_ylabel("gradient norm")
        ax_g.legend(fontsize=11, loc="upper right", handlelength=1.6)
        self.grad_dots = {name: ax_g.plot([steps[0]], [data["grad_norms"][name][0]], "o",
                                          color=style["color"], ms=6)[0]
                          for name, style in LAYER_STYLES.items()}
        self.vlines = [ax.axvline(steps[0], color=NEUTRAL, lw=0.8, ls=":")
                       for ax in (ax_l, ax_g)]
        fig.tight_layout()
        # artists that change with the slider, in drawing order (the points lie on top of the
        # region image, so they are redrawn after it)
        self.dynamic = [*([self.image] if live else []), *self.points, self.loss_dot,
                        *self.grad_dots.values(), *self.vlines]
        self.show(index)

    def show(self, k: int) -> None:
        f = explorer_frame(self.data, k)
        step = f["step"]
        if self.image is not None:
            self.image.set_data(region_image(f["grid"], self.data["n_classes"]))
        self.loss_dot.set_data([step], [f["loss"]])
        for name, dot in self.grad_dots.items():
            dot.set_data([step], [f["grad_norms"][name]])
        for line in self.vlines:
            line.set_xdata([step, step])


def training_explorer(snapshots, X, y, resolution: int = 160, index: int = -1,
                      figsize=(9.0, 4.2)):
    """Widget: a slider over the saved snapshots; the decision regions, the loss and the
    gradient norms of both weight matrices follow it.

    Args:
        snapshots: list of :func:`snapshot` dicts. X: (N, 2) inputs. y: (N,) labels.
        resolution: grid points per side of the region image.
        index: the snapshot shown first (default: the last one).

    Returns:
        ``ipywidgets.VBox`` (slider and label, image). Its ``.explorer`` attribute exposes the
        FigureImage (``last_render_ms``), ``show(k)`` and the precomputed ``data`` for
        benchmarks (``bench/``), not for learners.
    """
    X_, y_ = _check_data("training_explorer", X, y)
    data = explorer_data(snapshots, X_, y_, resolution)
    K = len(data["steps"])
    k0 = range(K)[index]
    fi = FigureImage(figsize=figsize)
    drawing = _ExplorerDrawing(fi.fig, data, X_, y_, live=True, index=k0)
    slider = W.IntSlider(value=k0, min=0, max=K - 1, step=1, description="snapshot",
                         continuous_update=True, readout=False,
                         layout=W.Layout(width="60%"))
    label = W.Label()

    fi.dynamic = drawing.dynamic  # blitted over a background drawn once

    def show(k: int) -> None:
        drawing.show(k)
        fi.refresh()
        f = explorer_frame(data, k)
        label.value = f"step {f['step']} · accuracy {100 * f['accuracy']:.0f}%"

    slider.observe(lambda change: show(change["new"]), names="value")
    show(k0)
    box = W.VBox([W.HBox([slider, label]), fi.image])
    box.explorer = SimpleNamespace(figure_image=fi, show=show, data=data)
    return box


def training_explorer_figure(snapshots, X, y, resolution: int = 300, index: int = -1,
                             figsize=(9.0, 4.2)) -> Figure:
    """The static figure of the explorer at snapshot ``index`` (default: the last one), its
    regions drawn as filled contours."""
    X_, y_ = _check_data("training_explorer_figure", X, y)
    data = explorer_data(snapshots, X_, y_, resolution, only=index)
    fig = Figure(figsize=figsize)
    _ExplorerDrawing(fig, data, X_, y_, live=False, index=range(len(data["steps"]))[index])
    return fig
