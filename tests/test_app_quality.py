"""The data-quality page in AppTest, both languages: no exception, and the load log, rejects and
overlaps shown equal the database's."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int
from monitor.i18n import t, t_or
from monitor.quality import REJECTS_SHOWN
from tests import apptest

PAGE = "views/data_quality.py"


def run_page(lang: str, **params) -> AppTest:
    return apptest.run_page(PAGE, lang, **params)


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
