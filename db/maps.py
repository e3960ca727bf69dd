"""The province boundaries for the dashboard's map (db/static/provinces.json), built from
`cnmaps`, which ships China's official boundaries.

cnmaps and its dependencies (shapely, geopandas, ~500 MB with its data) are needed only
to rebuild the file, not to serve it: `pip install cnmaps` then `python -m db.maps`.
The file is GeoJSON, simplified to about 0.02° (ample for a country-wide choropleth),
with each feature's `code` the province's 6-digit code in the regions table.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROVINCES_FILE = Path(__file__).parent / "static" / "provinces.json"
TOLERANCE = 0.02  # degrees
DIGITS = 2  # coordinates rounded to 0.01° (about 1 km)


def _rounded(coords: object) -> object:
    if isinstance(coords, list | tuple) and coords and isinstance(coords[0], int | float):
        return [round(float(c), DIGITS) for c in coords]
    return [_rounded(c) for c in coords]  # type: ignore[union-attr]


def build(path: Path = PROVINCES_FILE) -> int:
    """Write the provinces' GeoJSON; returns the number of features."""
    from cnmaps import get_adm_maps
    from shapely.geometry import mapping

    from db.regions import iter_regions

    codes = {r.name: r.code for r in iter_regions() if r.level == "province"}
    features = []
    for rec in get_adm_maps(level="省"):
        name = rec["province"]
        code = codes.get(name)
        if code is None:
            print(f"db.maps: {name}: not a province of the regions table, left out", file=sys.stderr)
            continue
        geom = rec["geometry"].simplify(TOLERANCE, preserve_topology=True)
        shape = mapping(geom)
        shape = {"type": shape["type"], "coordinates": _rounded(shape["coordinates"])}
        features.append({"type": "Feature", "properties": {"code": code, "name": name}, "geometry": shape})
    features.sort(key=lambda f: f["properties"]["code"])
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(features)


if __name__ == "__main__":
    n = build()
    print(f"{PROVINCES_FILE}: {n} provinces, {PROVINCES_FILE.stat().st_size:,} bytes")
