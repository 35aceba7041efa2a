"""Default locations of inputs and outputs, overridable by environment variables or CLI flags."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"
SQL_DIR = Path(__file__).resolve().parent / "sql"


def reference_dir() -> Path:
    return Path(os.environ.get("POG_REFERENCE_DIR", REPO_ROOT.parent / "shared" / "reference"))


def facts_dir() -> Path:
    return Path(os.environ.get("POG_FACTS_DIR", REPO_ROOT.parent / "shared" / "facts"))


def raw_dir() -> Path:
    return Path(os.environ.get("POG_RAW_DIR", REPO_ROOT / "data" / "raw"))


def processed_dir() -> Path:
    return Path(os.environ.get("POG_PROCESSED_DIR", REPO_ROOT / "data" / "processed"))


def db_path() -> Path:
    return Path(os.environ.get("POG_DB", processed_dir() / "pog.duckdb"))


def geometry_cache_dir() -> Path:
    return processed_dir() / "geometry_cache"
