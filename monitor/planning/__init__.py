"""Planning and effect: where the next officers go, when coverage completes, what an officer does
to trust. Pure functions over a read-only DuckDB connection or over DataFrames (no streamlit).

    universe.py   the one adapter to the warehouse's words: programme universe, has an officer,
                  at required strength, strength-weighted residents served
    planner.py    priority score and one-at-a-time allocation of N officers, with a what-if
    forecast.py   Monte Carlo of monthly arrivals -> P10/P50/P90 months of the milestones
    effect.py     staggered difference-in-differences (Callaway–Sant'Anna, did2s cross-check)
    figures.py    the page's plotly figures; tables.py the page's tables (formatted and raw)

Definitions are written once in docs/methodology.md ("Planning and effect").
"""
