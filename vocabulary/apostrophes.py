"""The Ukrainian apostrophe and the characters typed for it, declared once for both sides.

Keyboards and word processors differ on which one «інтерв'ю» or «Кам'янець» gets: the ASCII
apostrophe, U+2019 (right single quotation mark) or U+02BC (modifier letter apostrophe) are all
in use; a grave accent, an acute accent or U+2018 turn up by mistake. The ETL matches the
programme files' headers with every look-alike counted as the apostrophe; the dashboard's hromada
search finds a name whichever of the three spellings is typed.
"""

APOSTROPHE = "'"
# The three spellings in real use, the ASCII one first.
SPELLINGS = (APOSTROPHE, "\u2019", "\u02bc")
# Everything read as the apostrophe when text is compared.
LOOK_ALIKES = (*SPELLINGS[1:], "\u2018", "`", "\u00b4")
