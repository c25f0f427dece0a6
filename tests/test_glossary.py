"""The glossary is complete and in order: every Korean key term a notebook introduces in its
"Key terms" cell has a row in GLOSSARY.md, the rows are sorted and each names an existing
notebook."""
import re

import nbformat
import pytest
from notebook_tools import ROOT, notebook_paths

HANGUL = re.compile(r"[\uac00-\ud7a3]")
GLOSSARY = ROOT / "GLOSSARY.md"


def glossary_rows() -> list[list[str]]:
    """The table's rows as ``[english, korean, first met in, one line]``."""
    rows = [re.split(r"(?<!\\)\|", line.strip().strip("|"))
            for line in GLOSSARY.read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| English")]
    return [[cell.strip() for cell in row] for row in rows]


def korean_names(entry: str) -> set[str]:
    """A row's Korean names: "망각 / 입력 / 출력 게이트" also names "망각 게이트", "입력 게이트"."""
    parts = [part.strip() for part in entry.split("/")]
    suffix = " ".join(parts[-1].split()[1:])
    names = {entry, *parts}
    names |= {f"{part} {suffix}" for part in parts[:-1] if suffix and len(part.split()) == 1}
    return names


def key_terms(path) -> list[str]:
    """The Korean names in the notebook's "Key terms" cell: the Hangul parts of each (...)."""
    nb = nbformat.read(path, as_version=4)
    cells = [c.source for c in nb.cells
             if c.cell_type == "markdown" and c.source.lstrip().startswith("## Key terms")]
    terms = []
    for cell in cells:
        for group in re.findall(r"\(([^()]*)\)", cell):
            for part in group.split(","):
                part = " ".join(part.replace("*", "").split())
                if HANGUL.search(part):
                    terms.append(part)
    return terms


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_every_korean_key_term_is_in_the_glossary(path):
    assert key_terms(path), f"{path.name}: no Korean key terms found in a '## Key terms' cell"
    known = set().union(*(korean_names(row[1]) for row in glossary_rows()))
    # "upstream (상류) / local (국소) gradient (기울기)": a first word of a name counts too
    known |= {name.split()[0] for name in known}
    missing = [term for term in key_terms(path) if term not in known]
    assert not missing, f"{path.name}: key terms missing from GLOSSARY.md: {missing}"


def test_glossary_is_sorted_and_points_at_notebooks():
    rows = glossary_rows()
    english = [row[0].lower() for row in rows]
    assert english == sorted(english), "GLOSSARY.md rows are not in alphabetical order"
    for english_name, korean, first_met, _ in rows:
        assert HANGUL.search(korean), f"{english_name}: no Korean name"
        target = re.fullmatch(r"\[(\d\d)\]\((notebooks/\d\d_\w+\.ipynb)\)", first_met)
        assert target and (ROOT / target[2]).exists(), f"{english_name}: bad link {first_met}"
        assert target[2].startswith(f"notebooks/{target[1]}_"), f"{english_name}: {first_met}"
