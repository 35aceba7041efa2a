"""etl.territory: the official list -> per-hromada status periods (tiny fixture + real list), and
the rule for one day (SQL, etl/sql/derived_10_*) on the periods it gives."""

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl import reference, schema, territory
from etl.derived import build_derived
from etl.errors import InputFileError
from etl.required import RequiredRule

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
LIST_CSV = FIXTURES / "territories_hostilities_occupation_2025-05-07.csv"
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference"

PERSHA = "UA12020010000000001"  # listed 'за винятком' and through its raion
DRUHA = "UA12020030000000001"  # 2 settlements, both listed: promoted to full periods
TRETIA = "UA12020050000000001"  # 4 settlements, 3 listed: partial only
HORLIVKA_1, HORLIVKA_2 = "UA14060010000000001", "UA14060030000000001"
CRIMEA_1 = "UA01020030000000001"
KYIV = "UA80000000000093317"
D = date


def _hromadas() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "hromadas.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def parsed() -> territory.StatusList:
    return territory.read_status_list(LIST_CSV, _hromadas())


@pytest.fixture(scope="module")
def fixture_warehouse(tmp_path_factory):
    """The fixture bundle through the real reference loader, then the derived tables."""
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    reference.load_reference(con, FIXTURES, RequiredRule.load(), cache_dir=tmp_path_factory.mktemp("geometry"))
    con.execute("INSERT INTO build_info VALUES ('as_of_date', '2024-01-01')")
    build_derived(con)
    yield con
    con.close()


def _status_on(con, d: date) -> dict[str, list]:
    """katottg -> [territory_status, is_partial_territory, is_assessable] on ``d``, as the SQL
    rule gives them (coverage_on)."""
    rows = con.execute(
        "SELECT katottg, territory_status, is_partial_territory, is_assessable FROM coverage_on(?::DATE)", [d]
    ).fetchall()
    return {k: [status, partial, assessable] for k, status, partial, assessable in rows}


def _not_assessable_on(con, d: date) -> set[str]:
    return {k for k, (_, _, assessable) in _status_on(con, d).items() if not assessable}


def _rows(periods, katottg):
    sub = periods[periods["katottg"] == katottg].sort_values(["status", "is_partial", "start_date"])
    return [(r.status, r.start_date, r.end_date, r.is_partial, r.source_table, r.source_row) for r in sub.itertuples()]


def test_columns_are_those_of_the_table(parsed):
    assert list(parsed.periods.columns) == list(territory.PERIOD_COLUMNS)
    assert parsed.rows_read == 14


def test_one_day_period_and_settlement_promotion(parsed):
    # row 1: possible hostilities on exactly one day (start == end, end inclusive);
    # rows 9-11: both settlements of Druha listed -> full on the days both are covered, the
    # 'at least active' day-range (one occupied, one active) -> full active_hostilities.
    assert _rows(parsed.periods, DRUHA) == [
        ("active_hostilities", D(2022, 5, 1), D(2022, 5, 20), False, 1, 11),
        ("active_hostilities", D(2022, 5, 1), D(2022, 5, 31), True, 1, 11),
        ("occupied", D(2022, 4, 10), D(2022, 4, 30), False, 3, 9),
        ("occupied", D(2022, 4, 1), D(2022, 5, 20), True, 3, 9),
        ("possible_hostilities", D(2022, 2, 24), D(2022, 2, 24), False, 0, 1),
        ("possible_hostilities", D(2023, 1, 1), D(2023, 2, 1), True, 0, 13),
    ]


def test_multi_date_cells_typos_and_merging(parsed):
    # row 2: two starts, one end -> the second period is open; row 8 overlaps row 2's first
    # period and merges into it; row 3 has the typo'd dates '12.11 2022' / '31.03. 2023' and
    # absorbs the raion row 13 (2023-01-01..2023-02-01).
    assert _rows(parsed.periods, TRETIA) == [
        ("active_hostilities", D(2022, 2, 24), D(2022, 3, 10), True, 1, 2),
        ("active_hostilities", D(2022, 6, 1), None, True, 1, 2),
        ("possible_hostilities", D(2022, 11, 12), D(2023, 3, 31), True, 0, 3),
    ]


def test_except_rows_are_partial(parsed):
    # row 4 'за винятком' (name split over two lines) and the raion row 13, also 'за винятком'
    assert _rows(parsed.periods, PERSHA) == [("possible_hostilities", D(2022, 3, 1), None, True, 0, 4)]


def test_raion_and_oblast_rows_reach_every_hromada(parsed):
    for k in (HORLIVKA_1, HORLIVKA_2):
        assert _rows(parsed.periods, k) == [("occupied", D(2014, 4, 7), None, False, 3, 5)]
    assert _rows(parsed.periods, CRIMEA_1) == [("occupied", D(2014, 2, 20), None, False, 3, 6)]
    # Kyiv's code is at oblast level but it is a hromada of the registry: exact match wins
    assert _rows(parsed.periods, KYIV) == [("active_hostilities", D(2022, 2, 24), D(2022, 4, 30), False, 1, 12)]


def test_unmatched_and_unreadable_rows_are_skipped_and_reported(parsed, caplog):
    skipped = parsed.skipped
    assert skipped["source_row"].tolist() == [7, 14]
    assert skipped.loc[0, "katottg"] == "UA32000000010085013"
    assert skipped.loc[0, "reason"] == "matches no hromada"
    assert "unreadable date" in skipped.loc[1, "reason"]
    with caplog.at_level("WARNING", logger="etl.territory"):
        periods = territory.status_periods(LIST_CSV, _hromadas())
    assert "UA32000000010085013" in caplog.text
    assert periods.attrs["skipped"]["source_row"].tolist() == [7, 14]
    assert len(periods) == 14


def test_status_on_a_day(fixture_warehouse):
    on = _status_on(fixture_warehouse, D(2022, 4, 15))
    assert on[DRUHA] == ["occupied", False, False]
    assert on[PERSHA] == ["possible_hostilities", True, True]
    assert on[KYIV] == ["active_hostilities", False, False]
    on = _status_on(fixture_warehouse, D(2022, 5, 25))
    assert on[DRUHA] == ["active_hostilities", True, True]  # one settlement only
    # the period ended on 30 April; Kyiv city is still not assessable: it is outside the programme
    # (config/universe.toml), which the coverage macro adds to the territorial rule
    assert on[KYIV] == ["none", False, False]
    # Kyiv city: outside the programme (config/universe.toml), so never assessable
    assert _not_assessable_on(fixture_warehouse, D(2022, 5, 10)) == {DRUHA, HORLIVKA_1, HORLIVKA_2, CRIMEA_1, KYIV}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("24.02.2022", "", [(D(2022, 2, 24), None)]),
        ("24.02.2022 \n29.09.2022", "06.07.2022", [(D(2022, 2, 24), D(2022, 7, 6)), (D(2022, 9, 29), None)]),
        (
            "25.02.2022\n26.03.2022",
            "18.03.2022 \n31.03.2022",
            [(D(2022, 2, 25), D(2022, 3, 18)), (D(2022, 3, 26), D(2022, 3, 31))],
        ),
        ("12.11 2022", "01.05.2023", [(D(2022, 11, 12), D(2023, 5, 1))]),
        ("31.03. 2022", "31.12.2022", [(D(2022, 3, 31), D(2022, 12, 31))]),
    ],
)
def test_pair_periods(start, end, expected):
    assert territory.pair_periods(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"), [("", ""), ("01.02.2022", "01.01.2022"), ("01.01.2022", "02.01.2022\n03.01.2022")]
)
def test_pair_periods_rejects(start, end):
    with pytest.raises(ValueError):
        territory.pair_periods(start, end)


def test_missing_column_is_a_file_error(tmp_path):
    bad = tmp_path / "list.csv"
    bad.write_text("table,katottg,name,start\n0,UA1,x,01.01.2022\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="list.csv: required column"):
        territory.status_periods(bad, _hromadas())
    with pytest.raises(InputFileError, match="not found"):
        territory.status_periods(tmp_path / "absent.csv", _hromadas())
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputFileError, match="empty.csv: cannot be read as UTF-8 CSV"):
        territory.status_periods(tmp_path / "empty.csv", _hromadas())


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_real_list():
    h = pd.read_csv(REAL / "hromadas.csv", dtype=str, keep_default_na=False)
    parsed = territory.read_status_list(REAL / "territories_hostilities_occupation_2025-05-07.csv", h)
    p = parsed.periods
    assert parsed.rows_read == 3015
    # Chornobyl-zone towns and Sevastopol (no hromadas in the registry) match nothing
    assert sorted(parsed.skipped["katottg"]) == ["UA32000000010085013", "UA32000000020050699", "UA85000000000065278"]
    # every hromada occupied before 2022, and all of Crimea, occupied in full since 2014
    before = set(h.loc[(h["occupied_before_2022"] == "1") | h["katottg"].str.startswith("UA01"), "katottg"])
    assert len(before) == 334
    full_2014 = p[(p["status"] == "occupied") & ~p["is_partial"] & (p["start_date"] < D(2015, 1, 1))]
    assert set(full_2014["katottg"]) == before
    assert (full_2014.loc[full_2014["katottg"].str.startswith("UA01"), "start_date"] == D(2014, 2, 20)).all()
    horlivka_raion = set(h.loc[h["raion_katottg"] == "UA14060000000024357", "katottg"])
    assert set(full_2014.loc[full_2014["start_date"] == D(2014, 4, 7), "katottg"]) >= horlivka_raion
    # Lymanska: possible hostilities exactly on 24.02.2022, then active hostilities
    lyman = p[p["katottg"] == "UA14120110000031497"]
    possible = lyman[lyman["status"] == "possible_hostilities"]
    assert possible[["start_date", "end_date", "is_partial"]].values.tolist() == [
        [D(2022, 2, 24), D(2022, 2, 24), False]
    ]
    # no overlapping periods left within one (katottg, status, is_partial)
    for _, g in p.groupby(["katottg", "status", "is_partial"]):
        g = g.sort_values("start_date")
        ends = g["end_date"].tolist()[:-1]
        assert all(e is not None and e < s for e, s in zip(ends, g["start_date"].tolist()[1:], strict=True))


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_real_list_on_a_day(demo_con):
    """The rule for one day on the real list's periods, in the demo warehouse built from them."""
    # Lymanska: possible hostilities exactly on 24.02.2022 (a full period), still assessable
    assert _status_on(demo_con, D(2022, 2, 24))["UA14120110000031497"] == ["possible_hostilities", False, True]
    # Berdianska is listed settlement by settlement only, all of them occupied: not assessable
    assert "UA23020050000046501" in _not_assessable_on(demo_con, D(2024, 1, 1))
