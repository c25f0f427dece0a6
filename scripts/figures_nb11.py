"""Static figures for notebook 11 (capstone: a character-level LSTM language model).

    python scripts/figures_nb11.py          # writes figures/nb11_*.png

``nb11_tbptt_streams.png``: truncated BPTT on streams of text. The training text is cut into
N rows read side by side; each row is read T characters (one chunk) at a time. The state
(h, c) goes forward from the end of one chunk into the next (blue); the gradient goes back
inside a chunk only and stops at its first step (orange, dashed, ending in a bar).
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure

ROOT = Path(__file__).resolve().parents[1]
ROWS = ("From fairest creatures we desire increase,",
        "When forty winters shall besiege thy brow,")
T, CHUNKS = 6, 3          # characters per chunk drawn, chunks per stream drawn


def _arrow(ax, a, b, color, dashed=False, rad=0.0, lw=1.8):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=14, lw=lw,
                                 color=color, linestyle="--" if dashed else "-",
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2))


def streams_figure() -> Figure:
    """Two streams, three chunks each: the state carried forward, the gradient cut."""
    fig = Figure(figsize=(9.0, 4.0), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    cell, gap = 0.42, 0.75                       # a character's width, the space between chunks
    width = T * cell
    for r, line in enumerate(ROWS):
        y = 1.9 - 1.75 * r
        ax.text(-0.25, y, f"stream {r + 1}", ha="right", va="center", fontsize=12,
                color=NEUTRAL)
        for k in range(CHUNKS):
            x0 = k * (width + gap)
            ax.add_patch(FancyBboxPatch((x0, y - 0.3), width, 0.6, boxstyle="round,pad=0.03",
                                        fc="white", ec=NEUTRAL, lw=1.2))
            for j, ch in enumerate(line[k * T:(k + 1) * T]):
                ax.text(x0 + (j + 0.5) * cell, y, "␣" if ch == " " else ch, ha="center",
                        va="center", fontsize=13, family="monospace")
            if r == 0:
                ax.text(x0 + width / 2, y + 0.5, f"chunk {k + 1}", ha="center", va="bottom",
                        fontsize=12)
            # the gradient: back through the chunk, stopped at its first step
            _arrow(ax, (x0 + width - 0.1, y - 0.45), (x0 + 0.12, y - 0.45), GRADIENT,
                   dashed=True)
            ax.add_patch(Rectangle((x0 + 0.02, y - 0.62), 0.05, 0.34, color=GRADIENT))
            if k + 1 < CHUNKS:                   # the state: carried into the next chunk
                _arrow(ax, (x0 + width + 0.05, y), (x0 + width + gap - 0.05, y), FORWARD,
                       lw=2.4)
                ax.text(x0 + width + gap / 2, y + 0.1, "h, c", ha="center", va="bottom",
                        fontsize=11, color=FORWARD)
        ax.text(CHUNKS * (width + gap) - gap + 0.15, y, "…", ha="left", va="center",
                fontsize=14)
    ax.plot([], [], color=FORWARD, lw=2.4, label="state (h, c): carried to the next chunk")
    ax.plot([], [], color=GRADIENT, lw=1.8, ls="--",
            label="gradient: back within the chunk, stopped at its start")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.2), ncol=1, fontsize=11)
    ax.set_xlim(-1.6, CHUNKS * (width + gap))
    ax.set_ylim(-0.9, 2.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Truncated BPTT on streams of text: carry the state, cut the gradient")
    fig.tight_layout()
    return fig


def main(outdir: Path = ROOT / "figures") -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(exist_ok=True)
    return [save_figure(streams_figure(), outdir / "nb11_tbptt_streams.png")]


if __name__ == "__main__":
    for path in main():
        print(path)
