"""Shared fixtures: one real demo warehouse built once per test session through the real CLI."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl.cli import main as etl_main


def pytest_collection_modifyitems(items):
    """The tests that drive a real browser share one xdist worker: one Chromium and one server
    at a time beside the other worker's tests (two browsers at once on 2 cores pushed a page past
    its 30 s wait under load). `./pog test` runs with --dist loadgroup."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


# A fixed as-of date keeps the demo warehouse the same on every day the tests run.
DEMO_AS_OF = date(2026, 11, 15)
REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of a demo warehouse built by ``python -m etl demo`` (scale 1, fixed as-of date)."""
    base = tmp_path_factory.mktemp("demo")
    db = base / "pog.duckdb"
    code = etl_main(["demo", "--raw", str(base / "raw"), "--db", str(db), "--as-of", DEMO_AS_OF.isoformat()])
    assert code == 0, "the demo build failed"
    return db


@pytest.fixture(scope="session")
def demo_raw(demo_db) -> Path:
    return demo_db.parent / "raw"


@pytest.fixture()
def demo_con(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def app_db(demo_db, monkeypatch) -> Path:
    """Point the dashboard (AppTest or a server started by the test) at the demo warehouse."""
    monkeypatch.setenv("POG_DB", str(demo_db))
    return demo_db


@pytest.fixture()
def dash_db(request) -> Path:
    """The warehouse the AppTest pages read: an explicit POG_DB that exists (a hand-built one),
    else the session's demo build."""
    explicit = os.environ.get("POG_DB")
    if explicit and Path(explicit).exists():
        return Path(explicit)
    return request.getfixturevalue("app_db")


@pytest.fixture()
def con(dash_db):
    c = duckdb.connect(str(dash_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(autouse=True, scope="session")
def _no_real_secrets(tmp_path_factory):
    """AppTest runs read st.secrets: never a developer's own .streamlit/secrets.toml, which would
    put every page test in login mode. A test that wants login mode sets at.secrets (tests/apptest.py)."""
    from streamlit import config

    config.set_option("secrets.files", [str(tmp_path_factory.mktemp("secrets") / "none.toml")])


@pytest.fixture(scope="session")
def demo_db_no_effect(tmp_path_factory) -> Path:
    """A second demo warehouse, the same but with no planted trust effect (--trust-effect-pp 0): the
    effect estimate's interval must then cover zero. Built only by the tests that ask for it."""
    base = tmp_path_factory.mktemp("demo_no_effect")
    db = base / "pog.duckdb"
    code = etl_main(["demo", "--raw", str(base / "raw"), "--db", str(db), "--as-of", DEMO_AS_OF.isoformat(),
                     "--trust-effect-pp", "0"])
    assert code == 0, "the demo build without a trust effect failed"
    return db


@pytest.fixture(scope="session")
def demo_trust_estimate(demo_db) -> dict:
    """monitor.planning.effect.estimate(trust) on the session's demo warehouse, computed once (a few
    seconds) for every test that checks it or a page showing it."""
    from monitor.planning import effect

    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        return effect.estimate(con, "trust")
    finally:
        con.close()
