"""Pure transforms: the value parsers and the contract's declarations, on tiny inline series."""

from pathlib import Path

import pandas as pd
import pytest

import vocabulary
from etl import contract, parsing
from etl.programme import _parse_field

DOCS = Path(__file__).resolve().parent.parent / "docs" / "input-contract.md"


def s(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


def test_dates_iso_and_dotted_are_the_same_day():
    p = parsing.parse_date(s("2021-03-01", "01.03.2021", "1.3.2021", "", "2021-02-30", "03/01/2021", "44256"))
    assert p.values[:3].dt.strftime("%Y-%m-%d").tolist() == ["2021-03-01"] * 3
    assert p.values[3:].isna().all()
    assert p.bad.tolist() == [False, False, False, False, True, True, True]


@pytest.mark.parametrize("text", ["yes", "YES", "true", "True", "1", "так", "ТАК"])
def test_true_spellings(text):
    p = parsing.parse_bool(s(text), contract.BOOLEAN_VALUES)
    assert p.values.tolist() == [True] and not p.bad.any()


@pytest.mark.parametrize("text", ["no", "No", "false", "FALSE", "0", "ні", "Ні"])
def test_false_spellings(text):
    p = parsing.parse_bool(s(text), contract.BOOLEAN_VALUES)
    assert p.values.tolist() == [False] and not p.bad.any()


def test_boolean_empty_is_null_and_other_words_are_bad():
    p = parsing.parse_bool(s("", "maybe", "2"), contract.BOOLEAN_VALUES)
    assert p.values.isna().all()
    assert p.bad.tolist() == [False, True, True]


def test_decimal_point_or_comma():
    p = parsing.parse_decimal(s("50.45", "50,45", "-1", ",5", "", "1,2,3", "abc", "inf", "1e3"))
    assert p.values[:4].tolist() == [50.45, 50.45, -1.0, 0.5]
    assert p.bad.tolist() == [False] * 5 + [True] * 4


def test_integer_allows_thousands_spaces_only():
    p = parsing.parse_integer(s("1 050", "12", "1\u00a0200", "-3", "1.5", "1,5", "x", ""))
    assert p.values[:4].tolist() == [1050, 12, 1200, -3]
    assert p.bad.tolist() == [False] * 4 + [True] * 3 + [False]


def test_trust_nine_and_empty_are_hard_to_say_not_bad():
    f = next(f for f in contract.fields("trust_survey") if f.name == "trust_police")
    p = _parse_field(f, s("1", "4", "9", "", "5", "0"))
    assert p.values[:2].tolist() == [1, 4]
    assert p.values[2:].isna().all()
    assert p.bad.tolist() == [False, False, False, False, True, True]


def test_sex_and_age_group():
    sex = parsing.parse_choice(s("m", "F", "ч", "Ж", "x"), contract.SEX_VALUES, "str")
    assert sex.values[:4].tolist() == ["m", "f", "m", "f"] and sex.bad.tolist()[-1]
    age = parsing.parse_age_group(s("18-29", "30\u201344", "60+", "17-20", "60"), contract.AGE_GROUPS)
    assert age.values[:3].tolist() == ["18-29", "30-44", "60+"]
    assert age.bad.tolist() == [False, False, False, True, True]


def test_codes_trimmed_upper_cased_and_p_codes_mapped():
    lookup = parsing.code_lookup(
        s("UA05020130000056031", "UA80000000000093317"), s("UA0502013", "UA8000000")
    )
    p = parsing.resolve_code(
        s(" ua05020130000056031 ", "UA0502013", "ua8000000", "UA0502014", "UA050201300000560", ""),
        lookup,
    )
    assert p.values[:3].tolist() == ["UA05020130000056031", "UA05020130000056031", "UA80000000000093317"]
    assert p.bad.tolist() == [False, False, False, True, True, False]


def test_ambiguous_p_code_is_not_mapped():
    lookup = parsing.code_lookup(s("UA05020130000056031", "UA05020130000099999"), s("UA0502013", "UA0502013"))
    assert "UA0502013" not in lookup


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("start_date", "start_date"),
        ("  START_DATE * ", "start_date"),
        ("Дата призначення*", "start_date"),
        ("  дата   ПРИЗНАЧЕННЯ ", "start_date"),
        ("\ufeffofficer_id", "officer_id"),
        ("Код громади (КАТОТТГ)", "hromada_katottg"),
    ],
)
def test_headers_match_canonical_or_ukrainian(header, canonical):
    assert contract.header_lookup("officers")[contract.normalise_header(header)] == canonical


def test_apostrophe_look_alikes_match():
    lookup = contract.header_lookup("trust_survey")
    for text in ["Дата інтерв'ю", "Дата інтерв’ю", "Дата інтервʼю"]:
        assert lookup[contract.normalise_header(text)] == "interview_date"


@pytest.mark.parametrize(
    "name, kind",
    [
        ("officers.csv", "officers"),
        ("Officers_2021_Kherson.XLSX", "officers"),
        ("trust_survey-2021H2.csv", "trust_survey"),
        ("TARGETS.csv", "targets"),
        ("stations2022.csv", "stations"),
        ("officersx.csv", None),
        ("README.txt", None),
        ("~$officers.xlsx", None),
    ],
)
def test_kind_from_the_first_word_of_the_name(name, kind):
    assert contract.kind_of(name) == kind


def test_column_map_is_consistent():
    for kind in contract.KINDS:
        names = [f.name for f in contract.fields(kind)]
        assert len(names) == len(set(names))
        assert set(contract.KEYS[kind]) <= set(names)
        assert all(f.required for f in contract.fields(kind) if f.name in contract.KEYS[kind])
        for f in contract.fields(kind):
            if f.type not in ("hromada_code", "oblast_code"):
                _parse_field(f, s("x"))  # raises for a type without a parser


def test_every_reject_reason_has_english_and_ukrainian_text():
    for reason in vocabulary.REJECT_REASONS:
        assert reason.code.isidentifier() and reason.en and reason.uk and reason.en != reason.uk


def test_docs_name_every_column_alias_and_reason():
    text = DOCS.read_text(encoding="utf-8")
    for kind in contract.KINDS:
        assert f"`{kind}`" in text
        for f in contract.fields(kind):
            assert f"`{f.name}`" in text and f.alias_uk in text, f.name
    for reason in vocabulary.REJECT_REASONS:
        assert f"| `{reason.code}` | {reason.en} | {reason.uk} |" in text, reason.code


def test_a_byte_order_mark_or_zero_width_space_never_stays_in_a_value():
    # a BOM at a line start (files joined together) stayed inside the officer id
    from etl.parsing import clean

    assert clean(pd.Series(["\ufeffP-1", "P-2\u200b", " \ufeff P-3 "])).tolist() == ["P-1", "P-2", "P-3"]


def test_a_date_before_1900_is_a_bad_date():
    from etl.parsing import parse_date

    p = parse_date(pd.Series(["0001-01-01", "01.01.0001", "1850-01-01", "2021-03-01", ""]))
    assert p.bad.tolist() == [True, True, True, False, False]
