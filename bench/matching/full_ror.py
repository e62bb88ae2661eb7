"""``kvrules match --file`` with a full-size ROR import: build time, memory and names/s.

No full ROR dump is available offline, so this derives a full-size one (default 120,000
records, a real release's size) from the real snapshot in shared/data/real (13,503 records):
every real record is kept, and copies are added in which each distinctive word of its names is
swapped for one drawn from the other records' names ("Harbin Institute of Technology" →
"Tartu Institute of Technology"), with new ROR ids, the parent links remapped, the same
countries, cities, types and acronyms (native-script names other than the display name are
left out of the copies, which would otherwise all share them). The names keep real lengths,
word counts and class words, so look-ups, blocking and fuzzy scans see the load a real dump
puts on them.

That registry is imported, with every list kvrules ships, into a fresh reference store; a
child process then builds the resolver from the store as ``kvrules match --file`` does, and
matches a spreadsheet of names through the same code (``batch.match_rows`` and
``batch.write_jsonl``), reporting names/s per kind of row and its peak RSS:

    python bench/matching/full_ror.py [--records 120000] [--names 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED_ROR = HERE.parents[2] / "shared" / "data" / "real" / "ror-records_v2.0-v2.9_latest.json.gz"
_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # ROR's: no i, l, o, u
KINDS = ("exact name", "typo", "unit, organisation, city", "unknown organisation")


def _ror_url(n: int) -> str:
    digits = []
    for _ in range(6):
        n, r = divmod(n, len(_ID_ALPHABET))
        digits.append(_ID_ALPHABET[r])
    return f"https://ror.org/0{''.join(digits)}{n % 100:02d}"


def _distinctive(word: str) -> bool:
    from kvrules.refdata.normalise import analyse

    return word.isalpha() and len(word) >= 4 and bool(analyse(word).distinct)


def derive(real: list[dict], count: int, seed: int = 16) -> Iterator[dict]:
    """The real records, then copies with their distinctive words swapped, up to ``count``."""
    rng = random.Random(seed)
    pool = sorted(
        {w for r in real for n in r["names"] for w in n["value"].split() if _distinctive(w)}
    )
    taken = {r["id"] for r in real}
    yield from real
    made, copy = len(real), 0
    serial = 1
    while made < count:
        copy += 1
        ids: dict[str, str] = {}
        for r in real:
            while _ror_url(serial) in taken:
                serial += 1
            ids[r["id"]] = _ror_url(serial)
            taken.add(ids[r["id"]])
            serial += 1
        for r in real:
            if made >= count:
                return
            swap: dict[str, str] = {}
            names = []
            for n in r["names"]:
                value = n["value"]
                if "acronym" not in n["types"]:
                    native = not any("a" <= c <= "z" for c in value.lower())
                    if native and "ror_display" not in n["types"]:
                        continue
                    words = value.split()
                    for w in words:
                        if _distinctive(w) and w not in swap:
                            swap[w] = rng.choice(pool)
                    value = " ".join(swap.get(w, w) for w in words)
                names.append({**n, "value": value})
            relationships = [
                {**rel, "id": ids.get(rel["id"], rel["id"])}
                for rel in r.get("relationships", [])
                if rel.get("type") == "parent" and rel.get("id") in ids
            ]
            yield {
                **r,
                "id": ids[r["id"]],
                "names": names,
                "relationships": relationships,
                "external_ids": [],
            }
            made += 1


def write_dump(path: Path, records: Iterator[dict]) -> int:
    n = 0
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write("[")
        for n, rec in enumerate(records, 1):
            out.write(("," if n > 1 else "") + json.dumps(rec, ensure_ascii=False))
        out.write("]")
    return n


def spreadsheet(real: list[dict], path: Path, rows: int, seed: int = 16) -> None:
    """A CSV of partner names (name, country, kind) in equal shares of :data:`KINDS`."""
    rng = random.Random(seed)
    labelled = [
        (n["value"], (r["locations"] or [{}])[0].get("geonames_details", {}))
        for r in real
        for n in r["names"]
        if "acronym" not in n["types"] and n["value"].isascii()
    ]
    units = ["Department of Physics", "School of Medicine", "State Key Laboratory of Optics"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "country", "kind"])
        for i in range(rows):
            kind = KINDS[i % len(KINDS)]
            name, place = rng.choice(labelled)
            country = place.get("country_code", "") if rng.random() < 0.5 else ""
            if kind == "typo":
                at = rng.randrange(1, max(2, len(name) - 1))
                name = name[:at] + name[at + 1 :]  # one letter dropped
            elif kind == "unit, organisation, city":
                name = f"{rng.choice(units)}, {name}, {place.get('name', 'Springfield')}"
            elif kind == "unknown organisation":
                name = f"Nonexistent {rng.randrange(10**6)} Foundation for Applied Studies"
            writer.writerow([name, country, kind])


def child(db: Path, names: Path) -> None:
    """Build the resolver from the store, then match the spreadsheet kind by kind."""
    import os

    from kvrules.refdata import Resolver, Store, batch
    from kvrules.refdata.normalise import analyse

    start, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        resolver = Resolver(store)
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
    built_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with names.open("rb") as fh:
        rows = list(batch.read_rows(fh, "csv"))
    rates = {}
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for kind in (*KINDS, "all"):
            subset = [r for r in rows if kind == "all" or r.fields["kind"] == kind]
            analyse.cache_clear()  # every name is new to the process, as in one run
            start, cpu = time.perf_counter(), time.process_time()
            batch.write_jsonl(batch.match_rows(resolver, subset), sink, resolver.searched)
            # wall clock, and CPU time (what one core of an unshared machine would take)
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            rates[kind] = (len(subset) / wall, len(subset) / cpu)
    print(
        json.dumps(
            {
                "size": resolver.size,
                "build_seconds": built,
                "build_cpu_seconds": built_cpu,
                "build_peak_rss_mb": built_rss,
                "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "names_per_second": rates,
                "rows": len(rows),
            }
        )
    )


def _prepare(real: list[dict], count: int, rows: int, dump: Path, db: Path, names: Path) -> None:
    """The derived dump, the spreadsheet, and the store holding the dump and the shipped lists."""
    from kvrules.refdata import Store
    from kvrules.refdata.importers import import_file
    from kvrules.refdata.shipped import load_shipped

    db.unlink(missing_ok=True)
    start = time.perf_counter()
    records = write_dump(dump, derive(real, count))
    spreadsheet(real, names, rows)
    with Store(db) as store:
        load_shipped(store)
        store.delete_edition("ror", "sample-v2.9")
        report = import_file(store, "ror", dump, edition="full-derived")
    print(
        f"registry: {records:,} ROR records ({len(real):,} real, the rest derived), "
        f"{report.entries:,} imported with the shipped lists in "
        f"{time.perf_counter() - start:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ror", type=Path, default=SHARED_ROR, help="real ROR v2 records")
    parser.add_argument("--records", type=int, default=120_000)
    parser.add_argument("--names", type=int, default=20_000, help="spreadsheet rows")
    parser.add_argument("--keep", type=Path, help="directory to keep the dump and the store in")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: match with the store kept last time"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    with gzip.open(args.ror, "rt", encoding="utf-8") as fh:
        real = [r for r in json.load(fh) if r.get("status") == "active"]
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        dump, db, names = where / "ror-full.json.gz", where / "refdata.db", where / "names.csv"
        if not (args.reuse and db.exists() and names.exists()):
            _prepare(real, args.records, args.names, dump, db, names)
        run = [sys.executable, __file__, "--child", str(db), str(names)]
        result = json.loads(subprocess.run(run, check=True, capture_output=True).stdout)
    size = result["size"]
    print(
        f"index: {size['entries']:,} entries, {size['names']:,} names, built in "
        f"{result['build_seconds']:.1f} s, {result['build_cpu_seconds']:.1f} s CPU "
        f"(peak RSS {result['build_peak_rss_mb']:.0f} MB)"
    )
    print("  rows                        names/s (wall)  names/s (CPU)")
    for kind, (wall, cpu) in result["names_per_second"].items():
        print(f"  {kind:<26} {wall:>15,.0f} {cpu:>14,.0f}")
    print(f"peak RSS {result['peak_rss_mb']:.0f} MB ({result['rows']:,} rows matched)")


if __name__ == "__main__":
    main()
