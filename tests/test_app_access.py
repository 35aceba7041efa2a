"""Login and roles at page level, in AppTest (its `user` argument stands for the signed-in
identity; tests/test_login_browser.py does the same through a real identity provider).

A signed-out visitor and an identity without a role see one page saying so and nothing of the
dashboard, whatever page path or parameters the URL holds; an oblast head sees officer assignments,
rejected rows and overlaps of their own oblast only; an analyst sees the data-quality page in full
and no assignments; national staff see everything."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.formatting import fmt_int
from monitor.i18n import t
from monitor.quality import REJECTS_SHOWN
from tests import apptest
from tests.apptest import DASHBOARD

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "apptest-cookie-secret-0123456789abcdef",
    "client_id": "pog-monitor",
    "client_secret": "apptest",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
PAGES = ["views/overview.py", "views/coverage_map.py", "views/rollout.py", "views/trust.py", "views/collegium.py",
         "views/hromada_profile.py", "views/data_quality.py", "views/gaps.py"]


@pytest.fixture()
def places(con) -> dict[str, str]:
    """Two oblasts with officers and overlaps, and a served hromada in each."""
    head, other = con.execute(
        """SELECT h.oblast_katottg FROM officer_overlaps o JOIN hromadas h ON h.katottg = o.first_hromada
           GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2""").fetchall()
    pick = "SELECT hromada_katottg FROM officers JOIN hromadas h ON h.katottg = hromada_katottg " \
           "WHERE h.oblast_katottg = ? ORDER BY start_date, 1 LIMIT 1"
    return {"oblast": head[0], "other_oblast": other[0],
            "own_hromada": con.execute(pick, [head[0]]).fetchone()[0],
            "other_hromada": con.execute(pick, [other[0]]).fetchone()[0]}


@pytest.fixture()
def roles(tmp_path, monkeypatch, places):
    path = tmp_path / "roles.toml"
    path.write_text(f"""[roles]
"national@npu.test" = "national"
"analyst@npu.test" = "analyst"
"oblast@npu.test" = "oblast:{places['oblast']}"
""", encoding="utf-8")
    monkeypatch.setenv("POG_ROLES", str(path))
    return path


def run_as(user: dict, page: str | None, lang: str = "uk", **params) -> AppTest:
    return apptest.run_page(page, lang, user=user, auth=AUTH, **params)


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "sub": f"sub-{email}"}


def shows_nothing_of_the_dashboard(at: AppTest) -> bool:
    return not at.dataframe and not at.metric and not at.get("plotly_chart") and not at.selectbox


@pytest.mark.parametrize("page", [None, *PAGES])
def test_a_signed_out_visitor_sees_the_login_page_only(dash_db, roles, places, page):
    at = run_as({"is_logged_in": False}, page, hromada=places["own_hromada"], oblast=places["oblast"])
    assert at.title[0].value == t("access.signed_out.title", "uk")
    assert [b.label for b in at.button] == [t("access.login", "uk")]
    assert shows_nothing_of_the_dashboard(at)


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_an_identity_without_a_role_is_told_so_and_sees_nothing_else(dash_db, roles, places, lang):
    at = run_as(signed_in("stranger@npu.test"), "views/data_quality.py", lang)
    assert at.title[0].value == t("access.no_role.title", lang)
    assert t("access.identity", lang, identity="stranger@npu.test") in [x.value for x in at.text]
    assert [b.label for b in at.button] == [t("access.logout", lang)]
    assert shows_nothing_of_the_dashboard(at)


def test_a_broken_roles_file_closes_the_monitor_and_names_the_fault(dash_db, roles, monkeypatch):
    monkeypatch.setenv("POG_ROLES", str(roles.parent / "missing.toml"))
    at = run_as(signed_in("national@npu.test"), "views/overview.py")
    assert at.title[0].value == t("access.roles_broken.title", "uk")
    assert "missing.toml" in at.code[0].value
    assert shows_nothing_of_the_dashboard(at)


def table_with(at: AppTest, column: str):
    return next((df.value for df in at.dataframe if column in df.value.columns), None)


def quality_counts(con, oblast: str | None) -> tuple[int, int]:
    """Rejected rows and overlaps an oblast head may see (None: every oblast)."""
    rejects = con.execute("SELECT count(*) FROM rejects WHERE ?::VARCHAR IS NULL OR oblast_katottg = ?",
                          [oblast, oblast]).fetchone()[0]
    overlaps = con.execute(
        """SELECT count(*) FROM officer_overlaps o JOIN hromadas a ON a.katottg = o.first_hromada
           JOIN hromadas b ON b.katottg = o.second_hromada
           WHERE ?::VARCHAR IS NULL OR ? IN (a.oblast_katottg, b.oblast_katottg)""", [oblast, oblast]).fetchone()[0]
    return rejects, overlaps


@pytest.mark.parametrize(("email", "scoped"), [("oblast@npu.test", True), ("analyst@npu.test", False),
                                                ("national@npu.test", False)])
def test_data_quality_lists_obey_the_role(dash_db, con, roles, places, email, scoped):
    lang = "en"
    at = run_as(signed_in(email), "views/data_quality.py", lang)
    rejects, overlaps = quality_counts(con, places["oblast"] if scoped else None)
    assert 0 < overlaps and 0 < rejects
    assert len(table_with(at, t("col.row", lang))) == min(rejects, REJECTS_SHOWN)
    assert len(table_with(at, t("col.officer_id", lang))) == overlaps
    tile = next(m for m in at.metric if m.label == t("quality.overlaps_count", lang))
    assert tile.value == fmt_int(overlaps, lang)
    note = [c.value for c in at.caption if c.value.startswith(t("access.quality_scoped", lang, oblast="")[:20])]
    assert bool(note) is scoped
    # the totals per file and reason stay national for everyone (they are aggregates)
    per_file = table_with(at, t("col.rejects", lang))
    assert per_file[t("col.rejects", lang)].map(lambda v: int(v.replace(",", ""))).sum() == quality_counts(con, None)[0]


@pytest.mark.parametrize(("email", "own", "other"), [("oblast@npu.test", True, False),
                                                      ("analyst@npu.test", False, False),
                                                      ("national@npu.test", True, True)])
def test_officer_assignments_on_profiles_obey_the_role(dash_db, roles, places, email, own, other):
    lang = "uk"
    for hromada, shown in ((places["own_hromada"], own), (places["other_hromada"], other)):
        at = run_as(signed_in(email), "views/hromada_profile.py", lang, hromada=hromada)
        assert (table_with(at, t("profile.col.officer_id", lang)) is not None) is shown, hromada
        assert any(i.value == t("access.assignments_hidden", lang) for i in at.info) is not shown
        assert (at.get("plotly_chart") and len(at.get("plotly_chart")) == (2 if shown else 1))
        # the officer count stays for everyone (an aggregate)
        assert any(m.label == t("profile.officers_now", lang) for m in at.metric)


def test_the_sidebar_names_the_identity_and_role_with_a_sign_out_button(dash_db, roles, places):
    at = run_as(signed_in("oblast@npu.test"), "views/rollout.py", "en")
    texts = [c.value for c in at.sidebar.text]
    assert any(c.startswith("oblast@npu.test · ") for c in texts), texts
    assert t("access.logout", "en") in [b.label for b in at.sidebar.button]
    assert at.title[0].value == t("rollout.title", "en")


def test_local_mode_has_no_login_and_says_so(dash_db):
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert any(i.value == t("access.local_banner", "en", address="127.0.0.1") for i in at.info)
    assert not at.button or t("access.login", "en") not in [b.label for b in at.button]
