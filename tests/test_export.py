"""Downloads: CSV opens in Excel with Cyrillic intact; XLSX round-trips through openpyxl."""

import datetime as dt
import io

import openpyxl
import pandas as pd

from monitor.export import to_csv_bytes, to_xlsx_bytes, translate_columns
from monitor.i18n import t

FRAME = pd.DataFrame({
    "oblast": ["Вінницька область", "Sumy Oblast"],
    "officers_serving": [45, 1234567],
    "with_officer_share": [0.6863, None],
    "on_date": pd.to_datetime(["2026-11-15", "2025-11-15"]),
})


def test_translate_columns():
    uk = translate_columns(FRAME, "uk")
    en = translate_columns(FRAME, "en")
    assert list(uk.columns)[1] == "Офіцери на службі (усі)"
    assert list(en.columns)[1] == "Officers serving (all)"
    assert translate_columns(pd.DataFrame({"no_such": [1]}), "en").columns[0] == "no_such"


def test_csv_has_bom_and_cyrillic():
    data = to_csv_bytes(translate_columns(FRAME, "uk"))
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back.iloc[0, 0] == "Вінницька область"
    assert back.iloc[1, 1] == 1234567


def test_xlsx_round_trip():
    data = to_xlsx_bytes(translate_columns(FRAME, "en"), "rollout_league")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["rollout_league"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("Oblast", "Officers serving (all)", "Share of hromadas with an officer", "Date")
    assert rows[1][0] == "Вінницька область"
    assert rows[2][1] == 1234567  # a number, not text
    assert abs(rows[1][2] - 0.6863) < 1e-9
    assert rows[2][2] is None
    assert rows[1][3] == dt.datetime(2026, 11, 15)
    assert ws.freeze_panes == "A2"


def test_xlsx_sheet_name_sanitised():
    data = to_xlsx_bytes(FRAME, "a/b:c*" + "x" * 40)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert len(wb.sheetnames[0]) <= 31 and "/" not in wb.sheetnames[0]


# ---------------------------------------------------------------- downloads people can read (issue 10)
from monitor import export  # noqa: E402

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "plain"]


def test_formulas_in_data_stay_text_in_csv_and_xlsx():
    df = pd.DataFrame({"name": HOSTILE, "officers_serving": range(len(HOSTILE))})
    back = pd.read_csv(io.BytesIO(export.csv_bytes(df, "en")), encoding="utf-8-sig", keep_default_na=False)
    assert [v[0] for v in back.iloc[:-1, 0]] == ["'"] * (len(HOSTILE) - 1)
    assert back.iloc[-1, 0] == "plain"
    for data in (export.xlsx_bytes(df, "uk"), export.to_xlsx_bytes(df), export.to_csv_bytes(df)):
        if data.startswith(b"\xef\xbb\xbf"):
            assert b"\r\n=" not in data and b",=" not in data
            continue
        wb = openpyxl.load_workbook(io.BytesIO(data))
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value != "plain" and cell.value.lstrip("'") in HOSTILE:
                        assert cell.value.startswith("'")


LEAGUE = pd.DataFrame({
    "oblast": ["Вінницька область"], "status": ["below_required"], "grp": ["has_officer"], "is_self": [True],
    "confidence": ["low"], "hromadas_with_officer": [12.0], "with_officer_share": [0.6863],
    "with_officer_share_change": [0.031],
    "wave": ["2025-H2"],
})
META = export.Meta(title="rollout_league", as_of="2026-11-15", built_at="2026-11-16 08:00", is_demo=True)


def test_ukrainian_download_has_words_not_codes_and_says_demo():
    text = export.csv_bytes(LEAGUE, "uk", META).decode("utf-8-sig")
    for code in ("below_required", "has_officer", "is_self", "grp", "low", "TRUE", "True", "12.0", "2025-H2"):
        assert code not in text, code
    back = pd.read_csv(io.StringIO(text))
    assert back.iloc[0, 0] == t("export.demo_value", "uk")
    assert t("status.below_required", "uk") in text and "II півріччя 2025" in text
    assert back[t("col.with_officer_share", "uk") + ", %"].iloc[0] == 68.63
    assert back[t("col.hromadas_with_officer", "uk")].iloc[0] == 12
    assert export.file_name("rollout_league", "uk", META, "csv") == "rollout_league_2026-11-15_uk_DEMO.csv"
    assert "DEMO" not in export.file_name("x", "uk", export.Meta(as_of="2026-11-15"), "csv")


def test_xlsx_has_percent_format_about_sheet_and_codes():
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(LEAGUE, "uk", META, "rollout_league")))
    assert wb.sheetnames == ["rollout_league", t("export.sheet.about", "uk"), t("export.sheet.codes", "uk")]
    data = wb["rollout_league"]
    headers = [c.value for c in data[1]]
    share = data.cell(2, headers.index(t("col.with_officer_share", "uk")) + 1)
    assert share.value == 0.6863 and share.number_format == "0.0%"
    assert data.cell(2, 1).value == t("export.demo_value", "uk")
    about = dict(wb[t("export.sheet.about", "uk")].iter_rows(min_row=2, values_only=True))
    assert about[t("export.about.as_of", "uk")] == "15.11.2026"
    assert about[t("export.about.data", "uk")] == t("export.demo_notice", "uk")
    assert t("export.source", "uk") == about[t("export.about.source", "uk")]
    assert about[t("col.with_officer_share", "uk")] == t("coldef.with_officer_share", "uk")
    codes = list(wb[t("export.sheet.codes", "uk")].iter_rows(values_only=True))
    assert codes[0][1] == "status" and codes[1][1] == "below_required"
