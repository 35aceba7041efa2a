"""Derived tables on a hand-made world of five hromadas, each expected value computed by hand.

The world (as-of date 2024-03-15):

oblast A                                     oblast B
  A1 req 1, pop 10,000                         B1 req 1, pop 5,000
     o1 2019-06-10 .. 2020-03-31                  o5 2019-08-01 .. open
     o3 2020-06-01 .. open (came from A2)         o6 2021-01-01 .. 2021-02-15 (overlaps o6 in B2)
     police station 2019-06-01, closed 2020-03-31  front office 2020-01-15 .. open
  A2 req 2, pop 20,000                            possible hostilities (full) 2022-02-24 .. open
     memorandum 2019-05-15 .. open                occupied (full) 2022-03-01 .. open
     o3 2019-07-01 .. 2020-05-31               B2 req 2, pop 8,000
     o2 2019-09-01 .. open                        memorandum 2019-06-01 .. 2019-06-30
     o4 2020-01-01 .. open                        o6 2019-10-01 .. open
     public safety office 2019-09-30 .. open      o7 2021-01-01 .. 2021-06-30 and 2021-03-01 .. open
     partial active hostilities 2024-01-01 ..     active hostilities (full) 2022-02-24 .. 2022-11-30
     full possible hostilities 2024-02-01 ..      occupied (partial) 2023-01-01 .. open
  A3 req 3, no population, occupied (full) since 2014-02-20 (Crimea-like)

oblast C: outside the programme's universe (outside_programme, like Kyiv city)
  C1 req 3, pop 2,900,000, o8 2019-06-01 .. open — never counted, never assessable
Large urban (the test's threshold LARGE_URBAN = 15,000): A2 and C1.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from scipy.stats import t as t_dist

from etl import reporting, schema
from etl.derived import build_derived

OBL_A = "UA01000000000000001"
OBL_B = "UA02000000000000002"
OBL_C = "UA03000000000000003"
C1 = "UA03000000000000031"
LARGE_URBAN = 15_000
A1, A2, A3 = "UA01000000000000011", "UA01000000000000012", "UA01000000000000013"
B1, B2 = "UA02000000000000021", "UA02000000000000022"
AS_OF = "2024-03-15"

# katottg, oblast, population, required officers
HROMADAS = [
    (A1, OBL_A, 10_000, 1),
    (A2, OBL_A, 20_000, 2),
    (A3, OBL_A, None, 3),
    (B1, OBL_B, 5_000, 1),
    (B2, OBL_B, 8_000, 2),
    (C1, OBL_C, 2_900_000, 3),
]
# officer, hromada, start, end (inclusive)
OFFICERS = [
    ("o1", A1, "2019-06-10", "2020-03-31"),
    ("o3", A2, "2019-07-01", "2020-05-31"),
    ("o3", A1, "2020-06-01", None),
    ("o2", A2, "2019-09-01", None),
    ("o4", A2, "2020-01-01", None),
    ("o5", B1, "2019-08-01", None),
    ("o6", B2, "2019-10-01", None),
    ("o6", B1, "2021-01-01", "2021-02-15"),
    ("o7", B2, "2021-01-01", "2021-06-30"),
    ("o7", B2, "2021-03-01", None),
    ("o8", C1, "2019-06-01", None),
]
# station, hromada, kind, opened, closed
STATIONS = [
    ("s1", A1, "police_station", "2019-06-01", "2020-03-31"),
    ("s2", A2, "public_safety_office", "2019-09-30", None),
    ("s3", B1, "front_office", "2020-01-15", None),
]
MEMORANDA = [
    (A2, "2019-05-15", None),
    (B2, "2019-06-01", "2019-06-30"),
]
# hromada, status, start, end (inclusive), is_partial
TERRITORY = [
    (A3, "occupied", "2014-02-20", None, False),
    (B1, "possible_hostilities", "2022-02-24", None, False),
    (B1, "occupied", "2022-03-01", None, False),
    (B2, "active_hostilities", "2022-02-24", "2022-11-30", False),
    (B2, "occupied", "2023-01-01", None, True),
    (A2, "active_hostilities", "2024-01-01", None, True),
    (A2, "possible_hostilities", "2024-02-01", None, False),
]
# respondent, wave, date, hromada, trust 1..4 / None, knows, weight
RESPONDENTS = [
    # W0, four PSUs in two strata, for the design-based standard errors: A1 has an officer (o1),
    # A2, B1, B2 none yet. Per PSU (Σw, Σw·y): A1 (2, 1), A2 (3, 3), B1 (2, 1), B2 (3, 1).
    ("s1", "W0", "2019-06-20", A1, 1, True, 1.0),
    ("s2", "W0", "2019-06-20", A1, 3, False, 1.0),
    ("s3", "W0", "2019-06-21", A2, 2, False, 2.0),
    ("s4", "W0", "2019-06-21", A2, 2, True, 1.0),
    ("s5", "W0", "2019-06-22", B1, 4, False, 1.0),
    ("s6", "W0", "2019-06-22", B1, 1, False, 1.0),
    ("s7", "W0", "2019-06-23", B2, 1, True, 1.0),
    ("s8", "W0", "2019-06-23", B2, 4, False, 2.0),
    # W3: B1 occupied, B2 under active hostilities: in "all", in no group
    ("t1", "W3", "2022-06-10", A1, 1, True, 1.0),
    ("t2", "W3", "2022-06-10", B1, 2, True, 1.0),
    ("t3", "W3", "2022-06-11", B2, 4, False, 1.0),
    ("r1", "W1", "2019-09-10", A1, 1, True, 1.0),  # A1 covered (o1)
    ("r2", "W1", "2019-09-12", A1, 3, False, 2.0),
    ("r3", "W1", "2019-09-15", A1, None, True, 1.5),
    ("r4", "W1", "2019-09-20", B2, 2, None, 0.5),  # B2 not covered (o6 comes 2019-10-01)
    ("r5", "W1", "2019-09-18", B2, 4, False, 1.0),
    ("r6", "W1", "2019-09-19", B2, 2, False, 3.0),
    ("r7", "W2", "2020-10-05", B2, 1, True, 1.0),  # B2 covered (o6)
    ("r8", "W2", "2020-10-06", B2, 2, True, 1.0),
    ("r9", "W2", "2020-10-07", A1, 4, False, 1.0),  # A1 covered (o3)
]
TARGETS = [(OBL_A, 2020, 5), (OBL_B, 2020, 3), (OBL_A, 2021, 6)]



def load_world(con: duckdb.DuckDBPyConnection, as_of: str = AS_OF) -> None:
    schema.create_schema(con)
    for code, oblast, population, required in HROMADAS:
        con.execute(
            "INSERT INTO hromadas (katottg, ocha_pcode, oblast_katottg, name_uk, population_count,"
            " is_occupied_before_2022, has_geometry, required_officers, size_band, in_programme, programme_note,"
            " is_large_urban) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, 'test', ?, ?, ?)",
            [code, code[:9], oblast, code, population, code == A3, required, oblast != OBL_C,
             "capital_city" if oblast == OBL_C else None, (population or 0) >= LARGE_URBAN],
        )
    con.execute("INSERT INTO outside_programme VALUES (?, 'capital_city', 'outside', 'поза', 'outside')", [OBL_C])
    for i, (officer, hromada, start, end) in enumerate(OFFICERS, start=2):
        con.execute(
            "INSERT INTO officers (officer_id, hromada_katottg, start_date, end_date,"
            " source_file, source_row) VALUES (?, ?, ?, ?, 'officers.csv', ?)",
            [officer, hromada, start, end, i],
        )
    for i, (station, hromada, kind, opened, closed) in enumerate(STATIONS, start=2):
        con.execute(
            "INSERT INTO stations (station_id, hromada_katottg, kind, opened_on, closed_on, lat, lon,"
            " is_location_imputed, source_file, source_row)"
            " VALUES (?, ?, ?, ?, ?, 48.5, 31.2, TRUE, 'stations.csv', ?)",
            [station, hromada, kind, opened, closed, i],
        )
    for i, (hromada, signed, ended) in enumerate(MEMORANDA, start=2):
        con.execute("INSERT INTO memoranda VALUES (?, ?, ?, 'memoranda.csv', ?)", [hromada, signed, ended, i])
    for i, (hromada, status, start, end, partial) in enumerate(TERRITORY, start=1):
        con.execute(
            "INSERT INTO territory_status_periods VALUES (?, ?, ?, ?, ?, 1, ?)",
            [hromada, status, start, end, partial, i],
        )
    for respondent, wave, day, hromada, trust, knows, weight in RESPONDENTS:
        con.execute(
            "INSERT INTO trust_survey (respondent_id, wave, interview_date, hromada_katottg, trust_police,"
            " knows_officer, weight) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [respondent, wave, day, hromada, trust, knows, weight],
        )
    for i, (oblast, year, planned) in enumerate(TARGETS, start=2):
        con.execute("INSERT INTO targets VALUES (?, ?, ?, 'targets.csv', ?)", [oblast, year, planned, i])
    con.execute("INSERT INTO build_info VALUES ('as_of_date', ?)", [as_of])


@pytest.fixture(scope="module")
def world_db(tmp_path_factory) -> Path:
    """The world built into a database file, closed: the tests read it back as the dashboard does."""
    db = tmp_path_factory.mktemp("derived") / "world.duckdb"
    con = duckdb.connect(str(db))
    load_world(con)
    build_derived(con)
    con.close()
    return db


@pytest.fixture(scope="module")
def con(world_db):
    con = duckdb.connect(str(world_db), read_only=True)
    yield con
    con.close()


def one(con, sql: str, params: list | None = None) -> dict:
    rel = con.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    rows = rel.fetchall()
    assert len(rows) == 1, f"expected one row, got {len(rows)}: {sql} {params}"
    return dict(zip(names, rows[0], strict=True))


def coverage(con, hromada: str, on: str) -> dict:
    """A hromada's row of the persisted macro, called with a bound date as the read side does."""
    return one(con, "SELECT * FROM coverage_on(?::DATE) WHERE katottg = ?", [on, hromada])


def rollout(con, scope: str, on: str) -> dict:
    return one(con, "SELECT * FROM rollout_monthly WHERE scope_katottg = ? AND on_date = ?", [scope, on])


def trust(con, wave: str, scope: str, grp: str, metric: str) -> dict:
    return one(
        con,
        "SELECT * FROM trust_summary WHERE wave = ? AND scope_katottg = ? AND grp = ? AND metric = ?",
        [wave, scope, grp, metric],
    )


def wilson(p: float, n: float, q: float) -> tuple[float, float]:
    """Wilson score interval with quantile q, written out from its textbook form."""
    denominator = 1 + q**2 / n
    centre = p + q**2 / (2 * n)
    spread = q * math.sqrt(p * (1 - p) / n + q**2 / (4 * n**2))
    return max((centre - spread) / denominator, 0.0), min((centre + spread) / denominator, 1.0)


# ---------------------------------------------------------------- officers serving (end inclusive)


def test_officer_serves_through_end_date_inclusive(con):
    assert coverage(con, A1, "2020-03-31")["officers_serving"] == 1  # o1's last day
    assert coverage(con, A1, "2020-04-01")["officers_serving"] == 0
    assert coverage(con, A1, "2019-06-09")["officers_serving"] == 0  # the day before o1 starts
    assert coverage(con, A1, "2019-06-10")["officers_serving"] == 1


def test_officer_serving_two_hromadas_in_turn(con):
    # o3: A2 until 2020-05-31 (inclusive), A1 from 2020-06-01
    assert coverage(con, A2, "2020-05-31")["officers_serving"] == 3
    assert coverage(con, A1, "2020-05-31")["officers_serving"] == 0
    assert coverage(con, A2, "2020-06-01")["officers_serving"] == 2
    assert coverage(con, A1, "2020-06-01")["officers_serving"] == 1


def test_officers_counted_distinct_within_a_hromada(con):
    # B2 on 2021-04-01: o6, and o7 through two overlapping assignments -> 2 officers, not 3
    assert coverage(con, B2, "2021-04-01")["officers_serving"] == 2
    # B1 on 2021-02-15: o5 and o6 (o6's overlapping assignment, last day)
    assert coverage(con, B1, "2021-02-15")["officers_serving"] == 2
    assert coverage(con, B1, "2021-02-16")["officers_serving"] == 1


# ---------------------------------------------------------------- memoranda and stations


def test_memorandum_in_force_inclusive_of_ended_on(con):
    assert coverage(con, A2, "2019-05-15")["has_memorandum"] is True
    assert coverage(con, A2, "2019-05-14")["has_memorandum"] is False
    assert coverage(con, B2, "2019-06-30")["has_memorandum"] is True  # ended_on is its last day
    assert coverage(con, B2, "2019-07-01")["has_memorandum"] is False


def test_station_open_from_opened_on_until_the_day_before_closed_on(con):
    assert coverage(con, A1, "2019-06-01")["stations_open"] == 1
    assert coverage(con, A1, "2020-03-30")["stations_open"] == 1
    assert coverage(con, A1, "2020-03-31")["stations_open"] == 0  # closed that day
    assert coverage(con, A2, "2019-09-29")["stations_open"] == 0
    assert coverage(con, A2, "2019-09-30")["stations_open"] == 1


# ---------------------------------------------------------------- territory status


def test_territory_most_severe_full_period_wins(con):
    row = coverage(con, B1, "2022-02-28")
    assert (row["territory_status"], row["is_assessable"]) == ("possible_hostilities", True)
    row = coverage(con, B1, "2022-03-01")  # possible + occupied, both full
    assert (row["territory_status"], row["is_partial_territory"], row["is_assessable"]) == (
        "occupied",
        False,
        False,
    )


def test_active_hostilities_end_inclusive_then_assessable_again(con):
    assert coverage(con, B2, "2022-11-30")["is_assessable"] is False
    row = coverage(con, B2, "2022-12-01")
    assert (row["territory_status"], row["is_assessable"]) == ("none", True)


def test_partial_periods_only_when_no_full_period(con):
    row = coverage(con, B2, "2023-06-30")  # only a partial occupation
    assert (row["territory_status"], row["is_partial_territory"], row["is_assessable"]) == (
        "occupied",
        True,
        True,
    )
    row = coverage(con, A2, "2024-01-31")  # partial active hostilities only
    assert (row["territory_status"], row["is_partial_territory"], row["is_assessable"]) == (
        "active_hostilities",
        True,
        True,
    )
    row = coverage(con, A2, "2024-02-29")  # full possible hostilities outranks the partial period
    assert (row["territory_status"], row["is_partial_territory"], row["is_assessable"]) == (
        "possible_hostilities",
        False,
        True,
    )


def test_occupied_since_2014_is_never_assessable(con):
    for on in ("2019-05-31", "2021-06-30", AS_OF):
        row = coverage(con, A3, on)
        assert (row["territory_status"], row["status"]) == ("occupied", "not_assessable")


# ---------------------------------------------------------------- status and its measures


@pytest.mark.parametrize(
    ("hromada", "on", "status"),
    [
        (A2, "2019-06-30", "memorandum_only"),  # memorandum signed before any officer
        (A2, "2019-07-31", "below_required"),  # o3 only, 1 of 2
        (A2, "2019-09-30", "at_required_strength"),  # o2 + o3, 2 of 2
        (B2, "2019-07-31", "no_officer_no_memorandum"),  # memorandum ended, no officer
        (B2, "2020-03-31", "below_required"),  # o6, 1 of 2
        (B1, "2022-03-31", "not_assessable"),  # occupied although o5 still on the books
        (A1, "2020-04-30", "no_officer_no_memorandum"),
        (C1, "2020-03-31", "outside_programme"),  # o8 serves, but outside the universe
    ],
)
def test_status(con, hromada, on, status):
    assert coverage(con, hromada, on)["status"] == status


def test_measures_of_a_hromada_at_required_strength(con):
    row = coverage(con, A2, "2020-03-31")  # o2, o3, o4 against 2 required
    assert row["officers_serving"] == 3
    assert (row["officer_gap"], row["officers_above_required"]) == (0, 1)
    assert (row["has_officer"], row["is_at_required_strength"]) == (True, True)
    assert (row["residents_with_officer"], row["residents_at_required_strength"]) == (20_000, 20_000)
    assert row["residents_strength_weighted"] == pytest.approx(20_000)  # min(1, 3/2) = 1
    assert row["officers_per_10k"] == pytest.approx(3 / 20_000 * 10_000)
    assert row["residents_per_officer"] == pytest.approx(20_000 / 3)
    assert row["is_large_urban"] is True


def test_measures_of_a_hromada_below_required(con):
    row = coverage(con, B2, "2020-03-31")  # o6 against 2 required
    assert (row["officer_gap"], row["officers_above_required"]) == (1, 0)
    assert (row["has_officer"], row["is_at_required_strength"]) == (True, False)
    assert (row["residents_with_officer"], row["residents_at_required_strength"]) == (8_000, 0)
    assert row["residents_strength_weighted"] == pytest.approx(8_000 * 1 / 2)
    assert row["residents_per_officer"] == pytest.approx(8_000)


def test_measures_of_a_not_assessable_hromada(con):
    row = coverage(con, B1, "2022-03-31")  # o5 serving, but occupied
    assert row["officers_serving"] == 1
    assert (row["officer_gap"], row["officers_above_required"], row["has_officer"]) == (0, 0, False)
    assert (row["residents_with_officer"], row["residents_strength_weighted"]) == (0, 0.0)
    assert coverage(con, A3, "2022-03-31")["officers_per_10k"] is None  # no population


def test_a_unit_outside_the_universe_is_never_assessable_nor_counted(con):
    row = coverage(con, C1, "2020-03-31")  # o8 serving, 1 of 3, outside the programme
    assert (row["in_programme"], row["is_assessable"], row["has_officer"]) == (False, False, False)
    assert (row["officer_gap"], row["residents_strength_weighted"], row["residents_with_officer"]) == (0, 0.0, 0)
    assert one(con, "SELECT count(*) AS n FROM rollout_monthly WHERE scope_katottg = ?", [OBL_C])["n"] == 0


def test_gap_of_a_hromada_without_officer(con):
    row = coverage(con, B2, "2019-07-31")
    assert (row["officer_gap"], row["residents_with_officer"], row["officers_per_10k"]) == (2, 0, 0.0)
    assert row["residents_per_officer"] is None


# ---------------------------------------------------------------- coverage_monthly


def test_coverage_monthly_dates(con):
    dates = [d for (d,) in con.execute("SELECT DISTINCT on_date FROM coverage_monthly ORDER BY 1").fetchall()]
    # May 2019 .. Feb 2024 month ends (8 + 4 * 12 + 2 = 58) and the as-of date
    assert len(dates) == 59
    assert dates[0] == date(2019, 5, 31)
    assert dates[-2:] == [date(2024, 2, 29), date(2024, 3, 15)]
    assert one(con, "SELECT count(*) AS n FROM coverage_monthly")["n"] == 59 * len(HROMADAS)


def test_coverage_monthly_equals_the_macro(con):
    monthly = con.execute(
        "SELECT * EXCLUDE (on_date) FROM coverage_monthly WHERE on_date = '2021-01-31' ORDER BY katottg"
    ).fetchall()
    macro = con.execute("SELECT * FROM coverage_on(DATE '2021-01-31') ORDER BY katottg").fetchall()
    assert monthly == macro


def test_as_of_on_a_month_end_is_not_repeated():
    con = duckdb.connect()
    load_world(con, as_of="2024-02-29")
    build_derived(con)
    dates = [d for (d,) in con.execute("SELECT DISTINCT on_date FROM coverage_monthly ORDER BY 1").fetchall()]
    assert len(dates) == 58 and dates[-1] == date(2024, 2, 29)


def test_missing_as_of_date_is_a_clear_error():
    con = duckdb.connect()
    schema.create_schema(con)
    with pytest.raises(ValueError, match="as_of_date"):
        build_derived(con)


# ---------------------------------------------------------------- rollout_monthly


def test_rollout_national(con):
    row = rollout(con, "UA", "2019-09-30")
    # A1 has an officer (o1), A2 too (o2, o3), A3 occupied, B1 (o5), B2 none; C1 outside (o8 not counted)
    assert row["hromadas_total"] == 5
    assert row["hromadas_assessable"] == 4
    assert row["hromadas_with_officer"] == 3
    assert row["with_officer_share"] == pytest.approx(0.75)
    assert row["hromadas_at_required_strength"] == 3
    assert row["officers_serving"] == 4
    assert row["officers_required"] == 1 + 2 + 1 + 2
    assert row["residents_with_officer"] == 10_000 + 20_000 + 5_000
    assert row["population_assessable"] == 10_000 + 20_000 + 5_000 + 8_000
    assert row["memoranda_active"] == 1
    assert row["planned_officers"] is None  # no targets for 2019


def test_rollout_per_oblast(con):
    a = rollout(con, OBL_A, "2019-09-30")
    assert (a["hromadas_total"], a["hromadas_assessable"], a["hromadas_with_officer"]) == (3, 2, 2)
    assert a["with_officer_share"] == pytest.approx(1.0)
    assert (a["officers_serving"], a["officers_required"], a["residents_with_officer"]) == (3, 3, 30_000)
    b = rollout(con, OBL_B, "2019-09-30")
    assert (b["hromadas_total"], b["hromadas_assessable"], b["hromadas_with_officer"]) == (2, 2, 1)
    assert b["with_officer_share"] == pytest.approx(0.5)
    assert (b["officers_serving"], b["officers_required"], b["residents_with_officer"]) == (1, 3, 5_000)


def test_rollout_weighs_residents_and_officers_on_the_same_hromadas(con):
    row = rollout(con, "UA", "2020-03-31")
    # A1 1/1, A2 3/2, B1 1/1, B2 1/2 (A3 occupied, C1 outside)
    assert (row["hromadas_with_officer"], row["hromadas_at_required_strength"]) == (4, 3)
    assert row["at_required_strength_share"] == pytest.approx(3 / 4)
    assert (row["officers_serving_assessable"], row["officers_required"]) == (6, 6)
    assert (row["officers_short"], row["officers_above_required"]) == (1, 1)  # B2 lacks 1, A2 has 1 more
    assert row["officers_serving_assessable"] - row["officers_required"] == (
        row["officers_above_required"] - row["officers_short"])
    assert row["residents_with_officer"] == 43_000
    assert row["residents_at_required_strength"] == 10_000 + 20_000 + 5_000
    assert row["residents_strength_weighted"] == 10_000 + 20_000 + 5_000 + 4_000
    assert row["strength_weighted_share"] == pytest.approx(39_000 / 43_000)
    assert row["residents_per_officer"] == pytest.approx(43_000 / 6)
    assert (row["residents_strength_weighted_large_urban"], row["population_assessable_large_urban"]) == (
        20_000, 20_000)
    assert row["hromadas_assessable_large_urban"] == 1


def test_rollout_stations_by_kind(con):
    ua = rollout(con, "UA", "2020-02-29")
    assert (
        ua["police_stations_open"],
        ua["public_safety_offices_open"],
        ua["front_offices_open"],
        ua["stations_open"],
    ) == (1, 1, 1, 3)
    ua = rollout(con, "UA", "2020-03-31")  # s1 closed that day
    assert (ua["police_stations_open"], ua["stations_open"]) == (0, 2)
    assert rollout(con, OBL_B, "2020-03-31")["front_offices_open"] == 1


def test_rollout_planned_officers(con):
    assert rollout(con, "UA", "2020-03-31")["planned_officers"] == 5 + 3
    assert rollout(con, OBL_A, "2020-03-31")["planned_officers"] == 5
    assert rollout(con, OBL_B, "2020-03-31")["planned_officers"] == 3
    assert rollout(con, "UA", "2021-03-31")["planned_officers"] == 6  # only oblast A has 2021 targets
    assert rollout(con, OBL_B, "2021-03-31")["planned_officers"] is None


def test_rollout_excludes_not_assessable_from_shares(con):
    row = rollout(con, OBL_B, "2022-06-30")  # B1 occupied, B2 under active hostilities
    assert (row["hromadas_assessable"], row["hromadas_with_officer"], row["with_officer_share"]) == (0, 0, None)
    assert (row["officers_required"], row["population_assessable"], row["officers_serving"]) == (0, 0, 3)


# ---------------------------------------------------------------- trust_summary


def test_trust_weighted_share_and_kish(con):
    row = trust(con, "W1", "UA", "all", "trust")
    # answers 1-4: r1 (1, w1) r2 (3, w2) r4 (2, w.5) r5 (4, w1) r6 (2, w3); r3 "hard to say" left out
    sum_w, sum_w2 = 1 + 2 + 0.5 + 1 + 3, 1 + 4 + 0.25 + 1 + 9
    p = (1 + 0.5 + 3) / sum_w
    assert row["n_unweighted"] == 5
    assert row["share"] == pytest.approx(p)
    assert row["n_kish"] == pytest.approx(sum_w**2 / sum_w2)
    # one PSU per stratum (A1 in A, B2 in B): no spread to estimate a variance from, df = 2 − 2 = 0
    assert (row["se"], row["df"], row["n_psu"], row["ci_low"], row["ci_high"]) == (0, 0, 2, None, None)
    assert row["n_effective"] == pytest.approx(row["n_kish"])  # deff undefined: Kish's n
    assert row["reporting"] == "too_few"
    assert (row["wave_start"], row["wave_end"]) == (date(2019, 9, 10), date(2019, 9, 20))


def test_knows_officer_share_among_answers(con):
    row = trust(con, "W1", "UA", "all", "knows_officer")
    # r4 did not answer; yes: r1 (w1), r3 (w1.5); no: r2 (w2), r5 (w1), r6 (w3)
    assert row["n_unweighted"] == 5
    assert row["share"] == pytest.approx(2.5 / 8.5)
    assert row["n_kish"] == pytest.approx(8.5**2 / (1 + 2.25 + 4 + 1 + 9))


def test_trust_has_officer_and_no_officer(con):
    has = trust(con, "W1", "UA", "has_officer", "trust")  # A1 had o1: r1, r2
    assert (has["n_unweighted"], has["n_psu"], has["n_hromadas"]) == (2, 1, 1)
    assert has["share"] == pytest.approx(1 / 3)
    assert has["n_kish"] == pytest.approx(9 / 5)
    assert has["max_psu_weight_share"] == pytest.approx(1.0)
    no = trust(con, "W1", "UA", "no_officer", "trust")  # B2 before o6: r4, r5, r6
    assert no["n_unweighted"] == 3
    assert no["share"] == pytest.approx(3.5 / 4.5)


def test_trust_per_oblast_and_missing_groups(con):
    row = trust(con, "W1", OBL_B, "all", "trust")
    assert (row["n_unweighted"], row["share"]) == (3, pytest.approx(3.5 / 4.5))
    # nobody in oblast B had an officer in W1: no row rather than a share of nothing
    n = one(
        con,
        "SELECT count(*) AS n FROM trust_summary WHERE wave = 'W1' AND scope_katottg = ? AND grp = 'has_officer'",
        [OBL_B],
    )["n"]
    assert n == 0


def test_not_assessable_respondents_are_in_all_but_in_no_group(con):
    # W3 (2022-06): B1 occupied, B2 under active hostilities; only t1 (A1, o3) is in a group
    assert trust(con, "W3", "UA", "all", "trust")["n_unweighted"] == 3
    assert trust(con, "W3", "UA", "has_officer", "trust")["n_unweighted"] == 1
    groups = con.execute("SELECT DISTINCT grp FROM trust_summary WHERE wave = 'W3' ORDER BY grp").fetchall()
    assert groups == [("all",), ("has_officer",)]


def test_design_se_of_the_whole_sample_by_hand(con):
    """W0: p = 6/10; z_i = (Σw·y − p·Σw)/Σw per PSU: A1 −0.02, A2 0.12, B1 −0.02, B2 −0.08;
    v = Σ_h n_h/(n_h − 1) Σ_i (z_hi − z̄_h)² = 2·(0.07² + 0.07²) + 2·(0.03² + 0.03²) = 0.0232."""
    row = trust(con, "W0", "UA", "all", "trust")
    v = 2 * (0.07**2 + 0.07**2) + 2 * (0.03**2 + 0.03**2)
    assert row["share"] == pytest.approx(0.6)
    assert row["se"] == pytest.approx(math.sqrt(v), abs=1e-12)
    assert (row["df"], row["n_psu"], row["n_hromadas"]) == (4 - 2, 4, 4)
    assert row["deff"] == pytest.approx(v / (0.6 * 0.4 / 8))
    # p(1 − p)/v = 10.3 > n = 8: the design effective n is capped at the responses collected
    assert row["n_effective"] == pytest.approx(8.0)
    assert row["max_psu_weight_share"] == pytest.approx(0.3)
    t975 = t_dist.ppf(0.975, 2)
    low, high = wilson(0.6, 8.0, t975)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert row["reporting"] == "too_few"  # 4 hromadas < 5, and n_eff 8 < 50


def test_design_se_of_a_domain_keeps_the_design_s_psus(con):
    """no_officer in W0 = A2, B1, B2 (A1 had o1): Σw 8, p = 5/8. z: A1 0 (outside the domain, but
    still one of stratum A's two PSUs), A2 1.125/8, B1 −0.25/8, B2 −0.875/8. Subsetting instead
    would leave stratum A a single PSU and drop its share of the variance."""
    row = trust(con, "W0", "UA", "no_officer", "trust")
    z_a = [0.0, 1.125 / 8]
    z_b = [-0.25 / 8, -0.875 / 8]
    v = sum(2 * sum((z - sum(zs) / 2) ** 2 for z in zs) for zs in (z_a, z_b))
    assert row["share"] == pytest.approx(5 / 8)
    assert row["se"] == pytest.approx(math.sqrt(v), abs=1e-12)
    assert row["df"] == 2  # the design's df, not the domain's
    oblast_a = trust(con, "W0", OBL_A, "all", "trust")  # a stratum alone: df = n_h − 1
    assert oblast_a["share"] == pytest.approx(0.8)
    assert oblast_a["se"] == pytest.approx(math.sqrt(2 * (0.12**2 + 0.12**2)), abs=1e-12)
    assert oblast_a["df"] == 1


def test_gap_between_the_groups_is_a_domain_difference(con):
    """W0: has_officer = A1 alone (p 1/2, its z is 0 in every PSU), no_officer p 5/8: the gap's
    z per PSU is −z_no, so its variance is no_officer's; a real covariance enters when a PSU holds
    both groups (tests/test_trust_design.py checks that against the groups' joint z)."""
    row = one(con, "SELECT * FROM trust_gaps WHERE wave = 'W0' AND scope_katottg = 'UA' AND metric = 'trust'")
    no = trust(con, "W0", "UA", "no_officer", "trust")
    assert row["gap"] == pytest.approx(0.5 - 5 / 8)
    assert row["se"] == pytest.approx(no["se"], abs=1e-12)
    assert (row["df"], row["reporting"], row["is_significant"]) == (2, "too_few", False)
    assert row["p_value"] == pytest.approx(2 * t_dist.sf(0.125 / no["se"], 2))


def test_wave_changes(con):
    row = one(
        con,
        "SELECT * FROM wave_changes WHERE wave = 'W2' AND scope_katottg = 'UA' AND grp = 'all'"
        " AND metric = 'trust'",
    )
    assert row["prev_wave"] == "W1"
    assert trust(con, "W2", "UA", "all", "trust")["share"] == pytest.approx(2 / 3)
    assert row["change"] == pytest.approx(2 / 3 - 0.6)
    # both waves' se are 0 (one PSU per stratum): no test, no flag — and too few responses anyway
    assert (row["se_change"], row["p_value"], row["is_significant"], row["reporting"]) == (0, None, False, "too_few")


def test_benjamini_hochberg_over_the_comparisons_of_one_table():
    """Three shown changes of one scope and metric with p = 0.01, 0.04, 0.30 (t at df 50); a
    change with se 0 and a change of a too-few group take no part. BH by hand, m = 3:
    0.30·3/3 = 0.30; 0.04·3/2 = 0.06; 0.01·3/1 = 0.03 — at FDR 5 % only the first is flagged,
    where an unadjusted 5 % test would flag two."""
    db = duckdb.connect(":memory:")
    reporting.prepare(db)
    p_values, se, df = (0.01, 0.04, 0.30), 0.02, 50
    shares = [0.5]
    for p in p_values:
        shares.append(shares[-1] + t_dist.isf(p / 2, df) * se * math.sqrt(2))
    rows = [(f"W{i}", date(2020 + i, 1, 1), "all", s, se, "reportable") for i, s in enumerate(shares)]
    rows += [(f"W{i}", date(2020 + i, 1, 1), "has_officer", 0.4 + 0.1 * i, 0.0, "reportable") for i in range(2)]
    rows += [(f"W{i}", date(2020 + i, 1, 1), "no_officer", 0.1 + 0.5 * i, 0.01, ["reportable", "too_few"][i])
             for i in range(2)]
    db.execute("CREATE TABLE trust_summary (wave VARCHAR, wave_start DATE, scope_katottg VARCHAR, grp VARCHAR,"
               " metric VARCHAR, share DOUBLE, se DOUBLE, df INTEGER, reporting VARCHAR)")
    for wave, start, grp, share, s, rep in rows:
        db.execute("INSERT INTO trust_summary VALUES (?, ?, 'UA', ?, 'trust', ?, ?, ?, ?)",
                   [wave, start, grp, share, s, df, rep])
    db.execute((schema.SQL_DIR / "derived_60_wave_changes.sql").read_text(encoding="utf-8"))
    got = db.execute("SELECT grp, wave, p_value, p_adjusted, is_significant FROM wave_changes ORDER BY grp, wave"
                     ).fetchall()
    assert [(g, w) for g, w, *_ in got] == [("all", "W1"), ("all", "W2"), ("all", "W3"),
                                            ("has_officer", "W1"), ("no_officer", "W1")]
    assert [r[2] for r in got[:3]] == [pytest.approx(p) for p in p_values]
    assert [r[3] for r in got[:3]] == [pytest.approx(0.03), pytest.approx(0.06), pytest.approx(0.30)]
    assert [r[4] for r in got] == [True, False, False, False, False]
    assert got[3][2:4] == (None, None)  # se 0: no p-value, no flag
    assert got[4][3] is None  # too few responses: not among the table's comparisons


# ---------------------------------------------------------------- officer_overlaps


def test_officer_overlaps(con):
    rows = con.execute(
        "SELECT officer_id, first_hromada, second_hromada, overlap_start, overlap_end FROM officer_overlaps"
        " ORDER BY officer_id"
    ).fetchall()
    assert rows == [
        ("o6", B2, B1, date(2021, 1, 1), date(2021, 2, 15)),
        ("o7", B2, B2, date(2021, 3, 1), date(2021, 6, 30)),
    ]  # o3's move A2 -> A1 (end 2020-05-31, start 2020-06-01) is not an overlap


# ---------------------------------------------------------------- the derived tables' tests
def test_every_derived_table_and_view_is_tested(con):
    tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    core = set(re.findall(r"CREATE TABLE (\w+)", schema.schema_sql()))
    assert tables - core == {c.table for c in schema.DERIVED_CHECKS}


def test_a_share_outside_0_to_1_or_a_missing_key_stops_the_build():
    db = duckdb.connect(":memory:")
    db.execute("CREATE TABLE trust_summary AS SELECT 'W1' AS wave, 'UA' AS scope_katottg, 'all' AS grp, "
               "'trust' AS metric, 1.5 AS share, 0.9 AS ci_low, 1.0 AS ci_high, 10 AS n_unweighted, "
               "8.0 AS n_effective, 0.05 AS se, 4 AS df, 6 AS n_psu, 0.2 AS max_psu_weight_share, "
               "0.3 AS city_100k_weight_share, 'reportable' AS reporting")
    checks = [c for c in schema.DERIVED_CHECKS if c.table == "trust_summary"]
    with pytest.raises(schema.DerivedCheckError, match=r"trust_summary\.share: 1 value\(s\) outside 0\.0\.\.1\.0"):
        schema.check_derived(db, checks)
    db.execute("UPDATE trust_summary SET share = 0.95, wave = NULL")
    with pytest.raises(schema.DerivedCheckError, match=r"^trust_summary\.wave: 1 NULL value\(s\)$"):
        schema.check_derived(db, checks)
    db.execute("UPDATE trust_summary SET wave = 'W1'")
    schema.check_derived(db, checks)
