"""Interactive explorers. Each widget is a function returning an ipywidgets container, built on
a pure function (in the same module) that computes what it shows.

Every public module in this package lists its widgets in ``__all__``; they are re-exported here,
so ``from helpers.widgets import gradient_flow`` works for all of them.
"""

import importlib
import pkgutil

__all__ = []

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("_"):
        continue
    _mod = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in getattr(_mod, "__all__", []):
        globals()[_name] = getattr(_mod, _name)
        __all__.append(_name)

del importlib, pkgutil
