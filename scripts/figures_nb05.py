"""Static figures for notebook 05 (convolution backprop).

    python scripts/figures_nb05.py            # writes figures/nb05_*.png

- ``nb05_conv1d_links.png``: the 5-input, 3-tap cross-correlation; forward links (which x and
  which w make each o) and backward links (which δ and which w reach each x).
- ``nb05_stride_backward.png``: dx of a 1-D convolution with stride 2 and padding 1, as the
  recipe: dilate δ, pad it, slide the flipped kernel, crop the padding.
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
DPI = 220                  # 2x: sharp on a high-resolution screen and on a projector


def _node(ax, x, y, text, colour):
    ax.add_patch(plt.Circle((x, y), 0.36, facecolor="white", edgecolor=colour, lw=2, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=14, zorder=4)


def _edge_label(ax, start, end, text, colour, t=0.62):
    """A label on the segment start → end, a fraction t of the way from start."""
    x = start[0] + (end[0] - start[0]) * t
    y = start[1] + (end[1] - start[1]) * t
    ax.text(x, y, text, fontsize=12, ha="center", va="center", color=colour, zorder=2,
            bbox=dict(boxstyle="round,pad=0.12", fc="white", ec="none"))


def conv1d_links(path: Path) -> Path:
    """Forward: o_i reads x_i, x_(i+1), x_(i+2) through w1, w2, w3. Backward: the same edges
    carry δ_i·w_k to the inputs; x3's three edges (w3·δ1, w2·δ2, w1·δ3) are drawn bold."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.9))
    xs = np.arange(5) * 1.15
    os_ = xs[1:4]
    for ax, backward in zip(axes, (False, True), strict=True):
        colour = GRADIENT if backward else FORWARD
        for i in range(3):
            for k in range(3):
                r = i + k
                bold = (backward and r == 2) or (not backward and i == 0)
                ax.plot([os_[i], xs[r]], [2, 0], STYLES[k], color=colour,
                        lw=2.8 if bold else 1.2, alpha=1 if bold else 0.45, zorder=1)
                if bold:
                    _edge_label(ax, (os_[i], 2), (xs[r], 0), f"w{k + 1}", colour)
        for r, x in enumerate(xs):
            _node(ax, x, 0, f"dx{r + 1}" if backward else f"x{r + 1}", colour)
        for i, x in enumerate(os_):
            _node(ax, x, 2, f"δ{i + 1}" if backward else f"o{i + 1}", colour)
        ax.set_xlim(-0.5, xs[-1] + 0.5)
        ax.set_ylim(-0.5, 2.5)
        ax.set_aspect("equal")
        ax.axis("off")
        if backward:
            ax.set_title("Backward: dx3 = w3·δ1 + w2·δ2 + w1·δ3\n(the kernel, flipped)",
                         fontsize=13, color=GRADIENT)
        else:
            ax.set_title("Forward: o1 = w1·x1 + w2·x2 + w3·x3\n5 inputs − 3 taps + 1 = 3 outputs",
                         fontsize=13, color=FORWARD)
    handles = [plt.Line2D([], [], ls=s, lw=2, color=NEUTRAL, label=f"w{k + 1}")
               for k, s in enumerate(STYLES)]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=12,
               title="weight on the edge", title_fontsize=12)
    fig.subplots_adjust(bottom=0.2, top=0.84, left=0.01, right=0.99, wspace=0.08)
    return save_figure(fig, path, dpi=DPI)


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
    """A 4×4 input, a 3×3 kernel: each patch becomes a column, the kernel a row, the
    convolution one matrix product; the backward rules underneath."""
    x = np.random.default_rng(5).integers(0, 10, (4, 4))
    w = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
    patches = [(0, 0), (0, 1), (1, 0), (1, 1)]
    colours = [PALETTE[7], PALETTE[8], "#C9D9EA", "#FFE0C2"]
    edge = [PALETTE[0], PALETTE[5], PALETTE[4], PALETTE[1]]
    styles = ["-", "--", "-.", ":"]
    cols = np.stack([x[i:i + 3, j:j + 3].ravel() for i, j in patches], axis=1)  # (9, 4)
    out = (w.ravel() @ cols).reshape(1, 4)

    fig, ax = plt.subplots(figsize=(9, 4.9))
    # the input with the four patches outlined
    cell = 1.15                                      # input cells, roomy for the outlines
    _grid(ax, 0, 2.0, x, size=cell, fontsize=13)
    for k, (i, j) in enumerate(patches):
        d = 0.07 * (k + 1)  # nested insets that stay clear of the digits
        ax.add_patch(Rectangle((j * cell + d, 2.0 + i * cell + d), 3 * cell - 2 * d,
                               3 * cell - 2 * d, fill=False, edgecolor=edge[k], lw=2.4,
                               ls=styles[k]))
    ax.text(2 * cell, 1.8, "input x (4×4):\nfour 3×3 patches", ha="center", va="bottom",
            fontsize=13)
    # the column matrix
    size = 0.74
    face = [[colours[c] for c in range(4)] for _ in range(9)]
    _grid(ax, 6.7, 0.4, cols, face=face, size=size, fontsize=12)
    for k in range(4):
        ax.add_patch(Rectangle((6.7 + k * size, 0.4), size, 9 * size, fill=False,
                               edgecolor=edge[k], lw=2.4, ls=styles[k]))
    ax.text(6.7 + 2 * size, 0.4 + 9 * size + 0.2, "cols (9×4):\none patch per column",
            ha="center", va="top", fontsize=13)
    ax.annotate("", xy=(6.5, 4.3), xytext=(4.8, 4.3),
                arrowprops=dict(arrowstyle="->", color=NEUTRAL, lw=1.8))
    ax.text(5.65, 4.0, "im2col", ha="center", fontsize=12, color=NEUTRAL)
    # kernel row times cols = output row
    _grid(ax, 10.6, 2.4, w.ravel().reshape(1, 9), size=0.7, fontsize=12,
          face=[[PALETTE[9]] * 9])
    ax.text(10.6 + 4.5 * 0.7, 2.2, "kernel as a row (1×9)", ha="center", fontsize=13)
    ax.text(10.6 + 4.5 * 0.7, 3.75, "@ cols  =", ha="center", va="center", fontsize=14)
    _grid(ax, 12.3, 4.3, out, face=[colours], size=0.8, fontsize=13)
    ax.text(12.3 + 2 * 0.8, 5.4, "output row (1×4),\nreshaped to 2×2", ha="center",
            va="top", fontsize=13)
    ax.text(13.8, 7.0, "backward:\ndW_row = dout @ colsᵀ\ndcols = W_rowᵀ @ dout\n"
            "col2im adds each column back\nonto its patch (overlaps add)",
            ha="center", va="top", fontsize=12, color=GRADIENT)
    ax.set_xlim(-0.3, 17.8)
    ax.set_ylim(9.6, 0.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("im2col turns a convolution into one matrix product", fontsize=14)
    return save_figure(fig, path, dpi=DPI)


def _cells(ax, x0, y, labels, faces, hatch=None, size=12):
    """A row of unit cells from x0 at height y, each with a label and a face colour."""
    for k, (text, face) in enumerate(zip(labels, faces, strict=True)):
        ax.add_patch(Rectangle((x0 + k, y), 1, 0.8, facecolor=face, edgecolor=NEUTRAL, lw=1,
                               hatch=hatch[k] if hatch else None))
        ax.text(x0 + k + 0.5, y + 0.4, text, ha="center", va="center", fontsize=size)


def stride_backward(path: Path) -> Path:
    """1-D, 7 inputs, kernel 3, stride 2, padding 1 (4 outputs): dx from δ by dilating,
    padding with K − 1 zeros, sliding the flipped kernel, and cropping P from each end."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    grey, light = "#E4E4E4", PALETTE[8]
    rows = {"dilate": 4.7, "pad": 3.2, "slide": 1.0, "crop": -0.6}
    steps = [("dilate", "1. dilate δ: S − 1 = 1\nzero between entries"),
             ("pad", "2. pad with K − 1 = 2\nzeros; flip the kernel"),
             ("slide", "3. slide it: dx_pad,\n9 entries"),
             ("crop", "4. crop P = 1 at\neach end: dx, 7")]
    for key, text in steps:
        ax.text(-0.4, rows[key] + 0.4, text, ha="right", va="center", fontsize=12)
    dilated = ["δ1", "0", "δ2", "0", "δ3", "0", "δ4"]
    _cells(ax, 2, rows["dilate"], dilated, [light if d != "0" else "white" for d in dilated])
    padded = ["0", "0"] + dilated + ["0", "0"]
    _cells(ax, 0, rows["pad"], padded, [grey] * 2 + [light if d != "0" else "white"
                                                      for d in dilated] + [grey] * 2)
    y = rows["pad"]
    ax.add_patch(Rectangle((4, y - 0.08), 3, 0.96, fill=False, edgecolor=FORWARD, lw=2.5))
    for k, w in enumerate(["w3", "w2", "w1"]):                 # the flipped kernel at r = 4
        ax.text(4.5 + k, y - 0.2, w, ha="center", va="top", fontsize=12, color=FORWARD,
                fontweight="bold")
    ax.text(11.4, y + 0.4, "the flipped kernel\n(w3, w2, w1) at r = 4", ha="left",
            va="center", fontsize=12, color=FORWARD)
    faces = [grey] + ["white"] * 7 + [grey]
    faces[4] = light
    _cells(ax, 1, rows["slide"], [""] * 4 + ["●"] + [""] * 4, faces)
    ax.annotate("", xy=(5.5, rows["slide"] + 0.85), xytext=(5.5, y - 0.75),
                arrowprops=dict(arrowstyle="->", color=GRADIENT, lw=1.8))
    for x in (1, 9):                                           # the cropped ends
        y0 = rows["slide"]
        ax.plot([x + 0.1, x + 0.9], [y0 + 0.1, y0 + 0.7], color=NEUTRAL, lw=1.5)
        ax.plot([x + 0.1, x + 0.9], [y0 + 0.7, y0 + 0.1], color=NEUTRAL, lw=1.5)
    ax.text(11.4, rows["slide"] + 0.4, "dx_pad[4] = w3·δ2 + w2·0 + w1·δ3\n"
            "(one or two terms per entry)", ha="left", va="center", fontsize=12,
            color=GRADIENT)
    _cells(ax, 2, rows["crop"], [""] * 7, [light] * 7)
    ax.set_xlim(-4.8, 18.6)
    ax.set_ylim(-0.9, 5.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("dx of a strided, padded convolution: 7 inputs, kernel 3, stride 2, pad 1",
                 fontsize=14)
    return save_figure(fig, path, dpi=DPI)


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [conv1d_links(outdir / "nb05_conv1d_links.png"),
            stride_backward(outdir / "nb05_stride_backward.png"),
            im2col_picture(outdir / "nb05_im2col.png")]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
