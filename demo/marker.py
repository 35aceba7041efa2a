"""The demo marker: DEMO_DATA.json in a raw directory says its programme files are demo data.

The generator writes it beside the files it wrote (its entries: what `generate.write_demo_files`
returns); the build reads it to label the warehouse as demo data, takes its as-of date and copies
its entries into `build_info`. A raw directory without it holds programme data.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FILE_NAME = "DEMO_DATA.json"
# The marker's entry listing every file the generator wrote with its sha256: a raw directory
# that no longer matches it (a half-written or edited demo directory) is not served.
MANIFEST = "demo_manifest"


def read(raw_dir: Path) -> dict[str, str] | None:
    """The marker's entries, or None when the raw directory holds no demo data."""
    path = Path(raw_dir) / FILE_NAME
    if not path.exists():
        return None
    return {k: str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def write(raw_dir: Path, entries: dict[str, str]) -> None:
    """Write the marker whole: into a side file, then renamed over the old one."""
    path = Path(raw_dir) / FILE_NAME
    tmp = path.with_name(f".{FILE_NAME}.tmp")
    tmp.write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def manifest(raw_dir: Path, names: list[str]) -> str:
    """The MANIFEST entry for the files `names` of `raw_dir`: {name: sha256} as JSON."""
    return json.dumps({n: sha256(Path(raw_dir) / n) for n in sorted(names)}, separators=(",", ":"))


def mismatch(raw_dir: Path, entries: dict[str, str], present: list[str]) -> str | None:
    """Which of the marker's files are missing or changed among the raw directory's programme
    files (`present`, names), in a few words; None when none is, or the marker has no manifest (an
    older generator's). A file added beside the demo files is loaded (and checked) as usual."""
    if MANIFEST not in entries:
        return None
    want: dict[str, str] = json.loads(entries[MANIFEST])
    missing = sorted(set(want) - set(present))
    changed = sorted(n for n in set(want) & set(present) if sha256(Path(raw_dir) / n) != want[n])
    parts = [f"{label} {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"
             for label, names in (("missing", missing), ("changed", changed)) if names]
    return "; ".join(parts) or None
