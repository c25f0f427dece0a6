"""Receptive field and gradient routing of a 2-D convolution (notebook 05).

One input channel, one filter, a square ``size × size`` input ``x``, a ``K × K`` kernel ``w``,
stride ``S`` and zero padding ``P``. In the notebook's notation (cross-correlation, 0-based;
output position ``(i, j)``, kernel offset ``(u, v)``, input pixel ``(r, t)``)

    o[i, j] = Σ_u Σ_v  w[u, v] · x[i·S − P + u, j·S − P + v]       (x is 0 outside the image)

so every term of the sum is one *link* ``(i, j, u, v, r, t)``: output ``(i, j)`` used weight
``(u, v)`` on input ``(r, t) = (i·S − P + u, j·S − P + v)``. The backward pass uses the same links
in reverse: ``dx[r, t] = Σ dout[i, j] · w[u, v]`` and ``dw[u, v] = Σ dout[i, j] · x[r, t]`` over
the links that touch ``(r, t)`` or ``(u, v)``.

- :func:`receptive_field_links` is the pure function (index sets, no matplotlib).
- :func:`receptive_field` is the widget; :func:`receptive_field_figure` the static default view.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.artist import Artist
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

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
        links: tuple of ``(i, j, u, v, r, t)``: output ``(i, j)``, weight ``(u, v)``, input
            ``(r, t)`` with ``r = i·stride − pad + u``, ``t = j·stride − pad + v``.
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
        """The weight positions ``(u, v)`` that take part."""
        return {(u, v) for _, _, u, v, _, _ in self.links}

    @property
    def inputs(self) -> set:
        """The input positions ``(r, t)`` that take part, padding included."""
        return {(r, t) for *_, r, t in self.links}

    def in_image(self, r: int, t: int) -> bool:
        """True when input position ``(r, t)`` is a real pixel, not padding."""
        return 0 <= r < self.size and 0 <= t < self.size


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
        input: ``(r, t)`` with ``0 ≤ r, t < size``: the backward question "which outputs and
            weights send gradient to x[r, t]?" (possibly none when the stride skips it).
            Give exactly one of ``output`` and ``input``.

    Returns:
        :class:`ReceptiveField` whose ``links`` are sorted ``(i, j, u, v, r, t)`` tuples.
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
        raise ValueError(f"{fname}: expects exactly one of output=(i, j) or input=(r, t), "
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
        links = [(p, q, u, v, p * stride - pad + u, q * stride - pad + v)
                 for u in range(kernel) for v in range(kernel)]
    else:
        # r = i·S − P + u  ⇔  u = r + P − i·S, and u must lie in [0, K).
        rows = [(i, p + pad - i * stride) for i in range(out_size)
                if 0 <= p + pad - i * stride < kernel]
        cols = [(j, q + pad - j * stride) for j in range(out_size)
                if 0 <= q + pad - j * stride < kernel]
        links = [(i, j, u, v, p, q) for i, u in rows for j, v in cols]
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
        for _, _, u, v, r, t in rf.links:
            xcodes[r + rf.pad, t + rf.pad] = USED if rf.in_image(r, t) else PAD_USED
            kcodes[u, v] = USED
    else:
        xcodes[rf.pos[0] + rf.pad, rf.pos[1] + rf.pad] = SELECTED
        for i, j, u, v, _, _ in rf.links:
            ocodes[i, j] = ROUTED
            kcodes[u, v] = ROUTED
    return xcodes, kcodes, ocodes


def _ix(a: int, b: int) -> str:
    """Two indices as a label: ``"22"``, or ``"10,3"`` once one has two digits."""
    return f"{a}{b}" if a < 10 and b < 10 else f"{a},{b}"


def describe(rf: ReceptiveField, max_terms: int = 4) -> str:
    """One line of text: the sum the pick stands for (shortened after ``max_terms`` terms)."""
    def join(terms):
        if not terms:
            return "0"
        more = f" + … ({len(terms)} terms)" if len(terms) > max_terms else ""
        return " + ".join(terms[:max_terms]) + more

    if rf.mode == OUTPUT:
        terms = [f"w{_ix(u, v)}·x{_ix(r, t)}" if rf.in_image(r, t) else f"w{_ix(u, v)}·0"
                 for _, _, u, v, r, t in rf.links]
        return f"o{_ix(*rf.pos)} = {join(terms)}"
    terms = [f"δ{_ix(i, j)}·w{_ix(u, v)}" for i, j, u, v, _, _ in rf.links]
    return f"dx{_ix(*rf.pos)} = {join(terms)}"


# ---------------------------------------------------------------- drawing -------------------

MAX_SIZE, MAX_KERNEL, MAX_STRIDE, MAX_PAD = 9, 5, 3, 2
_MAX_GRID = MAX_SIZE + 2 * MAX_PAD
FIGSIZE = (10.0, 4.6)     # inches; at 90 dpi a 900 × 414 px image, text 11–14 pt


def _label_style(n: int) -> tuple[float, bool]:
    """Font size of the cell labels on an n × n grid, and whether they fit their letter."""
    if n <= 7:
        return 12.0, True
    if n <= 9:
        return 10.5, True
    return 9.0, False           # big grids: the indices only ("22" rather than "w22")


class _Panel:
    """One grid (image of codes, cell grid lines and a pool of cell labels), updated in place."""

    def __init__(self, ax, title: str, xlabel: str, ylabel: str):
        self.ax = ax
        self.im = ax.imshow(np.zeros((1, 1)), cmap=_CMAP, vmin=-0.5, vmax=len(_CODE_COLOURS) - 0.5,
                            interpolation="nearest")
        self.labels = [ax.text(0, 0, "", ha="center", va="center", color="black",
                               visible=False) for _ in range(_MAX_GRID * _MAX_GRID)]
        # y pinned where matplotlib puts it anyway (no tick labels on top): otherwise every
        # draw measures all the y tick labels again to decide that
        ax.set_title(title, fontsize=13, y=1.0)
        ax.set_xlabel(xlabel, fontsize=12, labelpad=2)
        ax.set_ylabel(ylabel, fontsize=12, labelpad=2)
        ax.grid(False)
        # cell borders: one LineCollection (cheaper to redraw than minor-tick grid lines)
        self.cells = ax.add_collection(LineCollection([], colors=NEUTRAL, linewidths=0.6,
                                                      alpha=0.6))
        # every tick the largest grid needs, made once: a geometry move then only relabels
        ax.set_xticks(np.arange(_MAX_GRID))
        ax.set_yticks(np.arange(_MAX_GRID))
        ax.tick_params(which="both", length=0, labelsize=11, pad=2)
        self.labelsize = 11
        self.frame = None
        self.offset = 0
        self.geometry = None
        self.state = None  # everything the grid shows: geometry, codes and labels

    def update(self, codes: np.ndarray, labels: dict, offset: int = 0) -> None:
        n = codes.shape[0]
        self.state = (n, offset, codes.tobytes(), tuple(labels.items()))
        self.im.set_data(codes)
        if self.geometry != (n, offset):
            self._set_geometry(n, offset)
        size, letters = _label_style(n)
        items = list(labels.items())
        for k, text in enumerate(self.labels):
            if k < len(items):
                (r, t), label = items[k]
                text.set_position((t, r))
                text.set_text(label if letters else label.lstrip("wxo"))
                text.set_fontsize(size if letters or "," not in label else size - 1.5)
                text.set_visible(True)
            else:
                text.set_visible(False)

    def _set_geometry(self, n: int, offset: int) -> None:
        """Limits, ticks, cell lines and padding frame of an n × n grid (padding ``offset``)."""
        self.geometry = (n, offset)
        self.offset = offset
        self.im.set_extent((-0.5, n - 0.5, n - 0.5, -0.5))
        ax = self.ax
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ticks = np.arange(n)
        ax.set_xticks(ticks)
        ax.set_yticks(ticks)
        ax.set_xticklabels([str(t - offset) for t in ticks])
        ax.set_yticklabels([str(t - offset) for t in ticks])
        if self.labelsize != (11 if n <= 9 else 9):
            self.labelsize = 11 if n <= 9 else 9
            ax.tick_params(labelsize=self.labelsize)
        edges = np.arange(-0.5, n, 1)
        self.cells.set_segments([[(e, -0.5), (e, n - 0.5)] for e in edges]
                                + [[(-0.5, e), (n - 0.5, e)] for e in edges])
        if self.frame is not None:
            self.frame.remove()
            self.frame = None
        if offset:
            m = n - 2 * offset
            self.frame = ax.add_patch(Rectangle((offset - 0.5, offset - 0.5), m, m, fill=False,
                                                edgecolor=NEUTRAL, linewidth=1.8))

    def artists(self) -> list:
        """What the grid shows, in the order a full draw paints it (the spines over the
        grid's edge, the labels last)."""
        return ([self.im, self.cells] + ([self.frame] if self.frame is not None else [])
                + list(self.ax.spines.values()) + [t for t in self.labels if t.get_visible()])


def _labels(rf: ReceptiveField) -> tuple[dict, dict, dict]:
    """Cell labels of the three grids: which weight links each highlighted cell."""
    xl, kl, ol = {}, {}, {}
    if rf.mode == OUTPUT:
        for _, _, u, v, r, t in rf.links:
            xl[(r + rf.pad, t + rf.pad)] = f"w{_ix(u, v)}" if rf.in_image(r, t) else "0"
            kl[(u, v)] = f"w{_ix(u, v)}"
        ol[rf.pos] = f"o{_ix(*rf.pos)}"
    else:
        xl[(rf.pos[0] + rf.pad, rf.pos[1] + rf.pad)] = f"x{_ix(*rf.pos)}"
        for i, j, u, v, _, _ in rf.links:
            ol[(i, j)] = f"w{_ix(u, v)}"
            kl[(u, v)] = f"w{_ix(u, v)}"
    return xl, kl, ol


class _Ticks(Artist):
    """The tick labels and axis labels of one panel, drawn once per geometry of its grid and
    then pasted from a cache: a geometry move redraws only the panels whose grid changed.

    A keyed artist of the widget's :class:`FigureImage`, drawn over a base without any axis.
    What it caches is the panel's column of the figure (full height, from just right of the
    panel on its left to just right of its own grid) just after drawing its axes over the
    base: pasting it gives exactly the pixels a draw would, as long as no panel's tick or axis
    labels reach into another's column (``tests/test_nb05_widgets.py`` checks the largest
    grids).
    """

    MARGIN = 8  # pixels right of a grid that still belong to its column

    def __init__(self, panel: _Panel, left=None, last: bool = False):
        super().__init__()
        self.panel, self.left, self.last = panel, left, last
        self.regions: dict = {}

    def column(self) -> Bbox:
        """The panel's column of the figure in pixels (the axes positions of the last draw)."""
        fig = self.panel.ax.figure
        x0 = 0.0 if self.left is None else self.left.get_window_extent().x1 + self.MARGIN
        x1 = (fig.bbox.x1 if self.last
              else self.panel.ax.get_window_extent().x1 + self.MARGIN)
        return Bbox([[x0, fig.bbox.y0], [x1, fig.bbox.y1]])

    def draw(self, renderer) -> None:
        canvas = self.panel.ax.figure.canvas
        cached = self.regions.get(self.panel.geometry)
        if cached is not None:
            canvas.restore_region(cached)
            return
        self.panel.ax.xaxis.draw(renderer)
        self.panel.ax.yaxis.draw(renderer)
        self.regions[self.panel.geometry] = canvas.copy_from_bbox(self.column())


class _Grid(Artist):
    """What one panel's grid shows (:meth:`_Panel.artists`), drawn once per state of the panel
    and pasted from a cache afterwards: a move that leaves a grid as it was (the kernel while
    a row slider moves, the input while the stride changes) does not draw it again.

    A dynamic artist of the widget's :class:`FigureImage`. The cached region is the panel's
    axes box with a margin for labels that overhang it; the state includes the geometry, so
    the tick labels in the margin are the ones of the background it is pasted on.
    """

    MARGIN = 10     # pixels around the axes box
    KEEP = 32       # states kept per panel (each up to ~350 kB)

    def __init__(self, panel: _Panel):
        super().__init__()
        self.panel = panel
        self.regions: dict = {}

    def draw(self, renderer) -> None:
        panel = self.panel
        canvas = panel.ax.figure.canvas
        region = self.regions.pop(panel.state, None)    # put back last: the newest
        if region is None:
            for artist in panel.artists():
                artist.draw(renderer)
            region = canvas.copy_from_bbox(panel.ax.bbox.padded(self.MARGIN))
            if len(self.regions) >= self.KEEP:
                self.regions.pop(next(iter(self.regions)))
        else:
            canvas.restore_region(region)
        self.regions[panel.state] = region


class _View:
    """The figure of the widget: three panels and a formula line, updated in place."""

    def __init__(self, figsize=FIGSIZE, dpi=90):
        self.canvas = FigureImage(figsize=figsize, dpi=dpi)
        fig = self.canvas.fig
        axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 0.8, 1.0]})
        self.px = _Panel(axes[0], "input x (grey: zero padding)", "column t", "row r")
        self.pk = _Panel(axes[1], "kernel w", "column v", "row u")
        self.po = _Panel(axes[2], "output o, upstream δ", "column j", "row i")
        self.suptitle = fig.suptitle("", fontsize=14)
        self.formula = fig.text(0.5, 0.025, "", ha="center", fontsize=13, color=GRADIENT)
        fig.subplots_adjust(left=0.05, right=0.985, top=0.84, bottom=0.17, wspace=0.28)

    def refresh(self) -> None:
        """Render to the image widget.

        Axes, ticks and titles depend only on the grid sizes and the padding, so they are
        drawn once per geometry and cached; a move of row, column or mode redraws only the
        grids that changed (with their cell lines and labels) and the two text lines over
        that background.
        """
        panels = (self.px, self.pk, self.po)
        if not self.canvas.keyed:
            # the titles are a base drawn once; each panel's ticks are drawn over it once per
            # geometry of that panel's grid (see _Ticks), its grid once per state (_Grid)
            xa, ka = self.px.ax, self.pk.ax
            self.canvas.keyed = [_Ticks(self.px), _Ticks(self.pk, left=xa),
                                 _Ticks(self.po, left=ka, last=True)]
            self.canvas.dynamic = [*(_Grid(p) for p in panels), self.suptitle, self.formula]
            for p in panels:
                for artist in (p.ax.xaxis, p.ax.yaxis, p.im, p.cells, *p.ax.spines.values(),
                               *p.labels):
                    artist.set_animated(True)
        for p in panels:
            if p.frame is not None:
                p.frame.set_animated(True)
        geometry = tuple(p.im.get_array().shape for p in panels) + (self.px.offset,)
        self.canvas.refresh(key=geometry)

    def update(self, rf: ReceptiveField) -> None:
        xcodes, kcodes, ocodes = grid_codes(rf)
        xl, kl, ol = _labels(rf)
        self.px.update(xcodes, xl, offset=rf.pad)
        self.pk.update(kcodes, kl)
        self.po.update(ocodes, ol)
        cfg = f"input {rf.size}×{rf.size}, kernel {rf.kernel}, stride {rf.stride}, pad {rf.pad}"
        if rf.mode == OUTPUT:
            head = f"Forward: o{_ix(*rf.pos)} reads a {rf.kernel}×{rf.kernel} patch ({cfg})"
            self.formula.set_color(PALETTE[0])
        else:
            n = len(rf.outputs)
            head = (f"Backward: x{_ix(*rf.pos)} gets gradient from {n} "
                    f"output{'' if n == 1 else 's'} ({cfg})")
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
            status.value = f"output {out}×{out}"
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
