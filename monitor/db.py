"""Read-only access to the warehouse: one connection, bound parameters only."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from vocabulary import locations

# scope_katottg of the whole country in rollout_monthly and trust_summary (else an oblast code).
NATIONAL = "UA"


def db_path() -> Path:
    """The database the dashboard reads: env POG_DB, else data/processed/pog.duckdb."""
    return locations.db_path()


def file_identity(path: Path | str | None = None) -> tuple[str, int, int, int, int]:
    """(path, device, inode, mtime_ns, size) of the database file; zeros when there is none.

    The ETL swaps a new build in with os.replace, so a new build is a new inode (and mtime)."""
    p = Path(path) if path is not None else db_path()
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return str(p), 0, 0, 0, 0
    return str(p), st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size


# The warehouse file is attached under this name in a private in-memory DuckDB instance.
ALIAS = "warehouse"


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database read-only (the ETL is the only writer).

    The file is ATTACHed to a new in-memory instance rather than opened with duckdb.connect(path):
    DuckDB hands the same database instance back to connect(path) while any connection to it
    lives, so after the ETL swapped a new file in, a reader would keep the old, deleted one.
    """
    p = Path(path) if path is not None else db_path()
    if not p.exists():
        raise FileNotFoundError(p)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{str(p.resolve()).replace(chr(39), chr(39) * 2)}' AS {ALIAS} (READ_ONLY)")
        con.execute(f"USE {ALIAS}")
        _ATTACHED.add(con)
    except BaseException:
        con.close()
        raise
    return con


def query(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence | dict = ()) -> pd.DataFrame:
    """Run one SQL statement with bound parameters and return a DataFrame.

    Each call uses its own cursor, so one cached connection can serve Streamlit's threads. A
    cursor starts in the instance's default database, so it is pointed at the warehouse first.
    """
    cur = con.cursor()
    try:
        if con in _ATTACHED:
            cur.execute(f"USE {ALIAS}")
        return cur.execute(sql, params if isinstance(params, dict) else list(params)).df()
    finally:
        cur.close()


# Connections made by connect() (the file attached as ALIAS); tests and tools may pass plain ones.
_ATTACHED: weakref.WeakSet = weakref.WeakSet()


def build_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """build_info as a dict: is_demo, built_at, as_of_date, seed, ..."""
    df = query(con, "SELECT key, value FROM build_info")
    return dict(zip(df["key"], df["value"], strict=True))


def oblasts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """oblast_katottg, name_uk, name_en, short_code, ordered by the Ukrainian name."""
    return query(
        con,
        "SELECT oblast_katottg, name_uk, name_en, short_code FROM oblasts ORDER BY name_uk",
    )


@dataclass(eq=False)
class _Open:
    identity: tuple
    con: duckdb.DuckDBPyConnection
    users: int = 0


class Warehouse:
    """The served database as the dashboard reads it: one read-only connection to the file at
    `path`, replaced by a new one on the first use after the ETL swapped a new build in.

    ``with warehouse.lease() as con:`` gives the connection to the current build; a connection
    to an older build stays open until the last lease on it ends (a session in the middle of a
    page keeps working), then it is closed.
    """

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._lock = threading.Lock()
        self._current: _Open | None = None
        self._retired: list[_Open] = []

    @contextmanager
    def lease(self) -> Iterator[duckdb.DuckDBPyConnection]:
        opened = self._acquire()
        try:
            yield opened.con
        finally:
            self._release(opened)

    def _acquire(self) -> _Open:
        identity = file_identity(self.path)
        with self._lock:
            cur = self._current
            if cur is None or (cur.identity != identity and identity[2]):
                fresh = _Open(identity, connect(self.path))
                if cur is not None:
                    self._retire(cur)
                self._current = cur = fresh
            cur.users += 1
            return cur

    def _release(self, opened: _Open) -> None:
        with self._lock:
            opened.users -= 1
            if opened is not self._current and opened.users == 0 and opened in self._retired:
                self._retired.remove(opened)
                opened.con.close()

    def _retire(self, opened: _Open) -> None:
        if opened.users == 0:
            opened.con.close()
        else:
            self._retired.append(opened)

    def open_connections(self) -> int:
        """How many connections are open (the current one and retired ones still in use)."""
        with self._lock:
            return (self._current is not None) + len(self._retired)

    def close(self) -> None:
        with self._lock:
            for o in [*self._retired, *([self._current] if self._current else [])]:
                o.con.close()
            self._retired.clear()
            self._current = None
