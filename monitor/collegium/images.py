"""Chart and map images for the pack: plotly figures to PNG with kaleido (>= 1) and Debian's
chromium, one browser for every image of a run.

Offline by construction: plotly.js comes from the plotly package on disk, MathJax is off, the
geo base-map topojson is the inline empty stub of monitor.figures.maps (TOPOJSON_URL), and the
browser is started with a proxy that points at a closed local port, so any request that would
leave the machine fails instead (tests point it at a recording listener and assert that none
arrives). Every image is checked: kaleido raises on a failed render (calc_fig cancels on error),
and an empty result raises too.
"""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import contextmanager
from pathlib import Path

import plotly.graph_objects as go

from monitor.figures.maps import TOPOJSON_URL

BROWSER_PATH = str(Path(__file__).with_name("chromium-offline"))  # Debian chromium, background networking off
# Port 9 (discard) on loopback: nothing listens, so a request routed through it fails at once.
DEAD_PROXY = "http://127.0.0.1:9"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class ImageError(RuntimeError):
    """An image could not be made (the browser failed or returned nothing)."""


class Renderer:
    """One kaleido browser (started on enter, closed on exit) that turns figures into PNG bytes."""

    def __init__(self, proxy_server: str = DEAD_PROXY, timeout: float = 120):
        self.proxy_server = proxy_server
        self.timeout = timeout
        self.count = 0  # images rendered by the browser
        self._cache: dict[str, bytes] = {}  # the same figure twice (the national effect in every pack): once

    def __enter__(self) -> Renderer:
        import kaleido

        os.environ["BROWSER_PATH"] = BROWSER_PATH
        for name in ("kaleido", "choreographer", "logistro"):
            logging.getLogger(name).setLevel(logging.WARNING)
        kaleido.start_sync_server(
            n=1, timeout=self.timeout, mathjax=False, proxy_server=self.proxy_server, silence_warnings=True
        )
        return self

    def __exit__(self, *exc) -> None:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)

    def png(self, fig: go.Figure, width: int, height: int, scale: float = 2.0) -> bytes:
        """The figure as PNG bytes at width x height CSS pixels (x scale); raises ImageError."""
        import kaleido

        key = hashlib.sha256(f"{width}x{height}x{scale}".encode() + fig.to_json().encode()).hexdigest()
        if key in self._cache:
            return self._cache[key]
        try:
            data = kaleido.calc_fig_sync(
                fig, opts={"format": "png", "width": width, "height": height, "scale": scale}, topojson=TOPOJSON_URL
            )
        except Exception as exc:  # kaleido's own errors are many types; one is enough for a caller
            raise ImageError(f"chart image failed ({type(exc).__name__}: {exc})") from exc
        if not isinstance(data, bytes) or not data.startswith(PNG_MAGIC):
            raise ImageError("chart image failed (the browser returned no PNG)")
        self.count += 1
        self._cache[key] = data
        return data


@contextmanager
def renderer(proxy_server: str = DEAD_PROXY):
    """A Renderer for the duration of a `with` block."""
    with Renderer(proxy_server) as r:
        yield r
