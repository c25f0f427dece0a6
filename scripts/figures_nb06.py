"""Static figures for notebook 06 (backpropagation through time).

    python scripts/figures_nb06.py          # writes figures/nb06_*.png

``nb06_unrolled.png``: an RNN unrolled over four steps. Forward edges (blue) carry x_t and
h_{t−1} into h_t; gradient edges (orange, dashed) carry ∂L/∂h_t back to h_{t−1} and x_t; every
horizontal edge uses the same Wh, so its gradient is a sum over the steps.
"""

from __future__ import annotations

import sys
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure

ROOT = Path(__file__).resolve().parents[1]


def _box(ax, x, y, text, color, w=0.9, h=0.55):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                fc="white", ec=color, lw=1.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=16, color="black")


def _arrow(ax, a, b, color, dashed=False, rad=0.0):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, lw=1.8,
                                 color=color, linestyle="--" if dashed else "-",
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=4, shrinkB=4))


def unrolled_figure(steps: int = 4) -> Figure:
    """The unrolled graph h_t = tanh(x_t·Wx + h_{t−1}·Wh + b) with a loss on every step."""
    fig = Figure(figsize=(9.0, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    gap = 2.2
    _box(ax, 0, 1, "h₀", NEUTRAL, w=0.7)
    for k in range(1, steps + 1):
        x = k * gap
        _box(ax, x, 1, f"h{_sub(k)}", FORWARD)
        _box(ax, x, -0.4, f"x{_sub(k)}", NEUTRAL, w=0.7)
        _box(ax, x, 2.4, f"ℓ{_sub(k)}", NEUTRAL, w=0.7)
        left = (x - gap + (0.35 if k == 1 else 0.45), 1.08)
        _arrow(ax, left, (x - 0.45, 1.08), FORWARD)
        _arrow(ax, (x - 0.45, 0.9), (left[0], 0.9), GRADIENT, dashed=True)
        ax.text(x - gap / 2, 1.2, "Wh", ha="center", va="bottom", fontsize=13, color=FORWARD)
        _arrow(ax, (x - 0.08, -0.12), (x - 0.08, 0.72), FORWARD)
        _arrow(ax, (x + 0.08, 0.72), (x + 0.08, -0.12), GRADIENT, dashed=True)
        ax.text(x - 0.16, 0.3, "Wx", ha="right", va="center", fontsize=13, color=FORWARD)
        _arrow(ax, (x - 0.08, 1.28), (x - 0.08, 2.12), FORWARD)
        _arrow(ax, (x + 0.08, 2.12), (x + 0.08, 1.28), GRADIENT, dashed=True)
    ax.plot([], [], color=FORWARD, lw=1.8, label="forward: values")
    ax.plot([], [], color=GRADIENT, lw=1.8, ls="--", label="backward: gradients")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=12)
    ax.text(steps * gap / 2 + 0.5, -1.15,
            "the same Wh and Wx at every step: their gradients are sums over t",
            ha="center", va="center", fontsize=13, color=NEUTRAL)
    ax.set_xlim(-0.6, steps * gap + 0.7)
    ax.set_ylim(-1.4, 3.35)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("An RNN unrolled in time: values flow right and up, gradients left and down",
                 fontsize=14)
    fig.tight_layout()
    return fig


def _sub(k: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(c)] for c in str(k))


def main(outdir: Path = ROOT / "figures") -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(exist_ok=True)
    path = outdir / "nb06_unrolled.png"
    return [save_figure(unrolled_figure(), path, dpi=220)]   # sharp at 2x, as nb04/nb05


if __name__ == "__main__":
    for p in main():
        print(f"wrote {p.relative_to(ROOT)}")
    sys.exit(0)
