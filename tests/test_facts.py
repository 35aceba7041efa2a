"""etl.facts: published figures -> facts_* tables (tiny fixture through the real loader)."""

from datetime import date
from pathlib import Path

import duckdb
import pytest

from etl import facts, reference, schema
from etl.errors import InputFileError

FACTS = Path(__file__).parent / "fixtures" / "reference" / "facts"
REAL = Path(__file__).resolve().parents[2] / "shared" / "facts"
OBLASTS = [
    ("UA12000000000090473", "Дніпропетровська область", "Dnipropetrovsk Oblast", "DNP"),
    ("UA80000000000093317", "м. Київ", "Kyiv City", "KCT"),
]


@pytest.fixture()
def con():
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    con.executemany("INSERT INTO oblasts (oblast_katottg, name_uk, name_en, short_code) VALUES (?, ?, ?, ?)", OBLASTS)
    yield con
    con.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-03", (date(2021, 3, 3), "day")),
        ("2021-09", (date(2021, 9, 15), "month")),
        ("2020", (date(2020, 2, 1), "year")),
    ],
)
def test_resolve_date(text, expected):
    assert facts.resolve_date(text) == expected


@pytest.mark.parametrize("text", ["", "03.03.2021", "2021-13", "21"])
def test_resolve_date_rejects(text):
    with pytest.raises(ValueError):
        facts.resolve_date(text)


def test_load_facts_fixture(con):
    log = facts.load_facts(con, FACTS)
    assert [(r["file"], r["kind"], r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in log] == [
        ("program_milestones.csv", "facts", 4, 3, 1),  # 'Атлантида' is no oblast
        ("program_plans.csv", "facts", 2, 2, 0),
        ("national_trust_polls.csv", "facts", 4, 4, 0),
    ]
    assert all(len(r["sha256"]) == 64 for r in log)
    assert con.execute(
        "SELECT date_text, milestone_date, date_precision, oblast_katottg, metric, value "
        "FROM facts_milestones ORDER BY milestone_date"
    ).fetchall() == [
        ("2019-05-29", date(2019, 5, 29), "day", "UA12000000000090473", "officers", 34.0),
        ("2020", date(2020, 2, 1), "year", None, "residents_covered", 1_700_000.0),
        ("2021-09", date(2021, 9, 15), "month", None, "hromadas_covered", 372.0),
    ]
    assert con.execute("SELECT announced_on, metric, value, by_date FROM facts_plans ORDER BY value").fetchall() == [
        (date(2019, 5, 28), "hromadas_covered", 802.0, date(2019, 12, 31)),
        (None, "officers_selected", 1624.0, date(2020, 12, 31)),
    ]
    assert con.execute(
        "SELECT fieldwork_end_text, fieldwork_end, pollster, is_pog_claim, trust_pct, distrust_pct, sample_n "
        "FROM facts_trust_polls ORDER BY fieldwork_end"
    ).fetchall() == [
        ("2020-04-29", date(2020, 4, 29), "Razumkov Centre", False, 36.0, 56.0, 2018),
        ("2021-02", date(2021, 2, 15), "MVS (claim)", False, 40.8, None, 15000),  # not POG-specific
        ("2021-05", date(2021, 5, 15), "National Police (claim)", True, 70.0, None, None),
        ("2023-09", date(2023, 9, 15), "KIIS", False, 56.0, None, None),
    ]


def test_missing_file_and_column(con, tmp_path):
    with pytest.raises(InputFileError, match="program_milestones.csv"):
        facts.load_facts(con, tmp_path)
    for f in FACTS.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "program_plans.csv").write_text("announced,metric\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="program_plans.csv: required column"):
        facts.load_facts(con, tmp_path)


@pytest.mark.skipif(not REAL.is_dir(), reason="shared facts not available")
def test_real_facts():
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    oblasts, _ = reference.read_oblasts(REAL.parent / "reference" / "oblasts.csv")
    con.register("o", oblasts)
    con.execute("INSERT INTO oblasts SELECT * FROM o")
    log = facts.load_facts(con, REAL)
    assert sum(r["rows_rejected"] for r in log) == 0
    assert con.execute("SELECT count(*) FROM facts_milestones WHERE date_precision <> 'day'").fetchone() == (
        12,
    )  # README says nine
    assert con.execute("SELECT count(*) FROM facts_trust_polls WHERE is_pog_claim").fetchone() == (4,)
