"""One figure per widget, updated in place and shown as a PNG image widget.

A widget keeps a single :class:`matplotlib.figure.Figure` (never pyplot, so nothing is
displayed twice), updates its artists (``set_data``, ``set_text``, …) when a control moves and
re-renders it into an ``ipywidgets.Image``. This works in JupyterLab, classic Notebook, VS Code
and Colab (ipywidgets 7 or 8) without ipympl.

Two ways to refresh:

- plain: ``refresh()`` draws the whole figure once and sends it as a PNG;
- blitted: list the artists that move in ``dynamic``; the first refresh draws everything else
  once and caches it as a background (one per ``key``, e.g. per dropdown choice), later
  refreshes restore that background and draw only the moving artists — a few milliseconds
  instead of a full layout of every tick label. ``refresh(full=True)`` redraws the background
  after a change to the static parts (new axis limits, a new expression).
"""

from __future__ import annotations

import io
import time

import ipywidgets as W
import numpy as np
import PIL.Image
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
        last_render_ms: wall time of the last :meth:`refresh`, in milliseconds.
    """

    def __init__(self, figsize=(7.0, 4.0), dpi: int = 90, max_backgrounds: int = 16,
                 **figure_kw):
        self.fig = Figure(figsize=figsize, dpi=dpi, **figure_kw)
        FigureCanvasAgg(self.fig)
        self.image = W.Image(format="png")
        self.dynamic: list = []
        self.last_render_ms = 0.0
        self.max_backgrounds = max_backgrounds  # each is a full RGBA frame: keep a few
        self._backgrounds: dict = {}

    def refresh(self, key=None, full: bool = False) -> None:
        """Render the figure into the image widget.

        Args:
            key: which cached background to use when blitting (e.g. the selected option).
            full: redraw the background of ``key`` even if one is cached.
        """
        t0 = time.perf_counter()
        canvas = self.fig.canvas
        if not self.dynamic:
            canvas.draw()  # one draw (savefig with the style's tight box would draw twice)
        else:
            if full or key not in self._backgrounds:
                for artist in self.dynamic:
                    artist.set_animated(True)  # left out of the background
                canvas.draw()
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

    def png(self) -> bytes:
        """The canvas as PNG bytes (light compression: it goes to the browser, not to disk)."""
        buf = io.BytesIO()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        PIL.Image.fromarray(rgba).save(buf, format="png", compress_level=1)
        return buf.getvalue()
