"""The demo generator's calibration: curves drawn through the published figures of ../shared/facts
(see docs/demo-data.md).

Curves are piecewise linear between knots (date, cumulative count); a count between two knots is
interpolated by day. The generator opens hromadas / officer posts / stations on the days the curve
passes each whole number, so the clean data meets the knots exactly before turnover and war losses.
"""

from __future__ import annotations

from datetime import date

# Oblasts in the order they join (short codes of oblasts.csv) and the day they join. Dnipropetrovsk
# is the pilot; six more by early 2020 (the facts name Cherkasy, Volyn, Rivne, Kharkiv,
# Khmelnytskyi, Zaporizhzhia), 13 by Feb 2021, 19 by May 2021, 21 by Sep 2021, all 24 oblasts by
# the end of 2021. Kyiv city never gets community officers (its district-officer network serves it).
OBLAST_JOIN: dict[str, date] = {
    "DNP": date(2019, 5, 29),
    "CHK": date(2019, 9, 2),
    "RIV": date(2019, 10, 14),
    "KHK": date(2019, 11, 4),
    "VOL": date(2020, 1, 9),
    "KHM": date(2020, 1, 16),
    "ZAP": date(2020, 1, 23),
    "POL": date(2020, 3, 2),
    "KIR": date(2020, 4, 6),
    "ZHY": date(2020, 5, 18),
    "TER": date(2020, 8, 3),
    "SUM": date(2020, 10, 5),
    "MYK": date(2020, 12, 1),
    "VIN": date(2021, 2, 22),
    "IVF": date(2021, 3, 15),
    "LVI": date(2021, 3, 29),
    "CHN": date(2021, 4, 12),
    "ODE": date(2021, 4, 26),
    "KIY": date(2021, 5, 10),
    "CHG": date(2021, 6, 14),
    "ZAK": date(2021, 7, 12),
    "KHS": date(2021, 10, 11),
    "DON": date(2021, 11, 8),
    "LUH": date(2021, 12, 6),
}

# On each date, cumulative: hromadas that have joined, and officer posts opened (the first officer
# of each joined hromada plus second and third posts). Losses to occupation and turnover come on top.
ROLLOUT_KNOTS: list[tuple[date, int, int]] = [
    # date            hromadas  posts
    (date(2019, 5, 29), 22, 34),
    (date(2019, 9, 1), 40, 58),
    (date(2020, 2, 1), 206, 253),
    (date(2021, 3, 3), 273, 447),
    (date(2021, 5, 29), 279, 450),
    (date(2021, 9, 15), 372, 640),
    (date(2021, 12, 31), 520, 880),
    (date(2022, 2, 23), 555, 935),
    (date(2022, 4, 30), 558, 940),  # the full-scale invasion stops the rollout for two months
    (date(2022, 12, 31), 740, 1330),
    (date(2023, 12, 31), 950, 1660),
    (date(2024, 12, 31), 1065, 1810),
    (date(2025, 12, 31), 1150, 1900),
    (date(2026, 12, 31), 1200, 1960),
]
HROMADA_KNOTS: list[tuple[date, int]] = [(d, hromadas) for d, hromadas, _ in ROLLOUT_KNOTS]
OFFICER_KNOTS: list[tuple[date, int]] = [(d, posts) for d, _, posts in ROLLOUT_KNOTS]

# Premises open (police stations, public safety offices, front offices), before closures.
STATION_KNOTS: list[tuple[date, int]] = [
    (date(2019, 5, 29), 20),
    (date(2020, 2, 1), 190),
    (date(2021, 2, 11), 450),
    (date(2021, 9, 15), 690),
    (date(2022, 2, 15), 800),
    (date(2022, 12, 31), 880),
    (date(2023, 12, 31), 1060),
    (date(2024, 12, 31), 1210),
    (date(2025, 12, 31), 1340),
    (date(2026, 12, 31), 1420),
]

# Residents covered by the hromadas joining in each early segment (calibrates hromada sizes).
RESIDENT_KNOTS: list[tuple[date, int]] = [
    (date(2020, 2, 1), 1_700_000),
    (date(2021, 3, 3), 3_500_000),
    (date(2021, 5, 29), 3_520_000),
    (date(2021, 9, 15), 6_400_000),
]

# National planned officers by year (targets*.xlsx). 2019: the plan of 802 hromadas (one officer
# each); 2020: the 1,624 officers selected for 2019-2020; 2021: 1,000; 2022: about 2,000; 2025:
# every hromada except front-line ones (about 1,300 hromadas, 2,100 officers); between: held.
NATIONAL_PLAN: dict[int, int] = {
    2019: 802, 2020: 1624, 2021: 1000, 2022: 2000, 2023: 2000, 2024: 2000, 2025: 2100, 2026: 2100,
}
