"""No page crashes on any hromada, nor on a warehouse with no programme rows (issue 9 §2).

The profile once raised TypeError (NAType) for Kyiv city and every Crimean unit, and for every
hromada of a warehouse built from an empty raw directory. The read-side functions behind the
profile run here over every code of the registry on one connection (the peer group's query once
per group, the pure functions per hromada); AppTest opens the odd ones and every page of an empty
warehouse.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from etl.cli import main as etl_main
from monitor import db, profile
from monitor.i18n import t
from tests import apptest
from tests.conftest import DEMO_AS_OF

PAGES = ["views/overview.py", "views/coverage_map.py", "views/rollout.py", "views/trust.py",
         "views/planning.py", "views/hromada_profile.py", "views/data_quality.py", "views/gaps.py",
         "views/collegium.py"]


@pytest.fixture(scope="module")
def demo_read(demo_db):
    con = db.connect(demo_db)
    yield con
    con.close()


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    """A real build from an empty raw directory: the registry, facts and derived tables, no
    officers, stations, memoranda, targets or survey."""
    base = tmp_path_factory.mktemp("empty")
    (base / "raw").mkdir()
    assert etl_main(["build", "--raw", str(base / "raw"), "--db", str(base / "pog.duckdb")]) == 0
    return base / "pog.duckdb"


def _every_hromada_profile(con, as_of: str) -> int:
    """The peers of every hromada (the group's query once per group: the same rows for all its
    members), their caption and table in both languages, and the tiles for every pattern of
    empty figures in the group. Returns how many hromadas were covered."""
    index = profile.hromada_index(con)
    assert set(profile.search_labels(index, "uk")) == set(index["katottg"])
    # a group's members, and those that may be peers: assessable on the date (monitor/profile.py)
    groups = db.query(
        con,
        "SELECT list(h.katottg ORDER BY h.katottg) AS codes, "
        "list(h.katottg ORDER BY h.katottg) FILTER (WHERE c.is_assessable) AS assessable "
        "FROM hromadas AS h JOIN coverage_on(?::DATE) AS c USING (katottg) GROUP BY h.type_uk, h.size_band",
        [as_of],
    )
    done = 0
    for codes, assessable in zip(groups["codes"], groups["assessable"], strict=True):
        expected = sorted({codes[0], *(assessable if isinstance(assessable, (list, np.ndarray)) else [])})
        peer_rows = profile.peers(con, codes[0], as_of)
        assert sorted(peer_rows["katottg"]) == expected
        for lang in ("uk", "en"):
            assert profile.peer_caption(peer_rows, as_of, lang)
            assert len(profile.peer_display(peer_rows, lang)) == len(expected)
        # The tiles of a hromada depend on which of its figures are empty and on what its peers
        # (the group without it) hold: one hromada per such pattern stands for the others.
        pattern = pd.concat([peer_rows[c].isna() for c in _EMPTY_CAN_MATTER]
                            + [peer_rows["is_assessable"], peer_rows["has_officer"]], axis=1)
        for pos in (~pattern.duplicated()).to_numpy().nonzero()[0]:
            me = np.arange(len(peer_rows)) == pos
            peer_df = pd.concat([peer_rows[me], peer_rows[~me]]).assign(is_self=[True] + [False] * (len(peer_rows) - 1))
            assert len(profile.peer_tiles(peer_df, "uk")) == 4
        done += len(codes)
    return done


_EMPTY_CAN_MATTER = ["officers_per_10k", "months_since_first_officer", "trust_share", "population_count"]


def _every_card(con) -> None:
    """hromada_card of every hromada (the languages taking turns), from one query per table."""
    one = profile.hromada_facts(con, db.query(con, "SELECT min(katottg) AS k FROM hromadas")["k"].iloc[0])
    rows = db.query(con, "SELECT h.* REPLACE (coalesce(h.name_en, h.name_uk) AS name_en), o.name_uk AS oblast_name_uk, "
                         "o.name_en AS oblast_name_en FROM hromadas AS h JOIN oblasts AS o USING (oblast_katottg)")
    assert list(rows.columns) == list(one.columns)  # the same row hromada_facts gives
    last = db.query(con, "SELECT katottg, * EXCLUDE (katottg) FROM coverage_monthly "
                         "QUALIFY row_number() OVER (PARTITION BY katottg ORDER BY on_date DESC) = 1")
    last = last.set_index("katottg")
    for i, (_, row) in enumerate(rows.iterrows()):
        history = last.loc[[row["katottg"]]] if row["katottg"] in last.index else last.iloc[:0]
        card = profile.hromada_card(row, history, "en" if i % 2 else "uk")
        assert card.title and len(card.tiles) == 5


def test_every_registry_code_has_a_profile(demo_read):
    n = _every_hromada_profile(demo_read, DEMO_AS_OF.isoformat())
    assert n == db.query(demo_read, "SELECT count(*) AS n FROM hromadas")["n"].iloc[0]
    _every_card(demo_read)


def test_every_registry_code_has_a_profile_without_programme_data(empty_db):
    con = db.connect(empty_db)
    try:
        as_of = db.build_info(con)["as_of_date"][:10]
        _every_hromada_profile(con, as_of)
        _every_card(con)
    finally:
        con.close()


@pytest.fixture(scope="module")
def odd_codes(demo_read) -> dict[str, str]:
    """Kyiv city (no type, its own size band), a Crimean unit (no population), an occupied one."""
    pick = lambda sql: db.query(demo_read, sql)["katottg"].iloc[0]  # noqa: E731
    return {
        "kyiv": pick("SELECT katottg FROM hromadas WHERE katottg LIKE 'UA80%' ORDER BY 1 LIMIT 1"),
        "crimea": pick("SELECT katottg FROM hromadas WHERE katottg LIKE 'UA01%' ORDER BY 1 LIMIT 1"),
        "occupied": pick(f"SELECT katottg FROM coverage_on(DATE '{DEMO_AS_OF}') WHERE territory_status = 'occupied' "
                         "AND katottg NOT LIKE 'UA01%' ORDER BY 1 LIMIT 1"),
    }


@pytest.mark.parametrize("which", ["kyiv", "crimea", "occupied"])
def test_odd_hromadas_open_in_the_profile(app_db, odd_codes, which):
    at = apptest.run_page("views/hromada_profile.py", "uk", hromada=odd_codes[which])
    assert not at.error
    assert at.selectbox(key="profile_hromada").value == odd_codes[which]
    assert len(at.metric) == 9  # five facts, four peer tiles


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_an_empty_warehouse(empty_db, monkeypatch, page):
    monkeypatch.setenv("POG_DB", str(empty_db))
    params = {"hromada": "UA80000000000093317"} if page.endswith("profile.py") else {}
    at = apptest.run_page(page, "uk", **params)
    assert not at.error, [e.value for e in at.error]
    assert at.title and at.title[0].value


def test_a_markdown_link_in_the_url_is_shown_as_text(app_db):
    """?hromada=![x](http://…) once made the browser fetch an outside host from the warning."""
    code = "![x](http://example.invalid/p.png)"
    at = apptest.run_page("views/hromada_profile.py", "uk", hromada=code)
    warning = next(w for w in at.warning if "example" in w.value)
    assert warning.value == t("profile.unknown_code", "uk", code=r"\!\[x\]\(http\:\/\/example\.invalid\/p\.png\)")
    assert "](" not in warning.value  # no Markdown link or image is left to render


def _streamlit_fuzzy_match(typed: str, label: str) -> bool:
    """Streamlit's selectbox filter_mode='fuzzy': the typed letters, case ignored, in order."""
    label, i = label.lower(), 0
    for ch in typed.lower():
        i = label.find(ch, i) + 1
        if i == 0:
            return False
    return True


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_the_picker_finds_a_name_whatever_the_apostrophe_and_case(demo_read, lang):
    index = profile.hromada_index(demo_read)
    labels = profile.search_labels(index, lang)
    with_apostrophe = index[index["name_uk"].str.contains("[’'ʼ]", regex=True)]
    assert len(with_apostrophe) > 10
    for code, name in zip(with_apostrophe["katottg"], with_apostrophe["name_uk"], strict=True):
        for typed in {re.sub("[’'ʼ]", a, name) for a in "'’ʼ"} | {name.upper(), name.lower()}:
            hits = [c for c, label in labels.items() if _streamlit_fuzzy_match(typed, label)]
            assert code in hits, (typed, labels[code])
    plain = index[~index["name_uk"].str.contains("[’'ʼ]", regex=True)]["katottg"].iloc[0]
    assert " · " not in labels[plain]  # a name without an apostrophe keeps its label as it was
