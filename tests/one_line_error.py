"""The promise of every file-level error: one line that starts with the file's name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from etl.errors import InputFileError


def assert_one_line_error(call: Callable[[], object], file_name: str, *words: str) -> str:
    """``call()`` raises InputFileError with a one-line message naming ``file_name`` first and
    holding every one of ``words``; returns the message."""
    with pytest.raises(InputFileError) as e:
        call()
    msg = str(e.value)
    assert msg.startswith(f"{file_name}: ") and "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg
