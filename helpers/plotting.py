"""The course's one plotting style: colour-blind-safe, with fixed colours for the two things
every figure shows — forward values and gradients.

Importing this module applies the style (``tableau-colorblind10``). Use the named colours
below rather than picking new ones, so a learner sees "orange = gradient" in every notebook.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = [
    "use_course_style",
    "FORWARD",
    "GRADIENT",
    "NEUTRAL",
    "HIGHLIGHT",
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "DIVERGING_CMAP",
    "caption",
    "save_figure",
]

# tableau-colorblind10, named by role.
PALETTE = ["#006BA4", "#FF800E", "#ABABAB", "#595959", "#5F9ED1",
           "#C85200", "#898989", "#A2C8EC", "#FFBC79", "#CFCFCF"]
FORWARD = "#006BA4"     # blue: forward values, activations, "what the network computes"
GRADIENT = "#C85200"    # dark orange: gradients, "what flows back"
NEUTRAL = "#595959"     # dark grey: structure, axes, edges
HIGHLIGHT = "#FF800E"   # light orange: the element under the cursor / the selected item
SEQUENTIAL_CMAP = "cividis"
DIVERGING_CMAP = "PuOr"  # colour-blind-safe diverging map for signed quantities


def use_course_style() -> None:
    """Apply the course style to matplotlib (idempotent)."""
    plt.style.use("tableau-colorblind10")
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.bbox": "tight",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        # Sizes for a projector as well as a laptop: at the default 100 dpi, 12 pt is 17 px.
        "font.size": 12,
        "axes.titlesize": 14,
        "axes.labelsize": 13,
        "xtick.labelsize": 12,
        "ytick.labelsize": 12,
        "legend.fontsize": 12,
        "legend.frameon": False,
        "image.cmap": SEQUENTIAL_CMAP,
        "font.family": "DejaVu Sans",
        "svg.hashsalt": "backprop-by-hand",  # deterministic SVG ids
    })
    _sharp_inline_figures()


def _sharp_inline_figures() -> None:
    """Inline figures at 2x resolution, shown at their normal size ("retina" PNGs), so they
    stay sharp on high-resolution screens and projectors. Only inside an IPython kernel."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # plain Python: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def caption(ax, text: str) -> None:
    """Put a one-line note under an axes (figures also get a sentence in the markdown)."""
    ax.annotate(text, xy=(0.5, -0.18), xycoords="axes fraction", ha="center", va="top",
                fontsize=9, color=NEUTRAL)


def save_figure(fig, path, dpi: int = 110):
    """Write a static course figure (``figures/*.png``) the same way every time.

    A tight bounding box, one resolution for every notebook, and no "Software" stamp in the
    PNG metadata, so regenerating an unchanged figure gives the same bytes. Returns the path.
    """
    fig.savefig(path, dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)  # a no-op for figures pyplot does not manage
    return path


use_course_style()
