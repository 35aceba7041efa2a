"""A Streamlit client without a browser: the protocol the front end speaks, for the load benchmark.

Streamlit's browser client opens a WebSocket at /_stcore/stream and exchanges protobuf messages
(streamlit.proto): it sends a BackMsg `rerun_script` holding the page, the query string and the
widget values; the server answers with ForwardMsgs (new_session, deltas that add elements,
page_info_changed, ..., script_finished). A session here does the same, and signs in through the
real OpenID Connect flow over HTTP (`sign_in`): no test-only path into the app.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

XSRF_COOKIE, USER_COOKIE = "_streamlit_xsrf", "_streamlit_user"


@dataclass
class Run:
    """One script run as the server answered it."""

    seconds: float = 0.0
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus
    widgets: dict[str, object] = field(default_factory=dict)  # widget id -> its element proto
    titles: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # every heading's text (h1 .. h6)
    exceptions: list[str] = field(default_factory=list)
    auth_redirect: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == ForwardMsg.FINISHED_SUCCESSFULLY and not self.exceptions

    def widget(self, key: str):
        """The element of the widget with this user key (its id ends with '-<key>')."""
        return next(w for wid, w in self.widgets.items() if wid.endswith(f"-{key}"))


WIDGET_KINDS = ("selectbox", "multiselect", "button", "segmented_control", "button_group", "radio",
                "checkbox", "slider", "download_button")


class Session:
    """One browser tab's worth of Streamlit session, over one WebSocket."""

    def __init__(self, base: str, cookies: httpx.Cookies | None = None):
        self.base = base.rstrip("/")
        self.cookies = cookies or httpx.Cookies()
        self.ws = None

    async def __aenter__(self) -> Session:
        async with httpx.AsyncClient(cookies=self.cookies) as http:  # sets the XSRF cookie, as the page does
            (await http.get(f"{self.base}/_stcore/health")).raise_for_status()
            self.cookies.update(http.cookies)
        xsrf = self.cookies.get(XSRF_COOKIE)
        cookie_header = "; ".join(f"{c.name}={c.value}" for c in self.cookies.jar)
        self.ws = await connect(
            self.base.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
            additional_headers={"Cookie": cookie_header, "Origin": self.base},
            max_size=64 * 2**20, compression="deflate", open_timeout=60,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, page: str, query: str = "", widgets: list | None = None, timeout: float = 120) -> Run:
        """Ask for a run of `page` (its url path) with ?query and widget values (WidgetState
        protos); wait until the server says the run finished."""
        msg = BackMsg()
        msg.rerun_script.page_name = page
        msg.rerun_script.query_string = query
        for state in widgets or []:
            msg.rerun_script.widget_states.widgets.append(state)
        run = Run()
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        async with asyncio.timeout(timeout):
            while run.status is None:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                self._read(fwd, run)
        run.seconds = time.perf_counter() - started
        return run

    @staticmethod
    def _read(fwd: ForwardMsg, run: Run) -> None:
        kind = fwd.WhichOneof("type")
        if kind == "script_finished":
            if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # a switch_page or rerun goes on
                run.status = fwd.script_finished
        elif kind == "auth_redirect":
            run.auth_redirect = fwd.auth_redirect.url
        elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            element = fwd.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            elif which == "heading":
                run.headings.append(element.heading.body)
                if element.heading.tag == "h1":
                    run.titles.append(element.heading.body)
            elif which in WIDGET_KINDS:
                widget = getattr(element, which)
                run.widgets[widget.id] = widget


def click(button) -> object:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=button.id, trigger_value=True)


def choose(selectbox, label: str) -> object:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=selectbox.id, string_value=label)


async def sign_in(base: str, subject: str, login_key: str = "access_login") -> httpx.Cookies:
    """Sign in as `subject` the way a person does: the sign-in page's button asks the app for the
    provider's address (st.login), the provider's form is posted, the app's callback sets the
    sign-in cookie. Returns the cookies a session then carries."""
    async with Session(base) as s:
        page = await s.run("overview")
        pressed = await s.run("overview", widgets=[click(page.widget(login_key))])
        if not pressed.auth_redirect:
            raise RuntimeError(f"no sign-in redirect ({page.titles})")
        cookies = s.cookies
    async with httpx.AsyncClient(cookies=cookies, timeout=60) as http:
        to_provider = await http.get(urljoin(base + "/", pressed.auth_redirect))
        authorize = to_provider.headers["location"]
        back = await http.post(authorize, data={"sub": subject})
        callback = await http.get(back.headers["location"])
        if USER_COOKIE not in http.cookies:
            raise RuntimeError(f"the callback set no sign-in cookie ({callback.status_code})")
        return http.cookies
