"""Start and stop a real Streamlit server on loopback, and open pages in headless Chromium.

Used by the browser tests and the benchmarks; whoever starts a server stops it (context managers).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

# The url path of each page (dashboard.py's st.Page url_path), in navigation order.
PAGES = ["overview", "coverage-map", "gaps", "rollout", "trust", "planning", "collegium", "hromada", "data-quality"]


def nav_link(page, path: str):
    """The menu's link to the page at `path` (found by its address, not by its place in the menu)."""
    return page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BaseURL(str):
    """The served base URL; `.pid` is the server process's id (for the benchmarks' CPU and memory)."""

    pid: int


@contextlib.contextmanager
def serving_process(args: list[str], ready_url: str, timeout: float = 60.0, **popen):
    """Start a server process, wait until `ready_url` answers 200, yield the process; always stop
    it by its PID (terminate, then kill)."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **popen)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"{args[2]} exited: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{args[2]} did not answer {ready_url}")
            time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def streamlit_server(db: Path, port: int | None = None, timeout: float = 60.0, *,
                     secrets: Path | None = None, env: dict[str, str] | None = None):
    """Serve the dashboard as `./pog start` does (serve.py) on 127.0.0.1 against ``db``; yield the
    base URL; always stop the server.

    ``secrets``: the secrets.toml to read (login mode when it has an [auth] section); by default
    none, so a developer's own .streamlit/secrets.toml never turns the tests into login mode.
    """
    port = port or free_port()
    base = BaseURL(f"http://127.0.0.1:{port}")
    args = [sys.executable, "-m", "serving", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
            "--secrets.files", str(secrets or REPO_ROOT / "tests" / "no-secrets.toml")]
    with serving_process(args, f"{base}/_stcore/health", timeout, cwd=REPO_ROOT,
                         env={**os.environ, "POG_DB": str(db), **(env or {})}) as proc:
        base.pid = proc.pid
        yield base


@contextlib.contextmanager
def chromium():
    """A headless Debian chromium driven by Playwright; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def wait_for_app(page, timeout_ms: int = 30000) -> None:
    """Wait until Streamlit has finished running the script and rendered the page."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    # The app's own run state (the status widget is not shown in this toolbar mode, so its text
    # cannot be waited on): notRunning once the script has finished.
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-test-script-state]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=timeout_ms,
        polling=100,
    )
    page.wait_for_selector('h1', timeout=timeout_ms)
    # Charts and tables arrive after the script: wait until no placeholder is left, every plotly
    # chart has drawn its SVG and every table its grid.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]') &&
                 [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(c => c.querySelector('.main-svg')) &&
                 [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                   .every(d => d.querySelector('[data-testid="data-grid-canvas"]') && d.offsetWidth > 100)""",
        timeout=timeout_ms,
    )
    # Tables paint their canvas once the web fonts are in; a first visit waits for them.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_timeout(250)
