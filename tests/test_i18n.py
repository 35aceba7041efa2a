"""Translations: every key the code uses exists in both languages, keys are unique, and lookups
format and fail as documented."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import vocabulary
from monitor import i18n, overview, rollout
from monitor.i18n import LANGS, catalogue, t, t_or

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted([*REPO.glob("views/*.py"), *REPO.glob("monitor/**/*.py"), REPO / "dashboard.py"])
# t("key", ...) and t(\n "key", ...) with a literal key; f-string keys are covered below.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.]+)["']""")


def used_literal_keys() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in SOURCES:
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, path.name)
    return found


def test_sources_found():
    assert any(p.name == "overview.py" for p in SOURCES)
    assert len(used_literal_keys()) > 50


@pytest.mark.parametrize("lang", LANGS)
def test_every_literal_key_exists_in_both_languages(lang):
    table = catalogue()
    missing = {k: f for k, f in used_literal_keys().items() if not table.get(k, {}).get(lang)}
    assert not missing, f"keys used in code but not translated to {lang}: {missing}"


def dynamic_keys() -> list[str]:
    """Keys that pages build from data (f-strings): each family spelled out."""
    keys = [f"metric.{m}" for m in rollout.METRICS]
    keys += [f"metric.{m}" for m in overview.PUBLISHED_METRICS]
    keys += [f"event.{e}" for e in rollout.EVENTS]
    keys += [f"kpi.{k}" for k in overview.KPI_COLUMNS] + [f"kpi.{k}_help" for k in overview.KPI_COLUMNS]
    keys += [f"kpi.trust_{grp}" for grp in overview.TRUST_GROUPS]
    keys += [f"{family}.{code}" for family, terms in vocabulary.FAMILIES.items() for code in terms.codes]
    keys += [f"nav.{p}" for p in ("overview", "coverage_map", "rollout", "trust", "planning", "hromada",
                                  "data_quality")]
    return keys


@pytest.mark.parametrize("lang", LANGS)
def test_dynamic_key_families_exist(lang):
    table = catalogue()
    missing = [k for k in dynamic_keys() if not table.get(k, {}).get(lang)]
    assert not missing


def test_keys_unique_across_files():
    seen: dict[str, str] = {}
    dupes = []
    for path in sorted(i18n.TRANSLATIONS_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            assert reader.fieldnames == ["key", "uk", "en"], path.name
            for row in reader:
                assert None not in row, f"{path.name}: {row['key']} has more than 3 fields (quote commas)"
                if row["key"] in seen:
                    dupes.append((row["key"], seen[row["key"]], path.name))
                seen[row["key"]] = path.name
    assert not dupes


def test_placeholders_match_between_languages():
    field = re.compile(r"{(\w+)}")
    bad = {k: v for k, v in catalogue().items()
           if set(field.findall(v["uk"])) != set(field.findall(v["en"]))}
    assert not bad


def test_format_and_fallbacks():
    assert t("rollout.n_of", "uk", n="3", total="5") == "3 з 5"
    assert t("rollout.n_of", "en", n="3", total="5") == "3 of 5"
    assert t("nav.overview", "xx") == t("nav.overview", "uk")  # unknown language -> Ukrainian
    assert t_or("reason.no_such_reason", "en", "no_such_reason") == "no_such_reason"
    with pytest.raises(KeyError):
        t("no.such.key", "uk")  # strict under pytest


def test_name_column():
    assert i18n.name_col("uk") == "name_uk"
    assert i18n.name_col("en") == "name_en"
