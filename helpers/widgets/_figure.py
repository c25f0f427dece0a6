"""One figure per widget, updated in place and shown as a PNG image widget.

A widget keeps a single :class:`matplotlib.figure.Figure` (never pyplot, so nothing is
displayed twice), updates its artists (``set_data``, ``set_text``, …) when a control moves and
re-renders it into an ``ipywidgets.Image``. This works in JupyterLab, classic Notebook, VS Code
and Colab (ipywidgets 7 or 8) without ipympl.

Three ways to refresh:

- plain: ``refresh()`` draws the whole figure once and sends it as a PNG;
- blitted: list the artists that move in ``dynamic``; the first refresh draws everything else
  once and caches it as a background (one per ``key``, e.g. per dropdown choice), later
  refreshes restore that background and draw only the moving artists — a few milliseconds
  instead of a full layout of every tick label. ``refresh(full=True)`` redraws the background
  after a change to the static parts (new axis limits, a new expression);
- blitted in two layers: list in ``keyed`` the artists that change only with the ``key`` (an
  axis whose limits move: ``ax.xaxis``, ``ax.yaxis`` and the spines drawn over their grid
  lines). Everything else static (titles, legends, axis frames) is drawn once as a base; a new
  key restores the base and draws only the keyed artists over it, so a new axis range costs
  its tick labels, not every text of the figure. They are drawn in list order over the whole
  base: list them in the order a full draw paints them, and keep in the base only what none
  of them overlaps (otherwise the picture differs from a full draw).

The PNG is written unfiltered with light zlib compression: about half the encoding time of
PIL's filtered PNG at a similar size (it goes to the browser, not to disk).
"""

from __future__ import annotations

import struct
import time
import zlib

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import helpers.plotting  # noqa: F401  (applies the course style)

__all__ = ["FigureImage"]


class FigureImage:
    """A matplotlib Figure rendered into an ``ipywidgets.Image``.

    Attributes:
        fig: the Figure; draw on it, then call :meth:`refresh`.
        image: the ``ipywidgets.Image`` to put in a layout.
        dynamic: artists redrawn on every refresh over a cached background (empty: no blitting).
        keyed: artists drawn once per key over a cached base (with blitting only; empty: the
            whole background is drawn per key).
        last_render_ms: wall time of the last :meth:`refresh`, in milliseconds.
    """

    def __init__(self, figsize=(7.0, 4.0), dpi: int = 90, max_backgrounds: int = 16,
                 **figure_kw):
        self.fig = Figure(figsize=figsize, dpi=dpi, **figure_kw)
        FigureCanvasAgg(self.fig)
        self.image = W.Image(format="png")
        self.dynamic: list = []
        self.keyed: list = []
        self.last_render_ms = 0.0
        self.max_backgrounds = max_backgrounds  # each is a full RGBA frame: keep a few
        self._backgrounds: dict = {}
        self._base = None  # the background without the keyed artists

    def refresh(self, key=None, full: bool = False) -> None:
        """Render the figure into the image widget.

        Args:
            key: which cached background to use when blitting (e.g. the selected option).
            full: redraw the background of ``key`` (and the base under the keyed artists)
                even if one is cached.
        """
        t0 = time.perf_counter()
        canvas = self.fig.canvas
        if not self.dynamic:
            canvas.draw()  # one draw (savefig with the style's tight box would draw twice)
        else:
            if full or key not in self._backgrounds:
                self._draw_background(full)
                self._backgrounds.pop(key, None)
                if len(self._backgrounds) >= self.max_backgrounds:  # forget the oldest
                    self._backgrounds.pop(next(iter(self._backgrounds)))
                self._backgrounds[key] = canvas.copy_from_bbox(self.fig.bbox)
            else:
                canvas.restore_region(self._backgrounds[key])
            for artist in self.dynamic:
                self.fig.draw_artist(artist)
        self.image.value = self.png()
        self.last_render_ms = 1e3 * (time.perf_counter() - t0)

    def _draw_background(self, full: bool) -> None:
        """Draw everything but the dynamic artists: all at once, or the keyed artists over the
        base (drawn first if there is none yet or ``full``)."""
        canvas = self.fig.canvas
        if not self.keyed or full or self._base is None:
            for artist in (*self.dynamic, *self.keyed):
                artist.set_animated(True)  # left out of the (base) background
            canvas.draw()
            if not self.keyed:
                return
            self._base = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._base)
        for artist in self.keyed:
            self.fig.draw_artist(artist)

    def png(self) -> bytes:
        """The canvas as PNG bytes: RGBA rows, no filter, zlib level 1 (lossless)."""
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        height, width, _ = rgba.shape
        rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # filter byte 0 = none
        rows[:, 1:] = rgba.reshape(height, -1)
        header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
        return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
                + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type and data."""
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))
