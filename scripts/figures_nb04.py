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
D = 4  # cells drawn per word vector


def _box(ax, xy, text, w=1.5, h=0.75, colour=NEUTRAL, fontsize=11):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                fc="white", ec=colour, lw=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, colour, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour,
                                 lw=1.8, connectionstyle=f"arc3,rad={rad}"))


def window_classifier_figure() -> Figure:
    """The window classifier: five word vectors → x (5d) → z = Wx + b → h = f(z) → s = uᵀh.

    Forward in blue along the top; the backward pass in orange underneath, with δ computed
    once and handed to b, W and x.
    """
    fig = Figure(figsize=(10.0, 4.6))
    ax = fig.add_subplot()
    ax.set(xlim=(-0.2, 14.2), ylim=(-0.9, 5.6))
    ax.axis("off")

    # five word vectors (centre word highlighted), stacked into one long column x
    cell = 0.22
    x_col = 4.25
    fills = [PALETTE[9], PALETTE[2], PALETTE[7], PALETTE[2], PALETTE[9]]
    for w, word in enumerate(WINDOW):
        cx = 0.35 + w * 0.72
        centre = w == 2
        for k in range(D):
            ax.add_patch(Rectangle((cx - cell / 2, 4.3 - k * cell), cell, cell,
                                   fc=fills[w], ec=NEUTRAL, lw=0.8))
        ax.text(cx - 0.1, 4.3 + 1.4 * cell, word, ha="left", va="bottom", fontsize=9,
                rotation=35, fontweight="bold" if centre else "normal")
        top = 5.1 - w * D * cell
        for k in range(D):
            ax.add_patch(Rectangle((x_col - cell / 2, top - (k + 1) * cell), cell, cell,
                                   fc=fills[w], ec=NEUTRAL, lw=0.8))
        ax.text(x_col + 0.2, top - D * cell / 2, word, ha="left", va="center", fontsize=7,
                color=NEUTRAL)
    _arrow(ax, (3.35, 3.85), (x_col - 0.25, 3.85), NEUTRAL)
    ax.text(3.7, 4.0, "stack", ha="center", va="bottom", fontsize=9, color=NEUTRAL)
    ax.text(x_col + 0.25, 5.2, "$x \\in \\mathbb{R}^{5d}$", ha="left", fontsize=11)
    ax.text(1.8, 3.0, "window of 5 words\n(context 2 each side),\none d-dim vector each",
            ha="center", va="top", fontsize=9, color=NEUTRAL)

    # forward chain
    y = 3.2
    nodes = [(6.6, "$z = Wx + b$"), (8.8, "$h = f(z)$"), (11.0, "$s = u^{\\top}h$"),
             (13.1, "$\\sigma(s)$")]
    for xn, label in nodes:
        _box(ax, (xn, y), label, w=1.9 if xn < 12 else 1.1)
    _arrow(ax, (x_col + 0.95, y), (6.6 - 0.95 - 0.08, y), FORWARD)
    for (xa, _), (xb, _) in zip(nodes[:-1], nodes[1:], strict=True):
        wa = 0.95 if xa < 12 else 0.55
        wb = 0.95 if xb < 12 else 0.55
        _arrow(ax, (xa + wa + 0.08, y), (xb - wb - 0.08, y), FORWARD)
    ax.text(13.1, y + 0.65, "P(centre word\nis a location)", ha="center", va="bottom",
            fontsize=9, color=NEUTRAL)

    # backward: δ once, reused three times
    yb = 1.2
    _box(ax, (9.9, yb), "$\\delta = u^{\\top} \\circ f'(z)$", w=2.6, colour=GRADIENT)
    _arrow(ax, (11.0, y - 0.45), (10.5, yb + 0.45), GRADIENT, rad=-0.2)
    _arrow(ax, (8.8, y - 0.45), (9.4, yb + 0.45), GRADIENT, rad=0.2)
    ax.text(11.55, 2.15, "$\\partial s/\\partial h = u^{\\top}$", fontsize=10, color=GRADIENT)
    ax.text(8.75, 2.2, "$\\partial h/\\partial z = \\mathrm{diag}(f'(z))$", fontsize=10,
            color=GRADIENT, ha="right")
    outs = [(7.6, -0.45, "$\\partial s/\\partial b = \\delta$"),
            (4.9, -0.45, "$\\partial s/\\partial W = \\delta^{\\top} x^{\\top}$"),
            (12.6, -0.45, "$\\partial s/\\partial x = \\delta\\, W$")]
    for xo, yo, text in outs:
        ax.text(xo, yo, text, ha="center", va="center", fontsize=11, color=GRADIENT)
        _arrow(ax, (9.9 + (xo - 9.9) * 0.3, yb - 0.42), (xo + (9.9 - xo) * 0.12, yo + 0.25),
               GRADIENT)
    ax.set_title("The window classifier: forward (blue), backward (orange) — "
                 "δ is computed once and reused", fontsize=12)
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb04_window_classifier.png"
    return [save_figure(window_classifier_figure(), path)]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
