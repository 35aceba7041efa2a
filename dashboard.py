"""POG Monitor (Монітор ПОГ): the entrypoint — page config, language, navigation."""

import streamlit as st

from monitor import app_state
from monitor.i18n import t

st.set_page_config(page_title="Монітор ПОГ", page_icon=":material/local_police:", layout="wide")

app_state.language_switch()
lang = app_state.lang()

PAGES = [
    ("pages/overview.py", "nav.overview", "overview", ":material/dashboard:"),
    ("pages/coverage_map.py", "nav.coverage_map", "coverage-map", ":material/map:"),
    ("pages/rollout.py", "nav.rollout", "rollout", ":material/trending_up:"),
    ("pages/trust.py", "nav.trust", "trust", ":material/handshake:"),
    ("pages/hromada_profile.py", "nav.hromada", "hromada", ":material/location_city:"),
    ("pages/data_quality.py", "nav.data_quality", "data-quality", ":material/fact_check:"),
]
page = st.navigation(
    [
        st.Page(path, title=t(key, lang), url_path=url, icon=icon, default=(url == "overview"))
        for path, key, url, icon in PAGES
    ]
)
st.sidebar.caption(t("common.app_name", lang))

if not app_state.db_exists():
    app_state.database_missing_message()
    st.stop()

page.run()
