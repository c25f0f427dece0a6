"""Static figure for notebook 08: batch norm's staged graph, with its two forks.

    python scripts/figures_nb08.py          # writes figures/nb08_staged_graph.png

The forward pass in stages (blue): the mean, the centred values, the variance, σ, 1/σ, x̂ and
the scale and shift. x feeds both the mean and the centred values, and the centred values feed
both the variance and x̂: at each of these forks the backward pass adds the gradients that come
back (orange).
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
TOP, BOTTOM = 1.7, 0.0
NODES = {  # name → (x, y, label, box width)
    "x": (0.4, BOTTOM, r"$x$", 0.6),
    "mu": (1.9, TOP, r"$\mu = \frac{1}{N}\sum_n x_n$", 1.75),
    "xc": (3.4, BOTTOM, r"$x_c = x - \mu$", 1.45),
    "v": (5.3, TOP, r"$v = \frac{1}{N}\sum_n x_c^2$", 1.75),
    "sigma": (7.25, TOP, r"$\sigma = \sqrt{v + \varepsilon}$", 1.6),
    "inv": (8.9, TOP, r"$1/\sigma$", 0.8),
    "xhat": (8.9, BOTTOM, r"$\hat x = x_c \cdot (1/\sigma)$", 1.85),
    "y": (11.3, BOTTOM, r"$y = \gamma \odot \hat x + \beta$", 1.85),
}
EDGES = [("x", "mu"), ("x", "xc"), ("mu", "xc"), ("xc", "v"), ("xc", "xhat"), ("v", "sigma"),
         ("sigma", "inv"), ("inv", "xhat"), ("xhat", "y")]
FORKS = {  # name → (label x, label, alignment)
    "x": (0.0, "fork at $x$:\n$dx$ = path via $x_c$\n      + path via $\\mu$", "left"),
    "xc": (6.15, "fork at $x_c$:  $dx_c$ = path via $\\hat x$ + path via $v$", "center"),
}


def _box(ax, name):
    x, y, label, w = NODES[name]
    ax.add_patch(FancyBboxPatch((x - w / 2, y - 0.27), w, 0.54, boxstyle="round,pad=0.05",
                                facecolor="white", edgecolor=FORWARD, lw=1.6, zorder=3))
    ax.text(x, y, label, ha="center", va="center", fontsize=12, zorder=4)


def _edge_ends(a, b):
    """Start and end points on the boxes' borders (vertical when rows differ)."""
    (xa, ya, _, wa), (xb, yb, _, wb) = NODES[a], NODES[b]
    if ya == yb:
        return (xa + wa / 2 + 0.08, ya), (xb - wb / 2 - 0.08, yb)
    step = 0.33 if yb > ya else -0.33
    return (xa + (0.25 if a == "x" else 0.0), ya + step), (xb, yb - step)


def staged_graph_figure():
    fig, ax = plt.subplots(figsize=(9.6, 3.5))
    for a, b in EDGES:
        start, end = _edge_ends(a, b)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, lw=1.8,
                                     color=FORWARD, shrinkA=0, shrinkB=0, zorder=2))
    for name in NODES:
        _box(ax, name)
    for name, (tx, text, align) in FORKS.items():
        x, y, _, w = NODES[name]
        cx = x + (0.25 if name == "x" else 0.0)
        ax.add_patch(Circle((cx, y + 0.33), 0.09, color=GRADIENT, zorder=5))
        ax.text(tx, y - 0.4, text, ha=align, va="top", fontsize=10.5, color=GRADIENT)
    ax.text(11.3, 0.55, r"$\gamma, \beta$ (one per column)", ha="center", va="bottom",
            fontsize=10.5, color=NEUTRAL)
    ax.set_title("Batch norm, staged: every box is one step of the forward pass", fontsize=13)
    ax.set_xlim(-0.2, 12.5)
    ax.set_ylim(-1.35, 2.2)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    return [save_figure(staged_graph_figure(), outdir / "nb08_staged_graph.png")]


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "figures"):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
