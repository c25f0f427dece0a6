"""Make the decks' Korean font: a Hangul-only subset of Noto Sans CJK KR (SIL OFL 1.1).

    python scripts/subset_font.py                      # finds Debian's fonts-noto-cjk
    python scripts/subset_font.py --source NotoSansCJK-Regular.ttc   # or NotoSansKR-Regular.otf
    python scripts/subset_font.py --check              # is every Hangul character covered?

The decks (scripts/build_slides.py, static/course.css) load fonts/NotoSansKR-course.woff2 with
@font-face and a relative URL, so Korean terms render on a machine without a Korean font and
without network. The subset holds every Hangul syllable used in notebooks/*.py, GLOSSARY.md,
README.md and LECTURES.md, plus all 2,350 syllables of KS X 1001 (the common set of modern
Korean: new terms almost always fall in it) and the compatibility jamo (ㄱ…ㅣ). Hangul only: the
CSS's unicode-range keeps Latin text in the usual fonts.

Writing woff2 needs the `brotli` module (author extra); without it the script stops. The
source font is only needed to regenerate the subset (Debian: apt-get install fonts-noto-cjk;
or Noto Sans KR from the Noto project). The family is renamed "Backprop KR" in the font, as the
OFL asks of modified versions; the licence is fonts/OFL.txt. Next to the font the script writes
fonts/NotoSansKR-course.chars.txt, the characters it covers; --check compares the course's
text with that list (no brotli needed; tests/test_decks.py does the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fonts" / "NotoSansKR-course.woff2"
CHARS = OUT.with_suffix(".chars.txt")  # what the subset covers, readable without brotli
FAMILY = "Backprop KR"
SOURCES = [Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
           Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"),
           Path("/usr/share/fonts/opentype/noto/NotoSansKR-Regular.otf")]
TEXTS = ["notebooks/*.py", "GLOSSARY.md", "README.md", "LECTURES.md"]


def is_hangul(ch: str) -> bool:
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def course_hangul() -> set[str]:
    """Every Hangul character in the course's texts."""
    found = set()
    for pattern in TEXTS:
        for path in ROOT.glob(pattern):
            found |= {ch for ch in path.read_text(encoding="utf-8") if is_hangul(ch)}
    return found


def ks_x_1001() -> set[str]:
    """The 2,350 precomposed syllables of KS X 1001 (EUC-KR rows 0xB0–0xC8)."""
    return {bytes([row, col]).decode("euc-kr")
            for row in range(0xB0, 0xC9) for col in range(0xA1, 0xFF)}


def compatibility_jamo() -> set[str]:
    return {chr(cp) for cp in range(0x3131, 0x318F)}


def open_korean(source: Path) -> TTFont:
    if source.suffix.lower() == ".ttc":
        for font in TTCollection(source).fonts:
            if font["name"].getDebugName(1) == "Noto Sans CJK KR":
                return font
        sys.exit(f"subset_font: no 'Noto Sans CJK KR' face in {source}")
    return TTFont(source)


def rename(font: TTFont) -> None:
    """A modified OFL font must not keep the original (reserved) names."""
    names = {1: FAMILY, 3: f"{FAMILY} Regular (subset of Noto Sans CJK KR)",
             4: f"{FAMILY} Regular", 6: "BackpropKR-Regular", 16: FAMILY, 17: "Regular"}
    table = font["name"]
    for record in list(table.names):
        if record.nameID in names:
            table.removeNames(nameID=record.nameID)
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = ["BackpropKR-Regular"]
        top = cff.topDictIndex[0]
        top.FamilyName, top.FullName = FAMILY, f"{FAMILY} Regular"


def make(source: Path) -> Path:
    try:
        import brotli  # noqa: F401
    except ImportError:
        sys.exit("subset_font: writing woff2 needs the brotli module (pip install brotli)")
    chars = course_hangul() | ks_x_1001() | compatibility_jamo()
    font = open_korean(source)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14, 16, 17]
    options.layout_features = ["ccmp", "ljmo", "vjmo", "tjmo", "kern", "palt"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes={ord(c) for c in chars})
    sub.subset(font)
    rename(font)
    OUT.parent.mkdir(exist_ok=True)
    subset.save_font(font, str(OUT), options)
    covered = sorted(chr(cp) for cp in font.getBestCmap())
    CHARS.write_text("".join(covered) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(chars)} characters "
          f"({len(course_hangul())} used by the course), {OUT.stat().st_size / 1e3:.0f} kB")
    return OUT


def missing() -> list[str]:
    """Hangul characters of the course that the shipped subset cannot draw."""
    covered = set(CHARS.read_text(encoding="utf-8").strip())
    return sorted(ch for ch in course_hangul() if ch not in covered)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, help="Noto Sans CJK .ttc or Noto Sans KR .otf")
    ap.add_argument("--check", action="store_true", help="only check the shipped subset")
    args = ap.parse_args(argv)
    if args.check:
        gaps = missing()
        print(f"{OUT.relative_to(ROOT)}: " + ("covers every Hangul character of the course"
              if not gaps else f"missing {''.join(gaps)} — rerun scripts/subset_font.py"))
        return 1 if gaps else 0
    source = args.source or next((p for p in SOURCES if p.exists()), None)
    if source is None:
        sys.exit("subset_font: no source font; pass --source (Debian: fonts-noto-cjk)")
    make(source)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
