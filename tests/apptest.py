"""Running one page of the dashboard in Streamlit's AppTest, as a shared link would open it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def run_page(page: str | None, lang: str, *, user: dict | None = None, auth: dict | None = None,
             **params) -> AppTest:
    """The app with ?lang=&params, switched to `page` (a file under views/; None = the default).

    `auth`: a secrets.toml [auth] section (login mode); `user`: what st.user then holds.

    AppTest knows a page's url path only after a first run of the app; that run shows the
    overview, whose own widgets may rewrite shared parameters (metric), so the parameters are set
    again before the page runs. Fails on any exception the page raised.
    """
    at = AppTest.from_file(DASHBOARD, default_timeout=120)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
