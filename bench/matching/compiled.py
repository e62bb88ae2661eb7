"""Does compiling the per-row matching code pay? Pure Python against Cython, same rows, same index.

    pip install cython     # and a C compiler; neither is a kvrules dependency
    python bench/matching/full_ror.py --base PATH --keep DIR     # once: the store, its index, rows
    python bench/matching/compiled.py DIR [--runs 2]

Copies this tree's ``kvrules`` package to a temporary folder and compiles there, with Cython in
pure-Python mode (the ``.py`` files as they are, no type declarations), the modules each row runs
through: ``normalise``, ``affiliations`` and ``resolver`` (its per-row part cannot be compiled
apart from its index building without moving code). Child processes then load the index kept
in DIR and match the spreadsheet's rows (per kind) and the real Crossref strings through
``batch.match_rows`` and ``batch.write_jsonl``, alternating pure and compiled code ``--runs``
times; the script prints the better names/s of CPU of each per kind, the build's CPU time, and
whether both wrote byte-identical answers. Nothing is compiled in the working tree.

mypyc was measured the same way (issue #16 item 3, bench/affiliations/README.md); it is not
scripted here because it needs source changes first: the resolver's ``from_index`` fills
``__dict__``, which a compiled class does not have, and three local variables need annotations.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import io
import json
import marshal
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MODULES = ("normalise", "affiliations", "resolver")  # kvrules/refdata/*.py, run per row
KINDS = ("exact name", "typo", "unit, organisation, city", "unknown organisation")
REAL = "real affiliation strings"


def child(keep: Path, out: Path) -> None:
    """Load the index kept in ``keep`` and time its rows with whichever kvrules is imported."""
    import gc

    from full_ror import _clear_caches, kept_by_kind

    from kvrules.refdata import batch, resolver
    from kvrules.refdata.cache import MAGIC

    # the kept file's key covers the modules' source files, which a compiled module has not:
    # read the payload as cache.load does, checksum included, but without the key
    with (keep / "refdata.db.index").open("rb") as fh:
        assert fh.read(len(MAGIC)) == MAGIC, "no index kept in DIR: run full_ror.py --keep DIR"
        header, payload = json.loads(fh.readline()), fh.read()
    assert hashlib.sha256(payload).hexdigest() == header["sha256"], "the kept index is damaged"
    gc.disable()
    index = resolver.Resolver.from_index(marshal.loads(payload))
    gc.freeze()
    gc.enable()
    sets = kept_by_kind(keep)
    rates = {}
    with out.open("w", encoding="utf-8") as answers:
        for kind, subset in sets.items():
            _clear_caches()  # every name new to the process
            sink = io.StringIO()
            start, cpu = time.perf_counter(), time.process_time()
            batch.write_jsonl(batch.match_rows(index, subset, remember=0), sink, [])
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
            rates[kind] = {"cpu": len(subset) / cpu, "wall": len(subset) / wall}
            if kind != "all":  # the kinds and the real strings hold every row once
                answers.write(sink.getvalue())
    rates["compiled"] = not resolver.__file__.endswith(".py")
    rates["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(rates))


def compile_copy(where: Path) -> float:
    """This tree's kvrules package in ``where``, the per-row modules compiled; the build's CPU
    seconds (the compiler runs as child processes)."""
    shutil.copytree(
        ROOT / "kvrules", where / "kvrules", ignore=shutil.ignore_patterns("__pycache__", "*.so")
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    sources = [f"kvrules/refdata/{m}.py" for m in MODULES]
    cythonize = Path(sys.executable).with_name("cythonize")
    subprocess.run(
        [str(cythonize), "-i", "-3", "-q", *sources], cwd=where, check=True, capture_output=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def run(keep: Path, out: Path, tree: Path | None) -> dict:
    env = os.environ | {"PYTHONPATH": os.pathsep.join(str(p) for p in (tree, HERE) if p)}
    done = subprocess.run(
        [sys.executable, __file__, str(keep), "--child", str(out)],
        check=True,
        capture_output=True,
        env=env,
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keep", type=Path, help="the folder full_ror.py --keep filled")
    parser.add_argument("--runs", type=int, default=2, help="alternations of pure and compiled")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the answers' file
    args = parser.parse_args()
    if args.child:
        child(args.keep, args.child)
        return
    if not shutil.which("cythonize", path=str(Path(sys.executable).parent)):
        sys.exit("compiled.py needs Cython in this environment: pip install cython")
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        build_cpu = compile_copy(where / "tree")
        pure, compiled = [], []
        for i in range(args.runs):
            pure.append(run(args.keep, where / f"pure{i}.jsonl", None))
            compiled.append(run(args.keep, where / f"compiled{i}.jsonl", where / "tree"))
        assert not pure[0]["compiled"] and compiled[0]["compiled"], "the wrong modules were run"
        same = all(
            filecmp.cmp(where / "pure0.jsonl", where / f"{how}{i}.jsonl", shallow=False)
            for how in ("pure", "compiled")
            for i in range(args.runs)
        )
    print(f"Cython build of {', '.join(MODULES)}: {build_cpu:.0f} s of CPU")
    print(f"load average {os.getloadavg()[0]:.1f}; names/s, the better of {args.runs} runs each")
    head = f"{'pure CPU':>9} {'Cython CPU':>11} {'':>7} | {'pure wall':>9} {'Cython':>9}"
    print(f"  {'rows':<26} {head}")
    for kind in (*KINDS, "all", REAL):
        was, now = (max(r[kind]["cpu"] for r in runs) for runs in (pure, compiled))
        walls = (max(r[kind]["wall"] for r in runs) for runs in (pure, compiled))
        print(
            f"  {kind:<26} {was:>9,.0f} {now:>11,.0f} ({now / was:.2f}x) | "
            + " ".join(f"{w:>9,.0f}" for w in walls)
        )
    print(f"peak RSS {max(r['peak_rss_mb'] for r in pure + compiled):.0f} MB")
    print(f"answers byte-identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
