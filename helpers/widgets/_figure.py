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
        """Render the figure into the image widget (one PNG encode)."""
        t0 = time.perf_counter()
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.fig.dpi)
        self.image.value = buf.getvalue()
        self.last_render_ms = 1e3 * (time.perf_counter() - t0)
