"""The pack as an XLSX workbook: the choices used on the first sheet, then the table behind every
slide, each sheet carrying the slide's title and, while the data is demo data, the demo label.

Formulas neutralised the way every download is (monitor.export: text written as text, and text a
spreadsheet would run given a leading apostrophe), so a name beginning with '=' never runs.
Layout of every slide sheet: A1 the slide's title, A2 the demo label (or empty), A3 the as-of line,
the table's header on row 5 (TABLE_HEADER_ROW, 0-based 4).
"""

from __future__ import annotations

import io

import pandas as pd

from monitor import export
from monitor.collegium.slides import Slide
from monitor.i18n import t

TABLE_HEADER_ROW = 4


def sheet_name(n: int, key: str) -> str:
    """'02 key_figures': the slide's number (as on the slide) and its key; 31 characters at most."""
    return f"{n:02d} {key}"[:31]


def build_workbook(
    slides: list[Slide], choices: list[tuple[str, str]], lang: str, demo: str | None, footer: str
) -> bytes:
    """The workbook as bytes. choices: (label, value) rows of the first sheet."""
    buf = io.BytesIO()
    with export.xlsx_writer(buf) as writer:
        book = writer.book
        bold = book.add_format({"bold": True})
        red = book.add_format({"bold": True, "font_color": "#B00020"})
        first = t("coll.sheet.choices", lang)
        chosen = pd.DataFrame(choices, columns=[t("coll.col.choice", lang), t("coll.col.value", lang)])
        export.sheet_cells(chosen).to_excel(writer, sheet_name=first, index=False)
        ws = writer.sheets[first]
        ws.set_column(0, 0, 34)
        ws.set_column(1, 1, 60)
        if demo:
            ws.write_string(len(choices) + 2, 0, demo, red)
        for n, s in enumerate(slides, start=1):
            name = sheet_name(n, s.key)
            data = export.sheet_cells(s.data if s.data is not None else pd.DataFrame())
            data.to_excel(writer, sheet_name=name, index=False, startrow=TABLE_HEADER_ROW)
            ws = writer.sheets[name]
            ws.write_string(0, 0, s.title + (f" — {s.subtitle}" if s.subtitle else ""), bold)
            if demo:
                ws.write_string(1, 0, demo, red)
            ws.write_string(2, 0, footer)
            ws.freeze_panes(TABLE_HEADER_ROW + 1, 0)
            for i, col in enumerate(data.columns):
                width = max([len(col)] + [len(str(v)) for v in data[col].head(200)])
                ws.set_column(i, i, min(max(width + 2, 8), 50))
    return buf.getvalue()
