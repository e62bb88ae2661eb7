"""ROR data dump, schema v2 (JSON array of records; the Zenodo zip or a .gz is read directly).

Per record: ``id`` → entry id and ROR id; the ``ror_display`` name → name; ``label`` and
``alias`` names → aliases, or native names when not in Latin script; ``acronym`` → acronyms;
``locations[0].geonames_details.country_code`` → country (Kosovo's user-assigned ``XK``
included); a ``parent`` relationship → parent. Withdrawn records are skipped.

A full dump (about 120,000 records) is streamed: records are parsed one at a time with ijson and
written as they are read, so memory stays flat. Errors name the record number (1-based) and id.
"""

from __future__ import annotations

import gzip
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import ijson

from kvrules.refdata.importers.base import Parsed, RowError, check_entry
from kvrules.refdata.models import Entry

DEFAULTS = {
    "list_id": "ror",
    "kind": "registry",
    "title": "Research Organization Registry (ROR) data dump",
    "publisher": "ROR",
    "source_url": "https://zenodo.org/communities/ror-data",
    "licence": "CC0 1.0",
}
_VERSION = re.compile(r"v\d+\.\d+(?:\.\d+)?")
_UNIT = "record"


@contextmanager
def open_dump(path: Path) -> Iterator[IO[bytes]]:
    """The dump's JSON as a byte stream: from a Zenodo zip (the schema v2 file), gzip or plain."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".json")]
            if not names:
                raise ValueError("the zip holds no .json file")
            chosen = next((n for n in names if "schema_v2" in n), None) or names[0]
            with zf.open(chosen) as fh:
                yield fh
    elif path.name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            yield fh
    else:
        with path.open("rb") as fh:
            yield fh


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    info = dict(DEFAULTS)
    found = _VERSION.search(path.name)
    if found:
        info["edition"] = found.group(0)
    parsed = Parsed(info=info)
    parsed.stream = _stream(path, parsed)
    return parsed


def _stream(path: Path, parsed: Parsed) -> Iterator[Entry]:
    n = 0
    try:
        with open_dump(path) as fh:
            # every stream here is buffered: peek at the first byte without consuming it
            if fh.peek(64).lstrip()[:1] != b"[":  # type: ignore[attr-defined]
                raise ValueError("expected a JSON array of ROR records")
            for n, rec in enumerate(ijson.items(fh, "item", use_float=True), start=1):
                entry = _entry(parsed, n, rec)
                if entry is not None:
                    yield entry
    except (ijson.JSONError, ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        # a truncated or corrupted file: name the last good record so the break can be found
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]  # yajl: 1st line
        parsed.errors.append(
            RowError(n + 1, f"not a complete ROR JSON dump ({reason}) after record {n}", _UNIT)
        )


def _entry(parsed: Parsed, n: int, rec: Any) -> Entry | None:
    if not isinstance(rec, dict) or not isinstance(rec.get("names"), list):
        parsed.errors.append(RowError(n, "not a ROR v2 record (no names array)", _UNIT))
        return None
    ref = str(rec.get("id") or "") or None
    if rec.get("status") == "withdrawn":
        parsed.skip("withdrawn")
        return None
    display = [x["value"] for x in rec["names"] if "ror_display" in x.get("types", [])]
    if len(display) != 1:
        parsed.errors.append(RowError(n, "needs exactly one ror_display name", _UNIT, ref))
        return None
    aliases, native, acronyms = [], [], []
    for item in rec["names"]:
        types, value = item.get("types", []), item.get("value", "")
        if "acronym" in types:
            acronyms.append(value)
        elif value != display[0] and ("alias" in types or "label" in types):
            (aliases if _latin(value) else native).append(value)
    locations = rec.get("locations") or [{}]
    place = locations[0].get("geonames_details") or {}
    parent = next((r for r in rec.get("relationships", []) if r.get("type") == "parent"), {})
    ids = {
        str(x.get("type", "")).lower(): x.get("preferred") or (x.get("all") or [""])[0]
        for x in rec.get("external_ids", [])
    }
    return check_entry(
        parsed,
        n,
        unit=_UNIT,
        ref=ref,
        entry_id=str(rec.get("id", "")).rsplit("/", 1)[-1],
        name=display[0],
        aliases=aliases,
        native_names=native,
        acronyms=acronyms,
        country=place.get("country_code"),
        ror_id=rec.get("id"),
        parent_ror_id=parent.get("id"),
        parent_name=parent.get("label"),
        identifiers={k: v for k, v in ids.items() if k and v},
        attributes={
            "types": [str(t).lower() for t in rec.get("types", [])],
            "status": rec.get("status", "active"),
            "city": place.get("name"),
        },
    )
