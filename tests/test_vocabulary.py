"""The vocabulary is the one list of each set of codes: the SQL, the schema, the pages and the docs
are held to it here."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import vocabulary
from etl import schema

REPO = Path(__file__).resolve().parent.parent
SQL = REPO / "etl" / "sql"


def test_every_list_has_unique_codes_and_both_labels():
    for family, terms in vocabulary.FAMILIES.items():
        assert len(terms) > 0, family
        assert len(set(terms.codes)) == len(terms.codes), family
        for term in terms:
            assert term.uk and term.en, (family, term.code)


def _status_case(sql: str) -> str:
    """The CASE ... END AS status expression of the coverage macro."""
    match = re.search(r"CASE(?:(?!CASE).)*?END AS status\b", sql, flags=re.S)
    assert match, "no CASE ... END AS status in the coverage macro"
    return match.group(0)


def test_the_status_rule_in_sql_produces_exactly_the_declared_statuses():
    case = _status_case((SQL / "derived_20_coverage_macro.sql").read_text(encoding="utf-8"))
    produced = re.findall(r"THEN '(\w+)'|ELSE '(\w+)'", case)
    assert {a or b for a, b in produced} == set(vocabulary.STATUSES.codes)


def test_the_station_kinds_counted_in_sql_are_the_declared_ones():
    sql = (SQL / "derived_10_hromada_state_steps.sql").read_text(encoding="utf-8")
    assert set(re.findall(r"kind = '(\w+)'", sql)) == set(vocabulary.STATION_KINDS.codes)


def test_the_territory_rule_in_sql_uses_the_declared_statuses_and_assessability():
    sql = (SQL / "derived_10_hromada_state_steps.sql").read_text(encoding="utf-8")
    listed = {t.code for t in vocabulary.TERRITORY_STATUSES if t["list_sections"]}
    assert set(re.findall(r"status = '(\w+)'", sql)) == listed
    branches = re.findall(r"THEN '(\w+)'", sql.split("AS territory_status")[0].rsplit("CASE", 1)[1])
    assert set(branches) | {"none"} == set(vocabulary.TERRITORY_STATUSES.codes)
    # not assessable exactly when a full period of a not-assessable status is in force
    rule = re.search(r"\((n_\w+_full = 0(?: AND n_\w+_full = 0)*)\) AS is_assessable", sql).group(1)
    blocking = {m.replace("active", "active_hostilities") for m in re.findall(r"n_(\w+)_full = 0", rule)}
    assert blocking == {t.code for t in vocabulary.TERRITORY_STATUSES if not t["assessable"]}


@pytest.fixture()
def empty_db():
    con = duckdb.connect(":memory:")
    schema.create_schema(con)
    yield con
    con.close()


def test_the_schema_accepts_declared_codes_and_refuses_others(empty_db):
    row = "'S1', 'UA05020030000031457', ?, DATE '2021-01-01', NULL, NULL, 49.0, 28.0, FALSE, 'f.csv', 2"
    for kind in vocabulary.STATION_KINDS.codes:
        empty_db.execute(f"INSERT INTO stations VALUES ({row.replace('S1', 'S-' + kind)})", [kind])
    with pytest.raises(duckdb.ConstraintException):
        empty_db.execute(f"INSERT INTO stations VALUES ({row})", ["police_stations"])
    with pytest.raises(duckdb.ConstraintException):
        empty_db.execute("INSERT INTO rejects (file, \"row\", \"column\", value, reason) "
                         "VALUES ('f.csv', 2, NULL, NULL, 'no_such_reason')")


def test_a_derived_table_with_an_undeclared_code_stops_the_build(empty_db):
    empty_db.execute("CREATE TABLE coverage_monthly AS SELECT DATE '2021-01-31' AS on_date, 'UA1' AS katottg, "
                     "'covered_partly' AS status, TRUE AS is_assessable, 'none' AS territory_status")
    checks = [c for c in schema.DERIVED_CHECKS if c.table == "coverage_monthly"]
    with pytest.raises(schema.DerivedCheckError, match="covered_partly"):
        schema.check_derived(empty_db, checks)
    empty_db.execute("INSERT INTO coverage_monthly SELECT * FROM coverage_monthly")
    with pytest.raises(schema.DerivedCheckError, match="repeated key"):
        schema.check_derived(empty_db, checks)


def test_the_vocabulary_imports_neither_streamlit_nor_duckdb():
    code = "import sys, vocabulary, vocabulary.locations; print(sorted({'streamlit', 'duckdb'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_dashboard_imports_no_etl_module():
    """Nor the demo generator, which writes the ETL's input files."""
    read_side = [REPO / "dashboard.py", *(REPO / "monitor").rglob("*.py"), *(REPO / "views").rglob("*.py")]
    offenders = [str(p.relative_to(REPO)) for p in read_side if {"etl", "demo"} & _imported_modules(p)]
    assert offenders == []


def test_the_docs_name_every_status_and_station_kind():
    method = (REPO / "docs" / "methodology.md").read_text(encoding="utf-8")
    for code in vocabulary.STATUSES.codes:
        assert f"`{code}`" in method, code
    contract = (REPO / "docs" / "input-contract.md").read_text(encoding="utf-8")
    for kind in vocabulary.STATION_KINDS:
        assert f"`{kind.code}`" in contract and all(a in contract for a in kind["aliases"]), kind.code
