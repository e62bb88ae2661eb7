"""Matching benchmark: ``python bench/matching/run.py [--errors] [--seconds N]``.

Prints precision and recall of the resolver's confident top match on the labelled queries
(queries.jsonl), and throughput in names/s against an index of shipped data plus a synthetic
ROR-like registry (>= 10,000 matchable names). The index is built once, as in enrichment; the
per-name caches of the matching code are cleared before every timed pass so repeats are not free.
"""

from __future__ import annotations

import argparse
import os
import time

from common import build_store, evaluate, load_queries

from kvrules.refdata import Resolver
from kvrules.refdata.affiliations import clear_caches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list misses and wrong matches")
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum timing duration")
    args = parser.parse_args()

    t0 = time.perf_counter()
    store = build_store()
    t1 = time.perf_counter()
    resolver = Resolver(store)
    t2 = time.perf_counter()
    size = resolver.size
    queries = load_queries()
    score, errors = evaluate(resolver, queries)
    labelled = sum(q["expected"] is not None for q in queries)
    print(
        f"index: {size['entries']} entries, {size['names']} matchable names/aliases "
        f"(acronyms excluded), built in {t2 - t1:.2f}s (store load {t1 - t0:.2f}s)"
    )
    print(
        f"queries: {len(queries)} ({labelled} labelled with an organisation, "
        f"{len(queries) - labelled} expected to resolve to nothing)"
    )
    print(
        f"precision {score.precision:.4f}  recall {score.recall:.4f}  "
        f"(tp {score.tp}, fp {score.fp}, fn {score.fn}, tn {score.tn})"
    )
    if args.errors:
        print("\n".join(errors))

    names = [(q["query"], q.get("country")) for q in queries]
    done, elapsed, cpu = 0, 0.0, 0.0
    while elapsed < args.seconds:
        clear_caches()
        start, cpu_start = time.perf_counter(), time.process_time()
        for name, country in names:
            resolver.match(name, country)
        elapsed += time.perf_counter() - start
        cpu += time.process_time() - cpu_start
        done += len(names)
    # CPU time is this process's own: on a shared machine the wall clock also counts waiting
    print(
        f"throughput {done / elapsed:,.0f} names/s, {done / cpu:,.0f} names/s of CPU ({done} "
        f"matches in {elapsed:.2f}s, {cpu:.2f}s CPU, cold name cache each pass; load average "
        f"{os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
