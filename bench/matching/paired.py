"""An earlier resolver (or kvrules) against the current one, paired in one process, same answers.

A change to the resolver's per-row path is worth keeping only if it pays, and a child process's
CPU rate moves by ±15-30% from one run to the next on the shared machine: so both are timed in
one process, on the same loaded index, alternating every ``--step`` rows with every per-name
cache cleared at each switch (so both see the same load and cold caches). Both resolvers are
made from the one index file ``full_ror.py --keep DIR`` left beside DIR/refdata.db (its
content does not depend on the per-row code, so it is read whatever code kept it); the earlier
module is the file given, imported beside the current one (a copy of ``resolver.py`` made
before the change: ``git show REV:kvrules/refdata/resolver.py > /tmp/old.py``), or, for a
change beyond ``resolver.py`` (the parsing, the name analysis), the whole ``kvrules`` package of
a git revision, imported beside the current one as ``kvrules_old`` with its own caches, batch
code and cache clearing. Every row's output (``batch.write_jsonl``, as ``kvrules match --file``
writes it) must be the same from both, or the script stops at the first row that differs.

    python bench/matching/paired.py DIR OLD.py|REV [--rows 2000] [--step 250] [--runs 1]
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace


def _index_state(path: Path) -> dict:
    """The kept index's plain values, whatever code kept it (the key is the header's own)."""
    import marshal

    from kvrules.refdata import cache

    with path.open("rb") as fh:
        assert fh.read(len(cache.MAGIC)) == cache.MAGIC, f"{path}: not a kept index"
        header = json.loads(fh.readline())
    found = cache._read(path, header["key"])
    assert found is not None, f"{path}: damaged"
    return marshal.loads(found[1])


def _old_module(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("kvrules_refdata_resolver_old", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _old_package(rev: str) -> SimpleNamespace:
    """The ``kvrules`` package of git revision ``rev``, importable as ``kvrules_old`` (its own
    modules, so its own per-name caches): its Resolver, batch module and cache clearing."""
    import importlib

    where = Path(tempfile.mkdtemp(prefix="paired-"))
    archive = subprocess.run(
        ["git", "archive", rev, "kvrules"], cwd=HERE.parents[1], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    (where / "kvrules").rename(where / "kvrules_old")
    own = re.compile(r"\bkvrules(?=[. ])")  # "from kvrules.x", "import kvrules", "kvrules.refdata"
    for source in (where / "kvrules_old").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(own.sub("kvrules_old", text), encoding="utf-8")
    sys.path.insert(0, str(where))
    return SimpleNamespace(
        Resolver=importlib.import_module("kvrules_old.refdata.resolver").Resolver,
        batch=importlib.import_module("kvrules_old.refdata.batch"),
        clear_caches=importlib.import_module("kvrules_old.refdata.affiliations").clear_caches,
    )


HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path, help="the --keep directory of full_ror.py")
    parser.add_argument("old", help="the earlier resolver.py, or a git revision of kvrules")
    parser.add_argument("--rows", type=int, default=2_000, help="rows per kind")
    parser.add_argument("--step", type=int, default=250, help="rows between switches")
    parser.add_argument("--runs", type=int, default=1, help="passes over every kind")
    parser.add_argument("--kinds", nargs="*", help="only these kinds of rows (default: all)")
    args = parser.parse_args()

    import gc

    from kvrules.refdata import batch
    from kvrules.refdata.affiliations import clear_caches
    from kvrules.refdata.resolver import Resolver

    gc.disable()
    state = _index_state(args.dir / "refdata.db.index")
    current = SimpleNamespace(Resolver=Resolver, batch=batch, clear_caches=clear_caches)
    if Path(args.old).is_file():  # an earlier resolver.py, beside the current package
        old = _old_module(Path(args.old)).Resolver
        earlier = SimpleNamespace(**vars(current) | {"Resolver": old})
    else:
        earlier = _old_package(args.old)
    ways = {"old": earlier, "new": current}
    resolvers = {way: code.Resolver.from_index(dict(state)) for way, code in ways.items()}
    del state
    gc.freeze()
    gc.enable()

    from full_ror import REAL, kept_by_kind

    kinds = kept_by_kind(args.dir, args.rows)
    kinds = {k: rows for k, rows in kinds.items() if not args.kinds or k in args.kinds}

    def matched(way: str, rows: list[batch.Row]) -> tuple[float, str]:
        code = ways[way]
        code.clear_caches()
        out = io.StringIO()
        start = time.process_time()
        code.batch.write_jsonl(code.batch.match_rows(resolvers[way], rows, remember=0), out, [])
        return time.process_time() - start, out.getvalue()

    # what a process loads once (pycountry's tables, on the first country read) is loaded
    # before the clock runs: it would otherwise fall on whichever way goes first
    for way in resolvers:
        matched(way, kinds[REAL][:50] + kinds["all"][:50])
    print(f"load average {os.getloadavg()[0]:.1f}; names/s of CPU, old | new", flush=True)
    for run in range(args.runs):
        print(f"run {run + 1}:")
        for kind, rows in kinds.items():
            spent = {"old": 0.0, "new": 0.0}
            for at in range(0, len(rows), args.step):
                chunk = rows[at : at + args.step]
                order = ("old", "new") if (at // args.step + run) % 2 == 0 else ("new", "old")
                said = {}
                for way in order:
                    seconds, said[way] = matched(way, chunk)
                    spent[way] += seconds
                if said["old"] != said["new"]:
                    pairs = zip(said["old"].splitlines(), said["new"].splitlines(), strict=True)
                    old, new = next((a, b) for a, b in pairs if a != b)
                    sys.exit(f"answers differ ({kind}):\n  old {old}\n  new {new}")
            was, now = len(rows) / spent["old"], len(rows) / spent["new"]
            print(f"  {kind:<26} {was:>8,.0f} | {now:>8,.0f}  ({now / was:.2f}x)", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}; answers identical on every row")


if __name__ == "__main__":
    main()
