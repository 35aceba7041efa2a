"""Time the reference load: cold geometry simplification, cache hit, whole load_reference.

.venv/bin/python -m bench.bench_geometry [--reference DIR]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from etl import geometry, reference, schema
from etl.required import RequiredRule
from vocabulary import locations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reference", type=Path, default=locations.reference_dir())
    args = parser.parse_args()
    ref = args.reference
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        t = time.perf_counter()
        layers, _ = geometry.build_layers(ref / "hromadas.geojson", ref / "oblasts.geojson")
        print(f"cold build_layers: {time.perf_counter() - t:.2f} s")
        for name, text in layers.items():
            n = len(reference.layer_feature_codes(text))
            print(f"  {name}: {len(text.encode('utf-8')) / 1e6:.2f} MB, {n} features")
        for label in ("load_reference, cold cache", "load_reference, warm cache"):
            con = duckdb.connect(":memory:")
            schema.create_schema(con)
            t = time.perf_counter()
            reference.load_reference(con, ref, RequiredRule.load(), cache_dir=cache)
            print(f"{label}: {time.perf_counter() - t:.2f} s")
            con.close()
        t = time.perf_counter()
        geometry.display_geometry(ref / "hromadas.geojson", ref / "oblasts.geojson", cache)
        print(f"display_geometry cache hit: {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
