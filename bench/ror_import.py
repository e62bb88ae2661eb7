"""Full-size ROR import: peak memory and records per second.

Builds a synthetic ROR schema v2 dump the size of a real release (default 120,000 records,
shaped like the real records in shared/data/real: names with labels, aliases, acronyms and
native-script labels, locations, external ids, parent relationships, a few withdrawn and a few
in Kosovo), zipped like the Zenodo release, then imports it into a fresh SQLite store in a child
process and reports that process's peak RSS and throughput.

    python bench/ror_import.py [--records 120000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

COUNTRIES = ["CN", "US", "GB", "DE", "RU", "IR", "FR", "JP", "IN", "BR", "XK"]


def ror_id(n: int) -> str:
    return f"https://ror.org/0{n:06d}{n % 90 + 10:02d}"


def record(n: int) -> dict[str, object]:
    country = COUNTRIES[n % len(COUNTRIES)]
    names = [
        {"lang": "en", "types": ["label", "ror_display"], "value": f"Example University {n}"},
        {"lang": None, "types": ["alias"], "value": f"Example Univ. No. {n}"},
        {"lang": None, "types": ["acronym"], "value": f"EU{n % 1000}"},
    ]
    if n % 3 == 0:
        names.append({"lang": "zh", "types": ["label"], "value": f"示例大学{n}"})
    return {
        "admin": {"created": {"date": "2020-01-01", "schema_version": "2.1"}},
        "domains": [f"u{n}.example.org"],
        "established": 1900 + n % 120,
        "external_ids": [
            {"all": [f"grid.{n}.1"], "preferred": f"grid.{n}.1", "type": "grid"},
            {"all": [f"Q{n}"], "preferred": None, "type": "wikidata"},
        ],
        "id": ror_id(n),
        "links": [{"type": "website", "value": f"https://u{n}.example.org"}],
        "locations": [
            {
                "geonames_details": {"country_code": country, "name": f"Town {n % 500}"},
                "geonames_id": n,
            }
        ],
        "names": names,
        "relationships": (
            [{"label": f"Example University {n - 1}", "type": "parent", "id": ror_id(n - 1)}]
            if n % 7 == 0
            else []
        ),
        "status": "withdrawn" if n % 1000 == 0 else "active",
        "types": ["education"],
    }


def build(path: Path, count: int) -> None:
    """Write the zip member by member, so building it does not hold the dump in memory."""
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("v9.9-2026-01-01-ror-data_schema_v2.json", "w") as out,
    ):
        out.write(b"[")
        for n in range(1, count + 1):
            out.write((b"," if n > 1 else b"") + json.dumps(record(n)).encode())
        out.write(b"]")


def child(dump: Path, db: Path) -> None:
    from kvrules.refdata import Store
    from kvrules.refdata.importers import import_file

    start = time.perf_counter()
    with Store(db) as store:
        report = import_file(store, "ror", dump)
    took = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "entries": report.entries,
                "skipped": report.skipped,
                "seconds": took,
                "peak_rss_mb": peak_mb,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=120_000)
    parser.add_argument("--keep", type=Path, help="directory to keep the dump and the store in")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        dump, db = where / "v9.9-ror-data.zip", where / "ror.db"
        db.unlink(missing_ok=True)
        build(dump, args.records)
        size_mb = dump.stat().st_size / 1e6
        run = [sys.executable, __file__, "--child", str(dump), str(db)]
        result = json.loads(subprocess.run(run, check=True, capture_output=True).stdout)
        rate = (result["entries"] + result["skipped"]) / result["seconds"]
        print(
            f"{args.records} records ({size_mb:.1f} MB zip): {result['entries']} imported, "
            f"{result['skipped']} withdrawn skipped in {result['seconds']:.1f} s = "
            f"{rate:,.0f} records/s; peak RSS {result['peak_rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
