"""POG Monitor (Монітор ПОГ): the entrypoint — page config, language, login, navigation."""

from pathlib import Path

import streamlit as st

from monitor import app_state
from monitor.i18n import t

# No page_icon: a material-icon or emoji favicon is fetched from a CDN; the bundled default is local.
st.set_page_config(page_title="Монітор ПОГ", layout="wide")
# Wrapping instead of truncation at every width, and the print layout (monitor/style.css).
st.html(Path(__file__).resolve().parent / "monitor" / "style.css")

app_state.language_switch()
lang = app_state.lang()

# No page icons: the current page's icon becomes the favicon, which Streamlit fetches from
# fonts.gstatic.com for a material icon — a request outside the machine.
PAGES = [
    ("views/overview.py", "nav.overview", "overview"),
    ("views/coverage_map.py", "nav.coverage_map", "coverage-map"),
    ("views/gaps.py", "nav.gaps", "gaps"),
    ("views/rollout.py", "nav.rollout", "rollout"),
    ("views/trust.py", "nav.trust", "trust"),
    ("views/planning.py", "nav.planning", "planning"),
    ("views/collegium.py", "nav.collegium", "collegium"),
    ("views/hromada_profile.py", "nav.hromada", "hromada"),
    ("views/data_quality.py", "nav.data_quality", "data-quality"),
]
pages = {url: st.Page(path, title=t(key, lang), url_path=url) for path, key, url in PAGES}


def _home() -> None:
    # Streamlit serves the default page at "/" only, so a default Overview would not answer at
    # /overview (the address the links and tests use). The root redirects there instead,
    # keeping the query parameters (language, filters).
    st.switch_page(pages["overview"], query_params=st.query_params.to_dict())


home = st.Page(_home, title=t("nav.overview", lang), url_path="home", default=True, visibility="hidden")
# Login and roles (docs/access.md): the navigation is the same for everyone, so a page path in the
# URL never changes what runs; for whom the pages are closed, none runs and the menu is hidden.
refusal = app_state.serving_refusal()
who = app_state.viewer()
admitted = who.may_enter and refusal is None
page = st.navigation([home, *pages.values()], position="sidebar" if admitted else "hidden")
st.sidebar.caption(t("common.app_name", lang))
if refusal:
    st.error(refusal)
    st.stop()
if not who.may_enter:
    app_state.gate(who)
app_state.account(who)

if not app_state.db_exists():
    app_state.database_missing_message()
    st.stop()

# URL-bound widgets keep their state per page (app_state.url_key): no page reads another's.
st.session_state[app_state.PAGE_KEY] = page.url_path
page.run()
