"""How fast does every widget respond? (`make bench-widgets`)

Builds each widget exported by ``helpers.widgets`` in its default state, finds its controls
(sliders, dropdowns, toggle buttons, …) and moves each one a few times, timing the whole
synchronous update a learner waits for: the pure function's recompute plus the figure's redraw
into its image. Prints the median and worst time per widget. The course's bar is well under
100 ms per move on a 2-core machine.
"""

from __future__ import annotations

import statistics
import sys
import time

import ipywidgets as W
import numpy as np

import helpers.widgets as hw

CONTROL_TYPES = (W.IntSlider, W.FloatSlider, W.FloatLogSlider, W.Dropdown, W.ToggleButtons,
                 W.RadioButtons, W.SelectionSlider, W.Checkbox, W.ToggleButton)


def controls(widget):
    """Every value control inside a widget tree, depth first."""
    found = []
    if isinstance(widget, CONTROL_TYPES):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found += controls(child)
    return found


def other_values(control) -> list:
    """A few valid values different from the current one."""
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        return [not control.value, control.value]
    if hasattr(control, "options"):
        values = list(control._options_values)  # the values behind the shown labels
        return [v for v in values if v != control.value][:3] + [control.value]
    lo, hi = control.min, control.max
    steps = [lo + (hi - lo) * f for f in (0.25, 0.75, 0.5)]
    if isinstance(control, W.IntSlider):
        steps = [int(round(s)) for s in steps]
    if isinstance(control, W.FloatLogSlider):
        steps = [control.base ** (control.min + (control.max - control.min) * f)
                 for f in (0.25, 0.75, 0.5)]
    return steps + [control.value]


def _training_explorer():
    """The spiral explorer of notebook 03 on a random two-layer net (41 snapshots)."""
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 2)), rng.integers(0, 3, 300)
    shots = []
    for k in range(41):
        p = {"W1": rng.standard_normal((2, 64)), "b1": np.zeros(64),
             "W2": rng.standard_normal((64, 3)), "b2": np.zeros(3)}
        shots.append(hw.snapshot(k, p, {"W1": p["W1"], "W2": p["W2"]}, 1.0))
    return hw.training_explorer(shots, X, y, index=4)


def _embedding_explorer():
    """Notebook 09's map of word vectors: 17 saved tables of 80 words, three tables."""
    rng = np.random.default_rng(0)
    words = sorted({w for group in hw.GROUPS.values() for w in group})
    words += [f"w{k}" for k in range(80 - len(words))]
    tables = {name: np.cumsum(rng.standard_normal((17, 80, 16)), axis=0)
              for name in ("tied W", "untied input", "untied output")}
    return hw.embedding_explorer(tables, list(range(0, 850, 50)), words)


def _sampling_explorer():
    """Notebook 11's sampler on a random character LSTM of the notebook's size."""
    rng = np.random.default_rng(0)
    chars = "".join(sorted(set(" ".join(hw.PROMPTS)) | set("abcdefghijklmnopqrstuvwxyz,.;:")))
    V, D, H = len(chars), 32, 128
    params = {"W_embed": rng.standard_normal((V, D)), "Wx": rng.standard_normal((D, 4 * H)) * .1,
              "Wh": rng.standard_normal((H, 4 * H)) * .1, "b": np.zeros(4 * H),
              "W_out": rng.standard_normal((H, V)) * .1, "b_out": np.zeros(V)}
    return hw.sampling_explorer(params, chars)


# Widgets that need a model or data: built from synthetic inputs of the notebooks' sizes.
FACTORIES = {"training_explorer": _training_explorer, "embedding_explorer": _embedding_explorer,
             "sampling_explorer": _sampling_explorer}


def bench(name: str) -> tuple[int, list[float]]:
    factory = FACTORIES.get(name, getattr(hw, name))
    widget = factory()
    times = []
    ctrls = controls(widget)
    for control in ctrls:
        for value in other_values(control):
            t0 = time.perf_counter()
            control.value = value
            times.append(1e3 * (time.perf_counter() - t0))
    return len(ctrls), times


def main() -> int:
    names = [n for n in dir(hw) if not n.startswith("_") and callable(getattr(hw, n))]
    widget_names = []
    for n in names:
        if n in FACTORIES:
            widget_names.append(n)
            continue
        try:
            if isinstance(getattr(hw, n)(), W.Widget):
                widget_names.append(n)
        except TypeError:
            continue  # needs arguments: a helper, not a widget
    print(f"{'widget':28s} {'controls':>8s} {'moves':>6s} {'median ms':>10s} {'max ms':>8s}")
    for n in widget_names:
        count, times = bench(n)
        if not times:
            continue
        print(f"{n:28s} {count:8d} {len(times):6d} {statistics.median(times):10.1f} "
              f"{max(times):8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
