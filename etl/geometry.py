"""Display geometry: the hromada coverage simplified as a whole, so neighbours keep shared borders.

The source polygons (35 MB, ~1.26 M vertices) are far too heavy for a browser map. Simplifying each
polygon on its own would open gaps and slivers between neighbours, so the whole set is simplified
as one coverage (``shapely.coverage_simplify``, Visvalingam–Whyatt on shared edges), which moves
every shared edge once, identically for both sides. Oblast outlines are then dissolved from the
simplified hromadas, so the two layers line up exactly; Crimea, which has no hromada polygons,
comes from ``oblasts.geojson`` as shipped (already simplified to 0.003°).

Output per layer: GeoJSON FeatureCollection text, coordinates rounded to ``COORD_DECIMALS``,
polygon exterior rings clockwise (plotly's geo choropleth fills the complement of a
counter-clockwise ring). The result is cached by the sha256 of both inputs and
``ALGORITHM_VERSION``; a cache hit reads two small files and does nothing else.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.polygon import orient

logger = logging.getLogger(__name__)

# Bump when anything below changes the output: old cache entries are then ignored.
ALGORITHM_VERSION = "1"
# In degrees: ≈ the square root of the triangle areas removed. 0.004° ≈ 300 m × 450 m here;
# measured on the real bundle: ~126 k vertices, ~2.4 MB text, borders still read correctly
# when zoomed to one oblast (shapes at 0.006° start to look angular at that zoom).
TOLERANCE_DEG = 0.004
# 4 decimals ≈ 11 m north–south, ≈ 7 m east–west at 48° N: far below what the map can show.
COORD_DECIMALS = 4
LAYERS = ("hromadas", "oblasts")
# A polygon part smaller than this (in squared degrees, ≈ 0.1 km²) after rounding is dropped.
_MIN_PART_AREA = 1e-5


_SHA_MEMO: dict[tuple, str] = {}


def sha256_file(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) so one build hashes each input once."""
    st = os.stat(path)
    memo_key = (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    if memo_key not in _SHA_MEMO:
        _SHA_MEMO[memo_key] = _sha256_uncached(path)
    return _SHA_MEMO[memo_key]


def _sha256_uncached(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def cache_key(hromadas_geojson: Path, oblasts_geojson: Path) -> str:
    """sha256 over both inputs' sha256 and the algorithm version (and its parameters)."""
    parts = [
        sha256_file(hromadas_geojson),
        sha256_file(oblasts_geojson),
        ALGORITHM_VERSION,
        repr(TOLERANCE_DEG),
        repr(COORD_DECIMALS),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def display_geometry(hromadas_geojson: Path, oblasts_geojson: Path, cache_dir: Path) -> dict[str, str]:
    """Return ``{'hromadas': geojson_text, 'oblasts': geojson_text}``, from cache when possible.

    hromadas: one feature per input polygon, properties ``katottg`` and ``name``.
    oblasts: one feature per oblast (plus Kyiv city and Crimea), properties ``katottg``, ``name``.
    """
    key = cache_key(Path(hromadas_geojson), Path(oblasts_geojson))
    entry = Path(cache_dir) / key
    cached = _read_cache(entry)
    if cached is not None:
        logger.info("display geometry: cache hit %s", entry)
        return cached
    layers, counts = build_layers(Path(hromadas_geojson), Path(oblasts_geojson))
    _write_cache(entry, layers, counts)
    logger.info(
        "display geometry: built and cached in %s (%s)",
        entry,
        ", ".join(f"{k} {len(v) / 1e6:.2f} MB" for k, v in layers.items()),
    )
    return layers


def source_sha256(hromadas_geojson: Path, oblasts_geojson: Path) -> str:
    """The value stored in display_geometry.source_sha256 (same as the cache key)."""
    return cache_key(Path(hromadas_geojson), Path(oblasts_geojson))


def source_feature_counts(hromadas_geojson: Path, oblasts_geojson: Path, cache_dir: Path) -> dict[str, int]:
    """Features per layer in the *source* files (for load_log), from the cache entry's meta.json."""
    meta = Path(cache_dir) / cache_key(Path(hromadas_geojson), Path(oblasts_geojson)) / "meta.json"
    if meta.is_file():
        return {k: int(v) for k, v in json.loads(meta.read_text(encoding="utf-8"))["source_features"].items()}
    import pyogrio

    return {
        layer: int(pyogrio.read_info(path)["features"])
        for layer, path in (("hromadas", hromadas_geojson), ("oblasts", oblasts_geojson))
    }


def build_layers(hromadas_geojson: Path, oblasts_geojson: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The heavy part: read, simplify the coverage, dissolve oblasts, serialise.

    Returns (layer -> GeoJSON text, layer -> feature count of the source file)."""
    import pyogrio  # imported here so that a cache hit never pays for it

    hrom = pyogrio.read_dataframe(hromadas_geojson, columns=["katottg", "name"])
    obl = pyogrio.read_dataframe(oblasts_geojson, columns=["katottg", "name"])
    h_codes = hrom["katottg"].astype(str).tolist()
    h_names = hrom["name"].astype(str).tolist()

    geoms = shapely.make_valid(np.asarray(hrom.geometry.values))
    geoms = np.array([_polygonal(g) for g in geoms], dtype=object)
    simplified = simplify_coverage(geoms, TOLERANCE_DEG)
    simplified = np.array([_finish(g) for g in simplified], dtype=object)

    hromada_features = [
        (code, name, g) for code, name, g in zip(h_codes, h_names, simplified, strict=True) if g is not None
    ]
    dropped = len(h_codes) - len(hromada_features)
    if dropped:
        logger.warning("display geometry: %d hromada polygons empty after simplification", dropped)

    # Oblasts: dissolve the simplified hromadas by the oblast prefix (first 4 chars), so the
    # outlines coincide with the hromada borders; keep the file's polygon where no hromada has one.
    oblast_features = []
    for code, name, g in zip(obl["katottg"].astype(str), obl["name"].astype(str), obl.geometry.values, strict=True):
        parts = [hg for hc, _, hg in hromada_features if hc[:4] == code[:4]]
        if parts:
            merged = _finish(shapely.union_all(parts, grid_size=10.0**-COORD_DECIMALS), rounded=True)
        else:
            merged = _finish(shapely.make_valid(g))
        if merged is not None:
            oblast_features.append((code, name, merged))

    layers = {
        "hromadas": feature_collection(hromada_features),
        "oblasts": feature_collection(oblast_features),
    }
    return layers, {"hromadas": len(hrom), "oblasts": len(obl)}


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify the polygons as one coverage (shared edges move together). Separate so tests can
    swap it for a spy."""
    return shapely.coverage_simplify(geoms, tolerance)


def _polygonal(g):
    """Keep only the polygonal part of a geometry (make_valid can return collections)."""
    if g is None or g.is_empty:
        return shapely.MultiPolygon()
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    polys = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.MultiPolygon()


def _finish(g, rounded: bool = False):
    """Round coordinates, repair, drop slivers, orient clockwise; None when nothing is left."""
    if g is None or g.is_empty:
        return None
    if not rounded:
        g = shapely.transform(g, lambda xy: np.round(xy, COORD_DECIMALS))
    if not g.is_valid:
        g = shapely.make_valid(g)
    g = _polygonal(g)
    polys = [p for p in _parts(g) if p.area >= _MIN_PART_AREA] or [p for p in _parts(g) if not p.is_empty]
    if not polys:
        return None
    polys = [orient(p, sign=-1.0) for p in polys]
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _parts(g):
    if g.geom_type == "Polygon":
        return [g]
    return list(g.geoms)


def feature_collection(features) -> str:
    """GeoJSON text for (katottg, name, geometry) triples; compact separators."""
    out = []
    for code, name, g in features:
        out.append(
            {
                "type": "Feature",
                "properties": {"katottg": code, "name": name},
                "geometry": _mapping(g),
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": out}, ensure_ascii=False, separators=(",", ":"))


def _mapping(g) -> dict:
    def ring(r):
        return [[float(x), float(y)] for x, y in np.round(np.asarray(r.coords), COORD_DECIMALS)]

    def poly(p):
        return [ring(p.exterior)] + [ring(i) for i in p.interiors]

    if g.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": poly(g)}
    return {"type": "MultiPolygon", "coordinates": [poly(p) for p in g.geoms]}


def _read_cache(entry: Path) -> dict[str, str] | None:
    paths = {layer: entry / f"{layer}.geojson" for layer in LAYERS}
    if not all(p.is_file() for p in paths.values()):
        return None
    return {layer: p.read_text(encoding="utf-8") for layer, p in paths.items()}


def _write_cache(entry: Path, layers: dict[str, str], source_counts: dict[str, int]) -> None:
    """Write into a temporary sibling directory, then rename it into place: a reader never sees
    half an entry, and two concurrent builds cannot corrupt each other."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{entry.name}-", dir=entry.parent))
    for layer, text in layers.items():
        (tmp / f"{layer}.geojson").write_text(text, encoding="utf-8")
    meta = {"algorithm_version": ALGORITHM_VERSION, "source_features": source_counts}
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        os.replace(tmp, entry)
    except OSError:  # another process won the race: its entry is identical
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()
