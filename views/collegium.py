"""Колегія / Collegium — the year's results as slides, a PDF for print and an XLSX workbook, in one
click, from the same figures as the dashboard (monitor.collegium; docs/collegium.md)."""

import time

import streamlit as st

from monitor import app_state, db
from monitor.collegium import pack
from monitor.collegium.figures_data import PackInputError
from monitor.i18n import LANGS, t
from monitor.planning.universe import outside_oblasts

lang = app_state.lang()
app_state.page_header("coll.title", "coll.question")

years = pack.years(app_state.as_of_date())
outside = app_state.data(outside_oblasts)  # Crimea, Sevastopol, Kyiv city: no pack of their own
scopes = {c: n for c, n in app_state.scope_options(lang).items() if c not in outside}
c_year, c_scope, c_lang = st.columns([1, 2.5, 1.5])  # «Українська» whole at 1024 px
with c_year:
    year = st.selectbox(
        t("coll.year", lang), years, index=min(1, len(years) - 1) if len(years) > 1 else 0, key="coll_year"
    )
with c_scope:
    scope = st.selectbox(t("coll.scope", lang), list(scopes), format_func=scopes.get, key="coll_scope")
with c_lang:
    pack_lang = st.selectbox(
        t("coll.lang", lang),
        list(LANGS),
        index=list(LANGS).index(lang),
        format_func=lambda x: {"uk": "Українська", "en": "English"}[x],
        key="coll_lang",
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _make(stamp: tuple, year: int, scope: str, pack_lang: str):
    started = time.perf_counter()
    p = pack.pack_for_page(stamp[0], year, scope, pack_lang)
    return p.files, p.names, len(p.slides), time.perf_counter() - started


choice = (db.file_identity(), int(year), scope, pack_lang)  # a new build is a new pack
if st.button(t("coll.make", lang), type="primary", key="coll_make"):
    with st.spinner(t("coll.making", lang)):
        try:
            st.session_state["coll_pack"] = (choice, _make(*choice))
        except PackInputError as exc:
            st.session_state.pop("coll_pack", None)
            st.error(t("coll.failed", lang, error=str(exc)))
        except Exception as exc:  # the browser or a library failed: one line, never a traceback
            st.session_state.pop("coll_pack", None)
            st.error(t("coll.failed", lang, error=f"{type(exc).__name__}: {exc}"))

made = st.session_state.get("coll_pack")
if made and made[0] == choice:
    files, names, n_slides, seconds = made[1]
    st.success(t("coll.done", lang, seconds=f"{seconds:.0f}", slides=n_slides))
    mimes = {
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    for col, fmt in zip(st.columns(3), pack.FORMATS, strict=True):
        with col:
            st.download_button(
                t(f"coll.download_{fmt}", lang), files[fmt], file_name=names[fmt], mime=mimes[fmt], key=f"coll_dl_{fmt}"
            )
st.caption(t("coll.as_of_note", lang, year=year, as_of=pack.pack_as_of_text(year, app_state.as_of_date(), lang)))
