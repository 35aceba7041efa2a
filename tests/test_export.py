"""Downloads: CSV opens in Excel with Cyrillic intact; XLSX round-trips through openpyxl."""

import datetime as dt
import io

import openpyxl
import pandas as pd

from monitor.export import to_csv_bytes, to_xlsx_bytes, translate_columns

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
