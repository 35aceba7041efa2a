"""Tables as downloadable files: CSV (UTF-8 with BOM, so Excel opens Cyrillic) and XLSX."""

from __future__ import annotations

import io

import pandas as pd

from monitor.i18n import t_or


def translate_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The same frame with headers looked up as 'col.<name>' (unknown names kept as they are)."""
    return df.rename(columns={c: t_or(f"col.{c}", lang, str(c)) for c in df.columns})


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")


def _excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_localize(None)
    return out


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """One sheet, a bold frozen header row, column widths fitted to the content."""
    buf = io.BytesIO()
    sheet = (sheet_name or "data")[:31]
    for bad in "[]:*?/\\":
        sheet = sheet.replace(bad, " ")
    data = _excel_safe(df)
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        data.to_excel(writer, sheet_name=sheet, index=False)
        ws = writer.sheets[sheet]
        ws.freeze_panes(1, 0)
        for i, col in enumerate(data.columns):
            width = max([len(str(col))] + [len(str(v)) for v in data[col].head(500)])
            ws.set_column(i, i, min(max(width + 2, 8), 60))
    return buf.getvalue()
