"""Translations: every user-visible string is looked up here by key, in 'uk' or 'en'.

The strings live in monitor/translations/*.csv (columns key,uk,en), one file per page plus
common.csv, and the labels of the vocabulary's codes (statuses, station kinds, reject reasons, ...)
come from the `vocabulary` package as '<family>.<code>' (vocabulary.FAMILIES). A key must be
unique across all of them.
"""

from __future__ import annotations

import csv
import logging
import os
from functools import lru_cache
from pathlib import Path

import vocabulary

LANGS = ("uk", "en")
DEFAULT_LANG = "uk"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

log = logging.getLogger(__name__)


class DuplicateKeyError(ValueError):
    pass


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """key -> {'uk': ..., 'en': ...} from the vocabulary and every CSV in monitor/translations/."""
    table: dict[str, dict[str, str]] = {
        f"{family}.{term.code}": {lang: term.label(lang) for lang in LANGS}
        for family, terms in vocabulary.FAMILIES.items()
        for term in terms
    }
    for path in sorted(TRANSLATIONS_DIR.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                key = (row.get("key") or "").strip()
                if not key or key.startswith("#"):
                    continue
                if key in table:
                    raise DuplicateKeyError(f"translation key {key!r} defined twice ({path.name})")
                table[key] = {lang: (row.get(lang) or "") for lang in LANGS}
    return table


def _strict() -> bool:
    # Under pytest (including AppTest, which runs in-process) a missing key is an error.
    return "PYTEST_CURRENT_TEST" in os.environ or os.environ.get("POG_I18N_STRICT") == "1"


def normalise_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **kwargs) -> str:
    """The text of `key` in `lang`, formatted with kwargs (str.format).

    A missing key raises KeyError under tests; in production it logs and shows the key.
    """
    entry = catalogue().get(key)
    if entry is None or not entry.get(normalise_lang(lang)):
        if _strict():
            raise KeyError(f"missing translation: {key!r} ({lang})")
        log.warning("missing translation: %r (%s)", key, lang)
        return key
    text = entry[normalise_lang(lang)]
    return text.format(**kwargs) if kwargs else text


def t_or(key: str, lang: str, default: str, **kwargs) -> str:
    """Like t(), for keys built from data (a reject reason, a column): falls back to `default`."""
    entry = catalogue().get(key)
    if entry is None or not entry.get(normalise_lang(lang)):
        return default
    return t(key, lang, **kwargs)


def name_col(lang: str) -> str:
    """The name column of oblasts/hromadas for a language: name_uk or name_en."""
    return "name_en" if normalise_lang(lang) == "en" else "name_uk"
