"""Readers: encodings, delimiters, quoting, xlsx cells and spreadsheet row numbers; bad files."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from etl.errors import InputFileError
from etl.readers import iter_rows, read_head, read_table
from tests.one_line_error import assert_one_line_error

HEADER_UK = "Ідентифікатор поліцейського;Код громади (КАТОТТГ);Дата призначення\r\n"
ROW_UK = "П-1;UA05020130000056031;01.03.2021\r\n"


def write(tmp_path: Path, name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def cells(t) -> list[list[str]]:
    return t.data.astype(object).values.tolist()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_each_encoding_reads_ukrainian_text(tmp_path, encoding):
    t = read_table(write(tmp_path, "officers.csv", HEADER_UK + ROW_UK, encoding))
    assert t.header == ["Ідентифікатор поліцейського", "Код громади (КАТОТТГ)", "Дата призначення"]
    assert cells(t) == [["П-1", "UA05020130000056031", "01.03.2021"]]
    assert t.encoding == ("cp1251" if encoding == "cp1251" else "utf-8-sig")


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_each_delimiter(tmp_path, delimiter):
    text = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "2", "3"]) + "\n"
    t = read_table(write(tmp_path, "officers.csv", text))
    assert t.delimiter == delimiter
    assert t.header == ["a", "b", "c"] and cells(t) == [["1", "2", "3"]]


def test_semicolon_file_with_decimal_commas_keeps_them_as_text(tmp_path):
    t = read_table(write(tmp_path, "stations.csv", "station_id;lat;lon\nS-1;49,33;28,09\n"))
    assert cells(t) == [["S-1", "49,33", "28,09"]]


def test_quoted_delimiter_and_line_break_is_one_row(tmp_path):
    text = 'id,name,note\n1,"Станція, Літин\nвул. Соборна, 1",x\n2,"""лапки""",y\n'
    t = read_table(write(tmp_path, "stations.csv", text))
    assert cells(t) == [["1", "Станція, Літин\nвул. Соборна, 1", "x"], ["2", '"лапки"', "y"]]
    # a record with a line break is one spreadsheet row, as when Excel opens the file
    assert t.row_numbers.tolist() == [2, 3]


def test_blank_rows_are_skipped_but_counted(tmp_path):
    text = "\n;;\nid;name\n1;a\n\n;\n  ;  \n2;b\n"
    t = read_table(write(tmp_path, "officers.csv", text))
    assert t.header_row == 3
    assert cells(t) == [["1", "a"], ["2", "b"]]
    assert t.row_numbers.tolist() == [4, 8]


def test_sha256_is_of_the_file_bytes(tmp_path):
    path = write(tmp_path, "officers.csv", HEADER_UK + ROW_UK)
    assert read_table(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_first_sheet_header_in_first_non_empty_row_and_cell_types(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"], ws["D3"], ws["E3"] = "Дата", "Ціле", "Дробове", "Логічне"
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = dt.datetime(2021, 3, 1), 120, 1.25, True
    ws["B4"].number_format = "DD.MM.YYYY"
    ws["B6"], ws["C6"], ws["D6"] = "01.03.2021", 3.0, "1,5"
    wb.create_sheet("other")["A1"] = "not read"
    wb.save(tmp_path / "targets.xlsx")
    t = read_table(tmp_path / "targets.xlsx")
    assert t.header_row == 3
    assert t.header == ["", "Дата", "Ціле", "Дробове", "Логічне"]
    assert cells(t) == [["", "2021-03-01", "120", "1.25", "true"], ["", "01.03.2021", "3", "1,5", ""]]
    assert t.row_numbers.tolist() == [4, 6]


# ---------------------------------------------------------------- bad files
def raises(path: Path, *words: str) -> str:
    return assert_one_line_error(lambda: read_table(path), path.name, *words)


def test_empty_file(tmp_path):
    raises(write(tmp_path, "officers.csv", b""), "empty")
    raises(write(tmp_path, "officers2.csv", b"\xef\xbb\xbf\r\n \r\n"), "empty")
    raises(write(tmp_path, "officers.xlsx", b""), "empty")


def test_empty_workbook(tmp_path):
    openpyxl.Workbook().save(tmp_path / "officers.xlsx")
    raises(tmp_path / "officers.xlsx", "empty")


def test_utf16_is_an_unknown_encoding(tmp_path):
    raises(write(tmp_path, "officers.csv", HEADER_UK + ROW_UK, "utf-16"), "unknown encoding", "UTF-16")


def test_utf16_without_bom_is_binary(tmp_path):
    raises(write(tmp_path, "officers.csv", HEADER_UK + ROW_UK, "utf-16-le"), "not a CSV text file")


def test_random_bytes_are_not_a_spreadsheet(tmp_path):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4000))
    raises(write(tmp_path, "officers.csv", data), "not a CSV text file")


def test_text_in_another_cyrillic_code_page_is_an_unknown_encoding(tmp_path):
    raises(write(tmp_path, "officers.csv", HEADER_UK + ROW_UK, "koi8-u"), "unknown encoding")


def test_pdf_and_other_extensions_are_not_spreadsheets(tmp_path):
    raises(write(tmp_path, "officers.pdf", b"%PDF-1.4\n"), "not a spreadsheet")
    raises(write(tmp_path, "officers.xls", b"\xd0\xcf\x11\xe0"), "not a spreadsheet")


def test_csv_named_xlsx_is_not_a_workbook(tmp_path):
    raises(write(tmp_path, "officers.xlsx", "a,b\n1,2\n"), "not an Excel .xlsx workbook")


def test_broken_zip_is_not_a_workbook(tmp_path):
    with zipfile.ZipFile(tmp_path / "officers.xlsx", "w") as z:
        z.writestr("hello.txt", "not a workbook")
    raises(tmp_path / "officers.xlsx", "cannot be opened as an .xlsx workbook")


def test_row_with_more_fields_than_the_header(tmp_path):
    raises(write(tmp_path, "officers.csv", "a,b\n1,2\n1,2,3\n"), "not a well-formed CSV")


# ---------------------------------------------------------------- reading in chunks
def test_chunks_keep_spreadsheet_row_numbers(tmp_path):
    text = '\n;;\nid;name\n1;a\n\n2;"b\nc"\n;\n3;d\n4;e\n  ;  \n5;f\n'
    path = write(tmp_path, "officers.csv", text)
    head = read_head(path)
    assert (head.header, head.header_row) == (["id", "name"], 3)
    whole = read_table(path)
    assert cells(whole) == [["1", "a"], ["2", "b\nc"], ["3", "d"], ["4", "e"], ["5", "f"]]
    assert whole.row_numbers.tolist() == [4, 6, 8, 9, 11]
    for size in (1, 2, 3):
        chunks = list(iter_rows(head, size))
        assert len(chunks) > 1
        assert [c for data, _ in chunks for c in data.astype(object).values.tolist()] == cells(whole)
        assert [n for _, rows in chunks for n in rows.tolist()] == whole.row_numbers.tolist()


def test_a_malformed_record_is_found_when_the_rows_are_read(tmp_path):
    path = write(tmp_path, "officers.csv", "a,b\n" + "1,2\n" * 10 + "1,2,3\n")
    head = read_head(path)  # file-level checks parse the header record only
    with pytest.raises(InputFileError) as e:
        for _ in iter_rows(head, 4):
            pass
    assert str(e.value).startswith("officers.csv: not a well-formed CSV: ")


def test_header_found_after_many_blank_lines(tmp_path):
    text = "\n" * 100_000 + "id,name\n1,a\n"
    t = read_table(write(tmp_path, "officers.csv", text))
    assert (t.header, t.header_row, cells(t), t.row_numbers.tolist()) == (
        ["id", "name"], 100_001, [["1", "a"]], [100_002])


# ---------------------------------------------------------------- issue 9 §4: refuse what cannot be read, say where
CYRILLIC = "officer_id,hromada_katottg,name\nOFF1,UA01,Одеса\nOFF2,UA02,Поліцейська станція с. Іванівка\n"


@pytest.mark.parametrize("encoding", ["koi8-u", "iso-8859-5"])
def test_cyrillic_in_another_code_page_is_not_taken_for_windows_1251(tmp_path, encoding):
    # KOI8-U 'Одеса' read as Windows-1251 loaded as 'пДЕУБ'
    path = write(tmp_path, "officers.csv", CYRILLIC, encoding)
    assert_one_line_error(lambda: read_table(path), "officers.csv", "unknown encoding", "UTF-8")


def test_latin_1_text_is_not_taken_for_windows_1251(tmp_path):
    path = write(tmp_path, "stations.csv", "station_id,name\nS1,Müller café Düsseldorf\nS2,Señora\n", "latin-1")
    assert_one_line_error(lambda: read_table(path), "stations.csv", "unknown encoding")


def test_windows_1251_capitals_and_signs_still_read(tmp_path):
    text = "ID;НАЗВА;Примітка\n1;ОДЕСА;ПОГ №3 «Ліски» — вул. Соборна\n2;КИЇВ;Ґанок, п’ять\n"
    t = read_table(write(tmp_path, "stations.csv", text, "cp1251"))
    assert cells(t)[0] == ["1", "ОДЕСА", "ПОГ №3 «Ліски» — вул. Соборна"]


def test_a_line_separator_character_before_the_header_is_not_a_line_break(tmp_path):
    # U+2028 split the line for str.splitlines but not for pandas: the header was looked for one
    # line too far down and the file reported "required columns missing"
    t = read_table(write(tmp_path, "officers.csv", "\u2028officer_id,name\nO1,x\n"))
    assert t.header_row == 1
    assert t.header[1] == "name" and cells(t) == [["O1", "x"]]


def test_a_lone_quote_is_an_unclosed_quote_not_an_empty_file(tmp_path):
    path = write(tmp_path, "officers.csv", '"')
    assert_one_line_error(lambda: read_table(path), "officers.csv", "quote", "never closed")


def test_an_unclosed_quote_names_the_line_it_opens_on(tmp_path):
    path = write(tmp_path, "officers.csv", 'officer_id,name\nO1,x\nO2,"never closed\nO3,y\nO4,z\n')
    assert_one_line_error(lambda: read_table(path), "officers.csv", "line 3", "never closed")


def test_a_formula_cell_without_a_saved_value_is_named_not_read_as_empty(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["oblast_katottg", "year", "planned_officers"])
    wb.active.append(["UA05000000000010236", 2022, "=HYPERLINK(\"http://example.invalid\",\"5\")"])
    wb.save(tmp_path / "targets.xlsx")
    assert_one_line_error(lambda: read_table(tmp_path / "targets.xlsx"), "targets.xlsx", "cell C2", "formula")


def test_a_stray_cell_at_the_sheet_corner_is_refused_in_bounded_memory(tmp_path):
    # 4.9 KB on disk; openpyxl then calamine would allocate the whole A1:XFD1048576 range (3.7 GB, then
    # a bare MemoryError or an abort)
    wb = openpyxl.Workbook()
    wb.active.append(["officer_id", "hromada_katottg", "start_date"])
    wb.active.cell(row=1_048_576, column=16_384, value="x")
    wb.save(tmp_path / "officers.xlsx")
    assert (tmp_path / "officers.xlsx").stat().st_size < 10_000
    assert_one_line_error(lambda: read_table(tmp_path / "officers.xlsx"), "officers.xlsx", "column 16384")


def test_a_stray_cell_far_below_is_read_and_numbered_as_its_row(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["officer_id", "hromada_katottg", "start_date"])
    wb.active.cell(row=1_048_576, column=3, value="x")
    wb.save(tmp_path / "officers.xlsx")
    t = read_table(tmp_path / "officers.xlsx")
    assert cells(t) == [["", "", "x"]] and t.row_numbers.tolist() == [1_048_576]


# Values the columns cannot hold are row rejects, through the real loader (tests/test_programme.py's warehouse).
from tests import test_programme  # noqa: E402
from tests.test_programme import LYTYN, VIN, load_lines, rejects  # noqa: E402


@pytest.fixture()
def programme_con():
    """test_programme's tiny warehouse (its fixture, called as a generator)."""
    gen = test_programme.con.__wrapped__()
    yield next(gen)
    gen.close()


def test_a_count_past_integer_range_is_a_row_reject_not_an_aborted_build(programme_con, tmp_path):
    con = programme_con
    # 2147483648 aborted the whole build with a TransactionException naming no file
    load_lines(con, tmp_path, "targets.csv", ["oblast_katottg,year,planned_officers", f"{VIN},2022,2147483648",
                                              f"{VIN},2023,5"])
    assert rejects(con) == [("targets.csv", 2, "planned_officers", "2147483648", "bad_value")]
    assert con.execute("SELECT year, planned_officers FROM targets").fetchall() == [(2023, 5)]


def test_a_huge_weight_and_a_year_one_date_are_row_rejects(programme_con, tmp_path):
    con = programme_con
    head = "respondent_id,wave,interview_date,hromada_katottg,trust_police,knows_officer,weight"
    load_lines(con, tmp_path, "trust_survey_x.csv", [head, f"R1,w,2021-11-02,{LYTYN},1,yes,1e308",
                                                     f"R2,w,2021-11-02,{LYTYN},1,yes,1{'0' * 308}",
                                                     f"R3,w,0001-01-01,{LYTYN},1,yes,1",
                                                     f"R4,w,2021-11-02,{LYTYN},1,yes,1.5"])
    assert [(r[1], r[2], r[4]) for r in rejects(con)] == [(2, "weight", "bad_value"), (3, "weight", "bad_value"),
                                                        (4, "interview_date", "bad_date")]
    assert con.execute("SELECT respondent_id FROM trust_survey").fetchall() == [("R4",)]
