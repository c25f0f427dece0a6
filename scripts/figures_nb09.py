"""Static figure for notebook 09: the embedding lookup as a Repeat node.

    python scripts/figures_nb09.py          # writes figures/nb09_repeat.png

The sentence "the cat sees the dog ." looks up five rows of W; the row of "the" is copied to
positions 1 and 4. Forward copies in blue; on the way back (orange) the two upstream gradients
of "the" meet at a + and add into its row of dW.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ROWS = [".", "cat", "dog", "sees", "the"]             # the rows of W the sentence uses
SENTENCE = ["the", "cat", "sees", "the", "dog", "."]
ROW_Y = {w: 4.6 - 0.95 * k for k, w in enumerate(ROWS)}
POS_Y = [5.0 - 0.9 * n for n in range(len(SENTENCE))]
TABLE_X, POS_X = 1.6, 8.2


def _box(ax, x, y, text, edge, bold=False):
    ax.add_patch(FancyBboxPatch((x - 0.75, y - 0.3), 1.5, 0.6, boxstyle="round,pad=0.04",
                                facecolor="white", edgecolor=edge, lw=2 if bold else 1.3,
                                zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=13, zorder=4,
            weight="bold" if bold else "normal")


def _arrow(ax, start, end, colour, rad=0.0, **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=15, color=colour,
                                 connectionstyle=f"arc3,rad={rad}", zorder=2, **kw))


def repeat_figure():
    fig, ax = plt.subplots(figsize=(9.0, 4.8))
    ax.text(TABLE_X, 5.45, "rows of W", ha="center", fontsize=12, color=NEUTRAL)
    ax.text(POS_X, 5.7, "looked up: E = W[ids]", ha="center", fontsize=12, color=NEUTRAL)
    for w, y in ROW_Y.items():
        _box(ax, TABLE_X, y, w, GRADIENT if w == "the" else NEUTRAL, bold=w == "the")
    for n, (w, y) in enumerate(zip(SENTENCE, POS_Y, strict=True)):
        _box(ax, POS_X, y, w, FORWARD, bold=w == "the")
        ax.text(POS_X + 0.95, y, f"$E_{n + 1}$", va="center", fontsize=12)
        lw = 2.4 if w == "the" else 1.2
        _arrow(ax, (TABLE_X + 0.8, ROW_Y[w]), (POS_X - 0.8, y), FORWARD, lw=lw)
    # the backward pass of the two copies of "the", routed around the outside: dE_1 and dE_4
    # come down the right-hand side, meet at a +, and the sum runs back into the row of "the"
    plus_x, plus_y = 10.15, -0.35
    for n, x in ((0, 10.35), (3, 9.95)):
        start = (POS_X + 1.3, POS_Y[n])
        ax.add_patch(FancyArrowPatch(start, (x, POS_Y[n]), arrowstyle="-", color=GRADIENT,
                                     lw=2, linestyle="--", zorder=2))
        _arrow(ax, (x, POS_Y[n]), (x, plus_y + 0.25), GRADIENT, lw=2, linestyle="--")
        ax.text(x - 0.1, POS_Y[n] - 0.45, f"$dE_{n + 1}$", color=GRADIENT, fontsize=13,
                ha="right")
    ax.text(plus_x, plus_y, "+", ha="center", va="center", fontsize=15, color=GRADIENT, zorder=4,
            bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": GRADIENT,
                  "lw": 2})
    ax.add_patch(FancyArrowPatch((plus_x - 0.3, plus_y), (TABLE_X, plus_y), arrowstyle="-",
                                 color=GRADIENT, lw=2, linestyle="--", zorder=2))
    _arrow(ax, (TABLE_X, plus_y), (TABLE_X, ROW_Y["the"] - 0.32), GRADIENT, lw=2,
           linestyle="--")
    ax.text(5.4, plus_y - 0.45, r"$dW_{\mathrm{the}} = dE_1 + dE_4$   (the Repeat node sums)",
            color=GRADIENT, fontsize=13, ha="center")
    ax.set_xlim(0.3, 10.7)
    ax.set_ylim(-1.2, 6.0)
    ax.axis("off")
    ax.set_title('"the cat sees the dog .": one row used twice, two gradients summed',
                 fontsize=13)
    fig.tight_layout()
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [save_figure(repeat_figure(), outdir / "nb09_repeat.png")]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(p.relative_to(ROOT))
    sys.exit(0)
