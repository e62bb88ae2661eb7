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
from kvrules.refdata.importers.bounded import BoundedJSON
from kvrules.refdata.models import Entry

DEFAULTS = {
    "list_id": "ror",
    "kind": "registry",
    "publisher": "ROR",
    "licence": "CC0 1.0",
}
DUMP_INFO = {
    "title": "Research Organization Registry (ROR) data dump",
    "source_url": "https://zenodo.org/communities/ror-data",
}
_VERSION = re.compile(r"v\d+\.\d+(?:\.\d+)?")
# ROR's own name for a release's dump on Zenodo: "v1.55-2024-10-31-ror-data.zip", and the JSON
# inside it ("v1.55-2024-10-31-ror-data_schema_v2.json")
_DUMP_NAME = re.compile(r"^(?P<version>v\d+\.\d+(?:\.\d+)?)-(?P<date>\d{4}-\d{2}-\d{2})-ror-data")
# A full dump holds every active and inactive record (about 120,000 in 2025); a file with far
# fewer records is a subset (a release folder of ror-records, a demo), never the registry
FULL_DUMP = 100_000
_UNIT = "record"


@contextmanager
def open_dump(path: Path) -> Iterator[IO[bytes]]:
    """The dump's JSON as a byte stream: from a Zenodo zip (the schema v2 file), gzip or plain;
    past a UTF-8 byte order mark, which JSON files saved on Windows begin with."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".json")]
            if not names:
                raise ValueError("the zip holds no .json file")
            chosen = next((n for n in names if "schema_v2" in n), None) or names[0]
            with zf.open(chosen) as fh:
                yield _past_bom(fh)
    elif path.name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            yield _past_bom(fh)
    else:
        with path.open("rb") as fh:
            yield _past_bom(fh)


_BOM = b"\xef\xbb\xbf"


def _past_bom(fh: IO[bytes]) -> IO[bytes]:
    """``fh`` (buffered: zip, gzip and file streams all peek) with its UTF-8 BOM read off."""
    if fh.peek(len(_BOM))[: len(_BOM)] == _BOM:  # type: ignore[attr-defined]
        fh.read(len(_BOM))
    return fh


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    parsed = Parsed(info={**DEFAULTS, **provenance(path)})
    parsed.stream = _stream(path, parsed)
    return parsed


def provenance(path: Path) -> dict[str, Any]:
    """What the file says it is: a Zenodo dump by ROR's own name for it (its release and date),
    else records from this file, with the release or range of releases its name gives
    ("ror-records_v2.0-v2.9_latest.json.gz": v2.0-v2.9); no edition when the name gives none
    (the import then asks for --edition)."""
    names = [path.name]
    if not _VERSION.search(path.name) and zipfile.is_zipfile(path):  # a renamed zip's JSON
        with zipfile.ZipFile(path) as zf:
            names += [Path(n).name for n in zf.namelist() if n.endswith(".json")]
    for name in names:
        if dump := _DUMP_NAME.match(name):
            return {**DUMP_INFO, "edition": dump["version"], "published": dump["date"]}
    info: dict[str, Any] = {
        "title": f"ROR records from {path.name}",
        "source_url": path.resolve().as_uri(),
    }
    versions = list(dict.fromkeys(_VERSION.findall(path.name)))
    if versions:
        info["edition"] = versions[0] if len(versions) == 1 else f"{versions[0]}-{versions[-1]}"
    return info


def _stream(path: Path, parsed: Parsed) -> Iterator[Entry]:
    n = 0
    try:
        with open_dump(path) as fh:
            # every stream here is buffered: peek at the first byte without consuming it
            if fh.peek(64).lstrip()[:1] != b"[":  # type: ignore[attr-defined]
                raise ValueError("expected a JSON array of ROR records")
            # a string is capped as it is read, before ijson builds it (a 1 GiB one ran 300 s)
            capped = BoundedJSON(fh)
            for n, rec in enumerate(ijson.items(capped, "item", use_float=True), start=1):
                entry = _entry(parsed, n, rec)
                if entry is not None:
                    yield entry
        if n < FULL_DUMP:  # known once the file is read: the import records it with the edition
            parsed.late_info["partial"] = True
            parsed.late_info["notes"] = (
                f"{n:,} records: a subset of ROR (a full dump holds over {FULL_DUMP:,}); "
                "organisations not in it are not in the index"
            )
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
    # an inactive record names the organisation that carries on (iXBlue → Exail): a match says so
    successors = [
        f"{r.get('label') or '?'} (ror:{str(r.get('id', '')).rsplit('/', 1)[-1]})"
        for r in rec.get("relationships", [])
        if r.get("type") == "successor" and r.get("id")
    ]
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
            **({"successors": successors} if successors else {}),
        },
    )
