"""The collegium pack: the year's results as slides, print and workbook (docs/collegium.md)."""
