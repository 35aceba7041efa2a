"""The overview, the map table, the league table and the downloads agree on every count and
denominator (issue 8, "Done when"), on the demo warehouse; and the universe, the territory list's
date and the profile's peers, each on a hand-computed case."""

from __future__ import annotations

import pandas as pd
import pytest

from etl import reference
from etl.errors import InputFileError
from etl.universe import Universe
from monitor import coverage, overview, profile, rollout
from monitor.coverage import ASSESSABLE_STATUSES, WITH_OFFICER_STATUSES, TerritoryList
from monitor.formatting import fmt_int
from monitor.i18n import t

CRIMEA, SEVASTOPOL, KYIV = "UA01000000000013043", "UA85000000000065278", "UA80000000000093317"


@pytest.fixture()
def figures(demo_con):
    as_of = demo_con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    kpis = overview.national_kpis(demo_con, as_of).loc["now"]
    counts = coverage.status_counts(coverage.coverage_on(demo_con, as_of))
    league = rollout.league_table(demo_con, as_of)
    return as_of, kpis, counts, league


def test_overview_map_table_league_and_downloads_agree(figures):
    as_of, kpis, counts, league = figures
    by_status = counts.set_index("status")
    assessable = by_status.loc[list(ASSESSABLE_STATUSES)]
    league_dl = rollout.league_download(league, "uk")
    status_dl = coverage.status_download(counts, "uk", as_of, "UA").set_index("status")

    def agree(kpi: str, table_value: int, league_col: str | None = None) -> None:
        values = {"overview": int(kpis[kpi]), "map table": int(table_value)}
        col = league_col or kpi
        values["league"] = int(league[col].sum())
        values["league download"] = int(league_dl[col].sum())
        assert len(set(values.values())) == 1, (kpi, values)

    agree("hromadas_assessable", assessable["hromadas"].sum())
    agree("hromadas_with_officer", by_status.loc[list(WITH_OFFICER_STATUSES), "hromadas"].sum())
    agree("hromadas_at_required_strength", by_status.loc["at_required_strength", "hromadas"])
    agree("officers_serving_assessable", assessable["officers_serving"].sum())
    agree("officers_required", assessable["required_officers"].sum())
    agree("officers_short", assessable["officer_gap"].sum())
    agree("officers_above_required", assessable["officers_above_required"].sum())
    agree("population_assessable", assessable["population"].sum())
    agree("residents_at_required_strength", by_status.loc["at_required_strength", "population"])
    # the map table's download carries the same numbers as the table
    assert (status_dl["hromadas"] == by_status["hromadas"]).all()
    # one denominator: the shares of the map table are of the assessable hromadas, as the overview's
    assert by_status.loc[list(WITH_OFFICER_STATUSES), "share"].sum() == pytest.approx(kpis["with_officer_share"])
    assert by_status.loc["at_required_strength", "share"] == pytest.approx(kpis["at_required_strength_share"])
    assert pd.isna(by_status.loc["not_assessable", "share"])
    # strength-weighted residents: rounded per oblast in the league, so within half a resident per oblast
    assert abs(int(kpis["residents_strength_weighted"]) - int(league["residents_strength_weighted"].sum())) <= len(
        league) / 2
    # the universe: 24 oblasts, none outside it, and the hromadas of the universe only
    assert len(league) == 24 and not {CRIMEA, SEVASTOPOL, KYIV} & set(league["oblast_katottg"])
    assert int(kpis["hromadas_total"]) == int(counts["hromadas"].sum()) == 1469


def test_what_the_user_reads_agrees(figures):
    _, kpis, counts, league = figures
    for lang in ("uk", "en"):
        tiles = overview.kpi_tiles(_kpi_frame(kpis), lang)
        label = tiles[0].label
        assert label == t("kpi.hromadas_with_officer", lang, n=fmt_int(kpis["hromadas_with_officer"], lang),
                          total=fmt_int(kpis["hromadas_assessable"], lang))
        table = coverage.status_display(counts, lang)
        total_row = table[table[t("map.col.status", lang)] == t("map.assessable_total", lang)].iloc[0]
        assert total_row[t("map.col.hromadas", lang)] == fmt_int(kpis["hromadas_assessable"], lang)
        assert total_row[t("map.col.officers_serving", lang)] == tiles[1].value
        assert fmt_int(kpis["officers_required"], lang) in tiles[1].caption
        shown = rollout.league_display(league, float(kpis["with_officer_share"]), lang)
        assert {str(v) for v in shown["rank"]} >= {"1"}


def _kpi_frame(now: pd.Series) -> pd.DataFrame:
    """A national_kpis() frame whose year-before row equals now (the tiles need both)."""
    return pd.DataFrame([now, now], index=pd.Index(["now", "year_before"], name="when"))


def test_has_an_officer_and_at_required_strength_mean_one_thing_everywhere(demo_con):
    """Every month, every hromada: has_officer is exactly the two statuses with an officer, at
    required strength exactly its status; Kharkiv city is the same on the map and in the counts."""
    [(bad,)] = demo_con.execute(
        """SELECT count(*) FROM coverage_monthly
           WHERE has_officer <> (status IN ('at_required_strength', 'below_required'))
              OR is_at_required_strength <> (status = 'at_required_strength')
              OR (NOT in_programme AND (is_assessable OR status <> 'outside_programme'))"""
    ).fetchall()
    assert bad == 0
    kharkiv = demo_con.execute(
        """SELECT c.status, c.has_officer, c.is_at_required_strength, c.is_large_urban
           FROM coverage_on((SELECT value::DATE FROM build_info WHERE key = 'as_of_date')) AS c
           JOIN hromadas AS h USING (katottg) WHERE h.name_uk = 'Харківська' AND h.type_uk = 'міська'"""
    ).fetchall()
    assert len(kharkiv) == 1 and kharkiv[0][3] is True
    status, has_officer, at_required, _ = kharkiv[0]
    assert has_officer == (status in WITH_OFFICER_STATUSES) and at_required == (status == "at_required_strength")


# ---------------------------------------------------------------- the universe
def test_universe_config_and_the_warehouse(demo_con):
    u = Universe.load()
    oblasts = pd.Series([CRIMEA, SEVASTOPOL, KYIV, "UA63000000000041885"])
    assert u.in_programme(oblasts).tolist() == [False, False, False, True]
    assert u.note(oblasts).tolist() == ["occupied_since_2014", "occupied_since_2014", "capital_city", None]
    assert u.is_large_urban(pd.Series([99_999, 100_000, None], dtype="Int64")).tolist() == [False, True, False]
    rows = dict(demo_con.execute(
        "SELECT programme_note, count(*) FROM hromadas GROUP BY programme_note").fetchall())
    assert rows == {None: 1469, "occupied_since_2014": 303, "capital_city": 1}
    drawn = dict(demo_con.execute("SELECT oblast_katottg, drawn_as FROM outside_programme").fetchall())
    assert drawn == {CRIMEA: "occupied", SEVASTOPOL: "occupied", KYIV: "outside"}


def test_a_bad_universe_config_is_a_one_line_error(tmp_path):
    bad = tmp_path / "universe.toml"
    bad.write_text('[[outside]]\ncode = "x"\noblasts = []\ndrawn_as = "white"\nuk = "a"\nen = "b"\n'
                   "[large_urban]\nmin_population = 1\n[territory_list]\nmax_age_months = 6\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="universe.toml.*drawn_as") as err:
        Universe.load(bad)
    assert "\n" not in str(err.value)


# ---------------------------------------------------------------- the territory list's date
@pytest.mark.parametrize(
    ("list_date", "as_of", "stale"),
    [
        ("2025-05-07", "2025-11-07", False),  # exactly six months
        ("2025-05-07", "2025-11-08", True),
        ("2025-08-31", "2026-02-28", False),  # six months after 31 August is 28 February
        ("2025-08-31", "2026-03-01", True),
        ("2025-05-07", "2026-11-15", True),  # the demo's as-of date
    ],
)
def test_territory_list_staleness(list_date, as_of, stale):
    tl = TerritoryList(list_date, as_of, 6)
    assert tl.is_stale is stale
    for lang in ("uk", "en"):
        warning = t("common.territory_list_stale", lang, months=6)
        assert (warning in tl.note(lang)) is stale


def test_territory_list_date_comes_from_the_warehouse(demo_con, tmp_path):
    tl = coverage.territory_list(demo_con)
    assert (tl.list_date, tl.max_age_months) == ("2025-05-07", 6)
    assert "07.05.2025" in tl.note("uk") and "7 May 2025" in tl.note("en")
    periods = pd.DataFrame({"start_date": pd.to_datetime(["2022-02-24", "2024-03-01"]),
                            "end_date": pd.to_datetime([None, "2024-06-30"])})
    assert reference.list_date(tmp_path / "territories_hostilities_occupation_2025-05-07.csv", periods) == "2025-05-07"
    assert reference.list_date(tmp_path / "list.csv", periods) == "2024-06-30"  # no date in the name


# ---------------------------------------------------------------- profile peers
def test_profile_peers_leave_out_not_assessable_hromadas(demo_con):
    as_of = demo_con.execute("SELECT value FROM build_info WHERE key = 'as_of_date'").fetchone()[0][:10]
    # a hromada whose type and size band include not-assessable hromadas
    code, expected = demo_con.execute(
        """WITH c AS (SELECT c.katottg, c.is_assessable, h.type_uk, h.size_band
                      FROM coverage_on(?::DATE) AS c JOIN hromadas AS h USING (katottg))
           SELECT any_value(katottg ORDER BY katottg) FILTER (WHERE is_assessable),
                  count(*) FILTER (WHERE is_assessable)
           FROM c GROUP BY type_uk, size_band
           HAVING count(*) FILTER (WHERE NOT is_assessable) > 0 AND count(*) FILTER (WHERE is_assessable) > 1
           ORDER BY 2 DESC LIMIT 1""", [as_of]).fetchone()
    peers = profile.peers(demo_con, code, as_of)
    assert peers["is_assessable"].all()
    assert len(peers) == expected  # itself and its assessable peers
    assert profile.peer_summary(peers)["peers"] == expected - 1


def test_map_table_shares_are_of_the_assessable_hromadas_by_hand():
    """Four assessable hromadas (2 at required strength, 1 below, 1 without officer), one not
    assessable and one outside the programme: shares of 4, the outside one not counted."""
    cov = pd.DataFrame({
        "katottg": list("abcdef"),
        "oblast_katottg": ["O1"] * 5 + ["K"],
        "status": ["at_required_strength", "at_required_strength", "below_required", "no_officer_no_memorandum",
                   "not_assessable", "outside_programme"],
        "in_programme": [True] * 5 + [False],
        "population_count": [10, 20, 30, 40, 50, 1000],
        "officers_serving": [1, 3, 1, 0, 2, 5],
        "required_officers": [1, 2, 3, 1, 1, 3],
        "officer_gap": [0, 0, 2, 1, 0, 0],
        "officers_above_required": [0, 1, 0, 0, 0, 0],
    })
    counts = coverage.status_counts(cov).set_index("status")
    assert "outside_programme" not in counts.index
    assert counts.loc["at_required_strength", ["hromadas", "population", "officers_above_required"]].tolist() == [
        2, 30, 1]
    assert counts.loc["at_required_strength", "share"] == pytest.approx(2 / 4)
    assert counts.loc["below_required", "share"] == pytest.approx(1 / 4)
    assert counts.loc["memorandum_only", "hromadas"] == 0 and counts.loc["memorandum_only", "share"] == 0
    assert pd.isna(counts.loc["not_assessable", "share"])
    table = coverage.status_display(counts.reset_index(), "en").set_index(t("map.col.status", "en"))
    total = table.loc[t("map.assessable_total", "en")]
    assert (total[t("map.col.hromadas", "en")], total[t("map.col.share", "en")]) == ("4", "100.0%")
    assert total[t("map.col.officer_gap", "en")] == "3"  # 2 + 1, the not-assessable one outside it
    # an oblast with nothing assessable: no share at all, never "100 %"
    empty = coverage.status_display(coverage.status_counts(cov[cov["status"] == "not_assessable"]), "en")
    assert set(empty[t("map.col.share", "en")]) == {"—"}
