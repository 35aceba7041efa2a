"""The data-quality page in AppTest, both languages: no exception, and the load log, rejects and
overlaps shown equal the database's."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int
from monitor.i18n import t, t_or
from monitor.quality import REJECTS_SHOWN

PAGE = "pages/data_quality.py"


@pytest.fixture()
def dash_db(request, monkeypatch) -> Path:
    """An explicit POG_DB that exists (a hand-built warehouse), else the session demo build."""
    explicit = os.environ.get("POG_DB")
    if explicit and Path(explicit).exists():
        return Path(explicit)
    return request.getfixturevalue("app_db")


@pytest.fixture()
def con(dash_db):
    c = duckdb.connect(str(dash_db), read_only=True)
    yield c
    c.close()


def run_page(lang: str, **params) -> AppTest:
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with column {column!r}")


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_quality_page_equals_the_database(dash_db, con, lang):
    at = run_page(lang)
    assert at.title[0].value == t("quality.title", lang)

    overlaps = con.execute("SELECT count(*) FROM officer_overlaps").fetchone()[0]
    tile = [m for m in at.metric if m.label == t("quality.overlaps_count", lang)][0]
    assert tile.value == fmt_int(overlaps, lang)

    log = table_with(at, t("col.sha256_short", lang))
    expected = con.execute("SELECT file, rows_read, rows_rejected FROM load_log").fetchall()
    assert len(log) == len(expected)
    shown = {r[t("col.file", lang)]: r for _, r in log.iterrows()}
    for file, read, rejected in expected:
        assert shown[file][t("col.rows_read", lang)] == fmt_int(read, lang)
        assert shown[file][t("col.rows_rejected", lang)] == fmt_int(rejected, lang)

    n_rejects = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
    if n_rejects:
        rows = table_with(at, t("col.row", lang))
        assert len(rows) == min(n_rejects, REJECTS_SHOWN)
        caption = t("quality.rejects_shown", lang, n=fmt_int(len(rows), lang), total=fmt_int(n_rejects, lang))
        assert caption in [c.value for c in at.caption]
        shown = con.execute(
            "SELECT DISTINCT reason FROM (SELECT reason FROM rejects ORDER BY file, row, \"column\" LIMIT ?)",
            [REJECTS_SHOWN],
        ).fetchall()
        assert set(rows[t("col.reason", lang)]) == {t_or(f"reason.{r}", lang, r) for (r,) in shown}

    if con.execute("SELECT value FROM build_info WHERE key = 'is_demo'").fetchone()[0] == "true":
        assert at.warning and at.warning[0].value == t("common.demo_banner", lang)
        seed, scale = (v for (v,) in con.execute(
            "SELECT value FROM build_info WHERE key IN ('demo_seed', 'demo_scale') ORDER BY key DESC").fetchall())
        assert any(i.value == t("quality.demo_notice", lang, seed=seed, scale=scale) for i in at.info)


def test_reject_filters_from_the_url(dash_db, con):
    first = con.execute("SELECT file, reason FROM rejects ORDER BY file, row LIMIT 1").fetchone()
    if first is None:
        pytest.skip("this warehouse has no rejects")
    file, reason = first
    at = run_page("en", file=file, reason=reason)
    expected = con.execute("SELECT count(*) FROM rejects WHERE file = ? AND reason = ?",
                           [file, reason]).fetchone()[0]
    rows = table_with(at, t("col.row", "en"))
    assert len(rows) == expected
    assert at.query_params["file"] == file and at.query_params["reason"] == reason
