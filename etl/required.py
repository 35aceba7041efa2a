"""How many community police officers a hromada requires, and its population band.

The rule lives in config/required_officers.toml (reasons are given there): a base number, raised
by each threshold whose population OR area is reached. Unknown population or area (Crimea) counts
as below every threshold.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vocabulary import locations


@dataclass(frozen=True)
class Threshold:
    officers: int
    min_population: int | None = None
    min_area_km2: float | None = None


@dataclass(frozen=True)
class RequiredRule:
    base_officers: int = 1
    thresholds: tuple[Threshold, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, path: Path | None = None) -> RequiredRule:
        path = Path(path) if path is not None else locations.CONFIG_DIR / "required_officers.toml"
        with open(path, "rb") as fh:
            cfg = tomllib.load(fh)
        thresholds = tuple(
            Threshold(
                officers=int(t["officers"]),
                min_population=t.get("min_population"),
                min_area_km2=t.get("min_area_km2"),
            )
            for t in cfg.get("thresholds", [])
        )
        return cls(base_officers=int(cfg.get("base_officers", 1)), thresholds=thresholds)

    def required_officers(self, population: float | None, area_km2: float | None) -> int:
        """Officers required: the highest threshold reached by population OR area, else the base."""
        result = self.base_officers
        for t in self.thresholds:
            if _reaches(population, t.min_population) or _reaches(area_km2, t.min_area_km2):
                result = max(result, t.officers)
        return result


def _reaches(value, minimum) -> bool:
    if minimum is None or value is None:
        return False
    try:
        if value != value:  # NaN / pd.NA compare unequal to themselves
            return False
    except TypeError:  # pd.NA raises on truthiness of the comparison
        return False
    return value >= minimum


# Upper bounds (exclusive) of the population bands used to compare a hromada with its peers.
SIZE_BANDS: tuple[tuple[int | None, str], ...] = (
    (5_000, "<5k"),
    (10_000, "5-10k"),
    (25_000, "10-25k"),
    (50_000, "25-50k"),
    (100_000, "50-100k"),
    (None, "100k+"),
)


def size_band(population: float | None) -> str:
    """'<5k', '5-10k', '10-25k', '25-50k', '50-100k', '100k+', or 'unknown' (no population)."""
    if population is None:
        return "unknown"
    try:
        if population != population:
            return "unknown"
    except TypeError:
        return "unknown"
    for upper, label in SIZE_BANDS:
        if upper is None or population < upper:
            return label
    return "100k+"  # pragma: no cover - the last band has no upper bound
