"""A figure tile as the read side hands it to a page: already formatted, already translated.

monitor.app_state.show_tile draws one (st.metric with a border); the read-side modules build them,
so a page only places them in columns.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    help: str | None = None
    change: float | None = None  # its sign sets the arrow and the colour
    change_text: str | None = None  # the change, formatted
    description: str | None = None  # after the change ("year on year")
    note: str | None = None  # a remark in the delta's place, without arrow or colour
    caption: str | None = None  # a line under the tile
