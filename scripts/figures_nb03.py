"""Static figures for notebook 03 (the matmul gate).

    python scripts/figures_nb03.py            # writes figures/nb03_*.png

``main(outdir)`` is also called by ``scripts/make_figures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure  # noqa: E402


def _box(ax, xy, text, w=1.6, h=0.8, colour=NEUTRAL):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05",
                                fc="white", ec=colour, lw=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=13)


def _arrow(ax, start, end, colour, label, offset=(0.0, 0.0), rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16, color=colour,
                                 lw=2, connectionstyle=f"arc3,rad={rad}"))
    mx, my = (start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1]
    ax.text(mx, my, label, ha="center", va="center", fontsize=13, color=colour)


def matmul_gate_figure() -> Figure:
    """X (N, K) and W (K, M) flow into the matmul gate (blue, forward); dD flows back and
    splits into dX = dD·Wᵀ and dW = Xᵀ·dD (orange, backward). K is the input width, so the
    letter D names only the gate's output."""
    fig = Figure(figsize=(8.0, 4.0))
    ax = fig.add_subplot()
    ax.set(xlim=(0, 10), ylim=(0, 4.8), aspect="equal")
    ax.axis("off")
    _box(ax, (1.2, 4.1), "$X$\n(N, K)")
    _box(ax, (1.2, 0.6), "$W$\n(K, M)")
    _box(ax, (5.0, 2.35), "matmul\n$D = XW$", w=2.0, h=1.0)
    _box(ax, (8.8, 2.35), "$D$\n(N, M)")
    # forward (blue) on the outer side of each pair of arrows, backward (orange) inside
    _arrow(ax, (2.05, 4.25), (3.95, 2.75), FORWARD, "$X$", offset=(0.25, 0.25))
    _arrow(ax, (2.05, 0.45), (3.95, 1.95), FORWARD, "$W$", offset=(0.25, -0.25))
    _arrow(ax, (6.05, 2.55), (7.95, 2.55), FORWARD, "$D$", offset=(0.0, 0.3))
    _arrow(ax, (7.95, 2.15), (6.05, 2.15), GRADIENT, "$dD$  (N, M)", offset=(0.0, -0.3))
    _arrow(ax, (3.95, 2.45), (2.05, 3.8), GRADIENT, "")
    _arrow(ax, (3.95, 2.25), (2.05, 0.9), GRADIENT, "")
    # the two backward results left of the arrows, shape on a second line, clear of both
    ax.text(1.1, 3.0, "$dX = dD\\,W^{\\top}$\n(N, K)", ha="center", va="center", fontsize=13,
            color=GRADIENT)
    ax.text(1.1, 1.7, "$dW = X^{\\top} dD$\n(K, M)", ha="center", va="center", fontsize=13,
            color=GRADIENT)
    ax.set_title("The matmul gate: forward (blue) and backward (orange), with shapes",
                 fontsize=14)
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb03_matmul_gate.png"
    return [save_figure(matmul_gate_figure(), path, dpi=220)]   # sharp at 2x


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print("wrote", p.relative_to(ROOT))
