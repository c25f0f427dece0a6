"""Training explorer (notebook 03): decision boundary and per-layer gradient norms, step by step.

A two-layer network ``scores = relu(X·W1 + b1)·W2 + b2`` is trained in the notebook; every few
steps the loop stores a :func:`snapshot` (a copy of the parameters, the gradient norms and the
loss). The widget precomputes the decision boundary of every snapshot once, so moving the slider
only swaps image data and moves two markers: no network is evaluated while you drag.

Pure functions (no matplotlib, unit-tested): :func:`snapshot`, :func:`decision_grid`,
:func:`explorer_data`, :func:`explorer_frame` (the per-slider-move lookup). Drawing:
:func:`training_explorer` (the widget) and :func:`training_explorer_figure` (the static
figure of its default state).
"""

from __future__ import annotations

from types import SimpleNamespace

import ipywidgets as W
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from helpers.plotting import FORWARD, GRADIENT, HIGHLIGHT, NEUTRAL, PALETTE
from helpers.widgets._figure import FigureImage

__all__ = ["snapshot", "decision_grid", "explorer_data", "explorer_frame", "training_explorer",
           "training_explorer_figure"]

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
            "title": f"decision regions at step {step} (accuracy {100 * accuracy:.0f}%)"}


class _ExplorerDrawing:
    """The explorer's artists on one Figure; :meth:`show` moves them to snapshot k."""

    def __init__(self, fig: Figure, data: dict, X, y, live_title: bool = True):
        self.data = data
        self.live_title = live_title
        C = data["n_classes"]
        ax_b = fig.add_subplot(1, 2, 1)
        ax_l = fig.add_subplot(2, 2, 2)
        ax_g = fig.add_subplot(2, 2, 4, sharex=ax_l)
        self.image = ax_b.imshow(data["grids"][0], origin="lower", extent=data["extent"],
                                 cmap=ListedColormap(REGION_COLOURS[:C]), vmin=-0.5,
                                 vmax=C - 0.5, interpolation="nearest", aspect="auto")
        self.points = []
        for c in range(C):
            pts = X[y == c]
            self.points.append(ax_b.scatter(
                pts[:, 0], pts[:, 1], s=14, c=POINT_COLOURS[c], marker=MARKERS[c],
                edgecolors="white", linewidths=0.4, label=f"class {c}"))
        ax_b.set_xlim(data["extent"][:2])
        ax_b.set_ylim(data["extent"][2:])
        ax_b.set_xlabel("$x_1$")
        ax_b.set_ylabel("$x_2$")
        ax_b.grid(False)
        # the legend sits below the axes, off the region image, so it is part of the static
        # background and never has to be redrawn
        ax_b.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=C, fontsize=8,
                    handletextpad=0.2, columnspacing=1.0, markerscale=1.5)
        # in the widget, step and accuracy go in the label above the figure: re-rendering a
        # title costs more than the rest of a redraw
        self.title = ax_b.set_title("" if live_title else "decision regions")

        steps = data["steps"]
        ax_l.plot(steps, data["loss"], color=FORWARD, lw=1.5)
        ax_l.set_ylabel("loss")
        ax_l.set_title("loss and gradient norms per layer")
        self.loss_dot, = ax_l.plot([steps[0]], [data["loss"][0]], "o", color=FORWARD, ms=7)
        for name, style in LAYER_STYLES.items():
            ax_g.plot(steps, data["grad_norms"][name], lw=1.5, label=f"‖d{name}‖", **style)
        ax_g.set_yscale("log")
        ax_g.yaxis.set_minor_locator(NullLocator())   # fewer texts to lay out on each redraw
        ax_l.tick_params(labelbottom=False)
        ax_g.set_xlabel("training step")
        ax_g.set_ylabel("gradient norm")
        ax_g.legend(fontsize=8, loc="upper right")
        self.grad_dots = {name: ax_g.plot([steps[0]], [data["grad_norms"][name][0]], "o",
                                          color=style["color"], ms=6)[0]
                          for name, style in LAYER_STYLES.items()}
        self.vlines = [ax.axvline(steps[0], color=NEUTRAL, lw=0.8, ls=":")
                       for ax in (ax_l, ax_g)]
        fig.tight_layout()
        # artists that change with the slider, in drawing order (the points lie on top of the
        # region image, so they are redrawn after it)
        self.dynamic = [self.image, *self.points, *([self.title] if live_title else []),
                        self.loss_dot, *self.grad_dots.values(), *self.vlines]

    def show(self, k: int) -> None:
        f = explorer_frame(self.data, k)
        step = f["step"]
        self.image.set_data(f["grid"])
        if self.live_title:
            self.title.set_text(f["title"])
        self.loss_dot.set_data([step], [f["loss"]])
        for name, dot in self.grad_dots.items():
            dot.set_data([step], [f["grad_norms"][name]])
        for line in self.vlines:
            line.set_xdata([step, step])


def training_explorer(snapshots, X, y, resolution: int = 100, index: int = -1,
                      figsize=(9.0, 4.2)):
    """Widget: a slider over the saved snapshots; the decision regions, the loss and the
    gradient norms of both weight matrices follow it.

    Args:
        snapshots: list of :func:`snapshot` dicts. X: (N, 2) inputs. y: (N,) labels.
        resolution: grid points per side of the region image.
        index: the snapshot shown first (default: the last one).

    Returns:
        ``ipywidgets.VBox`` (slider, image, render-time label). Its ``.explorer`` attribute
        exposes the FigureImage (``last_render_ms``) and a ``show(k)`` callable for benchmarks.
    """
    X_, y_ = _check_data("training_explorer", X, y)
    data = explorer_data(snapshots, X_, y_, resolution)
    K = len(data["steps"])
    k0 = range(K)[index]
    fi = FigureImage(figsize=figsize)
    drawing = _ExplorerDrawing(fi.fig, data, X_, y_, live_title=False)
    slider = W.IntSlider(value=k0, min=0, max=K - 1, step=1, description="snapshot",
                         continuous_update=True, readout=False,
                         layout=W.Layout(width="60%"))
    label = W.Label()

    fi.dynamic = drawing.dynamic  # blitted over a background drawn once

    def show(k: int) -> None:
        drawing.show(k)
        fi.refresh()
        f = explorer_frame(data, k)
        label.value = (f"step {f['step']} · accuracy {100 * f['accuracy']:.0f}% · "
                       f"redraw {fi.last_render_ms:.0f} ms")

    slider.observe(lambda change: show(change["new"]), names="value")
    show(k0)
    box = W.VBox([W.HBox([slider, label]), fi.image])
    box.explorer = SimpleNamespace(figure_image=fi, show=show, data=data)
    return box


def training_explorer_figure(snapshots, X, y, resolution: int = 100, index: int = -1,
                             figsize=(9.0, 4.2)) -> Figure:
    """The static figure of the explorer at snapshot ``index`` (default: the last one)."""
    X_, y_ = _check_data("training_explorer_figure", X, y)
    data = explorer_data(snapshots, X_, y_, resolution, only=index)
    fig = Figure(figsize=figsize)
    drawing = _ExplorerDrawing(fig, data, X_, y_)
    drawing.show(index)
    return fig
