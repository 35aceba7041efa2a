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
PAGES = ["overview", "coverage-map", "rollout", "trust", "planning", "hromada", "data-quality"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(db: Path, port: int | None = None, timeout: float = 60.0):
    """Serve dashboard.py on 127.0.0.1 against ``db``; yield the base URL; always stop the server."""
    port = port or free_port()
    env = {**os.environ, "POG_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not become healthy")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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
    page.wait_for_function(
        """() => {
            const w = document.querySelector('[data-testid="stStatusWidget"]');
            return !w || !/Running|Виконується/i.test(w.innerText);
        }""",
        timeout=timeout_ms,
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
    page.wait_for_timeout(1000)
