"""The demo generator's orchestration: from the settings to the files in a raw directory.

- ``refresh_raw_dir(raw_dir, reference_dir, facts_dir, settings)`` is ``python -m etl demo``'s
  first step: it writes demo files when the raw directory holds no programme files, or only demo
  files written with other settings (the marker says so), and leaves programme data alone.
- ``write_demo_files(raw_dir, reference_dir, facts_dir, settings) -> dict[str, str]`` writes the
  files and returns the marker's entries, which the build copies into ``build_info`` (the
  ``*_effect_pp`` ones also into ``demo_truth``).

Everything is generated on a fixed horizon (to 2026-12-31) and then cut at ``as_of`` (rows
starting later dropped, end dates later blanked), so the same (seed, scale) gives the same rows
before any as-of date. Method, calibration and planted faults: docs/demo-data.md.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from demo import exports, marker
from demo.rollout import assignments, officer_ids, plan_joins, plan_posts
from demo.sites import memoranda, stations, targets
from demo.survey import EARLY_JOINER_BONUS_PP, coverage_matrix
from demo.world import HORIZON, day, load_world
from etl.build import process_alive
from etl.programme import find_files

GENERATOR_VERSION = "3"  # bump when the same seed should give other data


@dataclass(frozen=True)
class Settings:
    """What a demo run is asked for (the options of ``python -m etl demo``)."""

    as_of: date
    seed: int = 20190529
    scale: int = 1  # x officer posts, stations and respondents
    trust_effect_pp: float = 8.0  # planted effect of an officer's arrival on trust
    knows_effect_pp: float = 35.0  # ... and on knowing the officer

    def __post_init__(self):
        if self.scale < 1:
            raise ValueError("scale must be >= 1")

    def identity(self) -> dict[str, str]:
        """The marker entries that name what wrote the files: the same entries, the same files."""
        return {
            "demo_seed": str(self.seed),
            "demo_scale": str(self.scale),
            "demo_as_of": self.as_of.isoformat(),
            "demo_horizon": HORIZON.isoformat(),
            "demo_generator_version": GENERATOR_VERSION,
            "trust_effect_pp": str(float(self.trust_effect_pp)),
            "knows_effect_pp": str(float(self.knows_effect_pp)),
        }


def refresh_raw_dir(raw_dir: Path, reference_dir: Path, facts_dir: Path, settings: Settings,
                    say: Callable[[str], None] = lambda message: None) -> bool:
    """Write demo files (and the marker) into ``raw_dir`` unless it holds programme data or demo
    files of the same settings already; True when files were written. ``say`` gets a line for
    the user about what was done."""
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    entries = marker.read(raw_dir)
    programme_files = [path for path, _kind in find_files(raw_dir)]
    if entries is None and programme_files:
        say(f"{raw_dir} holds programme files that are not demo data; building from them as they are")
        return False
    wanted = settings.identity()
    names = [p.name for p in programme_files]
    if (entries is not None and all(entries.get(k) == v for k, v in wanted.items())
            and marker.mismatch(raw_dir, entries, names) is None):
        return False
    say(f"Writing demo files into {raw_dir} (scale ×{settings.scale}, as of {settings.as_of.isoformat()})")
    _remove_stale_staging(raw_dir)
    # Written aside, then moved in: a crash or kill while writing leaves raw_dir as it was. The new
    # marker (with its manifest) goes in first, so a kill while moving leaves a directory that does
    # not match its marker: the build refuses it and the next `etl demo` writes it again.
    staging = raw_dir.with_name(f".{raw_dir.name}.demo-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        entries = write_demo_files(staging, reference_dir, facts_dir, settings)
        written = sorted(p.name for p in staging.iterdir())
        marker.write(raw_dir, {**entries, marker.MANIFEST: marker.manifest(staging, written)})
        for path in programme_files:  # only demo files are here (the marker says so): replace them
            path.unlink()
        for name in written:
            os.replace(staging / name, raw_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return True


def _remove_stale_staging(raw_dir: Path) -> None:
    """Staging directories of demo runs that were killed (their process is gone)."""
    for path in raw_dir.parent.glob(f".{raw_dir.name}.demo-*"):
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def write_demo_files(raw_dir: Path, reference_dir: Path, facts_dir: Path, settings: Settings) -> dict[str, str]:
    """Write the demo files of ``settings`` into ``raw_dir``; return the marker's entries."""
    raw_dir = Path(raw_dir)
    raw_dir.mkdir(parents=True, exist_ok=True)
    seed, scale = settings.seed, settings.scale
    w = load_world(Path(reference_dir))
    joins = plan_joins(w, seed)
    posts = plan_posts(w, joins, seed)
    assign = officer_ids(w, assignments(w, posts, seed, scale), seed, scale)
    cut = day(min(settings.as_of, date(2100, 1, 1)))
    out = exports.Exports(raw_dir, cut)

    exports.officers(out, w, assign, seed, scale)
    exports.stations(out, w, stations(w, joins, seed, scale), seed, scale)
    exports.memoranda(out, w, memoranda(w, joins, seed), seed)
    exports.targets(out, targets(w), seed)
    covered = coverage_matrix(w.n, assign)
    exports.survey(out, w, covered, joins.day, Path(facts_dir), seed, scale,
                   settings.trust_effect_pp, settings.knows_effect_pp)

    return {
        "is_demo": "true",
        **settings.identity(),
        "demo_early_joiner_trust_bonus_pp": str(EARLY_JOINER_BONUS_PP),
        "demo_files": str(len(out.files)),
        "demo_rows": str(sum(f["rows"] for f in out.files.values())),
        "demo_fault_rows": str(sum(out.fault_mix.values())),
        "demo_fault_mix": json.dumps(dict(sorted(out.fault_mix.items())), separators=(",", ":")),
        "demo_files_detail": json.dumps(out.files, separators=(",", ":"), ensure_ascii=False, sort_keys=True),
    }
