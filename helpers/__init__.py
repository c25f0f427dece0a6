"""Backprop by Hand: reference implementations, checkers and widgets for the course notebooks.

Submodules (import them directly, e.g. ``from helpers.layers import conv2d_forward``):

- ``helpers.gradcheck``  numerical gradients, relative error, a one-call layer checker
- ``helpers.graph``      a scalar autograd engine (``Value``) that can draw itself
- ``helpers.layers``     forward/backward pairs for every layer the course derives
- ``helpers.plotting``   the course's colour-blind-safe style and fixed colours
- ``helpers.widgets``    the interactive explorers (ipywidgets) and their pure functions
- ``helpers.exercises``  checkers for the "Your turn" cells
"""

__version__ = "0.1.0"
