"""Every answer the matching benches give, one JSON line per string, for diffing two revisions.

A speed change must not move any answer. This writes, for each string, everything the resolver
says about it (every match with every field, the organisations an affiliation string names,
the one it resolves to), so that ``diff`` of two dumps shows any answer that moved:

    python bench/matching/answers.py queries OUT            # bench/matching/queries.jsonl
    python bench/matching/answers.py affiliations OUT --data DIR --split train [--ror DUMP]
    python bench/matching/answers.py rows OUT CSV... --db STORE   # match --file's output

``rows`` reads the spreadsheets full_ror.py writes (``--keep DIR``: DIR/refdata.db,
DIR/names.csv, DIR/real.csv) through ``batch.match_rows`` and ``batch.write_jsonl``, as
``kvrules match --file`` does, with every row matched on its own, in one process or with
``--jobs N`` (this process and N - 1 workers).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
AFFILIATIONS = HERE.parent / "affiliations"
SHARED_ROR = HERE.parents[2] / "shared" / "data" / "real" / "ror-records_v2.0-v2.9_latest.json.gz"


def _said(resolver, text: str, country: str | None = None) -> dict:
    orgs = resolver.match_affiliation(text, country)
    one = resolver.resolve(text, country)
    return {
        "text": text,
        "country": country,
        "match": [m.as_dict() for m in resolver.match(text, country)],
        "organisations": [
            {"span": o.span, "with_unit": o.with_unit, "matches": [m.as_dict() for m in o.matches]}
            for o in orgs
        ],
        "resolve": one.as_dict() if one else None,
    }


def queries(out: Path) -> None:
    sys.path.insert(0, str(HERE))
    from common import build_store, load_queries

    from kvrules.refdata import Resolver

    resolver = Resolver(build_store())
    with out.open("w", encoding="utf-8") as fh:
        for q in load_queries():
            fh.write(json.dumps(_said(resolver, q["query"], q.get("country"))) + "\n")


def affiliations(out: Path, data: Path, split: str, ror: Path) -> None:
    sys.path.insert(0, str(AFFILIATIONS))
    from common import build_store, load_split

    from kvrules.refdata import Resolver

    resolver = Resolver(build_store(ror))
    with out.open("w", encoding="utf-8") as fh:
        for text, _ in load_split(data, split):
            fh.write(json.dumps(_said(resolver, text)) + "\n")


def rows(out: Path, db: Path, sheets: list[Path], jobs: int = 1) -> None:
    from kvrules.refdata import Store, batch
    from kvrules.refdata.cache import prepare

    with Store(db) as store:
        index = prepare(store)
    with out.open("w", encoding="utf-8") as fh:
        for sheet in sheets:
            with sheet.open("rb") as src:
                results = batch.match_rows(index, batch.Input(src), jobs=jobs, remember=0)
                batch.write_jsonl(results, fh, index.searched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["queries", "affiliations", "rows"])
    parser.add_argument("out", type=Path)
    parser.add_argument("sheets", nargs="*", type=Path, help="rows: the spreadsheets")
    parser.add_argument("--data", type=Path, help="affiliations: the Crossref set's folder")
    parser.add_argument("--split", choices=["train", "test"], default="train")
    parser.add_argument("--ror", type=Path, default=SHARED_ROR, help="affiliations: registry")
    parser.add_argument("--db", type=Path, help="rows: the reference store")
    parser.add_argument("--jobs", type=int, default=1, help="rows: processes that match")
    args = parser.parse_args()
    if args.what == "queries":
        queries(args.out)
    elif args.what == "affiliations":
        affiliations(args.out, args.data, args.split, args.ror)
    else:
        rows(args.out, args.db, args.sheets, args.jobs)


if __name__ == "__main__":
    main()
