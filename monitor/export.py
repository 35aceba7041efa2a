"""Tables as downloadable files — the one place the app writes CSV and XLSX (pages, the collegium pack).

A download is made for people first: headers and coded values in the page's language (never
`covered`, `grp`, TRUE/FALSE), whole numbers without ".0", shares as percentages, text that a
spreadsheet would run as a formula made inert. While the data is demo data, the file says so in
its name and in its contents. An XLSX carries, besides the data sheet, a sheet about the file
(source, as-of date, the demo notice, a definition of every column) and a sheet with the machine
codes for analysts.

    meta = export.Meta(title="...", as_of="2026-11-15", built_at="...", is_demo=True)
    export.csv_bytes(df, "uk", meta);  export.xlsx_bytes(df, "uk", meta, "rollout_league")
    export.file_name("rollout_league", "uk", meta, "xlsx")
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd

from monitor.formatting import fmt_wave
from monitor.i18n import t, t_or

# A cell whose text starts with one of these is run as a formula by Excel / LibreOffice / Sheets
# (OWASP "CSV injection"); such text is written with a leading apostrophe, so it stays text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

# Coded columns and the translation families their values are looked up in (first found wins).
VALUE_FAMILIES: dict[str, tuple[str, ...]] = {
    "status": ("status", "territory"),
    "territory_status": ("territory",),
    "grp": ("group",),
    "kind": ("station", "kind"),
    "nearest_station_kind": ("station",),
    "reason": ("reason",),
    "confidence": ("confidence",),
    "metric": ("metric", "trust.metric"),
    "date_precision": ("date_precision",),
    "type_en": ("hromada_type",),
    "age_group": ("age_group",),
}
# Columns holding a share 0..1 (shown as a percentage); changes of a share are in points.
SHARE_SUFFIXES = ("share", "ci_low", "ci_high", "officers_vs_required", "officers_vs_planned")
SHARE_CHANGE_SUFFIXES = ("share_change",)


@dataclass(frozen=True)
class Meta:
    """What a file says about itself: its title, the as-of date (ISO), when the warehouse was
    built, whether the data is demo data, and the source (default: the warehouse's)."""

    title: str = ""
    as_of: str = ""
    built_at: str = ""
    is_demo: bool = False
    source: str | None = None


# ---------------------------------------------------------------- cell values
def neutralise(value):
    """Text a spreadsheet would run as a formula, with a leading apostrophe; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def _value_label(col: str, value, lang: str):
    if not isinstance(value, str):
        return value
    for family in VALUE_FAMILIES.get(col, ()):
        label = t_or(f"{family}.{value}", lang, "")
        if label:
            return label
    return value


def is_share(col: str) -> bool:
    return str(col).endswith(SHARE_SUFFIXES) and not str(col).endswith(SHARE_CHANGE_SUFFIXES)


def is_share_change(col: str) -> bool:
    return str(col).endswith(SHARE_CHANGE_SUFFIXES)


def _other_language_twins(df: pd.DataFrame, lang: str) -> list[str]:
    """Columns '<x>_en' on a Ukrainian download (and '<x>_uk' on an English one) that have a twin
    in the language: the file keeps one name, in the reader's language."""
    other = "en" if lang != "en" else "uk"
    own = "uk" if other == "en" else "en"
    return [c for c in df.columns if str(c).endswith(f"_{other}") and f"{str(c)[:-3]}_{own}" in df.columns]


def readable(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame as a person reads it in `lang`: coded values and yes/no in words, whole numbers as
    integers, dates without a time, waves written out, one language's names. Headers unchanged
    (the machine names; see translate_columns)."""
    out = df.drop(columns=_other_language_twins(df, lang)).copy()
    own = "_uk" if lang != "en" else "_en"
    out = out.rename(columns={c: str(c)[: -len(own)] for c in out.columns
                              if str(c).endswith(own) and str(c)[: -len(own)] not in out.columns})
    yes, no = t("common.yes", lang), t("common.no", lang)
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = [v if pd.isna(v) else yes if v else no for v in s]
        elif isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.tz_localize(None) if isinstance(s.dtype, pd.DatetimeTZDtype) else s
            out[col] = s.dt.date if (s.dropna().dt.normalize() == s.dropna()).all() else s
        elif pd.api.types.is_float_dtype(s) and not is_share(col) and not is_share_change(col):
            finite = s.dropna()
            if len(finite) and (finite == finite.round()).all() and finite.abs().max() < 2**53:
                out[col] = s.round().astype("Int64")
            else:
                out[col] = s.round(4)
        elif col in VALUE_FAMILIES:
            out[col] = [_value_label(col, v, lang) for v in s]
        elif col == "wave":
            out[col] = [fmt_wave(v, lang) for v in s]
    return out


def translate_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The same frame with headers looked up as 'col.<name>' (unknown names kept as they are)."""
    return df.rename(columns={c: t_or(f"col.{c}", lang, str(c)) for c in df.columns})


def _demo_column(df: pd.DataFrame, lang: str, meta: Meta) -> pd.DataFrame:
    if not meta.is_demo:
        return df
    out = df.copy()
    out.insert(0, t("export.demo_column", lang), t("export.demo_value", lang))
    return out


# ---------------------------------------------------------------- files
def file_name(basename: str, lang: str, meta: Meta, ext: str) -> str:
    """'<basename>_<as-of>_<lang>[_DEMO].<ext>': what it is, as of when, in which language, and
    whether it is demo data."""
    demo = "_DEMO" if meta.is_demo else ""
    return f"{basename}_{meta.as_of or 'data'}_{lang}{demo}.{ext}"


def csv_bytes(df: pd.DataFrame, lang: str, meta: Meta | None = None) -> bytes:
    """CSV, UTF-8 with a BOM (Excel opens Cyrillic): readable values, translated headers, shares
    in per cent (the header says so), formulas neutralised, a demo column while the data is demo."""
    meta = meta or Meta()
    out = readable(df, lang)
    for col in out.columns:
        if is_share(col) or is_share_change(col):
            out[col] = (pd.to_numeric(out[col], errors="coerce") * 100).round(2)
    headers = {c: t_or(f"col.{c}", lang, str(c)) + (", %" if is_share(c) else ", " + t("export.pp", lang)
                                                     if is_share_change(c) else "") for c in out.columns}
    out = _neutralise_frame(_demo_column(out.rename(columns=headers), lang, meta))
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """A frame as it is (headers already set), formulas neutralised — for callers that made their
    own table; prefer csv_bytes."""
    return _neutralise_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str) -> str:
    sheet = (name or "data")[:31]
    for bad in "[]:*?/\\":
        sheet = sheet.replace(bad, " ")
    return sheet


def _write_sheet(writer, data: pd.DataFrame, sheet: str, formats: dict[int, object] | None = None) -> None:
    data.to_excel(writer, sheet_name=sheet, index=False)
    ws = writer.sheets[sheet]
    ws.freeze_panes(1, 0)
    for i, col in enumerate(data.columns):
        width = max([len(str(col))] + [len(str(v)) for v in data[col].head(500)])
        ws.set_column(i, i, min(max(width + 2, 8), 60), (formats or {}).get(i))


def xlsx_writer(buf):
    """An xlsxwriter ExcelWriter for `buf` that writes text as text (strings_to_formulas/urls/numbers
    off), whatever it starts with: every XLSX the app writes, the collegium workbook too."""
    return pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={
        "options": {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}})


def to_xlsx_bytes(df: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """One sheet as it is (headers already set), a bold frozen header row, fitted widths, formulas
    neutralised — for callers that made their own table; prefer xlsx_bytes."""
    buf = io.BytesIO()
    with xlsx_writer(buf) as writer:
        _write_sheet(writer, sheet_cells(df), _sheet_name(sheet_name))
    return buf.getvalue()


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Timezones off (Excel has none), lists and dicts as text."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[col] = s.dt.tz_localize(None)
        elif s.dtype == object:
            out[col] = [v if v is None or isinstance(v, (str, int, float, bool)) or pd.isna(v) else str(v) for v in s]
    return out


def sheet_cells(df: pd.DataFrame) -> pd.DataFrame:
    """A table as an XLSX sheet takes it: plain cell values, formulas neutralised, string headers."""
    out = _neutralise_frame(_plain(df.reset_index(drop=True)))
    out.columns = [str(c) for c in out.columns]
    return out


def definition(col: str, lang: str) -> str:
    """A column's definition ('coldef.<name>'), else its header."""
    return t_or(f"coldef.{col}", lang, t_or(f"col.{col}", lang, str(col)))


def about_rows(df: pd.DataFrame, lang: str, meta: Meta) -> pd.DataFrame:
    """The 'about this file' sheet: title, source, as-of date, built, demo notice, then one row per
    column with its definition."""
    from monitor.formatting import fmt_date, fmt_datetime

    rows = [
        (t("export.about.title", lang), meta.title),
        (t("export.about.source", lang), meta.source or t("export.source", lang)),
        (t("export.about.as_of", lang), fmt_date(meta.as_of, lang) if meta.as_of else "—"),
        (t("export.about.built_at", lang), fmt_datetime(meta.built_at, lang) if meta.built_at else "—"),
        (t("export.about.data", lang), t("export.demo_notice" if meta.is_demo else "export.real_data", lang)),
        ("", ""),
        (t("export.about.column", lang), t("export.about.definition", lang)),
    ]
    data = readable(df, lang)
    for col in data.columns:
        rows.append((t_or(f"col.{col}", lang, str(col)), definition(str(col), lang)))
    return pd.DataFrame(rows, columns=[t("export.about.field", lang), t("export.about.value", lang)])


def xlsx_bytes(df: pd.DataFrame, lang: str, meta: Meta | None = None, sheet_name: str = "data",
               codes_sheet: bool = True) -> bytes:
    """An XLSX for people: the data sheet (readable values, translated headers, percent format on
    shares, a demo column while demo), 'about' (source, as-of date, column definitions) and, with
    `codes_sheet`, the same rows with machine names and codes."""
    meta = meta or Meta()
    data = readable(df, lang)
    formats_for = {}
    buf = io.BytesIO()
    with xlsx_writer(buf) as writer:
        book = writer.book
        pct = book.add_format({"num_format": "0.0%"})
        pp = book.add_format({"num_format": "+0.0%;-0.0%;0.0%"})
        shown = _demo_column(translate_columns(data, lang), lang, meta)
        offset = 1 if meta.is_demo else 0
        for i, col in enumerate(data.columns):
            if is_share(col):
                formats_for[i + offset] = pct
            elif is_share_change(col):
                formats_for[i + offset] = pp
        for i in formats_for:
            shown.iloc[:, i] = pd.to_numeric(shown.iloc[:, i], errors="coerce")
        _write_sheet(writer, _neutralise_frame(shown), _sheet_name(sheet_name), formats_for)
        _write_sheet(writer, _neutralise_frame(about_rows(df, lang, meta)), _sheet_name(t("export.sheet.about", lang)))
        if codes_sheet:
            _write_sheet(writer, sheet_cells(df), _sheet_name(t("export.sheet.codes", lang)))
    return buf.getvalue()


__all__ = ["Meta", "about_rows", "csv_bytes", "file_name", "neutralise", "readable", "to_csv_bytes",
           "to_xlsx_bytes", "translate_columns", "xlsx_bytes"]
