"""POG Monitor write side: reference geography and programme data into one DuckDB file."""
