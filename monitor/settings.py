"""The dashboard's settings: config/dashboard.toml, read once."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from vocabulary.locations import CONFIG_DIR

DASHBOARD_TOML = CONFIG_DIR / "dashboard.toml"


@lru_cache(maxsize=1)
def settings(path: Path = DASHBOARD_TOML) -> dict:
    with path.open("rb") as f:
        return tomllib.load(f)


def min_effective_n() -> float:
    """[trust] min_effective_n: a survey share whose Kish effective n is below it is 'too few
    responses' (monitor.survey.is_reportable)."""
    return float(settings().get("trust", {}).get("min_effective_n", 30))
