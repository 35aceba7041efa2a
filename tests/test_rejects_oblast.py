"""A rejected row keeps the oblast it names, so a regional directorate can be shown its own rejects
(docs/access.md): its hromada's oblast, the oblast its code's level-1 digits name when the hromada
is unknown, the oblast code of a target, or NULL when the row names none."""

from __future__ import annotations

from etl.programme import load_programme, validate_files
from tests import test_programme as tp
from tests.test_programme import BUILD_DATE, CRIMEA, KYIV, LYTYN, VIN, write

con = tp.con  # the same tiny warehouse (three oblasts, four hromadas)


def oblast_of_rejected_rows(con) -> list[tuple]:
    return con.execute('SELECT file, "row", reason, oblast_katottg FROM rejects ORDER BY file, "row", "column"'
                       ).fetchall()


def test_each_reject_names_the_oblast_of_its_row(con, tmp_path):
    write(tmp_path, "officers.csv", "\n".join([
        "officer_id,hromada_katottg,start_date",
        f"P-1,{LYTYN},2021-13-01",              # 2 bad date, hromada in Vinnytsia
        "P-2,UA0599999999999999X,2021-01-01",   # 3 unknown hromada; its digits say Vinnytsia
        "P-3,XX,2021-01-01",                    # 4 names no oblast at all
        f"P-4,{LYTYN[:9]},",                    # 5 a P-code, start date missing
    ]) + "\n")
    write(tmp_path, "targets.csv", "\n".join([
        "oblast_katottg,year,planned_officers",
        f"{KYIV},2024,-1",                      # 2 bad value, Kyiv
        f"{CRIMEA},20xx,5",                     # 3 bad year, Crimea
    ]) + "\n")
    load_programme(con, validate_files(tmp_path), BUILD_DATE)
    assert oblast_of_rejected_rows(con) == [
        ("officers.csv", 2, "bad_date", VIN),
        ("officers.csv", 3, "unknown_code", VIN),
        ("officers.csv", 4, "unknown_code", None),
        ("officers.csv", 5, "missing_required", VIN),
        ("targets.csv", 2, "bad_value", KYIV),
        ("targets.csv", 3, "bad_value", CRIMEA),
    ]
