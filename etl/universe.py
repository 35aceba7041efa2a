"""The programme's universe (config/universe.toml): which registry units the figures count.

- `Universe.load()` reads the config (reasons are written there);
- `Universe.in_programme(oblast_codes)` / `.note(oblast_codes)` give hromadas.in_programme and
  hromadas.programme_note (the `outside` code, NULL inside the programme);
- `Universe.is_large_urban(population)` gives hromadas.is_large_urban;
- `Universe.outside_rows()` are the rows of the `outside_programme` table (one per oblast-level
  unit outside the programme, with its labels and how maps draw it), so the read side takes the
  words from the warehouse.

The definitions are in docs/methodology.md ("The programme's universe").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import InputFileError
from vocabulary import locations

UNIVERSE_TOML = locations.CONFIG_DIR / "universe.toml"
DRAWN_AS = ("occupied", "outside")


@dataclass(frozen=True)
class Outside:
    code: str
    oblasts: tuple[str, ...]
    drawn_as: str
    uk: str
    en: str


@dataclass(frozen=True)
class Universe:
    outside: tuple[Outside, ...]
    large_urban_min_population: int
    territory_list_max_age_months: int

    @classmethod
    def load(cls, path: Path | None = None) -> Universe:
        path = Path(path) if path is not None else UNIVERSE_TOML
        try:
            with open(path, "rb") as fh:
                cfg = tomllib.load(fh)
            outside = tuple(
                Outside(str(o["code"]), tuple(str(c) for c in o["oblasts"]), str(o["drawn_as"]), str(o["uk"]),
                        str(o["en"]))
                for o in cfg.get("outside", [])
            )
            large = int(cfg["large_urban"]["min_population"])
            max_age = int(cfg["territory_list"]["max_age_months"])
        except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputFileError(path.name, f"not a valid universe config: {exc}") from None
        bad = [o.drawn_as for o in outside if o.drawn_as not in DRAWN_AS]
        if bad:
            raise InputFileError(path.name, f"drawn_as must be one of {', '.join(DRAWN_AS)}, not {bad[0]!r}")
        return cls(outside, large, max_age)

    def _note_by_oblast(self) -> dict[str, str]:
        return {code: o.code for o in self.outside for code in o.oblasts}

    def note(self, oblast_codes: pd.Series) -> pd.Series:
        """The `outside` code of each unit's oblast, None inside the programme."""
        notes = self._note_by_oblast()
        return pd.Series([notes.get(c) for c in oblast_codes], index=oblast_codes.index, dtype="object")

    def in_programme(self, oblast_codes: pd.Series) -> pd.Series:
        return ~oblast_codes.isin(self._note_by_oblast())

    def is_large_urban(self, population: pd.Series) -> pd.Series:
        return (population.astype("Float64") >= self.large_urban_min_population).fillna(False).astype(bool)

    def outside_rows(self) -> pd.DataFrame:
        """Rows of `outside_programme`: oblast_katottg, code, drawn_as, label_uk, label_en."""
        return pd.DataFrame(
            [(c, o.code, o.drawn_as, o.uk, o.en) for o in self.outside for c in o.oblasts],
            columns=["oblast_katottg", "code", "drawn_as", "label_uk", "label_en"],
        )

    def settings_rows(self) -> dict[str, str]:
        """build_info entries the read side needs (the thresholds, as text)."""
        return {
            "large_urban_min_population": str(self.large_urban_min_population),
            "territory_list_max_age_months": str(self.territory_list_max_age_months),
        }
