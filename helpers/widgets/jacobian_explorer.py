"""Jacobian explorer (notebook 04): a heat-map of the Jacobian of one small operation.

The operations, with input ``x`` of length n = 4 (moved by sliders) and a fixed, seeded
weight matrix ``W`` (m × n = 3 × 4) and bias ``b`` (3,):

| op          | output            | Jacobian                     | shape      |
|-------------|-------------------|------------------------------|------------|
| ``tanh``    | tanh(x)           | diag(1 − tanh²(x))           | (4, 4)     |
| ``sigmoid`` | σ(x)              | diag(σ(x)(1 − σ(x)))         | (4, 4)     |
| ``relu``    | max(0, x)         | diag(1[x > 0])               | (4, 4)     |
| ``softmax`` | p = softmax(x)    | diag(p) − p pᵀ               | (4, 4)     |
| ``affine_x``| z = Wx + b, wrt x | W                            | (3, 4)     |
| ``affine_b``| z = Wx + b, wrt b | I                            | (3, 3)     |
| ``affine_W``| z = Wx + b, wrt W | ∂z_k/∂W_ij = 1[k=i]·x_j      | (3, 12)    |

For ``affine_W`` the matrix W is flattened row by row (numpy's ``reshape``), so column
``i·n + j`` of the Jacobian is the entry ``W_ij``.

:func:`jacobian_data` is the pure function (numbers in, numbers out; it also builds the
numerical Jacobian and reports the relative error); :func:`jacobian_explorer_figure` draws its
default state as a static figure; :func:`jacobian_explorer` is the interactive widget.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from helpers.gradcheck import numerical_jacobian, rel_error
from helpers.layers import sigmoid
from helpers.plotting import DIVERGING_CMAP, NEUTRAL
from helpers.widgets._figure import FigureImage

__all__ = ["jacobian_explorer", "jacobian_explorer_figure", "jacobian_data",
           "numerical_jacobian", "JACOBIAN_OPS", "DEFAULT_X", "EXPLORER_W", "EXPLORER_B"]

N_IN = 4
DEFAULT_X = np.array([-1.5, -0.3, 0.4, 2.0])
# A fixed, readable weight matrix (one decimal, no entry rounds to 0) and bias for the affine ops.
EXPLORER_W = np.round(np.random.default_rng(2).uniform(-1.0, 1.0, size=(3, N_IN)), 1)
EXPLORER_B = np.array([0.1, -0.2, 0.3])
SLIDER_RANGE = 3.0
FD_STEP = 1e-5  # finite-difference step of the numerical Jacobian

JACOBIAN_OPS = {
    # op: (menu label, colour limit)
    "tanh": ("tanh (elementwise)", 1.0),
    "sigmoid": ("sigmoid (elementwise)", 1.0),
    "relu": ("ReLU (elementwise)", 1.0),
    "softmax": ("softmax", 0.25),  # |∂p_i/∂x_j| ≤ 1/4
    "affine_x": ("Wx + b, wrt x", 1.0),
    "affine_b": ("Wx + b, wrt b", 1.0),
    "affine_W": ("Wx + b, wrt W (flattened)", SLIDER_RANGE),
}


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _op_function_and_jacobian(op: str, x: np.ndarray):
    """(function of the variable, the variable's value, analytic Jacobian, input labels)."""
    n = x.size
    xs = [f"x{j + 1}" for j in range(n)]
    if op == "tanh":
        return np.tanh, x, np.diag(1.0 - np.tanh(x) ** 2), xs
    if op == "sigmoid":
        s = sigmoid(x)
        return sigmoid, x, np.diag(s * (1.0 - s)), xs
    if op == "relu":
        return (lambda v: np.maximum(0.0, v)), x, np.diag((x > 0).astype(float)), xs
    if op == "softmax":
        p = _softmax(x)
        return _softmax, x, np.diag(p) - np.outer(p, p), xs
    if op == "affine_x":
        return (lambda v: EXPLORER_W @ v + EXPLORER_B), x, EXPLORER_W.copy(), xs
    if op == "affine_b":
        m = EXPLORER_B.size
        return (lambda v: EXPLORER_W @ x + v), EXPLORER_B.copy(), np.eye(m), \
            [f"b{i + 1}" for i in range(m)]
    # affine_W: z_k = Σ_j W_kj x_j + b_k, so ∂z_k/∂W_ij = 1[k = i] · x_j
    m = EXPLORER_W.shape[0]
    J = np.einsum("ki,j->kij", np.eye(m), x).reshape(m, m * n)
    labels = [f"W{i + 1}{j + 1}" for i in range(m) for j in range(n)]
    return (lambda w: w.reshape(m, n) @ x + EXPLORER_B), EXPLORER_W.ravel(), J, labels


def jacobian_data(op: str = "tanh", x=DEFAULT_X) -> dict:
    """Everything the Jacobian explorer shows, for one op at one input.

    Args:
        op: one of ``JACOBIAN_OPS`` (``tanh``, ``sigmoid``, ``relu``, ``softmax``,
            ``affine_x``, ``affine_b``, ``affine_W``).
        x: input vector, shape (4,); not modified.

    Returns:
        dict with
            ``J`` (m, k): the analytic Jacobian of the output wrt the chosen variable;
            ``J_numerical`` (m, k): its central-difference estimate;
            ``rel_error``: ``rel_error(J, J_numerical)`` (ReLU's kink at 0 excepted, ~1e-10);
            ``out`` (m,): the op's output at ``x``;
            ``row_labels`` (m,), ``col_labels`` (k,): names of outputs and variables;
            ``vlim``: symmetric colour limit for the heat-map;
            ``is_diagonal``: whether every off-diagonal entry is zero;
            ``at_kink``: ReLU with an input within ``FD_STEP`` of 0 (the numerical estimate
            there straddles the kink, e.g. 0.5 at exactly 0);
            ``title``: a one-line description.
    """
    if op not in JACOBIAN_OPS:
        raise ValueError(f"jacobian_data: op expects one of {sorted(JACOBIAN_OPS)}, got {op!r}")
    try:
        x = np.array(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"jacobian_data: x expects {N_IN} numbers, got {type(x).__name__}") \
            from None
    if x.shape != (N_IN,):
        raise ValueError(f"jacobian_data: x expects shape ({N_IN},), got shape {x.shape}")
    f, var, J, col_labels = _op_function_and_jacobian(op, x)
    out = np.asarray(f(var.copy()))
    J_num = numerical_jacobian(f, var, h=FD_STEP)
    off = J - np.diag(np.diag(J)) if J.shape[0] == J.shape[1] else J
    name = JACOBIAN_OPS[op][0]
    return {
        "J": J,
        "J_numerical": J_num,
        "rel_error": rel_error(J, J_num),
        "out": out,
        "row_labels": [("z" if op.startswith("affine") else "y") + str(i + 1)
                       for i in range(J.shape[0])],
        "col_labels": col_labels,
        "vlim": max(JACOBIAN_OPS[op][1], float(np.abs(J).max())),
        "is_diagonal": J.shape[0] == J.shape[1] and not np.any(off),
        # within one finite-difference step of 0 the central difference straddles the kink
        "at_kink": op == "relu" and bool(np.any(np.abs(x) < FD_STEP)),
        "title": f"Jacobian of {name}: shape {J.shape[0]} × {J.shape[1]}",
    }


# ---------------------------------------------------------------------------- drawing
MAX_ROWS, MAX_COLS = 4, 12


class _JacobianPlot:
    """The artists of one heat-map, created once and updated in place."""

    def __init__(self, fig: Figure):
        self.fig = fig
        self.ax = fig.add_axes([0.1, 0.24, 0.74, 0.64])
        cax = fig.add_axes([0.87, 0.24, 0.02, 0.64])
        self.ax.grid(False)
        self.im = self.ax.imshow(np.zeros((1, 1)), cmap=DIVERGING_CMAP, vmin=-1, vmax=1,
                                 interpolation="nearest", aspect="auto")
        self.cbar = fig.colorbar(self.im, cax=cax, label="∂ output / ∂ input")
        self.texts = [[self.ax.text(j, i, "", ha="center", va="center", fontsize=12)
                       for j in range(MAX_COLS)] for i in range(MAX_ROWS)]
        self.ax.set_xlabel("input (variable) j")
        self.ax.set_ylabel("output i")
        self.note = fig.text(0.1, 0.03, "", fontsize=11, color=NEUTRAL, ha="left")
        # what a slider move changes; everything else (ticks, title, colour bar) depends only
        # on the op and is drawn once per op as a cached background (FigureImage blitting)
        self.dynamic = [self.im, *(t for row in self.texts for t in row), self.note]

    def update(self, data: dict, x: np.ndarray) -> None:
        J = data["J"]
        m, k = J.shape
        v = data["vlim"]
        self.im.set_data(J)
        self.im.set_clim(-v, v)
        self.cbar.set_ticks([-v, 0, v])  # few labels: drawing text is the slow part
        self.im.set_extent((-0.5, k - 0.5, m - 0.5, -0.5))
        self.ax.set_xlim(-0.5, k - 0.5)
        self.ax.set_ylim(m - 0.5, -0.5)
        self.ax.set_xticks(range(k))
        self.ax.set_xticklabels(data["col_labels"], fontsize=10 if k > 6 else 12)
        self.ax.set_yticks(range(m))
        self.ax.set_yticklabels(data["row_labels"])
        size = 10 if k > 6 else 12
        for i in range(MAX_ROWS):
            for j in range(MAX_COLS):
                t = self.texts[i][j]
                # wide views leave exact zeros blank: fewer labels to draw, clearer blocks
                if i < m and j < k and not (k > 6 and J[i, j] == 0):
                    val = J[i, j]
                    t.set_text("0" if val == 0 else f"{val:.2f}".replace("-0.00", "0.00"))
                    t.set_color("white" if abs(val) > 0.6 * v else "black")
                    t.set_fontsize(size)
                    t.set_visible(True)
                else:
                    t.set_visible(False)
        shape = "diagonal" if data["is_diagonal"] else "not diagonal"
        self.ax.set_title(f"{data['title']} ({shape})", fontsize=13)
        xs = ", ".join(f"{v:.1f}" for v in x)
        check = f"numerical vs analytic: max relative error {data['rel_error']:.0e}"
        if data["at_kink"]:
            check = "ReLU at its kink x = 0: numerical 0.5, convention 0"
        self.note.set_text(f"x = ({xs})    {check}")


def jacobian_explorer_figure(op: str = "tanh", x=DEFAULT_X) -> Figure:
    """Static figure of one state of the explorer (the notebook shows the default one).

    Args:
        op: one of ``JACOBIAN_OPS``.
        x: input vector, shape (4,).

    Returns:
        a matplotlib Figure (not attached to pyplot).
    """
    data = jacobian_data(op, x)
    fig = Figure(figsize=(7.5, 3.6), dpi=100)
    _JacobianPlot(fig).update(data, np.asarray(x, dtype=float))
    return fig


def jacobian_explorer(op: str = "tanh", x=DEFAULT_X):
    """Interactive Jacobian explorer: an op menu and four input sliders over one heat-map.

    Args:
        op: the op shown first (one of ``JACOBIAN_OPS``).
        x: the initial input, shape (4,).

    Returns:
        an ``ipywidgets.VBox``; its attribute ``figure_image`` is the :class:`FigureImage`
        (``figure_image.last_render_ms`` is the last redraw time).
    """
    data = jacobian_data(op, x)
    x = np.asarray(x, dtype=float)
    menu = W.Dropdown(options=[(label, key) for key, (label, _) in JACOBIAN_OPS.items()],
                      value=op, description="op")
    sliders = [W.FloatSlider(value=float(v), min=-SLIDER_RANGE, max=SLIDER_RANGE, step=0.1,
                             description=f"x{j + 1}", continuous_update=True,
                             readout_format=".1f") for j, v in enumerate(x)]
    image = FigureImage(figsize=(7.5, 3.6), dpi=90)
    plot = _JacobianPlot(image.fig)
    image.dynamic = plot.dynamic

    def background_key(data: dict):
        # the static parts: axes and labels (the op), colour limits, title
        return data["title"], data["vlim"], data["is_diagonal"]

    plot.update(data, x)
    image.refresh(key=background_key(data))

    def on_change(_change=None):
        xs = np.array([s.value for s in sliders])
        new = jacobian_data(menu.value, xs)
        plot.update(new, xs)
        image.refresh(key=background_key(new))

    menu.observe(on_change, names="value")
    for s in sliders:
        s.observe(on_change, names="value")
    box = W.VBox([menu, W.HBox(sliders[:2]), W.HBox(sliders[2:]), image.image])
    box.figure_image = image
    return box
