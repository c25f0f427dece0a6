"""Interactive explorers. Each widget is a function returning an ipywidgets container, built on
a pure function (in the same module) that computes what it shows.

Every public module in this package lists its widgets in ``__all__``; they are re-exported
here, so ``from helpers.widgets import gradient_flow`` works for all of them.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__: list[str] = []

# Import every widget module now and publish its public names on the package. Doing it here,
# once, matters: importing ``helpers.widgets.gradient_flow`` makes Python set the package
# attribute ``gradient_flow`` to the *module*; publishing ``__all__`` afterwards puts the
# widget function back, whatever is imported later and in whichever order.
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in getattr(_module, "__all__", []):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)

del importlib, pkgutil, _info, _module, _name
