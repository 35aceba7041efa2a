"""The server as `./pog start` starts it (python -m serving -> serve.py), over plain HTTP: a server
without login refuses an open address before binding; it answers only the configured host names,
on every path and on the WebSocket; Streamlit's front end is sent Brotli- or gzip-compressed,
byte-identical once decoded, and cached as Streamlit marks it."""

from __future__ import annotations

import gzip
import http.client
import socket
import subprocess
import sys

import brotli
import pytest

from serving import precompressed
from tests.streamlit_server import REPO_ROOT, free_port, streamlit_server

pytestmark = pytest.mark.browser  # a real server (no browser needed, but the same tier)


def test_an_open_address_without_login_is_refused_before_the_port_is_bound(tmp_path):
    port = free_port()
    done = subprocess.run(
        [sys.executable, "-m", "serving", "--server.address", "0.0.0.0", "--server.port", str(port),
         "--server.headless", "true", "--secrets.files", str(tmp_path / "none.toml")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "0.0.0.0" in lines[0] and "POG_ALLOW_OPEN_WITHOUT_LOGIN=1" in lines[0], lines
    assert "You can now view" not in done.stdout  # Streamlit prints this once the port is bound


@pytest.fixture(scope="module")
def server(demo_db):
    with streamlit_server(demo_db) as base:
        yield int(base.rsplit(":", 1)[1])


def get(port: int, path: str, host: str | None = None, encoding: str | None = None):
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Host": host or f"127.0.0.1:{port}"}
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    con.request("GET", path, headers=headers)
    r = con.getresponse()
    body = r.read()
    con.close()
    return r.status, dict(r.getheaders()), body


def plotly_bundle() -> str:
    return next((precompressed.assets_dir() / "js").glob("PlotlyChart.*.js")).name


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8501", "127.0.0.1.evil.example"])
def test_a_foreign_host_name_gets_400_on_every_path(server, host):
    for path in ("/", "/coverage-map?lang=en", "/_stcore/health", f"/static/js/{plotly_bundle()}",
                 "/auth/login", "/app/static/geo/x.geojson"):
        status, _, body = get(server, path, host)
        assert status == 400, (path, status)
        assert b"<html" not in body.lower()


def test_loopback_names_are_answered(server):
    for host in (f"127.0.0.1:{server}", f"localhost:{server}", "localhost"):
        status, _, body = get(server, "/", host)
        assert status == 200 and b"<!doctype html>" in body.lower()


def websocket_status(port: int, host: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
        return s.recv(4096).split(b"\r\n", 1)[0].decode()


def test_the_websocket_answers_only_the_configured_host_names(server):
    assert " 101 " in websocket_status(server, f"127.0.0.1:{server}")
    assert " 400 " in websocket_status(server, "evil.example")


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip, deflate, br, zstd", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    (None, None, bytes),
])
def test_the_front_end_is_sent_compressed_and_decodes_to_the_same_bytes(server, accept, encoding, decode):
    name = plotly_bundle()
    original = (precompressed.assets_dir() / "js" / name).read_bytes()
    status, headers, body = get(server, f"/static/js/{name}", encoding=accept)
    headers = {k.lower(): v for k, v in headers.items()}
    assert status == 200
    assert headers.get("content-encoding") == encoding
    assert decode(body) == original
    if encoding:
        assert len(body) < len(original) / 3
        assert headers["vary"] == "Accept-Encoding"
    assert "immutable" in headers["cache-control"] and headers["content-type"].startswith("text/javascript")
