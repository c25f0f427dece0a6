"""Static figures for notebook 01's markdown (``make figures``).

- ``nb01_classic_forward.png``: the graph of f = (x + y)·z at x = −2, y = 5, z = −4 after the
  forward pass only (values on the edges, no gradients yet), shown before the engine appears.
  Projector-size text (``projector_text``), saved at 220 dpi: sharp at 2x.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")


from helpers.graph import Value  # noqa: E402
from helpers.graph_draw import draw_graph  # noqa: E402
from helpers.plotting import save_figure  # noqa: E402
from helpers.widgets.gradient_flow import projector_text  # noqa: E402


def classic_forward(path: Path) -> Path:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    ax = draw_graph(f, show_grad=False, title="f = (x + y)·z: each edge carries a value")
    projector_text(ax)
    return save_figure(ax.figure, path, dpi=220)


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return [classic_forward(outdir / "nb01_classic_forward.png")]


if __name__ == "__main__":
    for p in main(Path(__file__).resolve().parents[1] / "figures"):
        print(p.name)
