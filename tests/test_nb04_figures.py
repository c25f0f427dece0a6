"""scripts/figures_nb04.py writes the figure notebook 04's markdown links to."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_figures_nb04_main_writes_the_linked_png(tmp_path):
    script = ROOT / "scripts" / "figures_nb04.py"
    spec = importlib.util.spec_from_file_location("figures_nb04", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    paths = module.main(tmp_path)
    assert [p.name for p in paths] == ["nb04_window_classifier.png"]
    assert paths[0].stat().st_size > 10_000
    source = (ROOT / "notebooks" / "04_jacobians_and_shape_convention.py").read_text()
    assert "../figures/nb04_window_classifier.png" in source
    assert (ROOT / "figures" / "nb04_window_classifier.png").exists()
