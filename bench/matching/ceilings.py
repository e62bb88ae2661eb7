"""How much faster ``match --file`` could get if one step of matching cost nothing.

Before building a faster step, measure the most it can give: this answers a step from a table
recorded on a first pass over the same rows (a perfect, free version of the step) and times
the rows with the real step and with the free one, paired in one process: the two alternate
every ``--step`` rows, every per-name cache cleared at each switch, so both see the same load
(the shared machine's load moves single runs by ±20%). The steps:

- ``misses``: every exact look-up of a stretch that finds nothing (``Resolver._lookup``
  returning []) is skipped — what the best candidate generator (an Aho-Corasick pass over
  all index keys, a trie …) could save, as it can only spare the look-ups that miss;
- ``fuzzy``: the typo step (``Resolver._fuzzy``) — what a deletion index (SymSpell) or any
  other typo correction could save;
- ``resolver``: ``Resolver.match`` itself — what is left is match --file's own work (rows to
  queries, matches to JSON), the ceiling of any change to the matcher.

Reads the store and the spreadsheets ``full_ror.py --keep DIR`` left in DIR:

    python bench/matching/ceilings.py DIR [misses fuzzy resolver] [--rows 2000] [--step 250]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _free(cls: Any, method: str, key: Callable[..., Any], misses_only: bool = False):  # type: ignore[no-untyped-def]
    """(record, free, restore) for ``cls.method``: record its answers by ``key`` of the
    arguments; answer from the record (``misses_only``: [] for a call that found nothing, the
    real method for the others); put the real method back."""
    real = getattr(cls, method)
    table: dict[Any, Any] = {}

    def recording(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        if out or not misses_only:
            table[key(*args, **kwargs)] = out
        return out

    def free(*args: Any, **kwargs: Any) -> Any:
        k = key(*args, **kwargs)
        if misses_only:
            return real(*args, **kwargs) if k in table else []
        return table[k]

    return (
        lambda: setattr(cls, method, recording),
        lambda: setattr(cls, method, free),
        lambda: setattr(cls, method, real),
    )


def _steps() -> dict[str, tuple[Callable[[], None], ...]]:
    from kvrules.refdata.resolver import Resolver

    def lookup_key(self, text, cc, score, method=None, written=None, inner=False):  # type: ignore[no-untyped-def]
        return (text, cc, score, method, written, inner)

    def match_key(self, name, country=None, ror_id=None):  # type: ignore[no-untyped-def]
        return (name, country, ror_id)

    return {
        "misses": _free(Resolver, "_lookup", lookup_key, misses_only=True),
        "fuzzy": _free(Resolver, "_fuzzy", lambda self, text, cc: (text, cc)),
        "resolver": _free(Resolver, "match", match_key),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the --keep directory of full_ror.py")
    parser.add_argument("steps", nargs="*", default=["misses", "fuzzy", "resolver"])
    parser.add_argument("--rows", type=int, default=2_000, help="rows per kind")
    parser.add_argument("--step", type=int, default=250, help="rows between switches")
    args = parser.parse_args()

    from kvrules.refdata import Store, batch
    from kvrules.refdata.affiliations import clear_caches
    from kvrules.refdata.cache import prepare

    with Store(args.dir / "refdata.db") as store:
        index = prepare(store)
    assert not index.built, "run full_ror.py --keep DIR first: it keeps the index"
    resolver = index.resolver()

    from full_ror import kept_by_kind

    kinds = kept_by_kind(args.dir, args.rows)
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - the whole run

    def matched(rows: list[batch.Row]) -> float:
        clear_caches()
        start = time.process_time()
        batch.write_jsonl(batch.match_rows(resolver, rows, remember=0), sink, [])
        return time.process_time() - start

    steps = _steps()
    print(
        f"load average {os.getloadavg()[0]:.1f}; names/s of CPU, real step | free step", flush=True
    )
    for step in args.steps:
        record, free, restore = steps[step]
        record()
        for rows in kinds.values():
            matched(rows)
        restore()
        print(f"{step}:")
        for kind, rows in kinds.items():
            spent = {"real": 0.0, "free": 0.0}
            for at in range(0, len(rows), args.step):
                chunk = rows[at : at + args.step]
                order = ("real", "free") if (at // args.step) % 2 == 0 else ("free", "real")
                for way in order:
                    (free if way == "free" else restore)()
                    spent[way] += matched(chunk)
            restore()
            was, now = len(rows) / spent["real"], len(rows) / spent["free"]
            print(f"  {kind:<26} {was:>8,.0f} | {now:>8,.0f}  ({now / was:.2f}x)", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
