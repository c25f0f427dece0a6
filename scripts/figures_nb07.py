"""Static figure for notebook 07: the LSTM's cell line next to the RNN's hidden line.

    python scripts/figures_nb07.py          # writes figures/nb07_highway.png

Three time steps of each. Forward values flow left to right (blue); the gradient flows right to
left (orange) and each arrow is labelled with what one step back multiplies it by.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STEP_X = [2.0, 5.0, 8.0]   # centres of the three time steps


def _arrow(ax, start, end, colour, **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=2,
                                 color=colour, **kw))


def _node(ax, xy, text, colour=NEUTRAL):
    ax.add_patch(Circle(xy, 0.28, facecolor="white", edgecolor=colour, lw=1.8, zorder=3))
    ax.text(*xy, text, ha="center", va="center", fontsize=13, zorder=4)


def _box(ax, xy, text):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - 0.75, y - 0.32), 1.5, 0.64, boxstyle="round,pad=0.05",
                                facecolor="white", edgecolor=NEUTRAL, lw=1.5, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=4)


def highway_figure():
    fig, ax = plt.subplots(figsize=(9.0, 4.6))
    y_cell, y_rnn = 3.0, 0.6
    # LSTM cell line: c_{t-1} → (× f_t) → (+ i_t ⊙ g_t) → c_t
    ax.text(0.1, y_cell + 0.95, r"LSTM cell state   $c_t = f_t \odot c_{t-1} + i_t \odot g_t$",
            fontsize=12.5, color=FORWARD, weight="bold")
    _arrow(ax, (0.3, y_cell), (9.7, y_cell), FORWARD)
    for k, x in enumerate(STEP_X):
        _node(ax, (x - 0.5, y_cell), "×")
        _node(ax, (x + 0.5, y_cell), "+")
        ax.text(x - 0.5, y_cell + 0.45, f"$f_{k + 1}$", ha="center", fontsize=12)
        ax.text(x + 0.5, y_cell + 0.45, f"$i_{k + 1} \\odot g_{k + 1}$", ha="center", fontsize=12)
        if k < 2:
            _arrow(ax, (STEP_X[k + 1] - 0.5, y_cell - 0.55), (x + 0.5, y_cell - 0.55), GRADIENT,
                   linestyle="--")
            label = f"$\\times\\, f_{k + 2}$   (no matrix)"
            ax.text((x + STEP_X[k + 1]) / 2, y_cell - 0.95, label, ha="center", fontsize=12,
                    color=GRADIENT)
    # RNN hidden line: h_{t-1} → [tanh(· W_h + x_t W_x + b)] → h_t
    ax.text(0.1, y_rnn + 0.95, r"RNN hidden state   $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$",
            fontsize=12.5, color=FORWARD, weight="bold")
    _arrow(ax, (0.3, y_rnn), (9.7, y_rnn), FORWARD)
    for k, x in enumerate(STEP_X):
        _box(ax, (x, y_rnn), r"$\tanh(\cdot\, W_h + \ldots)$")
        if k < 2:
            _arrow(ax, (STEP_X[k + 1] - 0.8, y_rnn - 0.55), (x + 0.8, y_rnn - 0.55), GRADIENT,
                   linestyle="--")
            label = f"$\\times\\, \\mathrm{{diag}}(1 - h_{k + 2}^2)\\, W_h^\\top$"
            ax.text((x + STEP_X[k + 1]) / 2, y_rnn - 0.95, label, ha="center", fontsize=12,
                    color=GRADIENT)
    ax.text(9.9, -1.05, "blue: forward values    dashed orange: gradient, one step back",
            ha="right", fontsize=11, color=NEUTRAL)
    ax.set_xlim(0, 10)
    ax.set_ylim(-1.2, 4.3)
    ax.axis("off")
    ax.set_title(r"One step back: the cell line multiplies the gradient by $f_t$, "
                 "the RNN by a full matrix", fontsize=13.5)
    fig.tight_layout()
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb07_highway.png"
    return [save_figure(highway_figure(), path, dpi=220)]   # sharp at 2x, as nb04/nb05


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(p.relative_to(ROOT))
    sys.exit(0)
