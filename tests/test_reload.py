"""A new build reaches the users without a restart (issue 9 §1).

DuckDB hands the same database instance back to duckdb.connect(path) while any connection to it
is open, so a server that kept its connection went on reading the old, deleted file after the ETL
swapped a new one in. monitor.db.Warehouse attaches each build in its own instance, opens the new
build on the first use after a swap, and closes the old one when its last lease ends.
"""

from __future__ import annotations

import os
import shutil
from datetime import date

import duckdb
import pytest

from etl.cli import main as etl_main
from monitor import db
from monitor.formatting import fmt_date
from monitor.i18n import t
from tests.conftest import DEMO_AS_OF
from tests.streamlit_server import chromium, streamlit_server, wait_for_app


def _tiny_build(path, value: int) -> None:
    """A stand-in warehouse with a build_info table, swapped in the way the ETL swaps (os.replace)."""
    tmp = path.with_name(path.name + ".building")
    con = duckdb.connect(str(tmp))
    con.execute("CREATE TABLE build_info (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO build_info VALUES ('as_of_date', ?)", [f"2026-0{value}-01"])
    con.execute("CREATE MACRO one_row(x) AS TABLE SELECT x AS v")
    con.close()
    os.replace(tmp, path)


def test_a_swapped_file_is_read_by_the_next_lease_and_the_old_closes_after_its_last(tmp_path):
    path = tmp_path / "pog.duckdb"
    _tiny_build(path, 1)
    wh = db.Warehouse(path)
    try:
        with wh.lease() as con:
            assert db.build_info(con)["as_of_date"] == "2026-01-01"
            # a build is swapped in while this session is in the middle of its page
            _tiny_build(path, 2)
            with wh.lease() as fresh:
                assert db.build_info(fresh)["as_of_date"] == "2026-02-01"
                assert db.query(fresh, "SELECT * FROM one_row(7)")["v"].tolist() == [7]  # persisted macros resolve
            # the session mid-page keeps reading its own build
            assert db.build_info(con)["as_of_date"] == "2026-01-01"
            assert wh.open_connections() == 2
        assert wh.open_connections() == 1  # the old build's connection closed with its last lease
        with wh.lease() as con:
            assert db.build_info(con)["as_of_date"] == "2026-02-01"
    finally:
        wh.close()


def test_a_plain_connection_to_the_same_path_cannot_see_the_swap(tmp_path):
    """Why connect() attaches instead: the failure the Warehouse avoids (this test can fail)."""
    path = tmp_path / "pog.duckdb"
    _tiny_build(path, 1)
    held = duckdb.connect(str(path), read_only=True)
    try:
        _tiny_build(path, 2)
        again = duckdb.connect(str(path), read_only=True)
        assert again.execute("SELECT value FROM build_info").fetchone()[0] == "2026-01-01"
        again.close()
        fresh = db.connect(path)
        assert db.build_info(fresh)["as_of_date"] == "2026-02-01"
        fresh.close()
    finally:
        held.close()


def _as_of_text(d: date) -> str:
    """The page header's caption up to its as-of date ('Станом на 15.11.2026'), without the
    built-at date that follows (the session's demo build was also built today)."""
    shown = fmt_date(d.isoformat(), "uk")
    return t("common.asof_source", "uk", as_of=shown, built_at="").split(shown)[0] + shown


@pytest.mark.browser
def test_a_build_run_against_a_live_server_shows_on_the_next_page_load(demo_db, tmp_path):
    served = tmp_path / "pog.duckdb"
    shutil.copy(demo_db, served)
    empty_raw = tmp_path / "raw"
    empty_raw.mkdir()
    with streamlit_server(served) as base, chromium() as browser:
        page = browser.new_page(locale="uk-UA")
        page.goto(f"{base}/overview?lang=uk")
        wait_for_app(page)
        caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
        assert caption.startswith(_as_of_text(DEMO_AS_OF)), caption

        # A real build (an empty raw directory: programme data, as of today) swapped in under it.
        assert etl_main(["build", "--raw", str(empty_raw), "--db", str(served)]) == 0

        page.reload()
        wait_for_app(page)
        caption = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
        assert caption.startswith(_as_of_text(date.today())), caption  # not just the built-at date
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
