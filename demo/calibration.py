"""Calibration targets of the demo data, taken from ../shared/facts (see docs/demo-data.md).

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

# The calibration points of the published figures (program_milestones.csv). The pilot is exact.
CALIBRATION: dict[date, dict[str, float]] = {
    date(2019, 5, 29): {"officers": 34, "hromadas_covered": 22, "oblasts": 1},
    date(2020, 2, 1): {"officers": 251, "hromadas_covered": 206, "residents_covered": 1_700_000, "oblasts": 7},
    date(2021, 3, 3): {"officers": 450, "hromadas_covered": 273, "residents_covered": 3_500_000, "oblasts": 14},
    date(2021, 5, 29): {"officers": 442, "hromadas_covered": 279, "residents_covered": 3_500_000, "oblasts": 19},
    date(2021, 9, 15): {"officers": 632, "hromadas_covered": 372, "residents_covered": 6_400_000,
                        "stations_open": 686, "oblasts": 21},
}

# Hromadas that have joined (cumulative; losses to occupation come on top).
HROMADA_KNOTS: list[tuple[date, int]] = [
    (date(2019, 5, 29), 22),
    (date(2019, 9, 1), 40),
    (date(2020, 2, 1), 206),
    (date(2021, 3, 3), 273),
    (date(2021, 5, 29), 279),
    (date(2021, 9, 15), 372),
    (date(2021, 12, 31), 520),
    (date(2022, 2, 23), 555),
    (date(2022, 4, 30), 558),  # the full-scale invasion stops the rollout for two months
    (date(2022, 12, 31), 740),
    (date(2023, 12, 31), 950),
    (date(2024, 12, 31), 1065),
    (date(2025, 12, 31), 1150),
    (date(2026, 12, 31), 1200),
]

# Officer posts opened (first officer of each joined hromada + second/third posts).
OFFICER_KNOTS: list[tuple[date, int]] = [
    (date(2019, 5, 29), 34),
    (date(2019, 9, 1), 58),
    (date(2020, 2, 1), 253),
    (date(2021, 3, 3), 447),
    (date(2021, 5, 29), 450),
    (date(2021, 9, 15), 640),
    (date(2021, 12, 31), 880),
    (date(2022, 2, 23), 935),
    (date(2022, 4, 30), 940),
    (date(2022, 12, 31), 1330),
    (date(2023, 12, 31), 1660),
    (date(2024, 12, 31), 1810),
    (date(2025, 12, 31), 1900),
    (date(2026, 12, 31), 1960),
]

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
