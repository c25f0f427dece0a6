"""Static figures for notebook 05 (convolution backprop).

    python scripts/figures_nb05.py            # writes figures/nb05_*.png

- ``nb05_conv1d_links.png``: the 5-input, 3-tap cross-correlation; forward links (which x and
  which w make each o) and backward links (which δ and which w reach each x).
- ``nb05_im2col.png``: a 4×4 input, a 3×3 kernel: each patch becomes a column, the kernel a
  row, and the convolution one matrix product.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.plotting import (  # noqa: E402
    FORWARD,
    GRADIENT,
    NEUTRAL,
    PALETTE,
    save_figure,
)

STYLES = ["-", "--", ":"]  # w1, w2, w3 (line style as well as label: no colour-only coding)


def _node(ax, x, y, text, colour):
    ax.add_patch(plt.Circle((x, y), 0.32, facecolor="white", edgecolor=colour, lw=2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=4)


def conv1d_links(path: Path) -> Path:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    xs = np.arange(5) * 1.2
    os_ = xs[1:4]
    for ax, backward in zip(axes, (False, True), strict=True):
        colour = GRADIENT if backward else FORWARD
        for i in range(3):
            for k in range(3):
                j = i + k
                highlight = backward and j == 2
                ax.plot([os_[i], xs[j]], [2, 0], STYLES[k], color=colour,
                        lw=2.6 if highlight else 1.2, alpha=1 if (highlight or not backward)
                        else 0.45, zorder=1)
                t = 0.7
                ax.text(os_[i] + (xs[j] - os_[i]) * (1 - t), 2 * t, f"w{k + 1}", fontsize=9,
                        ha="center", va="center", color=colour, zorder=2,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none"))
        for j, x in enumerate(xs):
            _node(ax, x, 0, f"dx{j + 1}" if backward else f"x{j + 1}", colour)
        for i, x in enumerate(os_):
            _node(ax, x, 2, f"δ{i + 1}" if backward else f"o{i + 1}", colour)
        ax.set_xlim(-0.6, xs[-1] + 0.6)
        ax.set_ylim(-0.45, 2.45)
        ax.set_aspect("equal")
        ax.axis("off")
        if backward:
            ax.set_title("Backward: each x_j collects δ_i·w_k from the outputs it fed\n"
                         "dx3 = w3·δ1 + w2·δ2 + w1·δ3 (the kernel, flipped)", fontsize=11)
        else:
            ax.set_title("Forward: o_i = w1·x_i + w2·x_(i+1) + w3·x_(i+2)\n"
                         "5 inputs − 3 taps + 1 = 3 outputs", fontsize=11)
    handles = [plt.Line2D([], [], ls=s, color=NEUTRAL, label=f"w{k + 1}")
               for k, s in enumerate(STYLES)]
    fig.legend(handles=handles, loc="lower center", ncol=3, title="weight on the edge")
    fig.subplots_adjust(bottom=0.2, top=0.82, wspace=0.05)
    return save_figure(fig, path)


def _grid(ax, x0, y0, values, fmt="{:g}", face=None, size=1.0, fontsize=9):
    """Draw a matrix of numbers with its top-left corner at (x0, y0) (y grows downwards)."""
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            fc = "white" if face is None else face[r][c]
            ax.add_patch(Rectangle((x0 + c * size, y0 + r * size), size, size, facecolor=fc,
                                   edgecolor=NEUTRAL, lw=0.8))
            ax.text(x0 + (c + 0.5) * size, y0 + (r + 0.5) * size, fmt.format(values[r, c]),
                    ha="center", va="center", fontsize=fontsize)


def im2col_picture(path: Path) -> Path:
    x = np.random.default_rng(5).integers(0, 10, (4, 4))
    w = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    patches = [(0, 0), (0, 1), (1, 0), (1, 1)]
    colours = [PALETTE[7], PALETTE[8], "#C9D9EA", "#FFE0C2"]
    edge = [PALETTE[0], PALETTE[5], PALETTE[4], PALETTE[1]]
    styles = ["-", "--", "-.", ":"]
    cols = np.stack([x[i:i + 3, j:j + 3].ravel() for i, j in patches], axis=1)  # (9, 4)
    out = (w.ravel() @ cols).reshape(1, 4)

    fig, ax = plt.subplots(figsize=(11, 5.4))
    # the input with the four patches outlined
    _grid(ax, 0, 2, x)
    for k, (i, j) in enumerate(patches):
        d = 0.05 * (k + 1)  # nested insets that stay clear of the digits
        ax.add_patch(Rectangle((j + d, 2 + i + d), 3 - 2 * d, 3 - 2 * d, fill=False,
                               edgecolor=edge[k], lw=2.2, ls=styles[k]))
    ax.text(2, 1.6, "input x (4×4)\nfour 3×3 patches", ha="center", fontsize=10)
    # the column matrix
    face = [[colours[c] for c in range(4)] for _ in range(9)]
    _grid(ax, 6, 0.5, cols, face=face, size=0.72, fontsize=8)
    for k in range(4):
        ax.add_patch(Rectangle((6 + k * 0.72, 0.5), 0.72, 9 * 0.72, fill=False,
                               edgecolor=edge[k], lw=2.2, ls=styles[k]))
    ax.text(6 + 2 * 0.72, 0.5 + 9 * 0.72 + 0.25, "im2col: cols (9×4)\none patch per column",
            ha="center", va="top", fontsize=10)
    ax.annotate("", xy=(5.8, 4), xytext=(4.2, 4),
                arrowprops=dict(arrowstyle="->", color=NEUTRAL, lw=1.5))
    # kernel row times cols = output row
    _grid(ax, 10, 3.6, w.ravel().reshape(1, 9), size=0.6, fontsize=8,
          face=[[PALETTE[9]] * 9])
    ax.text(10 + 4.5 * 0.6, 3.35, "kernel as a row (1×9)", ha="center", fontsize=10)
    ax.text(10 + 4.5 * 0.6, 4.75, "@ cols  =", ha="center", fontsize=11)
    _grid(ax, 11.3, 5.3, out, face=[colours], size=0.72, fontsize=9)
    ax.text(11.3 + 2 * 0.72, 6.4, "output row (1×4)\n→ reshape to 2×2", ha="center",
            va="top", fontsize=10)
    ax.text(8.7, 8.6, "backward: dW_row = dout @ colsᵀ,   dcols = W_rowᵀ @ dout,\n"
            "col2im adds each column back onto its patch (overlaps accumulate)",
            ha="center", va="top", fontsize=10, color=GRADIENT)
    ax.set_xlim(-0.3, 16.8)
    ax.set_ylim(9.6, 0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("im2col turns a convolution into one matrix product", fontsize=12)
    return save_figure(fig, path)


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [conv1d_links(outdir / "nb05_conv1d_links.png"),
            im2col_picture(outdir / "nb05_im2col.png")]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
