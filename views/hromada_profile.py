"""Профіль громади / Hromada profile — one hromada in depth, and against its peers."""

import streamlit as st

from monitor import app_state, coverage, profile, survey, trust
from monitor.figures.profile import officers_figure, status_figure
from monitor.i18n import t

lang = app_state.lang()
app_state.page_header("nav.hromada", "profile.question")

labels = profile.search_labels(app_state.data(profile.hromada_index), lang)

# ?hromada=CODE (a link, or a click on the map) selects the hromada whenever it changes.
url_code = st.query_params.get("hromada")
if url_code and url_code != st.session_state.get("_profile_url_applied"):
    st.session_state["_profile_url_applied"] = url_code
    if url_code in labels:
        st.session_state["profile_hromada"] = url_code
    else:
        # the code came from a link: shown as text, never as Markdown (an image link would be fetched)
        st.warning(t("profile.unknown_code", lang, code=app_state.markdown_text(url_code[:80])))
code = app_state.hromada_picker(t("profile.search", lang), labels, t("profile.search_placeholder", lang),
                                "profile_hromada")
app_state.set_url_param("hromada", code)
st.session_state["_profile_url_applied"] = code
if not code:
    st.info(t("profile.choose_prompt", lang))
    st.stop()

as_of = app_state.as_of_date()
history = app_state.data(profile.status_history, code)
card = profile.hromada_card(app_state.data(profile.hromada_facts, code).iloc[0], history, lang)


def table_or_note(name: str, rows, display, empty_key: str) -> None:
    """A section's table of `rows` (download: the rows), or a note that there are none."""
    if rows.empty:
        st.caption(t(empty_key, lang))
    else:
        app_state.show_table(display(rows, lang), rows, f"{name}_{code}", lang, key=f"profile_{name}_tbl")


st.header(card.title)
st.subheader(t("profile.facts", lang))
for col, tile in zip(st.columns(5), card.tiles, strict=True):
    with col:
        app_state.show_tile(tile)
if card.status_line:
    st.markdown(card.status_line)
st.markdown(card.facts_line)

st.subheader(t("profile.status_history", lang))
app_state.plotly(status_figure(history, lang), key="profile_status")
st.caption(app_state.data(coverage.territory_list).note(lang))

st.subheader(t("profile.officers_over_time", lang))
assignments = (app_state.data(profile.officer_assignments, code)
               if app_state.sees_assignments(card.oblast_katottg) else None)
if assignments is None:
    st.info(t("access.assignments_hidden", lang))
elif assignments.empty:
    st.info(t("profile.no_officers", lang))
else:
    app_state.plotly(officers_figure(assignments, history, as_of, lang), key="profile_officers")
    table_or_note("officers", assignments, profile.officers_display, "profile.no_officers")

# Stations full width (names are long); memorandum and territory status side by side below.
st.markdown("#### " + t("profile.stations", lang))
table_or_note("stations", app_state.data(profile.stations_of, code), profile.stations_display, "profile.no_stations")
c_memo, c_terr = st.columns(2)
with c_memo:
    st.markdown("#### " + t("profile.memoranda", lang))
    table_or_note("memoranda", app_state.data(profile.memoranda_of, code), profile.memoranda_display,
                  "profile.no_memoranda")
with c_terr:
    st.markdown("#### " + t("profile.territory", lang))
    table_or_note("territory", app_state.data(profile.territory_periods, code), profile.territory_display,
                  "profile.no_territory")

st.subheader(t("profile.trust", lang, oblast=card.oblast_name))
oblast_trust = app_state.data(trust.latest_waves, card.oblast_katottg, 4)
table_or_note("trust", oblast_trust, profile.oblast_trust_table, "profile.no_trust")
if not oblast_trust.empty:
    st.caption(t("profile.trust_note", lang) + " " + survey.rule_note(app_state.data(survey.reporting_rule), lang))

st.subheader(t("profile.peers", lang, type=card.type_label, band=card.size_band))
peer_df = app_state.data(profile.peers, code, as_of)
st.caption(profile.peer_caption(peer_df, as_of, lang))
for col, tile in zip(st.columns(4), profile.peer_tiles(peer_df, lang), strict=True):
    with col:
        app_state.show_tile(tile)
app_state.show_table(profile.peer_display(peer_df, lang), peer_df, f"peers_{code}", lang, key="profile_peers",
                     height=320)
