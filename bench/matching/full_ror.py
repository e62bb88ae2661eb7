"""``kvrules match --file`` with a full-size ROR import: build time, memory and names/s.

No full ROR dump is available offline, so this derives a full-size one (default 120,000
records, a real release's size) from real records: ``--base``, by default the snapshot in
shared/data/real (13,503 records), or the 51,370 records bench/affiliations/registry.py builds
from ror-records' release folders (closer to a real load: fewer copies, more real names):
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

    python bench/matching/full_ror.py [--base PATH] [--records 120000] [--names 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import gc
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED_REAL = HERE.parents[2] / "shared" / "data" / "real"
SHARED_ROR = SHARED_REAL / "ror-records_v2.0-v2.9_latest.json.gz"
# real affiliation strings as publishers deposit them (the whole Crossref set, both splits: only
# timed here, never scored): see bench/affiliations/README.md
CROSSREF = SHARED_REAL / "20230628_Crossref_publisher_asserted_affiliation_string_ROR_IDs.csv.gz"
REAL = "real affiliation strings"
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


def _rates(match, rows: list, kinds: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """names/s (wall, and this process's CPU) and the share of rows answered from an earlier
    row, per kind of row; ``match(rows, stats)`` yields the results."""
    from kvrules.refdata import batch

    rates = {}
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for kind in kinds:
            subset = [r for r in rows if kind == "all" or r.fields["kind"] == kind]
            _clear_caches()  # every name is new to the process, as in one run
            stats = batch.Stats()
            start, cpu = time.perf_counter(), time.process_time()
            batch.write_jsonl(match(subset, stats), sink, [])
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            rates[kind] = {
                "cpu_seconds": cpu,
                "wall": len(subset) / wall,
                "cpu": len(subset) / cpu,
                "repeated": 1 - stats.matched / max(stats.rows, 1),
            }
    return rates


def _clear_caches() -> None:
    """Every per-name cache of the matching code."""
    from kvrules.refdata.affiliations import clear_caches

    clear_caches()


def _rows(names: Path) -> list:
    from kvrules.refdata import batch

    with names.open("rb") as fh:
        return list(batch.Input(fh))


def kept_by_kind(keep: Path, limit: int | None = None) -> dict[str, list]:
    """The rows a ``--keep`` folder holds: each kind's, then all of them, then the real strings
    (at most ``limit`` of each): the sets the paired benches time."""
    names, real = _rows(keep / "names.csv"), _rows(keep / "real.csv")
    kinds = {kind: [r for r in names if r.fields["kind"] == kind][:limit] for kind in KINDS}
    return kinds | {"all": names[:limit], REAL: real[:limit]}


def child_build(db: Path, names: Path) -> None:
    """The previous code path: every run built the resolver from the store and matched every
    row on its own. Keeps the built index for :func:`child_load`."""
    from kvrules.refdata import Resolver, Store, batch
    from kvrules.refdata.cache import index_key, write

    start, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        resolver = Resolver(store)
        key, path = index_key(store), Path(store.index_path)
    # the collector's first full pass over the new index (0.7 s) fell on the first rows
    # matched; counted here, with the build that caused it, not in one kind's names/s
    gc.collect()
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
    built_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    assert write(path, key, resolver)
    kept = time.perf_counter() - start
    # marshal's table of shared objects and the payload: this path's peak once the build's is
    # down (bench/affiliations/README.md, "The index-building path's memory")
    written_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = _rows(names)
    rates = _rates(
        lambda subset, stats: batch.match_rows(resolver, subset, stats=stats, remember=0),
        rows,
        (*KINDS, "all"),
    )
    doc = {
        "size": resolver.size,
        "build_seconds": built,
        "build_cpu_seconds": built_cpu,
        "build_peak_rss_mb": built_rss,
        "write_seconds": kept,
        "write_peak_rss_mb": written_rss,
        "index_mb": path.stat().st_size / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rates": rates,
        "rows": len(rows),
    }
    print(json.dumps(doc))


def child_load(db: Path, names: Path, jobs: int, partners: Path, real: Path) -> None:
    """This code path: the kept index loaded, repeated rows matched once, one process and then
    ``jobs`` processes: this one and ``jobs`` - 1 workers, each loading the index (none for
    ``jobs`` 0 or 1)."""
    from kvrules.refdata import Store, batch
    from kvrules.refdata.cache import prepare

    start, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        index = prepare(store)
    assert not index.built, "the index kept by the build step was not used"
    resolver = index.resolver()
    loaded, loaded_cpu = time.perf_counter() - start, time.process_time() - cpu
    loaded_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows, partner_rows = _rows(names), _rows(partners)
    kinds = (*KINDS, "all")
    one = _rates(lambda subset, st: batch.match_rows(resolver, subset, stats=st), rows, kinds)
    one |= _rates(
        lambda subset, st: batch.match_rows(resolver, subset, stats=st), _rows(real), (REAL,)
    )
    repeats = {
        "each row on its own": _rates(
            lambda subset, st: batch.match_rows(resolver, subset, stats=st, remember=0),
            partner_rows,
            ("all",),
        )["all"],
        "repeats matched once": _rates(
            lambda subset, st: batch.match_rows(resolver, subset, stats=st),
            partner_rows,
            ("all",),
        )["all"],
    }
    if jobs < 2:
        print(json.dumps({"load_cpu_seconds": loaded_cpu, "one": one, "repeats": repeats}))
        return
    start = time.perf_counter()
    with batch.Workers(index, jobs - 1) as workers:
        # every worker started and holding the index before the clock runs
        probe = [("Beihang University", "", "")]
        for future in [workers.submit(probe) for _ in range(4 * jobs)]:
            future.result()
        ready = time.perf_counter() - start
        many = _rates(
            lambda subset, st: batch.match_rows(
                index, subset, workers=workers, beside=True, stats=st
            ),
            rows,
            kinds,
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once shut down
    doc = {
        "workers_cpu_seconds": children.ru_utime + children.ru_stime,
        "load_seconds": loaded,
        "load_cpu_seconds": loaded_cpu,
        "load_peak_rss_mb": loaded_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_rss_mb": children.ru_maxrss / 1024,
        "workers_ready_seconds": ready,
        "one": one,
        "jobs": many,
        "repeats": repeats,
        "partner_rows": len(partner_rows),
    }
    print(json.dumps(doc))


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


def real_strings(path: Path, source: Path = CROSSREF) -> None:
    """The real Crossref affiliation strings as a spreadsheet (name, kind): by default the whole
    set, or one of its splits (``--strings``: its train split, to time only what is tuned on)."""
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8-sig", newline="") as fh:
        strings = [row["affiliation"] for row in csv.DictReader(fh)]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "kind"])
        writer.writerows([s, REAL] for s in strings)


def before_tree(rev: str, where: Path) -> Path:
    """The kvrules package as it was at git revision ``rev``, in ``where``."""
    where.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", rev, "kvrules"], cwd=HERE.parents[1], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def partner_list(names: Path, path: Path, distinct: int = 2_000, seed: int = 16) -> None:
    """A spreadsheet of the same size whose rows repeat ``distinct`` of the names (an assumed
    grant-office list, one row per collaboration: no real one is available)."""
    rng = random.Random(seed)
    with names.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    chosen = rng.sample(rows, distinct)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rng.choice(chosen) for _ in rows)


def _child(*args: object, tree: Path | None = None) -> dict:
    """A child process's report; ``tree``: with the kvrules package found there."""
    run = [sys.executable, __file__, "--child", *map(str, args)]
    env = os.environ | ({"PYTHONPATH": str(tree)} if tree else {})
    return json.loads(subprocess.run(run, check=True, capture_output=True, env=env).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        "--ror",
        type=Path,
        default=SHARED_ROR,
        help="real ROR v2 records to derive the registry from (a JSON array, gzip): the shared "
        "snapshot, or the 51,370-record one bench/affiliations/registry.py builds",
    )
    parser.add_argument("--records", type=int, default=120_000)
    parser.add_argument("--names", type=int, default=20_000, help="spreadsheet rows")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count(), help="processes: this one and workers"
    )
    parser.add_argument("--keep", type=Path, help="directory to keep the dump and the store in")
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: match with the store kept last time"
    )
    parser.add_argument(
        "--before",
        metavar="REV",
        help="also time the code of this git revision, alternating with the current code (each "
        "on its own copy of the store, as the kept index is keyed by the code)",
    )
    parser.add_argument(
        "--strings",
        type=Path,
        default=CROSSREF,
        help="the real affiliation strings to time (CSV with an 'affiliation' column, gzip or "
        "not): by default the whole Crossref set in shared/data/real, or a split of it",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        step, *paths = args.child
        if step == "index":
            from kvrules.refdata import Store
            from kvrules.refdata.cache import prepare

            with Store(Path(paths[0])) as store:
                prepare(store)
            print("{}")
        elif step == "build":
            child_build(Path(paths[0]), Path(paths[1]))
        else:
            child_load(
                Path(paths[0]), Path(paths[1]), int(paths[2]), Path(paths[3]), Path(paths[4])
            )
        return

    with gzip.open(args.base, "rt", encoding="utf-8") as fh:
        real = [r for r in json.load(fh) if r.get("status") == "active"]
    print(f"base: {args.base} ({len(real):,} active real records)")
    with tempfile.TemporaryDirectory() as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        dump, db, names = where / "ror-full.json.gz", where / "refdata.db", where / "names.csv"
        partners, strings = where / "partners.csv", where / "real.csv"
        if not (args.reuse and db.exists() and names.exists()):
            _prepare(real, args.records, args.names, dump, db, names)
        partner_list(names, partners)
        real_strings(strings, args.strings)
        load_before = os.getloadavg()[0]
        old = _child("build", db, names)
        before = None
        if args.before:
            tree = before_tree(args.before, where / "before")
            copy = where / "refdata-before.db"
            if not (args.reuse and copy.exists()):
                shutil.copyfile(db, copy)
            _child("index", copy, tree=tree)  # that code keeps its own index beside the copy
            # alternated, the better of two runs each: the machine is shared
            runs = []
            for _ in range(2):
                runs.append(_child("load", copy, names, 0, partners, strings, tree=tree))
                runs.append(_child("load", db, names, 0, partners, strings))
            before = _best(runs[0::2])
            alternated = _best(runs[1::2])
        new = _child("load", db, names, args.jobs, partners, strings)
        if before:
            new["alternated"] = alternated
    _report(old, new, args.jobs, (load_before, os.getloadavg()[0]), before, args.before)


def _best(runs: list[dict]) -> dict:
    """Per kind of row, the run with the most names/s of CPU."""
    best = runs[0]
    for run in runs[1:]:
        for kind, rate in run["one"].items():
            if rate["cpu"] > best["one"][kind]["cpu"]:
                best["one"][kind] = rate
    return best


def _report(
    old: dict,
    new: dict,
    jobs: int,
    load: tuple[float, float],
    before: dict | None = None,
    rev: str | None = None,
) -> None:
    size = old["size"]
    print(f"load average {load[0]:.1f} before, {load[1]:.1f} after (cores: {os.cpu_count()})")
    print(
        f"index: {size['entries']:,} entries, {size['names']:,} names; built from the store in "
        f"{old['build_seconds']:.1f} s, {old['build_cpu_seconds']:.1f} s CPU (peak RSS "
        f"{old['build_peak_rss_mb']:.0f} MB); kept in {old['write_seconds']:.1f} s "
        f"({old['index_mb']:.0f} MB, peak RSS {old['write_peak_rss_mb']:.0f} MB); "
        f"loaded in {new['load_seconds']:.2f} s, "
        f"{new['load_cpu_seconds']:.2f} s CPU (peak RSS {new['load_peak_rss_mb']:.0f} MB)"
    )
    print(
        f"{old['rows']:,} rows; names/s  previous path (each row on its own) | one process, "
        f"repeats once | {jobs} processes: this one and {jobs - 1} started workers (ready in "
        f"{new['workers_ready_seconds']:.1f} s)"
    )
    print(f"  {'rows':<26} {'wall':>8} {'CPU':>8} | {'wall':>8} {'CPU':>8} | {'wall':>8} repeated")
    for kind, was in old["rates"].items():  # the real strings: timed by the load path only
        one, many = new["one"][kind], new["jobs"][kind]
        print(
            f"  {kind:<26} {was['wall']:>8,.0f} {was['cpu']:>8,.0f} | {one['wall']:>8,.0f} "
            f"{one['cpu']:>8,.0f} | {many['wall']:>8,.0f} {one['repeated']:>8.1%}"
        )
    real = new["one"][REAL]
    print(f"  {REAL:<26} {'':>8} {'':>8} | {real['wall']:>8,.0f} {real['cpu']:>8,.0f}")
    if before:
        print(f"names/s of CPU, alternated, the better of two runs each: {rev} | now")
        for kind, was in before["one"].items():
            now = new["alternated"]["one"][kind]["cpu"]
            print(f"  {kind:<26} {was['cpu']:>8,.0f} | {now:>8,.0f}  ({now / was['cpu']:.2f}x)")
    cpu_one = sum(one["cpu_seconds"] for kind, one in new["one"].items() if kind != REAL)
    print(
        f"CPU for the five passes: one process {cpu_one:.1f} s; {jobs - 1} workers "
        f"{new['workers_cpu_seconds']:.1f} s (with starting and loading the index) beside it"
    )
    print(f"a partner list of {new['partner_rows']:,} rows repeating 2,000 names, one process:")
    for how, rate in new["repeats"].items():
        print(
            f"  {how:<26} {rate['wall']:>8,.0f} {rate['cpu']:>8,.0f} "
            f"({rate['repeated']:.1%} of rows matched from an earlier one)"
        )
    print(
        f"peak RSS: previous path {old['peak_rss_mb']:.0f} MB; this path {new['peak_rss_mb']:.0f}"
        f" MB, each worker at most {new['worker_peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
