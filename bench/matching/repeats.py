"""How much of a row's per-stretch work repeats work done for the same row already.

The resolver weighs an affiliation string stretch by stretch (two segments joined, each
segment, cuts inside one). If the same step ran on the same input for several stretches of a
row, reading it once per part would pay; this counts, per kind of row, the calls of each step
and how many of them were on an input the same row had already given it:

    python bench/matching/repeats.py DIR [--rows 2000]

DIR is the ``--keep`` directory of full_ror.py (its kept index, names.csv and real.csv).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _counting(
    owner: Any, name: str, key: Callable[..., Any], calls: Counter, again: Counter, seen: set
) -> None:  # type: ignore[type-arg]
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        k = (name, key(*args, **kwargs))
        if k in seen:
            again[name] += 1
        seen.add(k)
        return real(*args, **kwargs)

    setattr(owner, name, counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the --keep directory of full_ror.py")
    parser.add_argument("--rows", type=int, default=2_000, help="rows per kind")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from paired import _index_state

    from kvrules.refdata import resolver as module
    from kvrules.refdata.resolver import Resolver

    found = Resolver.from_index(_index_state(args.dir / "refdata.db.index"))
    calls: Counter[str] = Counter()
    again: Counter[str] = Counter()
    seen: set[Any] = set()
    steps: dict[str, tuple[Any, Callable[..., Any]]] = {
        "_part": (Resolver, lambda self, part, cc: (part, cc)),
        "_lookup": (Resolver, lambda self, *a, **k: (a, tuple(sorted(k.items())))),
        "analyse": (module, lambda text: text),
        "_place": (module, lambda segment: segment),
        "_locationish": (module, lambda segment: segment),
    }
    for name, (owner, key) in steps.items():
        _counting(owner, name, key, calls, again, seen)

    from full_ror import kept_by_kind

    kinds = kept_by_kind(args.dir, args.rows)
    print("calls per row (repeats within the row)")
    for kind, rows in kinds.items():
        calls.clear()
        again.clear()
        for row in rows:
            seen.clear()
            found.match(" ".join(row.name.split()), row.country or None)
        said = ", ".join(
            f"{name} {calls[name] / len(rows):.2f} ({again[name] / len(rows):.2f})"
            for name in steps
        )
        print(f"  {kind:<26} {said}", flush=True)


if __name__ == "__main__":
    main()
