"""Numbers and dates as each language writes them."""

import datetime as dt
import math

import pandas as pd
import pytest

from monitor.formatting import (
    MINUS,
    NBSP,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_month,
    fmt_num,
    fmt_pct,
    fmt_signed_int,
    fmt_signed_num,
    fmt_signed_pp,
    plotly_separators,
)


def test_int():
    assert fmt_int(1234567, "uk") == f"1{NBSP}234{NBSP}567"
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_int(999, "uk") == "999"
    assert fmt_int(0, "en") == "0"
    assert fmt_int(-1500, "en") == f"{MINUS}1,500"
    assert fmt_int(2.6, "en") == "3"


def test_num_and_pct():
    assert fmt_num(1234.56, "uk") == f"1{NBSP}234,6"
    assert fmt_num(1234.56, "en", 2) == "1,234.56"
    assert fmt_pct(0.7034, "uk") == f"70,3{NBSP}%"
    assert fmt_pct(0.7034, "en") == "70.3%"
    assert fmt_pct(1, "en", 0) == "100%"
    assert fmt_num(-0.04, "en") == "0.0"  # no negative zero


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT, math.inf])
def test_missing_is_dash(missing):
    assert fmt_int(missing, "uk") == "—"
    assert fmt_pct(missing, "en") == "—"
    assert fmt_signed_int(missing, "en") == "—"
    if missing is not math.inf:
        assert fmt_date(missing, "uk") == "—"


def test_signed():
    assert fmt_signed_int(12, "uk") == "+12"
    assert fmt_signed_int(-3, "uk") == f"{MINUS}3"
    assert fmt_signed_int(0, "en") == "0"
    assert fmt_signed_int(1234, "uk") == f"+1{NBSP}234"
    assert fmt_signed_num(1.25, "uk", 1) in ("+1,2", "+1,3")
    assert fmt_signed_pp(0.032, "uk") == f"+3,2{NBSP}в.{NBSP}п."
    assert fmt_signed_pp(-0.032, "en") == f"{MINUS}3.2{NBSP}pp"


def test_dates():
    d = dt.date(2026, 11, 21)
    assert fmt_date(d, "uk") == "21.11.2026"
    assert fmt_date(d, "en") == "21 Nov 2026"
    assert fmt_date("2026-11-21", "uk") == "21.11.2026"
    assert fmt_date(pd.Timestamp("2019-05-29"), "uk") == "29.05.2019"
    assert fmt_date(dt.datetime(2022, 2, 24, 5, 0), "en") == "24 Feb 2022"
    assert fmt_month(d, "uk") == "лист. 2026"
    assert fmt_month(d, "en") == "Nov 2026"
    assert fmt_datetime("2026-11-15 09:30:00", "uk") == "15.11.2026 09:30"


def test_plotly_separators():
    assert plotly_separators("en") == ".,"
    assert plotly_separators("uk") == "," + NBSP


def test_survey_waves_written_the_ukrainian_way():
    from monitor.formatting import fmt_wave

    assert fmt_wave("2025-H2", "uk") == "II півріччя 2025"
    assert fmt_wave("2025-H1", "en") == "H1 2025"
    assert fmt_wave("other", "uk") == "other"


def test_population_bands_written_out():
    from monitor.formatting import fmt_size_band

    assert fmt_size_band("100k+", "uk") == "понад 100 тис."
    assert fmt_size_band("10-25k", "en") == "10–25k"
