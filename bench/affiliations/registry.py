"""Build a larger real ROR registry for the affiliation bench from a ror-records checkout.

ROR's full data dump is not obtainable offline here (ror-community/ror-data holds Git LFS
pointers only), and the snapshot in shared/data/real holds the v2.0 to v2.9 release folders only
(13,503 records, about a tenth of ROR). ror-community/ror-records (CC0 1.0) keeps every
release's new and changed records since v1.0, one JSON file per record: the latest version of
every record id across all its release folders is 51,370 records at commit
d93fc667872f8ef9386896bd6c68bd3c6103603e (48,746 active, 1,250 inactive, 1,374 withdrawn),
about 40% of ROR, and it includes the gold organisation of about 90% of the Crossref strings.
Records not changed since before v1.0 are missing, so this is still not the full registry.

Releases v1.45 onward carry each record in both schemas (``vX/v1/``, ``vX/v2/``); earlier
releases in schema v1 only. kvrules imports schema v2, so a record whose latest version exists
only in schema v1 is converted field by field (name, aliases, acronyms and labels to ``names``;
addresses and country to ``locations``; relationship and organisation types lower-cased;
external ids to a list, and the ``funder`` type for a record with a FundRef id), as ROR's schema
v2 documentation maps them. Checked against the 25,297 records that releases v1.45 to v1.74
carry in both schemas: converted from v1, a random 3,000 of them import into kvrules with the
same name, aliases, labels, acronyms, country, city, status and relationships as their v2 twins
(2 differ in their data: an acronym listed as an alias in v1); 109 differ in the ``funder`` type
and 58 in a FundRef id, which ROR did not assign in step with each other (neither is used to
match).

    git clone https://github.com/ror-community/ror-records   # or: fetch it
    python bench/affiliations/registry.py PATH/ror-records --out /tmp/ror-records-union.json.gz

The output is a JSON array (gzip), as the ``ror`` importer reads a dump.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

_RELEASE = re.compile(r"v\d+(?:\.\d+)*")


def _release_order(folder: str) -> tuple[int, ...]:
    return tuple(int(part) for part in folder[1:].split("."))


def latest_paths(repo: Path, rev: str = "HEAD") -> dict[str, str]:
    """Record id → the path of its latest version (schema v2 preferred within a release)."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", rev],
        capture_output=True,
        text=True,
        check=True,
        cwd=repo,
    ).stdout.split()
    best: dict[str, tuple[tuple[int, ...], int, str]] = {}
    for path in listing:
        parts = path.split("/")
        if not path.endswith(".json") or not _RELEASE.fullmatch(parts[0]) or len(parts) > 3:
            continue
        schema_rank = {"v2": 2, "v1": 0}.get(parts[1], 1) if len(parts) == 3 else 1
        key = (_release_order(parts[0]), schema_rank, path)
        record_id = parts[-1][: -len(".json")]
        if record_id not in best or key > best[record_id]:
            best[record_id] = key
    return {record_id: key[2] for record_id, key in best.items()}


def read_blobs(repo: Path, paths: list[str], rev: str = "HEAD"):
    """Each path's JSON, read through one ``git cat-file --batch``."""
    proc = subprocess.Popen(
        ["git", "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=repo
    )
    assert proc.stdin and proc.stdout
    for path in paths:
        proc.stdin.write(f"{rev}:{path}\n".encode())
        proc.stdin.flush()
        size = int(proc.stdout.readline().split()[2])
        body = proc.stdout.read(size)
        proc.stdout.read(1)
        yield json.loads(body)
    proc.stdin.close()
    proc.wait()


def from_schema_v1(rec: dict[str, Any]) -> dict[str, Any]:
    """A schema v1 record in schema v2's shape (the fields kvrules reads)."""
    names = [{"value": rec["name"], "types": ["ror_display", "label"], "lang": None}]
    names += [{"value": a, "types": ["alias"], "lang": None} for a in rec.get("aliases") or []]
    names += [{"value": a, "types": ["acronym"], "lang": None} for a in rec.get("acronyms") or []]
    names += [
        {"value": label["label"], "types": ["label"], "lang": label.get("iso639")}
        for label in rec.get("labels") or []
    ]
    country = rec.get("country") or {}
    locations = []
    for address in rec.get("addresses") or []:
        city = address.get("geonames_city") or {}
        locations.append(
            {
                "geonames_id": city.get("id"),
                "geonames_details": {
                    "name": address.get("city") or city.get("city"),
                    "country_code": country.get("country_code"),
                    "country_name": country.get("country_name"),
                    "lat": address.get("lat"),
                    "lng": address.get("lng"),
                },
            }
        )
    if not locations and country:
        locations.append(
            {
                "geonames_id": None,
                "geonames_details": {
                    "name": None,
                    "country_code": country.get("country_code"),
                    "country_name": country.get("country_name"),
                },
            }
        )
    external_ids = [
        {"type": kind.lower(), "preferred": ids.get("preferred"), "all": _as_list(ids.get("all"))}
        for kind, ids in (rec.get("external_ids") or {}).items()
    ]
    types = [t.lower() for t in rec.get("types") or []]
    if any(x["type"] == "fundref" for x in external_ids) and "funder" not in types:
        types.append("funder")  # schema v2 marks a record with a FundRef id as a funder
    return {
        "id": rec["id"],
        "names": names,
        "status": rec.get("status", "active"),
        "types": types,
        "established": rec.get("established"),
        "locations": locations,
        "relationships": [
            {"type": r["type"].lower(), "id": r["id"], "label": r.get("label")}
            for r in rec.get("relationships") or []
        ],
        "links": [{"type": "website", "value": u} for u in rec.get("links") or []],
        "domains": [],
        "external_ids": external_ids,
        "admin": {"last_modified": {"date": None, "schema_version": "1.0 (converted)"}},
    }


def _as_list(value: Any) -> list[Any]:
    """Schema v1 gives GRID's ``all`` as one string, the other ids' as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path, help="a ror-records checkout (or bare git directory)")
    parser.add_argument("--out", type=Path, default=Path("/tmp/ror-records-union.json.gz"))
    args = parser.parse_args()
    latest = latest_paths(args.repo)
    converted = 0
    with gzip.open(args.out, "wt", encoding="utf-8") as out:
        out.write("[\n")
        for n, rec in enumerate(read_blobs(args.repo, sorted(latest.values()))):
            if "names" not in rec:
                rec = from_schema_v1(rec)
                converted += 1
            out.write(("," if n else "") + json.dumps(rec, ensure_ascii=False) + "\n")
        out.write("]\n")
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=args.repo
    ).stdout.strip()
    print(
        f"{len(latest):,} records ({converted:,} converted from schema v1) from ror-records "
        f"@ {rev} → {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
