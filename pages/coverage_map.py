"""Placeholder until the page is built (owned by D2)."""

from monitor import app_state

app_state.page_header("nav.coverage_map", "common.placeholder")
