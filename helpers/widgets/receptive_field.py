"""Receptive field and gradient routing of a 2-D convolution (notebook 05).

One input channel, one filter, a square ``size × size`` input ``x``, a ``K × K`` kernel ``w``,
stride ``S`` and zero padding ``P``. In the notebook's notation (cross-correlation, 0-based)

    o[i, j] = Σ_a Σ_b  w[a, b] · x[i·S − P + a, j·S − P + b]       (x is 0 outside the image)

so every term of the sum is one *link* ``(i, j, a, b, r, c)``: output ``(i, j)`` used weight
``(a, b)`` on input ``(r, c) = (i·S − P + a, j·S − P + b)``. The backward pass uses the same links
in reverse: ``dx[r, c] = Σ dout[i, j] · w[a, b]`` and ``dw[a, b] = Σ dout[i, j] · x[r, c]`` over
the links that touch ``(r, c)`` or ``(a, b)``.

- :func:`receptive_field_links` is the pure function (index sets, no matplotlib).
- :func:`receptive_field` is the widget; :func:`receptive_field_figure` the static default view.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from helpers.plotting import GRADIENT, HIGHLIGHT, NEUTRAL, PALETTE
from helpers.widgets._figure import FigureImage

__all__ = ["receptive_field", "receptive_field_figure", "receptive_field_links",
           "ReceptiveField"]

OUTPUT, INPUT = "output", "input"

# Cell codes of the three grids and their colours (colour-blind-safe tints of the palette).
EMPTY, PAD, SELECTED, USED, PAD_USED, ROUTED = range(6)
_CODE_COLOURS = ["#FFFFFF",    # EMPTY: an ordinary cell
                 "#E4E4E4",    # PAD: a zero-padding cell
                 HIGHLIGHT,    # SELECTED: the cell you picked
                 PALETTE[7],   # USED: light blue, a forward value that was used
                 "#C9D9EA",    # PAD_USED: a padding zero inside the patch (contributes 0)
                 PALETTE[8]]   # ROUTED: light orange, receives or carries gradient
_CMAP = ListedColormap(_CODE_COLOURS)


@dataclass(frozen=True)
class ReceptiveField:
    """What one pick selects. Coordinates are 0-based; input rows/cols may lie in the padding.

    Attributes:
        size, kernel, stride, pad: the configuration (input ``size × size``, kernel ``K × K``).
        out_size: ``(size + 2·pad − kernel) // stride + 1``, the output is ``out_size²``.
        mode: ``"output"`` (which inputs and weights an output used) or ``"input"`` (which
            outputs and weights the gradient of an input comes from).
        pos: the picked ``(row, col)`` (of the output in mode ``"output"``, else of the input).
        links: tuple of ``(i, j, a, b, r, c)``: output ``(i, j)``, weight ``(a, b)``, input
            ``(r, c)`` with ``r = i·stride − pad + a``, ``c = j·stride − pad + b``.
    """

    size: int
    kernel: int
    stride: int
    pad: int
    out_size: int
    mode: str
    pos: tuple
    links: tuple

    @property
    def outputs(self) -> set:
        """The output positions ``(i, j)`` that take part."""
        return {(i, j) for i, j, *_ in self.links}

    @property
    def weights(self) -> set:
        """The weight positions ``(a, b)`` that take part."""
        return {(a, b) for _, _, a, b, _, _ in self.links}

    @property
    def inputs(self) -> set:
        """The input positions ``(r, c)`` that take part, padding included."""
        return {(r, c) for *_, r, c in self.links}

    def in_image(self, r: int, c: int) -> bool:
        """True when input position ``(r, c)`` is a real pixel, not padding."""
        return 0 <= r < self.size and 0 <= c < self.size


def _check_int(fname: str, name: str, value, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{fname}: {name} expects an integer, got {type(value).__name__}")
    if value < low:
        raise ValueError(f"{fname}: {name} expects an integer >= {low}, got {value}")
    return int(value)


def receptive_field_links(size: int, kernel: int, stride: int = 1, pad: int = 0, *,
                          output: tuple | None = None,
                          input: tuple | None = None) -> ReceptiveField:
    """The terms of the convolution sum that touch one output or one input.

    Args:
        size: input height = width (int ≥ 1).
        kernel: kernel height = width K (int ≥ 1).
        stride: S (int ≥ 1).
        pad: P, zeros added on every side (int ≥ 0).
        output: ``(i, j)`` with ``0 ≤ i, j < out_size``: the forward question "which inputs and
            weights made o[i, j]?" (``K²`` links, some on padding).
        input: ``(r, c)`` with ``0 ≤ r, c < size``: the backward question "which outputs and
            weights send gradient to x[r, c]?" (possibly none when the stride skips it).
            Give exactly one of ``output`` and ``input``.

    Returns:
        :class:`ReceptiveField` whose ``links`` are sorted ``(i, j, a, b, r, c)`` tuples.
    """
    fname = "receptive_field_links"
    size = _check_int(fname, "size", size, 1)
    kernel = _check_int(fname, "kernel", kernel, 1)
    stride = _check_int(fname, "stride", stride, 1)
    pad = _check_int(fname, "pad", pad, 0)
    if size + 2 * pad < kernel:
        raise ValueError(f"{fname}: kernel expects at most size + 2·pad = {size + 2 * pad} "
                         f"so the output is not empty, got kernel={kernel}")
    out_size = (size + 2 * pad - kernel) // stride + 1
    if (output is None) == (input is None):
        raise ValueError(f"{fname}: expects exactly one of output=(i, j) or input=(r, c), "
                         f"got output={output!r}, input={input!r}")
    mode, pos, limit = (OUTPUT, output, out_size) if output is not None else (INPUT, input, size)
    try:
        p, q = (int(v) for v in pos)
    except (TypeError, ValueError):
        raise TypeError(f"{fname}: {mode} expects a (row, col) pair of integers, "
                        f"got {pos!r}") from None
    if not (0 <= p < limit and 0 <= q < limit):
        raise ValueError(f"{fname}: {mode} expects row and col in [0, {limit}), got {(p, q)}")

    if mode == OUTPUT:
        links = [(p, q, a, b, p * stride - pad + a, q * stride - pad + b)
                 for a in range(kernel) for b in range(kernel)]
    else:
        # r = i·S − P + a  ⇔  a = r + P − i·S, and a must lie in [0, K).
        rows = [(i, p + pad - i * stride) for i in range(out_size)
                if 0 <= p + pad - i * stride < kernel]
        cols = [(j, q + pad - j * stride) for j in range(out_size)
                if 0 <= q + pad - j * stride < kernel]
        links = [(i, j, a, b, p, q) for i, a in rows for j, b in cols]
    return ReceptiveField(size, kernel, stride, pad, out_size, mode, (p, q), tuple(sorted(links)))


def grid_codes(rf: ReceptiveField) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Colour codes of the three grids for a :class:`ReceptiveField` (pure, no matplotlib).

    Returns:
        xcodes: ``(size + 2·pad, size + 2·pad)`` padded input; ``kcodes``: ``(K, K)``;
        ocodes: ``(out_size, out_size)``. Values are EMPTY, PAD, SELECTED, USED, PAD_USED, ROUTED.
    """
    n = rf.size + 2 * rf.pad
    xcodes = np.full((n, n), PAD, dtype=np.int8)
    xcodes[rf.pad:rf.pad + rf.size, rf.pad:rf.pad + rf.size] = EMPTY
    kcodes = np.full((rf.kernel, rf.kernel), EMPTY, dtype=np.int8)
    ocodes = np.full((rf.out_size, rf.out_size), EMPTY, dtype=np.int8)
    if rf.mode == OUTPUT:
        ocodes[rf.pos] = SELECTED
        for _, _, a, b, r, c in rf.links:
            xcodes[r + rf.pad, c + rf.pad] = USED if rf.in_image(r, c) else PAD_USED
            kcodes[a, b] = USED
    else:
        xcodes[rf.pos[0] + rf.pad, rf.pos[1] + rf.pad] = SELECTED
        for i, j, a, b, _, _ in rf.links:
            ocodes[i, j] = ROUTED
            kcodes[a, b] = ROUTED
    return xcodes, kcodes, ocodes


def describe(rf: ReceptiveField, max_terms: int = 4) -> str:
    """One line of text: the sum the pick stands for (shortened after ``max_terms`` terms)."""
    def join(terms):
        if not terms:
            return "0"
        more = f" + … ({len(terms)} terms)" if len(terms) > max_terms else ""
        return " + ".join(terms[:max_terms]) + more

    if rf.mode == OUTPUT:
        i, j = rf.pos
        terms = [f"w{a}{b}·x{r}{c}" if rf.in_image(r, c) else f"w{a}{b}·0"
                 for _, _, a, b, r, c in rf.links]
        return f"o{i}{j} = {join(terms)}"
    r, c = rf.pos
    terms = [f"δ{i}{j}·w{a}{b}" for i, j, a, b, _, _ in rf.links]
    return f"dx{r}{c} = {join(terms)}"


# ---------------------------------------------------------------- drawing -------------------

MAX_SIZE, MAX_KERNEL, MAX_STRIDE, MAX_PAD = 9, 5, 3, 2
_MAX_GRID = MAX_SIZE + 2 * MAX_PAD


class _Panel:
    """One grid (image of codes, cell grid lines and a pool of cell labels), updated in place."""

    def __init__(self, ax, title: str, xlabel: str):
        self.ax = ax
        self.im = ax.imshow(np.zeros((1, 1)), cmap=_CMAP, vmin=-0.5, vmax=len(_CODE_COLOURS) - 0.5,
                            interpolation="nearest")
        self.labels = [ax.text(0, 0, "", ha="center", va="center", fontsize=7, color="black",
                               visible=False) for _ in range(_MAX_GRID * _MAX_GRID)]
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=9)
        ax.grid(False)
        # cell borders: one LineCollection (cheaper to redraw than minor-tick grid lines)
        self.cells = ax.add_collection(LineCollection([], colors=NEUTRAL, linewidths=0.5,
                                                      alpha=0.6))
        ax.tick_params(which="both", length=0, labelsize=7)
        self.frame = None
        self.offset = 0

    def update(self, codes: np.ndarray, labels: dict, offset: int = 0) -> None:
        n = codes.shape[0]
        self.offset = offset
        self.im.set_data(codes)
        self.im.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        ax = self.ax
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ticks = np.arange(n)
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xticklabels([str(t - offset) for t in ticks])
        ax.set_yticklabels([str(t - offset) for t in ticks])
        edges = np.arange(-0.5, n, 1)
        self.cells.set_segments([[(e, -0.5), (e, n - 0.5)] for e in edges]
                                + [[(-0.5, e), (n - 0.5, e)] for e in edges])
        size = 7 if n <= 9 else 5.5
        items = list(labels.items())
        for k, t in enumerate(self.labels):
            if k < len(items):
                (r, c), s = items[k]
                t.set_position((c, r))
                t.set_text(s if n <= 9 else s.lstrip("wx"))  # big grids: the indices only
                t.set_fontsize(size)
                t.set_visible(True)
            else:
                t.set_visible(False)
        if self.frame is not None:
            self.frame.remove()
            self.frame = None
        if offset:
            m = n - 2 * offset
            self.frame = ax.add_patch(Rectangle((offset - 0.5, offset - 0.5), m, m, fill=False,
                                                edgecolor=NEUTRAL, linewidth=1.5))


def _labels(rf: ReceptiveField) -> tuple[dict, dict, dict]:
    """Cell labels of the three grids: which weight links each highlighted cell."""
    xl, kl, ol = {}, {}, {}
    if rf.mode == OUTPUT:
        for _, _, a, b, r, c in rf.links:
            xl[(r + rf.pad, c + rf.pad)] = f"w{a}{b}" if rf.in_image(r, c) else "0"
            kl[(a, b)] = f"w{a}{b}"
        ol[rf.pos] = f"o{rf.pos[0]}{rf.pos[1]}"
    else:
        xl[(rf.pos[0] + rf.pad, rf.pos[1] + rf.pad)] = f"x{rf.pos[0]}{rf.pos[1]}"
        for i, j, a, b, _, _ in rf.links:
            ol[(i, j)] = f"w{a}{b}"
            kl[(a, b)] = f"w{a}{b}"
    return xl, kl, ol


class _View:
    """The figure of the widget: three panels and a formula line, updated in place."""

    def __init__(self, figsize=(9.0, 3.6), dpi=90):
        self.canvas = FigureImage(figsize=figsize, dpi=dpi)
        fig = self.canvas.fig
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.3, 0.75, 1.0]})
        self.px = _Panel(axes[0], "input x (grey = zero padding)", "column c")
        self.pk = _Panel(axes[1], "kernel w", "column b")
        self.po = _Panel(axes[2], "output o  /  upstream δ", "column j")
        axes[0].set_ylabel("row r")
        axes[1].set_ylabel("row a")
        axes[2].set_ylabel("row i")
        self.suptitle = fig.suptitle("", fontsize=11)
        self.formula = fig.text(0.5, 0.02, "", ha="center", fontsize=9, color=GRADIENT)
        fig.subplots_adjust(left=0.05, right=0.99, top=0.82, bottom=0.2, wspace=0.3)

    def refresh(self) -> None:
        """Render to the image widget.

        Axes, ticks and titles depend only on the grid sizes and the padding, so they are
        drawn once per geometry and cached; a move of row, column or mode redraws only the
        grids, their cell lines and labels, and the two text lines over that background.
        """
        panels = (self.px, self.pk, self.po)
        dynamic = []
        for p in panels:
            dynamic += [p.im, p.cells] + ([p.frame] if p.frame is not None else [])
            dynamic += list(p.ax.spines.values())  # drawn over the grid's edge, as in a full draw
            dynamic += [t for t in p.labels if t.get_visible()]
        self.canvas.dynamic = dynamic + [self.suptitle, self.formula]
        geometry = tuple(p.im.get_array().shape for p in panels) + (self.px.offset,)
        self.canvas.refresh(key=geometry)

    def update(self, rf: ReceptiveField) -> None:
        xcodes, kcodes, ocodes = grid_codes(rf)
        xl, kl, ol = _labels(rf)
        self.px.update(xcodes, xl, offset=rf.pad)
        self.pk.update(kcodes, kl)
        self.po.update(ocodes, ol)
        cfg = f"size {rf.size}, kernel {rf.kernel}, stride {rf.stride}, pad {rf.pad}"
        if rf.mode == OUTPUT:
            head = (f"Forward: output o{rf.pos[0]}{rf.pos[1]} reads a {rf.kernel}×{rf.kernel} "
                    f"patch ({cfg})")
            self.formula.set_color(PALETTE[0])
        else:
            head = (f"Backward: x{rf.pos[0]}{rf.pos[1]} gets gradient from "
                    f"{len(rf.outputs)} output(s) ({cfg})")
            self.formula.set_color(GRADIENT)
        self.suptitle.set_text(head)
        self.formula.set_text(describe(rf))


def receptive_field_figure(size: int = 7, kernel: int = 3, stride: int = 1, pad: int = 0, *,
                           output: tuple | None = None, input: tuple | None = None):
    """The static figure of one state (default: the backward view of input (2, 2)).

    Returns a :class:`matplotlib.figure.Figure` (not attached to pyplot).
    """
    if output is None and input is None:
        input = (2, 2)
    view = _View()
    view.update(receptive_field_links(size, kernel, stride, pad, output=output, input=input))
    return view.canvas.fig


def receptive_field(size: int = 7, kernel: int = 3, stride: int = 1, pad: int = 0):
    """Widget: pick an output (forward) or an input (backward) and see the links light up.

    Sliders for input size, kernel size, stride and padding; a toggle for the direction; two
    sliders for the picked row and column. Returns an ``ipywidgets.VBox``.
    """
    fname = "receptive_field"
    for name, value, low, high in [("size", size, 3, MAX_SIZE), ("kernel", kernel, 1, MAX_KERNEL),
                                   ("stride", stride, 1, MAX_STRIDE), ("pad", pad, 0, MAX_PAD)]:
        if _check_int(fname, name, value, low) > high:
            raise ValueError(f"{fname}: {name} expects an integer in [{low}, {high}] (the "
                             f"slider's range), got {value}")
    receptive_field_links(size, kernel, stride, pad, input=(0, 0))  # the output is not empty
    style = {"description_width": "70px"}
    lay = W.Layout(width="230px")
    s_size = W.IntSlider(value=size, min=3, max=MAX_SIZE, description="input size",
                         style=style, layout=lay)
    s_kernel = W.IntSlider(value=kernel, min=1, max=MAX_KERNEL, description="kernel",
                           style=style, layout=lay)
    s_stride = W.IntSlider(value=stride, min=1, max=MAX_STRIDE, description="stride",
                           style=style, layout=lay)
    s_pad = W.IntSlider(value=pad, min=0, max=MAX_PAD, description="padding",
                        style=style, layout=lay)
    mode = W.ToggleButtons(options=[("pick an input (backward)", INPUT),
                                    ("pick an output (forward)", OUTPUT)], value=INPUT)
    start = min(2, size - 1)
    s_row = W.IntSlider(value=start, min=0, max=size - 1, description="row", style=style,
                        layout=lay)
    s_col = W.IntSlider(value=start, min=0, max=size - 1, description="col", style=style,
                        layout=lay)
    status = W.HTML()
    view = _View()
    busy = {"flag": False}

    def redraw(_=None):
        if busy["flag"]:
            return
        busy["flag"] = True
        try:
            k = min(s_kernel.value, s_size.value + 2 * s_pad.value)
            s_kernel.value = k
            n = s_size.value
            out = (n + 2 * s_pad.value - k) // s_stride.value + 1
            limit = out if mode.value == OUTPUT else n
            for s in (s_row, s_col):
                s.max = limit - 1
                s.value = min(s.value, limit - 1)
            pick = (s_row.value, s_col.value)
            rf = receptive_field_links(n, k, s_stride.value, s_pad.value,
                                       **{mode.value: pick})
            view.update(rf)
            view.refresh()
            status.value = (f"<small>output {out}×{out}; "
                            f"redraw {view.canvas.last_render_ms:.0f} ms</small>")
        finally:
            busy["flag"] = False

    for w in (s_size, s_kernel, s_stride, s_pad, mode, s_row, s_col):
        w.observe(redraw, names="value")
    redraw()
    controls = W.HBox([W.VBox([s_size, s_kernel, s_stride, s_pad]),
                       W.VBox([mode, s_row, s_col, status])])
    box = W.VBox([controls, view.canvas.image])
    box.view = view  # for tests and benchmarks: the figure behind the image
    return box
