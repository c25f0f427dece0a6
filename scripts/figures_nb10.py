"""Static figure for notebook 10: the long way and the short way back to an encoder state.

    python scripts/figures_nb10.py          # writes figures/nb10_shortcut.png

An encoder–decoder on a sequence of five symbols, twice. Forward edges are blue; the gradient
of the last output's loss (which must copy the first input when the task is to reverse) is
orange. Without attention it must walk back through every decoder step and every encoder step
(2·4 + 1 = 9 hops); with attention one hop reaches the first encoder state.
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
T = 5
ENC_X = [0.8 + 1.05 * t for t in range(T)]             # encoder states, left half
DEC_X = [6.3 + 1.05 * s for s in range(T)]             # decoder states, right half


def _box(ax, x, y, text, colour=NEUTRAL):
    ax.add_patch(FancyBboxPatch((x - 0.36, y - 0.26), 0.72, 0.52, boxstyle="round,pad=0.04",
                                facecolor="white", edgecolor=colour, lw=1.6, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=10.5, zorder=4)


def _arrow(ax, start, end, colour, rad=0.0, **kw):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour,
                                 connectionstyle=f"arc3,rad={rad}", zorder=2, **kw))


def _chains(ax, y):
    """The encoder and decoder states of one row, with their forward edges and the loss ℓ_4."""
    for t, x in enumerate(ENC_X):
        _box(ax, x, y, f"$h^{{enc}}_{t}$")
        if t:
            _arrow(ax, (ENC_X[t - 1] + 0.4, y), (x - 0.4, y), FORWARD, lw=1.2)
    for s, x in enumerate(DEC_X):
        _box(ax, x, y, f"$h^{{dec}}_{s}$")
        if s:
            _arrow(ax, (DEC_X[s - 1] + 0.4, y), (x - 0.4, y), FORWARD, lw=1.2)
    _arrow(ax, (ENC_X[-1] + 0.4, y), (DEC_X[0] - 0.4, y), FORWARD, lw=1.2)
    ax.text(DEC_X[-1] + 0.5, y + 0.05, "$\\ell_4$", ha="left", va="center", fontsize=12,
            color=GRADIENT)


def shortcut_figure():
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9.0, 4.4),
                                      gridspec_kw={"height_ratios": [1.0, 1.55]})
    top.set_ylim(-0.75, 0.45)
    bottom.set_ylim(-0.85, 1.05)
    for ax in (top, bottom):
        ax.set_xlim(0.3, 11.3)
        ax.axis("off")
    y = 0.0
    _chains(top, y)
    xs = DEC_X[::-1] + ENC_X[::-1]                      # ℓ_4 back to h_enc_0, hop by hop
    for a, b in zip(xs, xs[1:], strict=False):
        _arrow(top, (a - 0.05, y - 0.3), (b + 0.05, y - 0.3), GRADIENT, rad=-0.3, lw=1.6)
    top.set_title("Without attention: the gradient of $\\ell_4$ takes 9 hops back to "
                  "$h^{enc}_0$", fontsize=12, color=GRADIENT, loc="left")
    _chains(bottom, y)
    for x in ENC_X:                                     # attention reads every encoder state
        chord = DEC_X[-1] - x                           # arcs of equal height (rad ∝ 1 / chord)
        _arrow(bottom, (DEC_X[-1] - 0.15, y + 0.28), (x + 0.1, y + 0.28), FORWARD,
               rad=0.9 / chord, lw=0.9, alpha=0.5)
    _arrow(bottom, (DEC_X[-1] - 0.1, y - 0.3), (ENC_X[0] + 0.1, y - 0.3), GRADIENT,
           rad=-0.5 / (DEC_X[-1] - ENC_X[0]), lw=2.2)
    bottom.set_title("With attention: one hop, through the context of $h^{dec}_4$, to "
                     "$h^{enc}_0$", fontsize=12, color=GRADIENT, loc="left")
    fig.text(0.99, 0.01, "blue: forward (faint: the context of step 4 reads every encoder "
             "state)   orange: gradient of $\\ell_4$", ha="right", fontsize=9, color=NEUTRAL)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [save_figure(shortcut_figure(), outdir / "nb10_shortcut.png")]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(p.relative_to(ROOT))
    sys.exit(0)
