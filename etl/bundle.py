"""The shared bundle's CSV files (../shared/reference and ../shared/facts): UTF-8, read as trimmed
strings, their required columns checked; a file that cannot be used is an InputFileError."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.errors import InputFileError


def read_csv(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, str | None]:
    """A UTF-8 CSV of the shared bundle (reference or facts) as trimmed strings, with its unknown
    extra columns; a missing column or unreadable file is an InputFileError."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError(path.name, f"cannot be read as UTF-8 CSV ({exc})") from None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputFileError(path.name, f"required column(s) missing: {', '.join(missing)}")
    extra = [c for c in df.columns if c not in required and c not in optional]
    return df.apply(lambda s: s.str.strip()), (",".join(extra) or None)
