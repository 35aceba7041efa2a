"""Where the project's files are: the one place both sides agree on them (the ETL writes the
database the dashboard reads). Each location can be moved by an environment variable; the CLI's
flags override them in turn."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"


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
