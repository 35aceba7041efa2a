"""Streamlit's front end (≈ 23 MB of JavaScript, which Streamlit serves uncompressed) sent as
Brotli or gzip, compressed once and kept on disk, so a first visit receives a fraction of it.

The files are copied with a .br and a .gz beside each (only where that saves ≥ 5 %) into a cache
directory keyed by Streamlit's version and its file list; servestatic then answers /static/...
with the smallest encoding the browser accepts, Vary: Accept-Encoding, ETag and Streamlit's own
long-lived caching (its file names carry content hashes). Anything else passes to Streamlit.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import brotli
import streamlit
from servestatic import ServeStaticASGI
from starlette.middleware import Middleware
from streamlit import config, file_util
from streamlit.url_util import make_url_path

CACHE_ENV = "POG_STATIC_CACHE"  # where the compressed copy lives (default: inside the venv)
COMPRESSIBLE = (".js", ".css", ".html", ".json", ".svg", ".map", ".txt")
# Measured on Streamlit 1.67's 22.8 MB of JavaScript: Brotli 5 gives 6.30 MB in 1.5 s, 9 gives
# 6.13 MB in 17 s; 11 saves ~15 % more but takes ~30 s for the plotly bundle alone. gzip 9
# (6.88 MB, 3.5 s) is what a browser without Brotli gets.
BROTLI_QUALITY, GZIP_LEVEL = 5, 9
MIN_SAVING = 0.05


def assets_dir() -> Path:
    """Streamlit's hashed bundles: <package>/static/static (served at /static/)."""
    return Path(file_util.get_static_dir()) / "static"


def cache_dir(source: Path) -> Path:
    """One directory per Streamlit build of the assets: its version and a digest of names and sizes."""
    listing = sorted(f"{p.relative_to(source)}:{p.stat().st_size}" for p in source.rglob("*") if p.is_file())
    digest = hashlib.sha256("\n".join(listing).encode()).hexdigest()[:12]
    root = Path(os.environ.get(CACHE_ENV) or Path(sys.prefix) / "share" / "pog-monitor")
    return root / f"streamlit-{streamlit.__version__}-{digest}"


def _compress_one(path: Path) -> None:
    if path.suffix not in COMPRESSIBLE:
        return
    data = path.read_bytes()
    for suffix, packed in ((".br", brotli.compress(data, quality=BROTLI_QUALITY)),
                           (".gz", gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))):
        if len(packed) <= len(data) * (1 - MIN_SAVING):
            Path(f"{path}{suffix}").write_bytes(packed)


def build(source: Path, dest: Path) -> Path:
    """Copy `source` to `dest` with the compressed files beside the originals, once: built in a
    temporary sibling and renamed into place, so servers starting together never see half of it."""
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        files = [p for p in tmp.rglob("*") if p.is_file()]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # zlib and brotli release the GIL
            list(pool.map(_compress_one, files))
        try:
            tmp.rename(dest)
        except OSError:  # another server finished first
            if not dest.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def static_assets() -> Middleware:
    """servestatic in front of Streamlit for /static/…, serving the compressed copy."""
    source = assets_dir()
    root = build(source, cache_dir(source))
    prefix = make_url_path(config.get_option("server.baseUrlPath") or "", "/static/")
    return Middleware(ServeStaticASGI, root=str(root), prefix=prefix,
                      immutable_file_test=lambda path, url: True,  # content-hashed names, as Streamlit marks them
                      allow_all_origins=False)
