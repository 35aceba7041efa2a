"""The gaps list (monitor/gaps.py) against the warehouse: every assessable hromada short of officers
is listed once, with the gap, the memorandum and the nearest open station computed independently."""

from __future__ import annotations

import math

import pytest

from monitor import gaps
from monitor.db import NATIONAL

AS_OF = "2026-11-15"


@pytest.fixture()
def listed(demo_con):
    return gaps.gap_list(demo_con, AS_OF)


def test_every_short_hromada_once_and_nothing_else(demo_con, listed):
    expected = demo_con.execute(
        """SELECT katottg, officers_serving, required_officers FROM coverage_on(DATE '2026-11-15')
           WHERE is_assessable AND (officers_serving = 0 OR officers_serving < required_officers)"""
    ).fetchall()
    assert sorted(listed["katottg"]) == sorted(r[0] for r in expected)
    by_code = {r[0]: r for r in expected}
    for row in listed.itertuples():
        _, serving, required = by_code[row.katottg]
        assert row.officer_gap == max(required - serving, 0)
        assert (not row.has_officer) == (serving == 0)
    assert list(listed["population_count"]) == sorted(listed["population_count"], reverse=True)


def test_an_oblast_is_its_part_of_the_national_list(demo_con, listed):
    oblast = listed["oblast_katottg"].iloc[0]
    part = gaps.gap_list(demo_con, AS_OF, oblast)
    assert sorted(part["katottg"]) == sorted(listed.loc[listed["oblast_katottg"] == oblast, "katottg"])
    assert len(gaps.gap_list(demo_con, AS_OF, NATIONAL)) == len(listed)


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_nearest_station_is_the_nearest_open_one(demo_con, listed):
    stations = demo_con.execute(
        "SELECT lat, lon FROM stations WHERE opened_on <= DATE '2026-11-15' "
        "AND (closed_on IS NULL OR closed_on > DATE '2026-11-15')").fetchall()
    centres = dict(demo_con.execute("SELECT katottg, [centre_lat, centre_lon] FROM hromadas").fetchall())
    for row in listed.head(20).itertuples():
        lat, lon = centres[row.katottg]
        assert row.nearest_station_km == pytest.approx(min(_km(lat, lon, a, b) for a, b in stations), abs=0.051)


def test_show_sort_and_words(listed):
    none = gaps.shown(listed, "no_officer", "officer_gap")
    assert not none["has_officer"].any() and set(none["status"]) <= {"memorandum_only", "no_officer_no_memorandum"}
    assert list(none["officer_gap"]) == sorted(none["officer_gap"], reverse=True)
    below = gaps.shown(listed, "below_strength")
    assert below["has_officer"].all() and set(below["status"]) == {"below_required"}
    assert len(none) + len(below) == len(listed)
    s = gaps.summary(listed)
    assert (s["no_officer"], s["below_strength"]) == (len(none), len(below))
    assert s["officers_short"] == listed["officer_gap"].sum()
    shown_uk = gaps.gaps_display(listed, "uk")
    text = " ".join(shown_uk.astype(str).to_numpy().ravel())
    for code in ("below_required", "no_officer_no_memorandum", "memorandum_only", "True", "False", "police_station"):
        assert code not in text
    assert shown_uk["profile"].iloc[0] == f"/hromada?hromada={listed['katottg'].iloc[0]}&lang=uk"
    down = gaps.gaps_download(listed, "en")
    assert down["population"].dtype.kind == "i" and down["no"].iloc[-1] == len(listed)
