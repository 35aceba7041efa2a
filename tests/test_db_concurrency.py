"""One cached DuckDB connection serves every session's thread: monitor.db.query gives each query its
own cursor. DuckDB 2.x refuses a second call on a connection that is busy ("connection is busy
with another call") instead of waiting, so sharing the bare connection fails under concurrency;
bench/bench_load.py guards the same at 25 signed-in sessions."""

from __future__ import annotations

import threading

import duckdb

from monitor import db

SQL = "SELECT count(*), sum(c.population_count) FROM coverage_monthly c JOIN hromadas h ON h.katottg = c.katottg"


def hammer(call, threads: int = 8, rounds: int = 15) -> list[str]:
    errors: list[str] = []

    def work():
        for _ in range(rounds):
            try:
                call()
            except duckdb.Error as e:
                errors.append(type(e).__name__)

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


def test_queries_from_many_threads_share_one_connection(demo_db):
    con = db.connect(demo_db)
    try:
        assert hammer(lambda: db.query(con, SQL)) == []
        # the same work on the bare connection is refused: the test above can fail
        assert "ResourceInUseException" in hammer(lambda: con.execute(SQL).df())
    finally:
        con.close()
