"""Programme files through the real loader into a tiny warehouse: values, rejects, bad files."""

from __future__ import annotations

import gc
import shutil
import weakref
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from etl import programme, readers, schema
from etl.errors import InputFileError
from etl.programme import load_programme, validate_files
from tests.one_line_error import assert_one_line_error

GOOD = Path(__file__).resolve().parent / "fixtures" / "programme" / "good"
BUILD_DATE = date(2024, 1, 1)

VIN = "UA05000000000010236"
KYIV = "UA80000000000093317"
CRIMEA = "UA01000000000013043"
LYTYN = "UA05020130000056031"  # P-code UA0502013
LUKA = "UA05020150000074651"  # P-code UA0502015
ANDRIIVKA = "UA01020010000048857"  # Crimea: no centre in the registry
HROMADAS = [
    # katottg, ocha_pcode, oblast, name_uk, centre_lat, centre_lon
    (LYTYN, "UA0502013", VIN, "Літинська", 49.3232593, 28.0852),
    (LUKA, "UA0502015", VIN, "Лука-Мелешківська", 49.173946, 28.3542),
    (KYIV, "UA8000000", KYIV, "Київ", 50.4501, 30.5234),
    (ANDRIIVKA, "UA0102001", CRIMEA, "Андріївська", None, None),
]


@pytest.fixture()
def con():
    c = duckdb.connect(":memory:")
    schema.create_schema(c)
    c.executemany(
        "INSERT INTO oblasts (oblast_katottg, name_uk, name_en, short_code) VALUES (?, ?, ?, ?)",
        [(VIN, "Вінницька область", "Vinnytsia Oblast", "VIN"), (KYIV, "Київ", "Kyiv", "KYI"),
         (CRIMEA, "Автономна Республіка Крим", "Crimea", "CRI")],
    )
    c.executemany(
        "INSERT INTO hromadas (katottg, ocha_pcode, oblast_katottg, name_uk, centre_lat, centre_lon, "
        "is_occupied_before_2022, has_geometry, required_officers, size_band, in_programme, is_large_urban) "
        "VALUES (?, ?, ?, ?, ?, ?, false, true, 1, '10-25k', true, false)",
        HROMADAS,
    )
    yield c
    c.close()


def write(raw: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    raw.mkdir(parents=True, exist_ok=True)
    (raw / name).write_bytes(text.encode(encoding))
    return raw / name


def load(con, raw: Path) -> list[dict]:
    """The build's two stages: check the files, then load them."""
    return load_programme(con, validate_files(raw), BUILD_DATE)


def load_lines(con, raw: Path, name: str, lines: list[str], encoding: str = "utf-8") -> list[dict]:
    """Write ``lines`` (the header first) as the file ``name`` in ``raw``, then load ``raw``."""
    write(raw, name, "\n".join(lines) + "\n", encoding)
    return load(con, raw)


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def rejects(con, file: str | None = None) -> list[tuple]:
    where = "WHERE file = ?" if file else ""
    return con.execute(
        f'SELECT file, row, "column", value, reason FROM rejects {where} ORDER BY row, "column" NULLS LAST',
        [file] if file else [],
    ).fetchall()


# ---------------------------------------------------------------- good files, every format
@pytest.fixture()
def good(con):
    return load(con, GOOD)


def test_good_fixtures_load_without_rejects(con, good):
    assert rejects(con) == []
    assert [(r["file"], r["kind"], r["rows_read"], r["rows_loaded"], r["rows_rejected"]) for r in good] == [
        ("memoranda_vinnytsia.xlsx", "memoranda", 2, 2, 0),
        ("officers_2021_vinnytsia.csv", "officers", 2, 2, 0),
        ("officers_kyiv.csv", "officers", 1, 1, 0),
        ("stations.csv", "stations", 2, 2, 0),
        ("targets.csv", "targets", 2, 2, 0),
        ("trust_survey_2021-H2.csv", "trust_survey", 3, 3, 0),
    ]
    assert all(len(r["sha256"]) == 64 for r in good)


def test_unknown_columns_are_listed(good):
    ignored = {r["file"]: r["ignored_columns"] for r in good}
    assert ignored["officers_kyiv.csv"] == "Примітка"
    assert ignored["trust_survey_2021-H2.csv"] == "interviewer"
    assert ignored["stations.csv"] == ""


def test_officers_utf8_and_cp1251_with_ukrainian_headers(con, good):
    assert rows(con, "SELECT * FROM officers ORDER BY officer_id") == [
        ("P-0001", LYTYN, date(2021, 3, 1), None, True, date(2021, 2, 15), "officers_2021_vinnytsia.csv", 2),
        # lower-case P-code with a trailing space, mapped to the hromada's KATOTTG
        ("P-0002", LUKA, date(2021, 4, 1), date(2022, 6, 30), False, None, "officers_2021_vinnytsia.csv", 3),
        ("P-0100", KYIV, date(2021, 9, 1), None, True, None, "officers_kyiv.csv", 2),
    ]


def test_stations_bom_semicolon_decimal_comma_quoted_newline_and_imputed_location(con, good):
    got = rows(con, "SELECT * FROM stations ORDER BY station_id")
    assert got == [
        ("S-1", LYTYN, "police_station", date(2021, 5, 20), None, "Станція; Літин\r\nвул. Соборна, 1",
         49.3301, 28.0902, False, "stations.csv", 2),
        # the quoted line break above is inside row 2, so S-2 is row 3
        ("S-2", KYIV, "front_office", date(2022, 1, 10), None, "Фронт-офіс", 50.4501, 30.5234, True,
         "stations.csv", 3),
    ]


def test_memoranda_xlsx_excel_date_cells_and_date_text(con, good):
    assert rows(con, "SELECT * FROM memoranda ORDER BY source_row") == [
        (LYTYN, date(2020, 7, 14), None, "memoranda_vinnytsia.xlsx", 3),
        (LUKA, date(2021, 2, 1), date(2023, 1, 31), "memoranda_vinnytsia.xlsx", 5),
    ]


def test_trust_survey_values(con, good):
    assert rows(con, "SELECT * FROM trust_survey ORDER BY respondent_id") == [
        ("R1", "2021-H2", date(2021, 11, 2), LYTYN, 1, True, 1.25, "f", "18-29"),
        ("R2", "2021-H2", date(2021, 11, 2), LUKA, None, False, 1.0, "m", "60+"),
        ("R3", "2021-H2", date(2021, 11, 3), KYIV, None, True, 0.8, None, None),
    ]


def test_targets_with_thousands_space(con, good):
    assert rows(con, "SELECT oblast_katottg, year, planned_officers, source_row FROM targets ORDER BY 4") == [
        (VIN, 2022, 120, 2), (KYIV, 2022, 1050, 3)
    ]


# ---------------------------------------------------------------- bad rows
def test_officer_rejects(con, tmp_path):
    log = load_lines(con, tmp_path, "officers.csv", [
        "officer_id,hromada_katottg,start_date,end_date,lives_in_hromada",
        f"P-1,{LYTYN},2021-01-01,,",                 # 2 good
        "P-2,UA0599999999999999X,2021-01-01,,",       # 3 unknown code
        f"P-3,{LYTYN},,,",                            # 4 missing start
        f"P-4,{LYTYN},2021-13-01,,",                  # 5 bad date
        f"P-5,{LYTYN},2024-02-01,,",                  # 6 after the build date
        f"P-6,{LYTYN},2022-01-01,2021-12-31,",        # 7 ends before it starts
        f"P-1,{LYTYN.lower()},01.01.2021,,",          # 8 same key as row 2
        f"P-7,{LYTYN},2021-01-01,,maybe",             # 9 not a boolean
        ",,x,,",                                      # 10 three faults, one per cell
    ])
    f = "officers.csv"
    assert rejects(con) == [
        (f, 3, "hromada_katottg", "UA0599999999999999X", "unknown_code"),
        (f, 4, "start_date", None, "missing_required"),
        (f, 5, "start_date", "2021-13-01", "bad_date"),
        (f, 6, "start_date", "2024-02-01", "future_date"),
        (f, 7, "end_date", "2021-12-31", "end_before_start"),
        (f, 8, None, f"officer_id=P-1, hromada_katottg={LYTYN.lower()}, start_date=01.01.2021",
         "duplicate_key"),
        (f, 9, "lives_in_hromada", "maybe", "bad_value"),
        (f, 10, "hromada_katottg", None, "missing_required"),
        (f, 10, "officer_id", None, "missing_required"),
        (f, 10, "start_date", "x", "bad_date"),
    ]
    assert rows(con, "SELECT officer_id, source_row FROM officers") == [("P-1", 2)]
    assert (log[0]["rows_read"], log[0]["rows_loaded"], log[0]["rows_rejected"]) == (9, 1, 8)


def test_station_rejects(con, tmp_path):
    load_lines(con, tmp_path, "stations.csv", [
        "station_id;hromada_katottg;kind;opened_on;closed_on;lat;lon",
        f"S-1;{LYTYN};police_station;2021-01-01;;;",         # 2 good, imputed
        f"S-2;{LYTYN};kiosk;2021-01-01;;;",                  # 3 unknown kind
        f"S-3;{LYTYN};front_office;2021-01-01;;60,1;30",     # 4 north of Ukraine
        f"S-4;{LYTYN};front_office;2021-01-01;;abc;30",      # 5 not a number
        f"S-5;{LYTYN};front_office;2021-01-01;;49;",         # 6 lat without lon
        f"S-6;{ANDRIIVKA};front_office;2021-01-01;;;",       # 7 no location, no centre
        f"S-1;{LUKA};front_office;2022-01-01;;;",            # 8 repeated station_id
        f"S-7;{LYTYN};Офіс громадської безпеки;2021-05-01;2021-04-30;;",  # 9 closed before opened
    ])
    f = "stations.csv"
    assert rejects(con) == [
        (f, 3, "kind", "kiosk", "bad_value"),
        (f, 4, "lat", "60,1", "outside_ukraine"),
        (f, 5, "lat", "abc", "bad_value"),
        (f, 6, "lon", None, "missing_required"),
        (f, 7, "lat", None, "missing_required"),
        (f, 8, None, "station_id=S-1", "duplicate_key"),
        (f, 9, "closed_on", "2021-04-30", "end_before_start"),
    ]
    assert rows(con, "SELECT station_id, is_location_imputed FROM stations") == [("S-1", True)]


def test_trust_rejects(con, tmp_path):
    load_lines(con, tmp_path, "trust_survey.csv", [
        "respondent_id,wave,interview_date,hromada_katottg,trust_police,knows_officer,weight,sex,age_group",
        f"R1,W1,2021-11-02,{LYTYN},2,yes,1,m,18-29",      # 2 good
        f"R2,W1,2021-11-02,{LYTYN},5,,,,",                # 3 trust outside 1-4/9
        f"R3,W1,2021-11-02,{LYTYN},1,ok,,,",              # 4 knows_officer not a boolean
        f"R4,W1,2021-11-02,{LYTYN},1,,0,,",               # 5 weight 0
        f"R5,W1,2021-11-02,{LYTYN},1,,,x,",               # 6 sex
        f"R6,W1,2021-11-02,{LYTYN},1,,,,17-20",           # 7 age group
        f"R7,W1,2021/11/02,{LYTYN},1,,,,",                # 8 date form
        f"R1,W1,2021-11-03,{LUKA},3,,,,",                 # 9 same (wave, respondent_id)
        f"R1,W2,2022-05-03,{LUKA},3,,,,",                 # 10 good: another wave
        f"R8,,2021-11-02,{LYTYN},1,,,,",                  # 11 no wave
        f"R9,W1,2021-11-02,{LYTYN},1,,\"-1,5\",,",       # 12 negative weight
    ])
    f = "trust_survey.csv"
    assert rejects(con) == [
        (f, 3, "trust_police", "5", "bad_value"),
        (f, 4, "knows_officer", "ok", "bad_value"),
        (f, 5, "weight", "0", "bad_value"),
        (f, 6, "sex", "x", "bad_value"),
        (f, 7, "age_group", "17-20", "bad_value"),
        (f, 8, "interview_date", "2021/11/02", "bad_date"),
        (f, 9, None, "wave=W1, respondent_id=R1", "duplicate_key"),
        (f, 11, "wave", None, "missing_required"),
        (f, 12, "weight", "-1,5", "bad_value"),
    ]
    assert rows(con, "SELECT wave, respondent_id FROM trust_survey ORDER BY 1") == [("W1", "R1"), ("W2", "R1")]


def test_target_rejects(con, tmp_path):
    load_lines(con, tmp_path, "targets.csv", [
        "Код області*;Рік;Планова кількість поліцейських",
        f"{VIN};2022;100",      # 2 good
        f"{VIN};2018;100",      # 3 year out of range
        f"{KYIV};2022;-5",      # 4 negative
        f"{KYIV};2023;1,5",     # 5 not whole
        "UA05;2022;10",        # 6 not a 19-character oblast code
        f"{LYTYN};2022;10",     # 7 a hromada, not an oblast
        f"{VIN};2022;90",       # 8 repeated key
    ], encoding="cp1251")
    f = "targets.csv"
    assert rejects(con) == [
        (f, 3, "year", "2018", "bad_value"),
        (f, 4, "planned_officers", "-5", "bad_value"),
        (f, 5, "planned_officers", "1,5", "bad_value"),
        (f, 6, "oblast_katottg", "UA05", "unknown_code"),
        (f, 7, "oblast_katottg", LYTYN, "unknown_code"),
        (f, 8, None, f"oblast_katottg={VIN}, year=2022", "duplicate_key"),
    ]


def test_memoranda_reject_and_duplicate_across_stacked_files(con, tmp_path):
    write(tmp_path, "memoranda_a.csv", f"hromada_katottg,signed_on,ended_on\n{LYTYN},2020-01-01,\n")
    write(tmp_path, "Memoranda_b.csv",
          f"hromada_katottg,signed_on,ended_on\nUA0502013,01.01.2020,\n{LUKA},2020-01-02,2019-12-31\n")
    log = load(con, tmp_path)
    # file-name order: 'Memoranda_b.csv' sorts before 'memoranda_a.csv', so its row is the first
    assert [r["file"] for r in log] == ["Memoranda_b.csv", "memoranda_a.csv"]
    assert rejects(con) == [
        ("memoranda_a.csv", 2, None, f"hromada_katottg={LYTYN}, signed_on=2020-01-01", "duplicate_key"),
        ("Memoranda_b.csv", 3, "ended_on", "2019-12-31", "end_before_start"),
    ]
    assert rows(con, "SELECT source_file, source_row FROM memoranda") == [("Memoranda_b.csv", 2)]


def test_xlsx_rows_are_sheet_rows(con, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["officer_id", "hromada_katottg", "start_date"])
    ws.append(["P-1", LYTYN, date(2021, 1, 1)])
    ws.append([])
    ws.append(["P-2", "UA0000000", "2021-01-01"])
    wb.save(tmp_path / "officers.xlsx")
    load(con, tmp_path)
    assert rejects(con) == [("officers.xlsx", 4, "hromada_katottg", "UA0000000", "unknown_code")]


# ---------------------------------------------------------------- bad files
def one_line_error(raw: Path, file: str, *words: str) -> None:
    assert_one_line_error(lambda: validate_files(raw), file, *words)


def test_missing_required_column_names_canonical_and_ukrainian(tmp_path):
    write(tmp_path, "officers.csv", f"Ідентифікатор поліцейського,Код громади (КАТОТТГ)\nP-1,{LYTYN}\n")
    one_line_error(tmp_path, "officers.csv", "required column 'start_date' (Дата призначення) is missing")


def test_several_missing_columns_in_one_line(tmp_path):
    write(tmp_path, "trust_survey.csv", "respondent_id,wave\nR1,W1\n")
    one_line_error(tmp_path, "trust_survey.csv", "'interview_date' (Дата інтерв'ю)", "'trust_police'")


def test_a_column_given_twice(tmp_path):
    write(tmp_path, "memoranda.csv", f"hromada_katottg,signed_on,Дата підписання\n{LYTYN},2020-01-01,\n")
    one_line_error(tmp_path, "memoranda.csv", "'signed_on' appears twice")


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("officers.pdf", b"%PDF-1.4\n%\xe2\xe3\n", ["not a spreadsheet"]),
        ("officers.csv", b"\x00\x01binary\x00", ["not a CSV text file"]),
        ("officers.csv", "officer_id,start_date\n".encode("utf-16"), ["unknown encoding"]),
        ("officers.csv", b"", ["empty"]),
        ("stations.xlsx", b"station_id\nS-1\n", ["not an Excel .xlsx workbook"]),
    ],
)
def test_bad_files_stop_with_one_line(tmp_path, name, content, words):
    (tmp_path / name).write_bytes(content)
    one_line_error(tmp_path, name, *words)


def test_a_bad_file_stops_the_load_before_any_row_is_written(con, tmp_path):
    shutil.copy(GOOD / "officers_kyiv.csv", tmp_path)
    write(tmp_path, "trust_survey.csv", "respondent_id\nR1\n")
    with pytest.raises(InputFileError):
        load(con, tmp_path)
    assert rows(con, "SELECT count(*) FROM officers") == [(0,)]


def test_unrelated_files_are_ignored(con, tmp_path):
    shutil.copy(GOOD / "targets.csv", tmp_path)
    write(tmp_path, "README.txt", "notes")
    write(tmp_path, "DEMO_DATA.json", "{}")
    write(tmp_path, "~$targets.xlsx", "lock")
    log = load(con, tmp_path)
    assert [r["file"] for r in log] == ["targets.csv"]


# ---------------------------------------------------------------- large files: chunks and batches
def stacked_survey(raw: Path) -> None:
    """Two survey files whose rows repeat keys within and across files, with blank rows, a quoted
    line break and a header-less column that holds a value only near the end."""
    header = "respondent_id,wave,interview_date,hromada_katottg,trust_police,weight,\n"
    write(raw, "trust_survey_a.csv", header + "\n".join([
        f"R1,W1,2021-11-02,{LYTYN},1,,",            # 2 good
        f"R2,W1,2021-11-02,{LYTYN},5,,",            # 3 bad trust
        "",                                         # 4 blank, counted
        f"R3,W1,2021-11-02,{LUKA},2,\"1,5\",",      # 5 good
        f"R1,W1,2021-11-03,{LUKA},3,,",             # 6 repeats row 2 (same file, another chunk)
        f"\"R4\nx\",W1,2021-11-02,{LYTYN},1,,",     # 7 quoted line break: one row
        f"R5,W1,2021-11-02,{LYTYN},1,,",            # 8 good
        f"R6,W1,2021-11-02,{LYTYN},1,,note",        # 9 good; the header-less column holds a value
    ]) + "\n")
    write(raw, "trust_survey_b.csv", header + "\n".join([
        f"R3,W1,2021-11-04,{LYTYN},1,,",            # 2 repeats a.csv row 5
        f"R2,W1,2021-11-04,{LYTYN},1,,",            # 3 good: a.csv's R2 was rejected
        f"R2,W1,2021-11-05,{LYTYN},1,,",            # 4 repeats row 3
        f"R7,W1,2021-11-05,{UNKNOWN},1,,",          # 5 unknown code
    ]) + "\n")
    write(raw, "officers.csv", f"officer_id,hromada_katottg,start_date\nP-1,{LYTYN},2021-01-01\n")


UNKNOWN = "UA0599999999999999X"


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 1000])
def test_chunks_and_batches_give_the_same_result_as_one_pass(con, tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(readers, "CHUNK_ROWS", chunk_rows)
    stacked_survey(tmp_path)
    log = load(con, tmp_path)
    a, b = "trust_survey_a.csv", "trust_survey_b.csv"
    assert sorted(rejects(con), key=lambda r: (r[0], r[1])) == [
        (a, 3, "trust_police", "5", "bad_value"),
        (a, 6, None, "wave=W1, respondent_id=R1", "duplicate_key"),
        (b, 2, None, "wave=W1, respondent_id=R3", "duplicate_key"),
        (b, 4, None, "wave=W1, respondent_id=R2", "duplicate_key"),
        (b, 5, "hromada_katottg", UNKNOWN, "unknown_code"),
    ]
    assert rows(con, "SELECT respondent_id, interview_date FROM trust_survey ORDER BY 1") == [
        ("R1", date(2021, 11, 2)), ("R2", date(2021, 11, 4)), ("R3", date(2021, 11, 2)),
        ("R4\nx", date(2021, 11, 2)), ("R5", date(2021, 11, 2)), ("R6", date(2021, 11, 2)),
    ]
    assert rows(con, "SELECT officer_id, source_row FROM officers") == [("P-1", 2)]
    assert [(r["file"], r["rows_read"], r["rows_loaded"], r["rows_rejected"], r["ignored_columns"])
            for r in log] == [
        ("officers.csv", 1, 1, 0, ""),
        (a, 7, 5, 2, "(column 7 without a header)"),
        (b, 4, 1, 3, ""),
    ]


def test_each_chunk_is_freed_once_inserted(con, tmp_path, monkeypatch):
    """Inside the build's transaction too: a frame handed to DuckDB must not live until COMMIT."""
    monkeypatch.setattr(readers, "CHUNK_ROWS", 50)
    lines = [f"R{i},W1,2021-11-02,{LYTYN},1" for i in range(500)]
    write(tmp_path, "trust_survey.csv", "respondent_id,wave,interview_date,hromada_katottg,trust_police\n"
          + "\n".join(lines) + "\n")
    inserted = []
    real_insert = programme._insert

    def insert(con, table, df, kind):
        inserted.append(weakref.ref(df))
        real_insert(con, table, df, kind)

    monkeypatch.setattr(programme, "_insert", insert)
    con.execute("BEGIN TRANSACTION")
    load(con, tmp_path)
    gc.collect()
    assert len(inserted) >= 10
    alive = sum(r() is not None for r in inserted)
    assert alive == 0, f"{alive} of {len(inserted)} inserted chunks still in memory"
    con.execute("COMMIT")
    assert rows(con, "SELECT count(*) FROM trust_survey") == [(500,)]


def test_a_malformed_record_deep_in_a_file_stops_the_load(con, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_ROWS", 2)
    write(tmp_path, "memoranda.csv", "hromada_katottg,signed_on\n" + "\n".join(
        [f"{LYTYN},2020-01-0{d}" for d in range(1, 6)] + [f"{LUKA},2020-01-01,x"]) + "\n")
    files = validate_files(tmp_path)
    assert [pf.name for pf in files] == ["memoranda.csv"]  # the header is fine
    with pytest.raises(InputFileError) as e:
        load_programme(con, files, BUILD_DATE)
    msg = str(e.value)
    assert msg.startswith("memoranda.csv: not a well-formed CSV: ") and "\n" not in msg
