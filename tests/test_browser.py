"""The dashboard in a real browser: a real Streamlit server, Debian's headless chromium.

Every page in both languages opens without an error element and makes no request outside
127.0.0.1; the coverage map draws every hromada; the language switch changes the labels.
Screenshots go to test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

from contextlib import closing
from urllib.parse import urlparse

import duckdb
import pytest

from monitor.i18n import t
from tests.streamlit_server import PAGES, REPO_ROOT, chromium, nav_link, streamlit_server, wait_for_app

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# Counts the hromada polygons the browser actually drew (not just what the figure holds): the
# distinct locations of the hromada traces (meta 'hromadas', not the oblast outlines) whose SVG
# path has its outline (`d`, set once the geometry is loaded and projected) and its fill.
# 0 until the map has drawn.
COUNT_DRAWN_SHAPES = """() => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g._fullLayout && g._fullLayout.geo);
  if (!gd) return 0;
  const ids = new Set();
  for (const trace of gd.querySelectorAll('g.trace.choropleth')) {
    const cd = trace.__data__;
    if (!cd || !cd[0] || !cd[0].trace || cd[0].trace.meta !== 'hromadas') continue;
    for (const p of trace.querySelectorAll('path.choroplethlocation')) {
      const d = p.getAttribute('d');
      if (d && d.length > 4 && p.getAttribute('fill') && p.__data__ && p.__data__.loc) ids.add(p.__data__.loc);
    }
  }
  return ids.size;
}"""


def drawn_at_least(n: int) -> str:
    """A wait_for_function body: true once at least n hromada shapes are drawn."""
    return f"() => ({COUNT_DRAWN_SHAPES})() >= {n}"


@pytest.fixture(scope="module")
def server(demo_db):
    with streamlit_server(demo_db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser):
    # Tall: Streamlit scrolls inside its own container, so a screenshot shows only the viewport.
    context = browser.new_context(viewport={"width": 1440, "height": 2400}, locale="uk-UA")
    pg = context.new_page()
    pg.outside_requests = []

    def record(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOCAL_HOSTS:
            pg.outside_requests.append(request.url)

    pg.on("request", record)
    pg.on("websocket", lambda ws: record(type("R", (), {"url": ws.url})()))
    yield pg
    context.close()


def open_page(page, base: str, path: str, lang: str, extra: str = "") -> None:
    page.goto(f"{base}/{path}?lang={lang}{extra}")
    wait_for_app(page)


@pytest.fixture(scope="module")
def profiled_hromada(demo_db) -> str:
    """A pilot hromada (served since 2019): its profile has a history to show."""
    with closing(duckdb.connect(str(demo_db), read_only=True)) as con:
        return con.execute(
            "SELECT hromada_katottg FROM officers WHERE start_date = DATE '2019-05-29' ORDER BY 1 LIMIT 1"
        ).fetchone()[0]


@pytest.mark.parametrize("lang", ["uk", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_page_opens_without_error_stays_local_and_nothing_is_cut(server, page, path, lang, profiled_hromada):
    open_page(page, server, path, lang, f"&hromada={profiled_hromada}" if path == "hromada" else "")
    if path == "coverage-map":
        page.wait_for_function(drawn_at_least(1469), timeout=30000)
    page.wait_for_timeout(800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path}-{lang}.png"), full_page=True)

    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()
    assert page.locator("h1").first.inner_text().strip() != ""
    assert page.outside_requests == []

    # Every screen from a projector to a wide monitor: nothing a user must read is cut (issue 10).
    cut = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 2400})
        settle_plain(page)
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
        cut[width] = page.evaluate(TRUNCATED)
        page.screenshot(path=str(SCREENSHOTS / f"{path}-{lang}-{width}.png"), full_page=True)
    assert {w: c for w, c in cut.items() if c} == {}


def test_map_draws_every_hromada(server, page, demo_con):
    # the programme's hromadas; Kyiv city's polygon is drawn from the oblast layer, as outside the programme
    expected = demo_con.execute("SELECT count(*) FROM hromadas WHERE has_geometry AND in_programme").fetchone()[0]
    assert expected == 1469
    open_page(page, server, "coverage-map", "uk")
    drawn = page.wait_for_function(
        f"() => {{ const n = ({COUNT_DRAWN_SHAPES})(); return n >= {expected} ? n : 0; }}", timeout=30000
    ).json_value()
    assert drawn == expected


@pytest.mark.parametrize("typed", ["дар'ївська", "ДАР’ЇВСЬКА", "Дарʼївська"])
def test_the_profile_search_finds_a_name_whatever_apostrophe_and_case_is_typed(server, page, demo_con, typed):
    """Issue 10: the hromada search ignores the apostrophe's spelling and case (typed into the real
    select box, whose fuzzy filter runs in the browser)."""
    code = demo_con.execute("SELECT katottg FROM hromadas WHERE name_uk = 'Дар’ївська'").fetchone()[0]
    open_page(page, server, "hromada", "uk")
    box = page.locator('[data-testid="stSelectbox"]').first
    box.click()
    page.keyboard.type(typed)
    options = page.locator('[role="option"]')
    options.first.wait_for(timeout=10000)
    assert any(code in text for text in options.all_inner_texts()), options.all_inner_texts()[:5]


def test_language_switch_changes_labels_and_survives_navigation(server, page):
    open_page(page, server, "overview", "uk")
    title_uk = page.locator("h1").first.inner_text()
    nav_uk = page.locator('[data-testid="stSidebarNav"]').inner_text()

    page.get_by_role("radio", name="English").click()
    page.wait_for_function(f"() => document.querySelector('h1') && "
                           f"document.querySelector('h1').innerText !== {title_uk!r}", timeout=20000)
    wait_for_app(page)
    nav_en = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert nav_en != nav_uk
    assert "lang=en" in page.url

    # Another page keeps the chosen language.
    nav_link(page, "trust").click()
    page.wait_for_url("**/trust**")
    wait_for_app(page)
    assert "lang=en" in page.url
    assert page.locator('[data-testid="stSidebarNav"]').inner_text() == nav_en


def test_screenshots_exist_for_every_page_in_both_languages():
    # Runs after the parametrised page test in file order; a missing picture means a page failed.
    missing = [f"{p}-{lang}.png" for p in PAGES for lang in ("uk", "en")
               if not (SCREENSHOTS / f"{p}-{lang}.png").exists()]
    assert missing == []



def test_a_deep_link_is_the_first_request_of_a_fresh_server(demo_db, browser):
    """A shared link opened before anyone used the server renders inside the frame, in its language,
    without Streamlit's "Page not found" dialog."""
    with streamlit_server(demo_db) as base:
        context = browser.new_context(viewport={"width": 1440, "height": 1200})
        page = context.new_page()
        try:
            open_page(page, base, "rollout", "en")
            page.wait_for_timeout(1000)
            assert page.get_by_text("Page not found").count() == 0
            assert page.get_by_role("radio", name="English").count() == 1  # the frame's language switch
            assert page.locator("h1").first.inner_text() == "Rollout by region"
        finally:
            context.close()


# ---------------------------------------------------------------- every move between pages
# The h1 each page shows (the walk waits for the new page's title, then for its run to settle).
TITLE_KEYS = {"overview": "overview.title", "coverage-map": "nav.coverage_map", "gaps": "gaps.title",
              "rollout": "rollout.title", "trust": "nav.trust", "planning": "planning.title",
              "hromada": "nav.hromada", "data-quality": "quality.title", "collegium": "coll.title"}
# Pages that must draw at least one chart when reached from the menu.
CHART_PAGES = {"overview", "coverage-map", "rollout", "trust", "planning"}

# True once the script has finished, nothing is stale, and every chart and table has drawn.
SETTLED = """(title) => {
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  if (!h1 || h1.innerText.trim() !== title) return false;
  const app = document.querySelector('[data-test-script-state]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg')) &&
         [...document.querySelectorAll('[data-testid="stDataFrame"]')]
           .every(d => d.querySelector('[data-testid="data-grid-canvas"]'));
}"""

# Per chart on the page: how many of its traces hold data (points, shapes or lines).
CHART_DATA = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .js-plotly-plot')].map(gd =>
  (gd.data || []).filter(tr => ['x', 'y', 'z', 'locations', 'lat', 'values']
    .some(k => tr[k] && tr[k].length > 0)).length)"""


def euler_walk(nodes: list[str]) -> list[str]:
    """A closed walk from nodes[0] through every ordered pair of distinct nodes exactly once
    (Hierholzer's algorithm on the complete directed graph)."""
    unused = {a: [b for b in nodes if b != a] for a in nodes}
    stack, walk = [nodes[0]], []
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


def settle(page, path: str, lang: str, timeout_ms: int = 30000) -> None:
    page.wait_for_function(SETTLED, arg=t(TITLE_KEYS[path], lang), timeout=timeout_ms, polling=100)


# Every ordered pair of pages (72 moves for 9 pages) in legs of one closed walk, each leg in a
# session of its own starting where the previous leg ended (a failure names its leg; no session
# runs for minutes); and
# the sequence that once broke (trust → map → rollout, trust → rollout).
WALK = euler_walk(PAGES)
LEGS = 4
LEG_MOVES = -(-(len(WALK) - 1) // LEGS)
WALK_LEGS = {f"leg{k + 1}": WALK[k * LEG_MOVES:(k + 1) * LEG_MOVES + 1] for k in range(LEGS)}
WALK_LEGS["broke"] = ["trust", "coverage-map", "rollout", "trust", "rollout"]


def test_the_walk_legs_cover_every_ordered_pair_of_pages():
    moves = {m for leg in WALK_LEGS.values() for m in zip(leg, leg[1:], strict=False)}
    assert {(a, b) for a in PAGES for b in PAGES if a != b} <= moves


@pytest.mark.parametrize("leg", list(WALK_LEGS))
@pytest.mark.parametrize("lang", ["uk", "en"])
def test_every_move_between_pages_draws_the_page(server, browser, lang, leg):
    """From each page to each other through the menu, in both languages, in one session per leg
    (the state that leaked between pages: ?metric=/?oblast= meant other things on each): no error
    element, no English placeholder on the Ukrainian pages, and every chart of the page drawn with
    data (issue 10)."""
    walk = WALK_LEGS[leg]
    context = browser.new_context(viewport={"width": 1440, "height": 1200})
    page = context.new_page()
    try:
        open_page(page, server, walk[0], lang)
        failures = []
        for here, there in zip(walk, walk[1:], strict=False):
            nav_link(page, there).click()
            settle(page, there, lang)
            move = f"{here} → {there}"
            errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
            if errors.count():
                failures.append(f"{move}: {errors.first.inner_text()[:200]}")
            charts = page.evaluate(CHART_DATA)
            if there in CHART_PAGES and (not charts or 0 in charts):
                failures.append(f"{move}: charts with data {charts}")
            text = page.locator('[data-testid="stMain"]').inner_text()
            if lang == "uk" and ("Choose options" in text or "No results" in text):
                failures.append(f"{move}: English placeholder")
        assert failures == [], "\n".join(failures)
    finally:
        context.close()


# ---------------------------------------------------------------- every screen, nothing cut
WIDTHS = (1920, 1440, 1280, 1024)

# Elements of the page or the menu whose text is cut: wider content than box, in a box that clips
# it (overflow hidden/clip/auto/scroll or an ellipsis). Charts (SVG), tables (canvas) and code are
# left out: they scroll or scale by design. Returns 'testid-chain: text' for each.
TRUNCATED = """() => {
  const out = [];
  const root = document.querySelector('[data-testid="stMain"]');
  const menu = [...document.querySelectorAll('[data-testid="stSidebarNav"] *')];
  for (const el of [...root.querySelectorAll('*'), ...menu]) {
    if (el.closest('.js-plotly-plot, [data-testid="stDataFrame"], pre, code, [data-testid="stCode"]')) continue;
    if (!el.offsetParent || el.scrollWidth <= el.clientWidth + 1 || el.clientWidth === 0) continue;
    const cs = getComputedStyle(el);
    const clips = ['hidden', 'clip', 'auto', 'scroll'].includes(cs.overflowX) || cs.textOverflow === 'ellipsis';
    if (!clips || !el.innerText || !el.innerText.trim()) continue;
    const ids = []; let p = el;
    while (p && p !== root && ids.length < 3) {
      if (p.dataset && p.dataset.testid) ids.push(p.dataset.testid);
      p = p.parentElement;
    }
    out.push(`${ids.join('<')}: ${el.innerText.trim().slice(0, 60)} (${el.scrollWidth}>${el.clientWidth})`);
  }
  // A select box shows its value in an <input>, whose scrollWidth says nothing: measure the text.
  const ctx = document.createElement('canvas').getContext('2d');
  for (const inp of root.querySelectorAll('input')) {
    if (!inp.value || !inp.offsetParent || !['text', 'search', ''].includes(inp.type)) continue;
    const cs = getComputedStyle(inp);
    ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
    const room = inp.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (ctx.measureText(inp.value).width > room + 1) out.push(`input: ${inp.value.slice(0, 60)}`);
  }
  return [...new Set(out)];
}"""

SETTLED_ANY = """() => {
  const app = document.querySelector('[data-test-script-state]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg')) &&
         [...document.querySelectorAll('[data-testid="stDataFrame"]')]
           .every(d => d.querySelector('[data-testid="data-grid-canvas"]'));
}"""


def settle_plain(page, timeout_ms: int = 30000) -> None:
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    page.wait_for_function(SETTLED_ANY, timeout=timeout_ms, polling=100)


def test_a_page_prints_on_a4_landscape_without_the_frame(server, browser):
    """Printed (A4 landscape): no menu, header or download buttons; tiles and charts kept whole."""
    context = browser.new_context(viewport={"width": 1280, "height": 1200})
    page = context.new_page()
    try:
        open_page(page, server, "overview", "uk")
        page.emulate_media(media="print")
        hidden = page.evaluate("""() => ['[data-testid="stSidebar"]', '[data-testid="stHeader"]',
                                        '[data-testid="stDownloadButton"]']
          .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none'))""")
        assert hidden == [True, True, True]
        whole = page.evaluate("""() => ['[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]']
          .map(s => [...document.querySelectorAll(s)].every(e => getComputedStyle(e).breakInside === 'avoid'))""")
        assert whole == [True, True]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pdf = page.pdf(path=str(SCREENSHOTS / "overview-uk-print.pdf"), prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()
