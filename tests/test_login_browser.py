"""Sign-in end to end: a real OpenID Connect provider on loopback (oidc-provider-mock), the server
as `./pog start` runs it in login mode, Debian's headless chromium.

A visitor is sent to sign in, whatever page the link names; each role then sees what it should and
nothing more, also after editing the URL, and so do its downloads; signing out closes the pages.
Screenshots of the sign-in and no-access pages go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import asyncio
import csv
import io
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench import st_protocol
from monitor.i18n import t
from tests.login import login_server
from tests.streamlit_server import REPO_ROOT, chromium

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
USERS = {  # subject -> claims at the provider
    "u-national": {"email": "national@npu.test", "name": "National"},
    "u-oblast": {"email": "oblast@npu.test", "name": "Oblast head"},
    "u-analyst": {"email": "analyst@npu.test", "name": "Analyst"},
    "u-stranger": {"email": "stranger@npu.test", "name": "No role"},
}


@pytest.fixture(scope="module")
def places(demo_db) -> dict[str, str]:
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        (head,), (other,) = con.execute(
            """SELECT h.oblast_katottg FROM officer_overlaps o JOIN hromadas h ON h.katottg = o.first_hromada
               GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2""").fetchall()
        pick = ("SELECT hromada_katottg FROM officers JOIN hromadas h ON h.katottg = hromada_katottg "
                "WHERE h.oblast_katottg = ? ORDER BY start_date, 1 LIMIT 1")
        return {"oblast": head, "own_hromada": con.execute(pick, [head]).fetchone()[0],
                "other_hromada": con.execute(pick, [other]).fetchone()[0]}
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(demo_db, places, tmp_path_factory):
    roles = {"national@npu.test": "national", "u-oblast": f"oblast:{places['oblast']}",
             "analyst@npu.test": "analyst"}
    users = [{"sub": sub, **claims} for sub, claims in USERS.items()]
    with login_server(demo_db, tmp_path_factory.mktemp("login"), users, roles) as (base, provider):
        yield base, provider


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def new_context(browser, cookies: list[dict] | None = None):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    if cookies:
        ctx.add_cookies(cookies)

    # Nothing may leave the machine (the provider's form links a stylesheet on a CDN); and the map
    # geometry is not fetched: these pages are about who sees which rows, tests/test_browser.py
    # draws the maps.
    def local_only(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:")) and "/app/static/geo/" not in url:
            return route.continue_()
        return route.abort()

    ctx.route("**/*", local_only)
    return ctx


@pytest.fixture()
def context(browser):
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture()
def signed_in(browser, served):
    """A page whose browser is signed in as a subject through the provider over HTTP: the same
    OIDC flow as the form (bench/st_protocol.sign_in), without drawing the sign-in page again."""
    contexts = []

    def make(subject: str):
        with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's event loop
            jar = pool.submit(asyncio.run, st_protocol.sign_in(served[0], subject)).result()
        contexts.append(new_context(browser, [{"name": c.name, "value": c.value, "url": served[0]}
                                              for c in jar.jar]))
        return contexts[-1].new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def settled(page) -> None:
    """Until the script run the page asked for has finished (charts need not have drawn)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"] h1', timeout=60000)


def title(page) -> str:
    settled(page)
    return page.locator("h1").first.inner_text().strip()


def sign_in(page, served, subject: str, start: str = "data-quality", lang: str = "en") -> None:
    """Open `start`, be sent to sign in, sign in at the provider as `subject`, and be back with the
    sign-in cookie (the app then opens its start page, which the test does not wait for)."""
    base, provider = served
    page.goto(f"{base}/{start}?lang={lang}")
    assert title(page) == t("access.signed_out.title", lang)
    page.get_by_role("button", name=t("access.login", lang)).click()
    page.wait_for_url(f"{provider}/oauth2/authorize**")
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(f"{base}/**", wait_until="commit")


def goto(page, served, path: str) -> None:
    page.goto(f"{served[0]}/{path}")
    settled(page)


def download_csv(page, key: str) -> list[dict]:
    with page.expect_download() as info:
        page.locator(f".st-key-dl_csv_{key} button").click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    return list(csv.DictReader(io.StringIO(text)))


def test_a_visitor_is_sent_to_sign_in_whatever_the_link(served, context, places):
    page = context.new_page()
    for lang, path in (("en", "data-quality"), ("uk", f"hromada?hromada={places['own_hromada']}")):
        page.goto(f"{served[0]}/{path}{'&' if '?' in path else '?'}lang={lang}")
        assert title(page) == t("access.signed_out.title", lang)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[data-testid="stDataFrame"], [data-testid="stMetric"]').count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"sign-in-{lang}.png"))


def test_an_identity_without_a_role_sees_the_no_access_page_only(served, signed_in, places):
    page = signed_in("u-stranger")
    lang = "uk"
    goto(page, served, f"hromada?hromada={places['own_hromada']}&lang={lang}")
    assert title(page) == t("access.no_role.title", lang)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stMetric"], .js-plotly-plot').count() == 0
    assert "stranger@npu.test" in page.locator('[data-testid="stMain"]').inner_text()
    page.screenshot(path=str(SCREENSHOTS / "no-access-uk.png"))


def test_an_oblast_head_sees_officer_rows_of_their_oblast_only_also_by_url_and_download(served, signed_in, places):
    page = signed_in("u-oblast")
    lang = "en"
    goto(page, served, f"hromada?hromada={places['other_hromada']}&lang={lang}")
    main = page.locator('[data-testid="stMain"]')
    assert t("access.assignments_hidden", lang) in main.inner_text()
    assert t("profile.col.officer_id", lang) not in main.inner_text()
    assert page.locator(".st-key-dl_csv_profile_officers_tbl").count() == 0

    goto(page, served, f"data-quality?lang={lang}&file=all&reason=all")
    rejects = download_csv(page, "rejects")
    oblast_col = t("col.oblast_katottg", lang)
    assert rejects and {r[oblast_col] for r in rejects} == {places["oblast"]}
    overlaps = download_csv(page, "officer_overlaps")
    assert overlaps and all(places["oblast"] in (r[t("col.first_oblast", lang)], r[t("col.second_oblast", lang)])
                            for r in overlaps)


def test_an_analyst_sees_data_quality_in_full_and_no_assignments(served, signed_in, places):
    page = signed_in("u-analyst")
    lang = "en"
    goto(page, served, f"data-quality?lang={lang}")
    rejects = download_csv(page, "rejects")
    assert len({r[t("col.oblast_katottg", lang)] for r in rejects}) > 10
    goto(page, served, f"hromada?hromada={places['own_hromada']}&lang={lang}")
    assert t("access.assignments_hidden", lang) in page.locator('[data-testid="stMain"]').inner_text()


def test_national_staff_see_everything_and_signing_out_closes_the_pages(served, context, places):
    page = context.new_page()
    sign_in(page, served, "u-national")
    lang = "en"
    goto(page, served, f"hromada?hromada={places['other_hromada']}&lang={lang}")
    assert "national@npu.test" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert page.locator(".st-key-dl_csv_profile_officers_tbl").count() == 1

    page.get_by_role("button", name=t("access.logout", lang)).click()
    page.wait_for_url(f"{served[1]}/oauth2/end_session**")  # the provider ends its session too
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{served[0]}/**")
    assert title(page) == t("access.signed_out.title", "uk")
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stMetric"]').count() == 0
