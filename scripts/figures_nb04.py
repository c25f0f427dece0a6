"""Static figures for notebook 04 (Jacobians vs the shape convention).

    python scripts/figures_nb04.py            # writes figures/nb04_*.png

``main(outdir)`` is also called by ``scripts/make_figures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.plotting import (  # noqa: E402
    FORWARD,
    GRADIENT,
    NEUTRAL,
    PALETTE,
    save_figure,
)

WINDOW = ["museums", "in", "Paris", "are", "amazing"]
D = 4          # cells drawn per word vector
CELL = 0.25    # side of one cell, in data units (1 unit = 0.64 in)


def _box(ax, xy, text, w, h=0.8, colour=NEUTRAL):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                fc="white", ec=colour, lw=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=14)


def _arrow(ax, start, end, colour, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16, color=colour,
                                 lw=2, connectionstyle=f"arc3,rad={rad}"))


def _vector(ax, x, top, colour, n=D):
    """A column of n cells, centred on x, whose top edge is at ``top``."""
    for k in range(n):
        ax.add_patch(Rectangle((x - CELL / 2, top - (k + 1) * CELL), CELL, CELL, fc=colour,
                               ec=NEUTRAL, lw=0.8))


def window_classifier_figure() -> Figure:
    """The window classifier: five word vectors → x (5d) → z = Wx + b → h = f(z) → s = uᵀh.

    Forward in blue along the top; the backward pass in orange underneath, with δ computed
    once and handed to b, W and x. 9 × 4.5 in, text 11–14 pt (projector size).
    """
    fig = Figure(figsize=(9.0, 4.5))
    ax = fig.add_axes([0, 0, 1, 0.84])
    ax.set(xlim=(0, 14), ylim=(0, 7))
    ax.axis("off")

    # five word vectors (the centre word highlighted), each labelled underneath
    fills = [PALETTE[9], PALETTE[2], PALETTE[7], PALETTE[2], PALETTE[9]]
    for w, word in enumerate(WINDOW):
        cx = 0.45 + w * 0.62
        _vector(ax, cx, 6.6, fills[w])
        ax.text(cx, 6.6 - D * CELL - 0.12, word, ha="right", va="top", rotation=60,
                fontsize=11, fontweight="bold" if w == 2 else "normal",
                rotation_mode="anchor")
    ax.text(1.7, 2.6, "a window of 5 words\n(2 each side of the\ncentre), d numbers each",
            ha="center", va="top", fontsize=11, color=NEUTRAL)

    # ... stacked into one long column x
    x_col = 4.55
    top = 6.6
    for w, fill in enumerate(fills):                 # the same colours, in window order
        _vector(ax, x_col, top - w * D * CELL, fill)
    ax.text(x_col, top + 0.12, "$x \\in \\mathbb{R}^{5d}$", ha="center", va="bottom",
            fontsize=13)
    _arrow(ax, (3.45, 5.4), (x_col - 0.3, 5.4), NEUTRAL)
    ax.text(3.85, 5.25, "stack", ha="center", va="top", fontsize=11, color=NEUTRAL)

    # forward chain
    y = 4.1
    nodes = [(6.35, 1.9, "$z = Wx + b$"), (8.55, 1.7, "$h = f(z)$"),
             (10.75, 1.7, "$s = u^{\\top}h$"), (12.85, 1.2, "$\\sigma(s)$")]
    _arrow(ax, (x_col + 0.3, y), (nodes[0][0] - nodes[0][1] / 2 - 0.08, y), FORWARD)
    for (xa, wa, _), (xb, wb, _) in zip(nodes[:-1], nodes[1:], strict=True):
        _arrow(ax, (xa + wa / 2 + 0.08, y), (xb - wb / 2 - 0.08, y), FORWARD)
    for xn, wn, label in nodes:
        _box(ax, (xn, y), label, wn)
    ax.text(12.85, y + 0.6, "P(centre word\nis a location)", ha="center", va="bottom",
            fontsize=11, color=NEUTRAL)

    # backward: δ once, reused three times
    yb = 2.1
    _box(ax, (9.65, yb), "$\\delta = u^{\\top} \\circ f'(z)$", w=2.7, colour=GRADIENT)
    _arrow(ax, (10.75, y - 0.45), (10.3, yb + 0.45), GRADIENT, rad=-0.25)
    _arrow(ax, (8.55, y - 0.45), (9.0, yb + 0.45), GRADIENT, rad=0.25)
    ax.text(11.2, 3.05, "$\\partial s/\\partial h = u^{\\top}$", fontsize=13, color=GRADIENT,
            va="center")
    ax.text(8.2, 3.05, "$\\partial h/\\partial z = \\mathrm{diag}(f'(z))$", fontsize=13,
            color=GRADIENT, ha="right", va="center")
    outs = [(5.5, "$\\partial s/\\partial W = \\delta^{\\top} x^{\\top}$"),
            (8.6, "$\\partial s/\\partial b = \\delta$"),
            (12.3, "$\\partial s/\\partial x = \\delta\\, W$")]
    for xo, text in outs:
        ax.text(xo, 0.35, text, ha="center", va="center", fontsize=14, color=GRADIENT)
        _arrow(ax, (9.65 + (xo - 9.65) * 0.3, yb - 0.45), (xo + (9.65 - xo) * 0.1, 0.7),
               GRADIENT)
    fig.suptitle("The window classifier: forward (blue), backward (orange)\n"
                 "δ is computed once and reused", fontsize=14, y=0.995)
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb04_window_classifier.png"
    return [save_figure(window_classifier_figure(), path, dpi=220)]   # sharp at 2x


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
