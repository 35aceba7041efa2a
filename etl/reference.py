"""Reference bundle (../shared/reference) -> oblasts, hromadas, territory_status_periods,
display_geometry.

The bundle is upstream input: it is validated here (a missing file or column stops the build with
an InputFileError naming the file) and never written to.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
from shapely.geometry import shape

import vocabulary
from etl import bundle, geometry, territory
from etl.errors import InputFileError
from etl.required import RequiredRule, size_band
from etl.universe import Universe
from vocabulary import locations

logger = logging.getLogger(__name__)

HROMADAS_CSV = "hromadas.csv"
OBLASTS_CSV = "oblasts.csv"
HROMADAS_GEOJSON = "hromadas.geojson"
OBLASTS_GEOJSON = "oblasts.geojson"
STATUS_LIST_GLOB = "territories_hostilities_occupation_*.csv"

HROMADA_COLUMNS = (
    "katottg",
    "raion_katottg",
    "oblast_katottg",
    "name_uk",
    "raion_name_uk",
    "oblast_name_uk",
    "ocha_pcode",
    "name_en",
    "raion_name_en",
    "oblast_name_en",
    "type_uk",
    "area_km2_official",
    "centre_lat",
    "centre_lon",
    "occupied_before_2022",
    "settlements_count",
    "population_2022",
    "urban_population_2022",
    "area_km2_geom",
)
OBLAST_COLUMNS = ("katottg", "name_uk", "name_en", "short_code", "macro_region_en", "macro_region_uk")
OPTIONAL_OBLAST_COLUMNS = ("centre_uk",)

TYPE_EN = {t["registry_uk"]: t.code for t in vocabulary.HROMADA_TYPES}  # type_uk -> type_en code
# Crimea (and Sevastopol): occupied since 2014, though the registry leaves the flag empty.
OCCUPIED_SINCE_2014_OBLASTS = frozenset({"UA01000000000013043", "UA85000000000065278"})


def load_reference(
    con: duckdb.DuckDBPyConnection,
    reference_dir: Path,
    rule: RequiredRule,
    cache_dir: Path | None = None,
    universe: Universe | None = None,
) -> list[dict]:
    """Load the bundle into ``con``; return one load_log row per reference file.

    Also writes ``outside_programme`` and, in build_info, the territory list's date
    (``territory_list_date``) and the universe's thresholds (config/universe.toml)."""
    reference_dir = Path(reference_dir)
    universe = universe if universe is not None else Universe.load()
    cache_dir = Path(cache_dir) if cache_dir is not None else locations.geometry_cache_dir()
    files = reference_files(reference_dir)
    log: list[dict] = []

    oblasts, ignored = read_oblasts(files["oblasts_csv"])
    _insert(con, "oblasts", oblasts)
    log.append(_log_row(files["oblasts_csv"], len(oblasts), len(oblasts), 0, ignored))

    # Geometry first: has_geometry is "has a display polygon", read from the (cached) layer text
    # rather than by parsing the 35 MB source again.
    layers = geometry.display_geometry(files["hromadas_geojson"], files["oblasts_geojson"], cache_dir)
    layer_codes = {layer: layer_feature_codes(text) for layer, text in layers.items()}
    polygon_codes = set(layer_codes["hromadas"])

    hromadas, ignored, n_read = read_hromadas(files["hromadas_csv"], polygon_codes, rule, universe)
    fill_missing_centres(hromadas, layers["hromadas"])
    unknown_oblast = sorted(set(hromadas["oblast_katottg"]) - set(oblasts["oblast_katottg"]))
    if unknown_oblast:
        raise InputFileError(
            files["hromadas_csv"].name, f"oblast code(s) not in {OBLASTS_CSV}: {', '.join(unknown_oblast)}"
        )
    no_row = sorted(polygon_codes - set(hromadas["katottg"]))
    if no_row:
        logger.warning("%d polygon(s) of %s have no registry row, e.g. %s", len(no_row), HROMADAS_GEOJSON, no_row[0])
    _insert(con, "hromadas", hromadas)
    log.append(_log_row(files["hromadas_csv"], n_read, len(hromadas), n_read - len(hromadas), ignored))

    status_list = territory.read_status_list(files["status_list"], hromadas)
    _insert(con, "territory_status_periods", status_list.periods)
    _insert(con, "outside_programme", universe.outside_rows())
    info = {"territory_list_date": list_date(files["status_list"], status_list.periods), **universe.settings_rows()}
    con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))
    n_list, n_skipped = status_list.rows_read, len(status_list.skipped)
    log.append(_log_row(files["status_list"], n_list, n_list - n_skipped, n_skipped, None))

    source = geometry.source_sha256(files["hromadas_geojson"], files["oblasts_geojson"])
    frame = pd.DataFrame(
        {
            "layer": list(layers),
            "geojson": list(layers.values()),
            "feature_count": [len(layer_codes[k]) for k in layers],
            "source_sha256": source,
        }
    )
    _insert(con, "display_geometry", frame)
    n_source = geometry.source_feature_counts(files["hromadas_geojson"], files["oblasts_geojson"], cache_dir)
    for layer, key in (("hromadas", "hromadas_geojson"), ("oblasts", "oblasts_geojson")):
        n_in = n_source[layer]
        n_out = len(layer_codes[layer])
        log.append(_log_row(files[key], n_in, n_out, max(n_in - n_out, 0), None))
    return log


# ---------------------------------------------------------------- files


def reference_files(reference_dir: Path) -> dict[str, Path]:
    """The five files of the bundle; the newest status list when several dated ones exist."""
    if not reference_dir.is_dir():
        raise InputFileError(str(reference_dir), "reference directory not found")
    files = {
        "hromadas_csv": reference_dir / HROMADAS_CSV,
        "oblasts_csv": reference_dir / OBLASTS_CSV,
        "hromadas_geojson": reference_dir / HROMADAS_GEOJSON,
        "oblasts_geojson": reference_dir / OBLASTS_GEOJSON,
    }
    for path in files.values():
        if not path.is_file():
            raise InputFileError(path.name, f"reference file not found in {reference_dir}")
    lists = sorted(reference_dir.glob(STATUS_LIST_GLOB))
    if not lists:
        raise InputFileError(STATUS_LIST_GLOB, f"official hostilities/occupation list not found in {reference_dir}")
    files["status_list"] = lists[-1]  # names end in the list's date: the last one is the newest
    return files


def read_oblasts(path: Path) -> tuple[pd.DataFrame, str | None]:
    raw, ignored = bundle.read_csv(path, OBLAST_COLUMNS, OPTIONAL_OBLAST_COLUMNS)
    _check_codes(path, raw["katottg"])
    out = pd.DataFrame(
        {
            "oblast_katottg": raw["katottg"],
            "name_uk": raw["name_uk"],
            "name_en": raw["name_en"],
            "short_code": raw["short_code"],
            "macro_region_uk": _none_if_empty(raw["macro_region_uk"]),
            "macro_region_en": _none_if_empty(raw["macro_region_en"]),
        }
    )
    return out, ignored


def read_hromadas(
    path: Path, polygon_codes: set[str], rule: RequiredRule, universe: Universe | None = None
) -> tuple[pd.DataFrame, str | None, int]:
    """Registry rows -> the columns of ``hromadas``; returns (frame, ignored columns, rows read)."""
    universe = universe if universe is not None else Universe.load()
    raw, ignored = bundle.read_csv(path, HROMADA_COLUMNS)
    _check_codes(path, raw["katottg"])
    population = _int(raw["population_2022"])
    area = _num(raw["area_km2_official"]).fillna(_num(raw["area_km2_geom"]))
    occupied = raw["occupied_before_2022"].eq("1") | raw["oblast_katottg"].isin(OCCUPIED_SINCE_2014_OBLASTS)
    out = pd.DataFrame(
        {
            "katottg": raw["katottg"],
            "ocha_pcode": raw["ocha_pcode"].where(raw["ocha_pcode"] != "", raw["katottg"].str[:9]),
            "oblast_katottg": raw["oblast_katottg"],
            "raion_katottg": _none_if_empty(raw["raion_katottg"]),
            "name_uk": raw["name_uk"],
            "name_en": _none_if_empty(raw["name_en"]),
            "raion_name_uk": _none_if_empty(raw["raion_name_uk"]),
            "raion_name_en": _none_if_empty(raw["raion_name_en"]),
            "type_uk": _none_if_empty(raw["type_uk"]),
            "type_en": raw["type_uk"].map(TYPE_EN),
            "population_count": population,
            "urban_population_count": _int(raw["urban_population_2022"]),
            "area_km2": area,
            "settlements_count": _int(raw["settlements_count"]).astype("Int32"),
            "centre_lat": _num(raw["centre_lat"]),
            "centre_lon": _num(raw["centre_lon"]),
            "is_occupied_before_2022": occupied.astype(bool),
            "has_geometry": raw["katottg"].isin(polygon_codes).astype(bool),
            "required_officers": [
                rule.required_officers(None if pd.isna(p) else int(p), None if pd.isna(a) else float(a))
                for p, a in zip(population, area, strict=True)
            ],
            "size_band": [size_band(None if pd.isna(p) else int(p)) for p in population],
        }
    )
    out["required_officers"] = out["required_officers"].astype("int32")
    out["in_programme"] = universe.in_programme(out["oblast_katottg"]).astype(bool)
    out["programme_note"] = universe.note(out["oblast_katottg"])
    out["is_large_urban"] = universe.is_large_urban(population)
    return out, ignored, len(raw)


_LIST_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def list_date(list_csv: Path, periods: pd.DataFrame) -> str:
    """The official list's date, ISO: the date its file name ends in
    (territories_hostilities_occupation_<YYYY-MM-DD>.csv), else the latest date the list names."""
    found = _LIST_DATE.findall(list_csv.stem)
    if found:
        try:
            return date.fromisoformat(found[-1]).isoformat()
        except ValueError:
            pass
    dates = pd.concat([periods["start_date"], periods["end_date"]]).dropna()
    if dates.empty:
        raise InputFileError(list_csv.name, "the list names no date and its file name carries none")
    return pd.Timestamp(dates.max()).date().isoformat()


def fill_missing_centres(hromadas: pd.DataFrame, hromadas_layer: str) -> None:
    """Give a polygon's representative point to hromadas the registry has no centre for (Kyiv city).

    Stations without coordinates are placed at their hromada's centre, so a missing centre
    would otherwise turn every such Kyiv station into a reject.
    """
    missing = hromadas["centre_lat"].isna() & hromadas["has_geometry"]
    if not missing.any():
        return
    wanted = set(hromadas.loc[missing, "katottg"])
    points = {
        f["properties"]["katottg"]: shape(f["geometry"]).representative_point()
        for f in json.loads(hromadas_layer)["features"]
        if f["properties"]["katottg"] in wanted
    }
    codes = hromadas.loc[missing, "katottg"]
    hromadas.loc[missing, "centre_lat"] = [round(points[c].y, 5) for c in codes]
    hromadas.loc[missing, "centre_lon"] = [round(points[c].x, 5) for c in codes]


def layer_feature_codes(geojson_text: str) -> list[str]:
    """The ``katottg`` of every feature of a display layer, in order."""
    return [f["properties"]["katottg"] for f in json.loads(geojson_text)["features"]]


def _check_codes(path: Path, codes: pd.Series) -> None:
    bad = codes[~codes.str.fullmatch(r"UA\d{17}")]
    if len(bad):
        raise InputFileError(path.name, f"{len(bad)} malformed katottg code(s), e.g. {bad.iloc[0]!r}")
    dup = codes[codes.duplicated()]
    if len(dup):
        raise InputFileError(path.name, f"duplicate katottg code {dup.iloc[0]}")


# ---------------------------------------------------------------- helpers


def _none_if_empty(s: pd.Series) -> pd.Series:
    return s.where(s != "", None)


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where(s != "", None), errors="coerce").astype("Float64")


def _int(s: pd.Series) -> pd.Series:
    return _num(s).round().astype("Int64")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """INSERT the frame's columns by name (table names are constants of this module)."""
    view = f"_reference_{table}"
    con.register(view, frame)
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{view}"')
    finally:
        con.unregister(view)


def _sha256(path: Path) -> str:
    return geometry.sha256_file(path)


def _log_row(path: Path, read: int, loaded: int, rejected: int, ignored: str | None) -> dict:
    return {
        "file": path.name,
        "kind": "reference",
        "sha256": _sha256(path),
        "rows_read": int(read),
        "rows_loaded": int(loaded),
        "rows_rejected": int(rejected),
        "ignored_columns": ignored,
    }
