"""The project's vocabulary: every list of codes both sides use, declared once, as data.

The write side (`etl/`) and the read side (`monitor/`, `views/`) both import this package; it
imports neither Streamlit nor DuckDB. Each list is a TOML file beside this module, one `[[term]]`
per code in display order, with its Ukrainian and English label and what else belongs to the code
(a status's colour and definition, a station kind's accepted spellings and map marker, ...):

    statuses.toml            coverage status of a hromada on a date (rule: etl/sql/derived_20_*)
    station_kinds.toml       kinds of police premises
    hromada_types.toml       registry types of hromada
    territory_statuses.toml  statuses from the official list of occupied / hostilities territories
    survey_groups.toml       groups of trust-survey respondents
    survey_reporting.toml    how a survey figure may be shown (reporting rule: config/reporting.toml)
    age_groups.toml          age bands of respondents
    reject_reasons.toml      why a row of a programme file was set aside
    file_kinds.toml          kinds of input file, with the keys of the programme tables
    fields.csv               the programme files' columns (the input contract's fields)

The translation catalogue (monitor.i18n) takes every label from here under the key
`<family>.<code>` (FAMILIES), so a label is never written twice. Adding a code means adding a
`[[term]]` here — and, for a status or a station kind, its SQL rule (tests hold them together).
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Term:
    """One code of a list: its labels, and the list's other attributes (`attrs`)."""

    code: str
    uk: str
    en: str
    attrs: dict[str, Any] = field(default_factory=dict, compare=False)

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.uk

    def __getitem__(self, name: str) -> Any:
        return self.attrs[name]


@dataclass(frozen=True)
class Terms:
    """An ordered list of terms, looked up by code."""

    name: str
    terms: tuple[Term, ...]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: object) -> bool:
        return any(t.code == code for t in self.terms)

    def __getitem__(self, code: str) -> Term:
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{code!r} is not a code of {self.name}")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def attr(self, name: str) -> dict[str, Any]:
        """code -> the attribute `name` of each term."""
        return {t.code: t.attrs[name] for t in self.terms}


@cache
def _load(name: str) -> Terms:
    with (HERE / f"{name}.toml").open("rb") as f:
        rows = tomllib.load(f)["term"]
    terms = []
    for row in rows:
        row = dict(row)
        terms.append(Term(code=row.pop("code"), uk=row.pop("uk"), en=row.pop("en"), attrs=row))
    codes = [t.code for t in terms]
    if len(codes) != len(set(codes)):
        raise ValueError(f"{name}.toml: a code is declared twice")
    return Terms(name, tuple(terms))


STATUSES = _load("statuses")
STATION_KINDS = _load("station_kinds")
HROMADA_TYPES = _load("hromada_types")
TERRITORY_STATUSES = _load("territory_statuses")
SURVEY_GROUPS = _load("survey_groups")
SURVEY_REPORTING = _load("survey_reporting")
AGE_GROUPS = _load("age_groups")
REJECT_REASONS = _load("reject_reasons")
FILE_KINDS = _load("file_kinds")

# Translation-key family of each list: t("status.below_required", lang) is STATUSES["below_required"].label(lang).
FAMILIES: dict[str, Terms] = {
    "status": STATUSES,
    "station": STATION_KINDS,
    "hromada_type": HROMADA_TYPES,
    "territory": TERRITORY_STATUSES,
    "group": SURVEY_GROUPS,
    "reporting": SURVEY_REPORTING,
    "age_group": AGE_GROUPS,
    "reason": REJECT_REASONS,
    "kind": FILE_KINDS,
}

PROGRAMME_KINDS: tuple[str, ...] = tuple(t.code for t in FILE_KINDS if t["programme"])


# ---------------------------------------------------------------- the programme files' fields
@dataclass(frozen=True)
class Field:
    """A column of a programme file (fields.csv): its canonical name is the core table's column."""

    kind: str
    name: str
    alias_uk: str
    required: bool  # the column must be present, and (except type 'trust') its value non-empty
    type: str  # text | hromada_code | oblast_code | date | boolean | station_kind | trust | weight
    #            | sex | age_group | year | count | latitude | longitude
    description_en: str

    @property
    def value_required(self) -> bool:
        # trust_police is a required column whose empty value means "hard to say".
        return self.required and self.type != "trust"

    def label(self) -> str:
        return f"'{self.name}' ({self.alias_uk})"


@cache
def all_fields() -> tuple[Field, ...]:
    with (HERE / "fields.csv").open(encoding="utf-8", newline="") as fh:
        out = tuple(
            Field(
                kind=r["kind"],
                name=r["canonical"],
                alias_uk=r["alias_uk"],
                required=r["required"] == "yes",
                type=r["type"],
                description_en=r["description_en"],
            )
            for r in csv.DictReader(fh)
        )
    unknown = {f.kind for f in out} - set(PROGRAMME_KINDS)
    if unknown:
        raise ValueError(f"fields.csv: kinds not in file_kinds.toml: {sorted(unknown)}")
    return out


def fields(kind: str) -> tuple[Field, ...]:
    """The fields of one programme kind, in contract order."""
    if kind not in PROGRAMME_KINDS:
        raise KeyError(kind)
    return tuple(f for f in all_fields() if f.kind == kind)


def key(kind: str) -> tuple[str, ...]:
    """The key columns of a programme kind's core table."""
    return tuple(FILE_KINDS[kind]["key"])
