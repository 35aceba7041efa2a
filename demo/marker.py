"""The demo marker: DEMO_DATA.json in a raw directory says its programme files are demo data.

The generator writes it beside the files it wrote (its entries: what `generate.write_demo_files`
returns); the build reads it to label the warehouse as demo data, takes its as-of date and copies
its entries into `build_info`. A raw directory without it holds programme data.
"""

from __future__ import annotations

import json
from pathlib import Path

FILE_NAME = "DEMO_DATA.json"


def read(raw_dir: Path) -> dict[str, str] | None:
    """The marker's entries, or None when the raw directory holds no demo data."""
    path = Path(raw_dir) / FILE_NAME
    if not path.exists():
        return None
    return {k: str(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}


def write(raw_dir: Path, entries: dict[str, str]) -> None:
    (Path(raw_dir) / FILE_NAME).write_text(json.dumps(entries, indent=2, ensure_ascii=False), encoding="utf-8")
