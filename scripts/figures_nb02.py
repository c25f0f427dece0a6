"""Static figures for notebook 02 (sigmoid, modular gates and staged computation).

    python scripts/figures_nb02.py            # writes figures/nb02_*.png

``main(outdir)`` is also called by ``scripts/make_figures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpers.plotting import FORWARD, GRADIENT, NEUTRAL, save_figure  # noqa: E402


def sigmoid_neuron_values(w=(2.0, -3.0, -3.0), x=(-1.0, -2.0)) -> dict:
    """Forward value and gradient on every wire of f = 1/(1 + exp(−(w0·x0 + w1·x1 + w2))).

    Returns ``{wire: (value, gradient)}`` for the wires w0, x0, w1, x1, w2, p0 = w0·x0,
    p1 = w1·x1, s = p0 + p1, z = s + w2, a = −z, b = exp(a), c = b + 1, f = 1/c.
    """
    w0, w1, w2 = w
    x0, x1 = x
    p0, p1 = w0 * x0, w1 * x1
    s = p0 + p1
    z = s + w2
    a = -z
    b = float(np.exp(a))
    c = b + 1
    f = 1 / c
    df = 1.0
    dc = -df / c**2
    db = dc
    da = b * db
    dz = -da
    ds = dw2 = dz
    dp0 = dp1 = ds
    return {"w0": (w0, x0 * dp0), "x0": (x0, w0 * dp0), "w1": (w1, x1 * dp1),
            "x1": (x1, w1 * dp1), "w2": (w2, dw2), "p0": (p0, dp0), "p1": (p1, dp1),
            "s": (s, ds), "z": (z, dz), "a": (a, da), "b": (b, db), "c": (c, dc),
            "f": (f, df)}


def sigmoid_circuit_figure() -> Figure:
    """The neuron as a circuit of gates; each wire shows its forward value (blue, above) and
    its gradient (orange, below; beside the name for inputs), as in the notebook."""
    v = sigmoid_neuron_values()
    fig = Figure(figsize=(12.0, 4.6))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set(xlim=(-1.5, 14.4), ylim=(-0.9, 5.0), aspect="equal")
    ax.axis("off")

    inputs = {"w0": (0.0, 4.4), "x0": (0.0, 3.3), "w1": (0.0, 2.2), "x1": (0.0, 1.1),
              "w2": (0.0, 0.0)}
    gates = {"p0": ((2.2, 3.85), "×"), "p1": ((2.2, 1.65), "×"), "s": ((4.4, 2.75), "+"),
             "z": ((6.4, 1.4), "+"), "a": ((8.2, 1.4), "×−1"), "b": ((9.8, 1.4), "exp"),
             "c": ((11.4, 1.4), "+1"), "f": ((13.0, 1.4), "1/x")}
    wires = [("w0", "p0"), ("x0", "p0"), ("w1", "p1"), ("x1", "p1"), ("p0", "s"),
             ("p1", "s"), ("s", "z"), ("w2", "z"), ("z", "a"), ("a", "b"), ("b", "c"),
             ("c", "f")]
    r = 0.42

    for name, (x, y) in inputs.items():  # inputs: value and gradient written beside the name
        ax.text(x, y, f"${name[0]}_{name[1]}$", ha="center", va="center", fontsize=14)
        value, grad = v[name]
        ax.text(x - 0.3, y + 0.05, f"{value:.2f}", ha="right", va="bottom", fontsize=10,
                color=FORWARD, fontweight="bold")
        ax.text(x - 0.3, y - 0.05, f"{grad:.2f}", ha="right", va="top", fontsize=10,
                color=GRADIENT, fontweight="bold")
    for (x, y), label in gates.values():
        ax.add_patch(Circle((x, y), r, fc="white", ec=NEUTRAL, lw=1.8))
        ax.text(x, y, label, ha="center", va="center", fontsize=11 if len(label) > 1 else 14)

    def pos(name):
        return inputs[name] if name in inputs else gates[name][0]

    for src, dst in wires:
        (x0, y0), (x1, y1) = pos(src), pos(dst)
        start_gap = 0.3 if src in inputs else r
        d = np.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / d, (y1 - y0) / d
        start = (x0 + ux * start_gap, y0 + uy * start_gap)
        end = (x1 - ux * r, y1 - uy * r)
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                     color=NEUTRAL, lw=1.3))
        if src in inputs:
            continue
        value, grad = v[src]
        t = 0.5
        mx, my = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
        ax.text(mx, my + 0.2, f"{value:.2f}", ha="center", va="bottom", fontsize=10,
                color=FORWARD, fontweight="bold")
        ax.text(mx, my - 0.2, f"{grad:.2f}", ha="center", va="top", fontsize=10,
                color=GRADIENT, fontweight="bold")

    fx, fy = gates["f"][0]
    ax.add_patch(FancyArrowPatch((fx + r, fy), (fx + 1.2, fy), arrowstyle="-|>",
                                 mutation_scale=12, color=NEUTRAL, lw=1.3))
    ax.text(fx + 0.85, fy + 0.2, f"{v['f'][0]:.2f}", ha="center", va="bottom", fontsize=10,
            color=FORWARD, fontweight="bold")
    ax.text(fx + 0.85, fy - 0.2, f"{v['f'][1]:.2f}", ha="center", va="top", fontsize=10,
            color=GRADIENT, fontweight="bold")
    ax.text(fx + 1.3, fy, "$f$", ha="left", va="center", fontsize=14)

    ax.text(9.4, 4.55, "forward value (upper number)", color=FORWARD, fontsize=11,
            ha="left", fontweight="bold")
    ax.text(9.4, 4.0, "gradient ∂f/∂(wire) (lower number)", color=GRADIENT, fontsize=11,
            ha="left", fontweight="bold")
    ax.text(9.4, 3.45, "w = [2, −3, −3],  x = [−1, −2]", color=NEUTRAL, fontsize=10,
            ha="left")
    ax.annotate("", xy=(6.6, -0.55), xytext=(13.0, -0.55),
                arrowprops={"arrowstyle": "-|>", "color": GRADIENT, "lw": 1.5})
    ax.text(9.8, -0.75, "backward pass: right to left, downstream = upstream × local",
            ha="center", va="top", fontsize=10, color=GRADIENT)
    ax.set_title("The sigmoid neuron as a circuit of primitive gates", fontsize=13)
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb02_sigmoid_circuit.png"
    return [save_figure(sigmoid_circuit_figure(), path)]


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
