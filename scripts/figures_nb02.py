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
    fig = Figure(figsize=(9.6, 4.3))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    fig.subplots_adjust(left=0.0, right=1.0, bottom=0.0, top=0.93)
    ax.set(xlim=(-1.3, 16.0), ylim=(-1.1, 5.1), aspect="equal")
    ax.axis("off")
    number = {"fontsize": 12.5, "fontweight": "bold"}

    inputs = {"w0": (0.0, 4.55), "x0": (0.0, 3.45), "w1": (0.0, 2.05), "x1": (0.0, 0.95),
              "w2": (0.0, -0.2)}
    gates = {"p0": ((2.1, 4.0), "×"), "p1": ((2.1, 1.5), "×"), "s": ((4.3, 2.75), "+"),
             "z": ((6.1, 1.4), "+"), "a": ((8.1, 1.4), "×−1"), "b": ((10.1, 1.4), "exp"),
             "c": ((12.1, 1.4), "+1"), "f": ((14.1, 1.4), "1/x")}
    wires = [("w0", "p0"), ("x0", "p0"), ("w1", "p1"), ("x1", "p1"), ("p0", "s"),
             ("p1", "s"), ("s", "z"), ("w2", "z"), ("z", "a"), ("a", "b"), ("b", "c"),
             ("c", "f")]
    r = 0.45

    for name, (x, y) in inputs.items():  # inputs: value and gradient written beside the name
        ax.text(x, y, f"${name[0]}_{name[1]}$", ha="center", va="center", fontsize=16)
        value, grad = v[name]
        ax.text(x - 0.35, y + 0.04, f"{value:.2f}".replace("-", "−"), ha="right",
                va="bottom", color=FORWARD, **number)
        ax.text(x - 0.35, y - 0.04, f"{grad:.2f}".replace("-", "−"), ha="right", va="top",
                color=GRADIENT, **number)
    for (x, y), label in gates.values():
        ax.add_patch(Circle((x, y), r, fc="white", ec=NEUTRAL, lw=1.8))
        ax.text(x, y, label, ha="center", va="center", fontsize=13 if len(label) > 1 else 17)

    def pos(name):
        return inputs[name] if name in inputs else gates[name][0]

    def arrow(start, end):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14,
                                     color=NEUTRAL, lw=1.4))

    def wire_label(mx, my, value, grad, ux=1.0, uy=0.0):
        """Value on the upper side of the wire, gradient on the lower side, each centred on the
        wire's normal far enough out that its box clears the wire."""
        nx, ny = -uy, ux                                   # the normal on the upper side
        d = 0.3 + 0.3 * abs(nx)                            # a slanted wire needs more room
        for sign, text, colour in ((1, value, FORWARD), (-1, grad, GRADIENT)):
            ax.text(mx + sign * d * nx, my + sign * d * ny, f"{text:.2f}".replace("-", "−"),
                    ha="center", va="center", color=colour, **number)

    for src, dst in wires:
        (x0, y0), (x1, y1) = pos(src), pos(dst)
        start_gap = 0.35 if src in inputs else r
        d = np.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / d, (y1 - y0) / d
        start = (x0 + ux * start_gap, y0 + uy * start_gap)
        end = (x1 - ux * r, y1 - uy * r)
        arrow(start, end)
        if src not in inputs:
            t = 0.4 if src in ("p0", "p1") else 0.5      # the two converging wires: apart
            wire_label(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]),
                       *v[src], ux, uy)

    fx, fy = gates["f"][0]
    arrow((fx + r, fy), (fx + 1.35, fy))
    wire_label(fx + 0.9, fy, *v["f"])
    ax.text(fx + 1.45, fy, "$f$", ha="left", va="center", fontsize=16)

    ax.text(8.3, 4.55, "forward value (upper number)", color=FORWARD, fontsize=13,
            ha="left", fontweight="bold")
    ax.text(8.3, 3.95, "gradient ∂f/∂wire (lower number)", color=GRADIENT, fontsize=13,
            ha="left", fontweight="bold")
    ax.text(8.3, 3.35, "w = [2, −3, −3],  x = [−1, −2]", color=NEUTRAL, fontsize=13,
            ha="left")
    ax.annotate("", xy=(6.3, -0.5), xytext=(14.1, -0.5),
                arrowprops={"arrowstyle": "-|>", "color": GRADIENT, "lw": 1.6})
    ax.text(10.2, -0.68, "backward: right to left, downstream = upstream × local",
            ha="center", va="top", fontsize=13, color=GRADIENT)
    ax.set_title("The sigmoid neuron as a circuit of primitive gates", fontsize=15)
    return fig


def main(outdir: Path) -> list[Path]:
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / "nb02_sigmoid_circuit.png"
    return [save_figure(sigmoid_circuit_figure(), path, dpi=220)]   # sharp at 2x


if __name__ == "__main__":
    for p in main(ROOT / "figures"):
        print(f"wrote {p.relative_to(ROOT)}")
