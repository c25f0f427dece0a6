"""One figure per widget, updated in place and shown as a PNG image widget.

A widget keeps a single :class:`matplotlib.figure.Figure` (never pyplot, so nothing is
displayed twice), updates its artists (``set_data``, ``set_text``, …) when a control moves and
re-renders it into an ``ipywidgets.Image``. This works in JupyterLab, classic Notebook, VS Code
and Colab (ipywidgets 7 or 8) without ipympl.
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
        last_render_ms: wall time of the last :meth:`refresh`, in milliseconds.
    """

    def __init__(self, figsize=(7.0, 4.0), dpi: int = 90, **subplot_kw):
        self.fig = Figure(figsize=figsize, dpi=dpi, **subplot_kw)
        FigureCanvasAgg(self.fig)
        self.image = W.Image(format="png")
        self.last_render_ms = 0.0

    def refresh(self) -> None:
        """Draw the figure once and put it in the image widget as a PNG."""
        t0 = time.perf_counter()
        self.fig.canvas.draw()  # one draw; savefig would lay the figure out and draw it again
        buf = io.BytesIO()
        rgba = np.asarray(self.fig.canvas.buffer_rgba())
        # Light compression: the PNG goes straight to the browser, never to disk.
        PIL.Image.fromarray(rgba).save(buf, format="png", compress_level=1)
        self.image.value = buf.getvalue()
        self.last_render_ms = 1e3 * (time.perf_counter() - t0)
