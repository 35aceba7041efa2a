"""The pack as a PDF for print and circulation: A4 landscape, one page per slide, typeset with
typst (from PyPI) from the same Slide data as the deck — not by converting the deck, which would
need LibreOffice (~300 MB of Debian packages) and give 16:9 pages rather than A4.

Fonts: Liberation Sans (metric-compatible with Arial, the deck's font) and DejaVu Sans, both with
Cyrillic, from Debian's fonts directories; typst embeds the glyphs it uses (subset), so the PDF
reads the same on any machine. System fonts are ignored: what is typeset does not depend on what
else is installed.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typst

from monitor.collegium.slides import Slide, caption_lines, column_weights, is_text_column
from monitor.tiles import Tile

TEMPLATE = Path(__file__).with_name("pack.typ")
FONT_DIRS = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")
FONTS = ["Liberation Sans", "DejaVu Sans"]


def _tile(tile: Tile) -> dict:
    change = tile.change_text or tile.note
    arrow = "" if tile.change is None or tile.change == 0 else ("▲ " if tile.change > 0 else "▼ ")
    colour = "#555555" if tile.change is None or tile.change == 0 else ("#007A3D" if tile.change > 0 else "#B00020")
    return {
        "label": tile.label,
        "value": tile.value,
        "change": (arrow + change) if change else None,
        "colour": colour,
        "caption": caption_lines(tile.caption) if tile.caption else [],
    }


def _slide(s: Slide, image: str | None) -> dict:
    table = None
    if s.table is not None:
        table = {
            "header": [str(c) for c in s.table.columns],
            "rows": [[str(v) for v in row] for row in s.table.itertuples(index=False)],
            "marked": list(s.marked_rows),
            "widths": column_weights(s.table),
            "right": [not is_text_column(s.table[c]) for c in s.table.columns],
        }
    return {
        "key": s.key,
        "title": s.title,
        "subtitle": s.subtitle,
        "tiles": [_tile(x) for x in s.tiles],
        "bullets": list(s.bullets),
        "table": table,
        "image": image,
        "caption": s.caption,
    }


def build_pdf(slides: list[Slide], lang: str, footer: str, demo: str | None) -> bytes:
    """The PDF as bytes (one A4 landscape page per slide)."""
    with tempfile.TemporaryDirectory(prefix="pog-pdf-") as tmp:
        root = Path(tmp)
        items = []
        for n, s in enumerate(slides, start=1):
            name = None
            if s.image is not None:
                name = f"slide-{n:02d}.png"
                (root / name).write_bytes(s.image)
            items.append(_slide(s, name))
        doc = {"lang": lang, "footer": footer, "demo": demo, "fonts": FONTS, "slides": items}
        (root / "pack.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        (root / "pack.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        fonts = [d for d in FONT_DIRS if Path(d).is_dir()]
        return typst.compile(str(root / "pack.typ"), root=str(root), font_paths=fonts, ignore_system_fonts=True)
