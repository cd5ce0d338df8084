"""Rebuild the bundled fonts: Noto Sans Lao merged with the Latin part of Noto Sans, so one font shapes a
whole line (fpdf2's font fallback and HarfBuzz shaping do not mix well).

Sources: Debian's fonts-noto-core (NotoSansLao-*.ttf, NotoSans-*.ttf), SIL Open Font License 1.1 (OFL.txt).
Run: python engine/pdf/fonts/build_fonts.py /usr/share/fonts/truetype/noto
"""
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
LATIN = list(range(0x20, 0x7F)) + list(range(0xA0, 0x180)) + list(range(0x2000, 0x2070)) + [0x20AD, 0x2116, 0x25CC]


def build(src: Path) -> None:
    for style in ("Regular", "Bold"):
        latin = TTFont(src / f"NotoSans-{style}.ttf")
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        sub = subset.Subsetter(opts)
        sub.populate(unicodes=LATIN)
        sub.subset(latin)
        with tempfile.TemporaryDirectory() as tmp:
            latin_path = Path(tmp) / "latin.ttf"
            latin.save(latin_path)
            font = Merger().merge([str(src / f"NotoSansLao-{style}.ttf"), str(latin_path)])
        family = "ODSC Noto Sans Lao"
        for record in font["name"].names:
            if record.nameID in (1, 16):
                record.string = family
            elif record.nameID == 4:
                record.string = f"{family} {style}"
            elif record.nameID == 6:
                record.string = f"ODSCNotoSansLao-{style}"
        font.save(HERE / f"ODSCNotoSansLao-{style}.ttf")


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/noto"))
