"""The dashboard's shared frame: language, cached data access, URL state, page header, downloads.

The only read-side module that imports streamlit besides the pages. Pages call:
    lang = app_state.lang()
    app_state.page_header("overview.title", "overview.question")
    df = app_state.data(monitor.rollout.league_table, as_of)     # cached fn(con, *args)
    app_state.download_buttons(df, "league", lang)
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from monitor import access, coverage, db, export, geometry
from monitor.figures.maps import TOPOJSON_URL
from monitor.formatting import fmt_date, fmt_datetime
from monitor.i18n import DEFAULT_LANG, LANGS, name_col, t
from monitor.tiles import Tile

LANG_KEY = "lang"  # the query parameter holding the language code
# topojsonURL: the maps are plotly 'geo' subplots, which would otherwise fetch base-layer
# topojson from cdn.plot.ly (see monitor.figures.maps.TOPOJSON_URL).
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["sendDataToCloud"],
    "topojsonURL": TOPOJSON_URL,
    # The camera button saves a chart as a PNG for slides (collegium): twice the screen resolution,
    # made in the browser, nothing sent anywhere.
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "pog-monitor"},
}


# ---------------------------------------------------------------- language
def lang() -> str:
    """The chosen language: the switch's value, else ?lang=, else 'uk'."""
    value = st.session_state.get(_LANG_WIDGET)
    if value not in LANGS:
        value = st.query_params.get(LANG_KEY)
    return value if value in LANGS else DEFAULT_LANG


_LANG_WIDGET = "_lang_switch"


def language_switch() -> str:
    """The language switch in the sidebar; call once per run, from dashboard.py.

    The first run of a session takes ?lang= from the link; afterwards the switch decides, and its
    value is written back to ?lang= on every run — so it survives page changes (st.navigation
    drops unknown query parameters when switching pages) and a copied link keeps the language.
    (Streamlit's bind="query-params" would put the option's label, not its code, in the URL.)
    """
    if _LANG_WIDGET not in st.session_state:
        from_url = st.query_params.get(LANG_KEY)
        st.session_state[_LANG_WIDGET] = from_url if from_url in LANGS else DEFAULT_LANG
    with st.sidebar:
        st.segmented_control(
            t("common.language", lang()),
            options=list(LANGS),
            format_func=lambda code: {"uk": "Українська", "en": "English"}[code],
            key=_LANG_WIDGET,
            required=True,
        )
    chosen = lang()
    set_url_param(LANG_KEY, chosen)
    return chosen


# ---------------------------------------------------------------- data
def db_exists() -> bool:
    return db.db_path().exists()


@st.cache_resource(show_spinner=False)
def _warehouse(path: str) -> db.Warehouse:
    """The app's one read-only view of the database file: its connection is replaced on the first
    use after the ETL swapped a new build in (monitor.db.Warehouse)."""
    return db.Warehouse(path)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(module: str, name: str, stamp: tuple, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(module), name)
    with _warehouse(stamp[0]).lease() as con:
        return fn(con, *args, **dict(kwargs))


def data(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """fn(con, *args, **kwargs), cached per database build and arguments.

    `fn` must be a module-level function of monitor.* taking the connection first; its result
    must be picklable (DataFrame, dict, scalars). Arguments must be hashable by st.cache_data.
    The build is told by the file's identity (inode, mtime, size), so the first call after a swap
    reads the new file.
    """
    return _cached_call(fn.__module__, fn.__name__, db.file_identity(), args, tuple(sorted(kwargs.items())))


def build_info() -> dict[str, str]:
    return data(db.build_info)


def as_of_date() -> str:
    """build_info['as_of_date'] as 'YYYY-MM-DD'."""
    return build_info().get("as_of_date", "")[:10]


def is_demo() -> bool:
    return build_info().get("is_demo", "").lower() == "true"


def oblast_options(lang: str) -> dict[str, str]:
    """oblast code -> name in the language, ordered by that name."""
    df = data(db.oblasts)
    col = name_col(lang)
    df = df.sort_values(col)
    return dict(zip(df["oblast_katottg"], df[col], strict=True))


def scope_options(lang: str) -> dict[str, str]:
    """The whole country (db.NATIONAL) first, then every oblast: code -> name in the language."""
    return {db.NATIONAL: t("common.national", lang), **oblast_options(lang)}


# ---------------------------------------------------------------- URL state
PAGE_KEY = "_page"  # session key: the url path of the page running now (set by dashboard.py)


def url_key(param: str) -> str:
    """The session key of a URL-bound widget: scoped to the running page, so two pages that both
    have an ?oblast= or a measure never read each other's state (issue 10)."""
    return f"_url_{st.session_state.get(PAGE_KEY, '')}_{param}"


_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_text(text: str) -> str:
    """`text` for an element that renders Markdown (st.warning, st.info): every ASCII punctuation
    mark backslash-escaped (CommonMark), so a link, image or emphasis from a URL shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)



def url_param(name: str, default: str, allowed: Iterable[str] | None = None) -> str:
    """A query parameter's value, or `default` when absent or not one of `allowed`.

    Use url_select / url_multiselect for widgets: they keep the URL in step.
    """
    value = st.query_params.get(name)
    if value is None:
        return default
    if allowed is not None and value not in set(allowed):
        return default
    return value


def set_url_param(name: str, value: str | None) -> None:
    """Write (or with None, remove) a query parameter so a copied link reproduces the view."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != str(value):
        st.query_params[name] = str(value)


def url_select(param: str, label: str, options: dict[str, str], default: str, *,
               widget: str = "selectbox", container=None, help: str | None = None) -> str:
    """A single-choice widget whose value (an option code) lives in ?<param>=<code>.

    options: code -> shown label (translated). Returns the chosen code. widget: 'selectbox',
    'radio' or 'segmented'.
    """
    codes = list(options)
    if not codes:
        return default
    key = url_key(param)
    fallback = default if default in codes else codes[0]
    if key not in st.session_state or st.session_state[key] not in codes:
        st.session_state[key] = url_param(param, fallback, codes)
    box = container if container is not None else st
    fmt = options.__getitem__
    if widget == "radio":
        box.radio(label, codes, format_func=fmt, key=key, help=help, horizontal=True)
    elif widget == "segmented":
        box.segmented_control(label, codes, format_func=fmt, key=key, help=help, required=True)
    else:
        box.selectbox(label, codes, format_func=fmt, key=key, help=help)
    chosen = st.session_state.get(key)
    if chosen not in codes:  # never hand a page None or a stale code
        chosen = fallback
    set_url_param(param, chosen)
    return chosen


def url_multiselect(param: str, label: str, options: dict[str, str], default: list[str], *,
                    container=None, help: str | None = None, max_selections: int | None = None,
                    placeholder: str | None = None) -> list[str]:
    """A multiselect whose codes live in ?<param>=code1,code2 (empty selection: param absent)."""
    codes = list(options)
    key = url_key(param)
    if key not in st.session_state:
        raw = st.query_params.get(param)
        chosen = [c for c in raw.split(",") if c in options] if raw else list(default)
        st.session_state[key] = chosen
    st.session_state[key] = [c for c in st.session_state[key] if c in options]
    box = container if container is not None else st
    box.multiselect(label, codes, format_func=options.__getitem__, key=key, help=help,
                    max_selections=max_selections, placeholder=placeholder or t("common.choose", lang()))
    chosen = list(st.session_state[key])
    set_url_param(param, ",".join(chosen) if chosen else None)
    return chosen


def url_toggle(param: str, label: str, default: bool, *, help: str | None = None, disabled: bool = False) -> bool:
    """A toggle whose value lives in ?<param>=1/0 (absent when it is the default)."""
    key = url_key(param)
    if key not in st.session_state:
        st.session_state[key] = {"1": True, "0": False}.get(st.query_params.get(param), default)
    value = bool(st.toggle(label, key=key, help=help, disabled=disabled))
    set_url_param(param, None if value == default else ("1" if value else "0"))
    return value


# ---------------------------------------------------------------- map geometry
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def map_geometry(layer: str) -> str | dict:
    """A display-geometry layer as a figure wants it: a static URL when static serving is on
    (fetched once and cached by the browser; a rerun then sends only the values), else inline."""
    text = data(coverage.display_geometry, layer)
    if st.get_option("server.enableStaticServing"):
        return geometry.publish_geometry(text, STATIC_DIR, layer)
    return geometry.parse_geometry(text)


# ---------------------------------------------------------------- page furniture
def page_header(title_key: str, question_key: str) -> None:
    """Title, the question the page answers, as-of date and source, and the demo-data banner."""
    lg = lang()
    info = build_info()
    st.title(t(title_key, lg))
    st.markdown(f"**{t(question_key, lg)}**")
    st.caption(
        t(
            "common.asof_source",
            lg,
            as_of=fmt_date(info.get("as_of_date"), lg),
            built_at=fmt_datetime(info.get("built_at"), lg),
        )
    )
    if is_demo():
        st.warning(t("common.demo_banner", lg), icon="⚠️")
    st.sidebar.button(t("common.reset_filters", lg), on_click=_reset_filters, icon=":material/restart_alt:",
                      key="reset_filters", help=t("common.reset_filters_help", lg))


def _reset_filters() -> None:
    """Back to the page's defaults: its URL-bound widgets forgotten, the URL down to the language."""
    prefix = url_key("")
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    for name in [n for n in st.query_params if n != LANG_KEY]:
        del st.query_params[name]


def kpi(label: str, value: str, change: float | None = None, change_text: str | None = None,
        help: str | None = None, description: str | None = None) -> None:
    """st.metric with an already-formatted value and change.

    The arrow is set from the sign of `change` (the formatted text uses U+2212, which Streamlit
    would not read as negative); colours are blue/orange, and the arrow and sign carry the
    direction so colour is never the only cue.
    """
    if change is None or pd.isna(change) or change_text is None:
        st.metric(label, value, help=help, border=True)
        return
    arrow = "up" if change > 0 else "down" if change < 0 else "off"
    color = "blue" if change > 0 else "orange" if change < 0 else "gray"
    st.metric(label, value, delta=change_text, delta_color=color, delta_arrow=arrow, help=help,
              border=True, delta_description=description)


def show_tile(tile: Tile) -> None:
    """A read-side Tile: kpi() with its change, or its note in the delta's place (no arrow, no
    colour); then its caption."""
    if tile.note is not None:
        st.metric(tile.label, tile.value, delta=tile.note, delta_color="off", delta_arrow="off", help=tile.help,
                  border=True)
    else:
        kpi(tile.label, tile.value, tile.change, tile.change_text, help=tile.help, description=tile.description)
    if tile.caption:
        st.caption(tile.caption)


def hromada_picker(label: str, labels: dict[str, str], placeholder: str, key: str) -> str | None:
    """A searchable select box of hromadas (labels: code -> profile.search_labels text), empty
    until one is chosen; returns the chosen code or None."""
    return st.selectbox(label, list(labels), index=None, format_func=labels.get, placeholder=placeholder, key=key,
                        filter_mode="fuzzy")  # profile.search_labels' apostrophe spellings rely on it


def download_buttons(df: pd.DataFrame, basename: str, lang: str, key: str | None = None) -> None:
    """CSV and XLSX of `df` side by side, headers translated ('col.<name>' keys).

    The files are made only when a button is pressed (Streamlit calls the function then): writing
    an XLSX of every table on every rerun would cost seconds on large tables.
    """
    info = build_info()
    meta = export.Meta(title=basename, as_of=as_of_date(), built_at=info.get("built_at", ""), is_demo=is_demo())
    k = key or basename
    # A row sized to the labels (fixed columns cut the longer Ukrainian ones short).
    with st.container(horizontal=True):
        st.download_button(t("common.download_csv", lang), functools.partial(export.csv_bytes, df, lang, meta),
                           file_name=export.file_name(basename, lang, meta, "csv"), mime="text/csv",
                           key=f"dl_csv_{k}", on_click="ignore", icon=":material/download:")
        st.download_button(
            t("common.download_xlsx", lang), functools.partial(export.xlsx_bytes, df, lang, meta, basename),
            file_name=export.file_name(basename, lang, meta, "xlsx"), key=f"dl_xlsx_{k}", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
        )


def show_table(display: pd.DataFrame, download: pd.DataFrame | None, basename: str, lang: str,
               key: str | None = None, height: int | str = "auto", column_config: dict | None = None) -> None:
    """A table for reading (formatted text, translated headers) and its raw data for download."""
    st.dataframe(export.translate_columns(display, lang), hide_index=True, height=height,
                 column_config=column_config)
    download_buttons(display if download is None else download, basename, lang, key=key)


def image_config(name: str | None) -> dict:
    """PLOTLY_CONFIG with the camera button's file name saying what the image is: the chart, the
    as-of date, the language and, for demo data, DEMO."""
    if not name:
        return PLOTLY_CONFIG
    stem = export.file_name(name, lang(), export.Meta(as_of=as_of_date(), is_demo=is_demo()), "png")[:-4]
    return {**PLOTLY_CONFIG, "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": stem}}


def plotly(fig, key: str | None = None) -> None:
    """A plotly figure with the project's config (no logo, nothing fetched from outside)."""
    st.plotly_chart(fig, config=image_config(key), key=key)


def database_missing_message() -> None:
    """One clear message (no traceback) when there is no database yet."""
    lg = lang()
    st.error(t("common.db_missing", lg, path=str(db.db_path())))
    st.code(".venv/bin/python -m etl demo     # " + t("common.db_missing_demo", lg) + "\n"
            ".venv/bin/python -m etl build    # " + t("common.db_missing_build", lg), language="bash")


# ---------------------------------------------------------------- who is looking (monitor.access)
def _auth_section() -> dict:
    """secrets.toml's [auth] section ({} when there is none, or no secrets file at all)."""
    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}
    return dict(section) if section else {}


def login_configured() -> bool:
    return access.login_configured(_auth_section())


@st.cache_data(show_spinner=False, max_entries=4)
def _role_table(path: str, mtime_ns: int, known_oblasts: tuple[str, ...]):
    """The roles file, re-read when it changes; the error instead when it cannot be used."""
    try:
        return access.load_roles(Path(path), known_oblasts or None)
    except access.RolesFileError as e:
        return e


def viewer() -> access.Viewer:
    """Who runs this session: local mode, signed out, no role, or admitted with a role."""
    login = login_configured()
    if not login:
        return access.viewer_for(False, {}, None)
    path = access.roles_file()
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = 0
    known = tuple(data(db.oblasts)["oblast_katottg"]) if db_exists() else ()
    return access.viewer_for(True, st.user.to_dict(), _role_table(str(path), mtime, known))


def serving_refusal() -> str | None:
    """Why this session must not be served (an open address without login, a foreign Host), or None."""
    lg = lang()
    address = st.get_option("server.address") or ""
    if access.open_without_login(address, login_configured(), os.environ):
        return t("access.refused_open", lg, address=address or "0.0.0.0", flag=access.ALLOW_OPEN_ENV)
    host = st.context.headers.get("host") if st.context.headers else None
    if host and not access.host_allowed(host, st.get_option("server.allowedHosts")):
        return t("access.refused_host", lg)
    return None


def gate(who: access.Viewer) -> None:
    """The whole page for a viewer the pages are closed to (signed out, no role, broken roles
    file), then st.stop(): nothing of the dashboard runs for them."""
    lg = lang()
    st.title(t(f"access.{who.state}.title", lg))
    if who.state == access.SIGNED_OUT:
        st.markdown(t("access.signed_out.text", lg))
        st.button(t("access.login", lg), type="primary", icon=":material/login:", on_click=st.login,
                  key="access_login")
    else:
        st.markdown(t(f"access.{who.state}.text", lg))
        if who.identity:
            st.text(t("access.identity", lg, identity=who.identity))
        if who.problem:
            st.code(who.problem, language=None)
        st.button(t("access.logout", lg), icon=":material/logout:", on_click=st.logout, key="access_logout")
    st.stop()


def role_text(role: access.Role, lg: str) -> str:
    if role.kind == access.OBLAST:
        return t("access.role.oblast", lg, oblast=oblast_options(lg).get(role.oblast, role.oblast))
    return t(f"access.role.{role.kind}", lg)


def account(who: access.Viewer) -> None:
    """Sidebar: who is signed in, with which role, and the sign-out button; in local mode a banner
    on the page saying that there is no login and where the dashboard answers."""
    lg = lang()
    if who.state == access.LOCAL:
        address = st.get_option("server.address") or "0.0.0.0"
        if access.is_loopback(address):
            st.info(t("access.local_banner", lg, address=address), icon=":material/computer:")
        else:
            st.warning(t("access.open_banner", lg, address=address, flag=access.ALLOW_OPEN_ENV),
                       icon=":material/lan:")
        return
    with st.sidebar:
        # st.text: an identity from the provider is text, never Markdown (an e-mail would become a link)
        st.text(t("access.signed_in", lg, identity=who.identity, role=role_text(who.role, lg)))
        st.button(t("access.logout", lg), icon=":material/logout:", on_click=st.logout, key="access_logout")


def current_role() -> access.Role:
    """The role of this session (dashboard.py has already stopped anyone without one)."""
    who = viewer()
    if who.role is None:  # a page run without the frame's gate: show nothing
        st.stop()
    return who.role


def sees_assignments(oblast: str) -> bool:
    """Whether this session may see officer assignments (ids, dates) of a hromada in `oblast`."""
    return access.assignment_scope(current_role()).allows(oblast)


def quality_rows(df: pd.DataFrame, *oblast_columns: str) -> pd.DataFrame:
    """The rejected rows or overlaps this session may see (the data-quality page's lists)."""
    return access.restrict(df, access.quality_scope(current_role()), *oblast_columns)


def quality_scope_note() -> None:
    """A caption saying whose rows the data-quality lists hold, when the role narrows them."""
    role = current_role()
    if not access.quality_scope(role).every_oblast:
        lg = lang()
        st.caption(t("access.quality_scoped", lg, oblast=oblast_options(lg).get(role.oblast, role.oblast)))
