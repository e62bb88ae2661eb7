"""``kvrules match --file`` on one core and on several, end to end, by file size.

Reads the store and the spreadsheet ``full_ror.py --keep DIR`` left in DIR (its 20,000 mixed
rows, repeated to the sizes asked; every row matched on its own, as distinct names are) and
times, for each size, in this order, alternated ``--runs`` times:

- *one process*: ``batch.match_rows(index, rows, jobs=1)``;
- *beside*: ``jobs=N``: this process matches from the first row, N - 1 workers join it once
  they have loaded the index (the default for more than ``batch.PARALLEL_AFTER`` rows);
- *workers only*: N workers started then, this process only reading and writing rows (how
  ``--jobs`` worked before the round that added *beside*).

Wall clock from the first row to the last result, worker start-up included, and the CPU of
this process and of its workers:

    python bench/matching/cores.py DIR [--sizes 5000 10000 20000 40000] [--jobs 2] [--runs 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers, once shut down
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(run) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    from kvrules.refdata.affiliations import clear_caches

    clear_caches()  # every name new to this process (workers start with empty caches)
    start, cpu = time.perf_counter(), _cpu()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        run(sink)
    return time.perf_counter() - start, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the --keep directory of full_ror.py")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 10_000, 20_000, 40_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    from kvrules.refdata import Store, batch
    from kvrules.refdata.cache import prepare

    with Store(args.dir / "refdata.db") as store:
        index = prepare(store)
    assert not index.built, "run full_ror.py --keep DIR first: it keeps the index"
    index.resolver()
    with (args.dir / "names.csv").open("rb") as fh:
        sheet = list(batch.Input(fh))

    def one(rows):  # type: ignore[no-untyped-def]
        return lambda out: batch.write_jsonl(
            batch.match_rows(index, rows, jobs=1, remember=0), out, []
        )

    shares: list[float] = []  # of the rows, matched by the workers (beside)

    def beside(rows):  # type: ignore[no-untyped-def]
        def run(out) -> None:  # type: ignore[no-untyped-def]
            stats = batch.Stats()
            results = batch.match_rows(index, rows, jobs=args.jobs, stats=stats, remember=0)
            batch.write_jsonl(results, out, [])
            shares.append(stats.by_workers / max(stats.matched, 1))

        return run

    def workers_only(rows):  # type: ignore[no-untyped-def]
        def run(out) -> None:  # type: ignore[no-untyped-def]
            with batch.Workers(index, args.jobs) as workers:
                results = batch.match_rows(index, rows, workers=workers, remember=0)
                batch.write_jsonl(results, out, [])

        return run

    ways = {"one process": one, f"beside, --jobs {args.jobs}": beside}
    ways[f"{args.jobs} workers only"] = workers_only
    print(f"load average {os.getloadavg()[0]:.1f} (cores: {os.cpu_count()})")
    print(
        f"{'rows':>7}  " + "  ".join(f"{w:>30}" for w in ways) + "   rows/s wall (CPU s); "
        "rows the workers matched beside this process"
    )
    for size in args.sizes:
        rows = (sheet * (size // len(sheet) + 1))[:size]
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.runs):
            for way, make in ways.items():
                wall, cpu = _timed(make(rows))
                if way not in best or wall < best[way][0]:
                    best[way] = (wall, cpu)
        cells = [f"{size / wall:>10,.0f} ({cpu:>5.1f} s CPU)" for wall, cpu in best.values()]
        taken = ", ".join(f"{share:.0%}" for share in shares)
        print(f"{size:>7,}  " + "  ".join(f"{c:>30}" for c in cells) + f"   {taken}", flush=True)
        shares.clear()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak RSS: this process {own:.0f} MB, the largest worker {workers:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
