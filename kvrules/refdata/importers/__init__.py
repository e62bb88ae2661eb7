"""Importers: one parser per input format; :func:`import_file` validates, then stores atomically.

Every parser returns entries plus line-numbered errors; if there is any error nothing is written,
and the store is changed in a single transaction otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kvrules.errors import KvrulesError
from kvrules.refdata.importers import (
    aspi,
    csl,
    dod1286,
    freedom_house,
    generic,
    nro,
    opensanctions,
    ror,
    uk_sanctions,
)
from kvrules.refdata.importers.base import (
    ImportReport,
    ImportValidationError,
    Parsed,
    Parser,
    RowError,
    add_entry,
    sha256_file,
)
from kvrules.refdata.models import Entry, ListInfo
from kvrules.refdata.store import Store

PARSERS: dict[str, Parser] = {
    "ror": ror.parse,
    "csv": generic.parse,
    "dod1286": dod1286.parse,
    "nro": nro.parse,
    "csl": csl.parse,
    "aspi": aspi.parse,
    "fh": freedom_house.parse,
    "opensanctions": opensanctions.parse,
    "uk_sanctions": uk_sanctions.parse,
}
_INFO_FIELDS = set(ListInfo.model_fields)

__all__ = [
    "PARSERS",
    "Catalogued",
    "ImportReport",
    "ImportValidationError",
    "RowError",
    "all_parsers",
    "import_file",
]


@dataclass(frozen=True, slots=True)
class Catalogued:
    """What kvrules' catalogue (``kvrules.refdata.update``) says of an official list, for a
    file imported by hand to be checked against: the address it is published at, and how many
    entries a complete file has (min, max)."""

    url: str
    entries: tuple[int, int]
    # where the size comes from, as a partial note names it
    sized_by: str = "kvrules' catalogue"


# The publisher's own files a built-in format reads that kvrules does not download (no
# catalogue entry), as a file imported by hand is held to: recorded as the file read, and, where
# the whole list's size is known, partial below it. ASPI's tracker covers 160 to 180+
# institutions (shared/docs/reference-data.md §1; 159 in its 2020 snapshot); Freedom in the
# World rates 195 countries and 15 territories; an OpenSanctions export has no one size.
_HAND_IMPORTED = {
    "aspi": ((100, 1000), "a complete ASPI tracker: about 160 to 180+ institutions"),
    "fh": ((150, 400), "Freedom in the World: 195 countries and 15 territories"),
    "opensanctions": ((1, 10**9), ""),
}


def _hand_imported(fmt: str, info: Mapping[str, Any]) -> Catalogued | None:
    """The rule a hand-imported file of a publisher's list kvrules does not download is held
    to (``_HAND_IMPORTED``): its source is the file unless --source-url says otherwise."""
    if fmt not in _HAND_IMPORTED:
        return None
    size, sized_by = _HAND_IMPORTED[fmt]
    return Catalogued(str(info.get("source_url") or ""), size, sized_by)


def all_parsers() -> dict[str, Parser]:
    """The built-in formats, then those plugins register (a plugin cannot replace a built-in)."""
    from kvrules.plugins import get_reference_importers

    plugins = get_reference_importers()
    return {**{k: v for k, v in plugins.items() if callable(v)}, **PARSERS}


def import_file(
    store: Store,
    fmt: str,
    path: str | Path,
    *,
    replace: bool = False,
    count_range: tuple[int, int] | None = None,
    catalogue: Mapping[str, Catalogued] | None = None,
    **options: Any,
) -> ImportReport:
    """Parse ``path`` with the ``fmt`` parser and store it as one list edition.

    ``options`` override provenance (list_id, edition, title, publisher, source_url, licence,
    citation, published, retrieved_at, partial, notes, kind: the list kind) and carry parser
    options (source; dataset, program, listed_in, topic). ``count_range`` (min, max) refuses a
    file with another number of entries: a truncated file or a changed layout.

    ``catalogue`` (a file imported by hand, `kvrules refdata import`): an official list of it is
    recorded as what the file is, not as the publisher's edition (``_from_file``,
    ``_size_checked``).
    """
    parsers = all_parsers()
    if fmt not in parsers:
        raise ValueError(f"unknown import format {fmt!r}; choose from {', '.join(parsers)}")
    path = Path(path)
    if fmt in PARSERS:
        parsed = PARSERS[fmt](path, options)
    else:
        parsed = _from_plugin(fmt, parsers[fmt], path, options)
    if parsed.stream is None:
        _raise_if_invalid(path, parsed, len(parsed.entries), count_range)
    info_fields: dict[str, Any] = {**parsed.info}
    info_fields.update({k: v for k, v in options.items() if k in _INFO_FIELDS and v is not None})
    official = (catalogue or {}).get(info_fields.get("list_id", ""))
    if official is None and catalogue is not None and fmt in PARSERS:
        official = _hand_imported(fmt, parsed.info)
    if official is not None:
        info_fields.update(_from_file(official, path, options, info_fields))
        if parsed.stream is None:
            info_fields.update(_size_checked(official, len(parsed.entries), options, info_fields))
    info_fields.setdefault("title", info_fields.get("list_id", ""))
    info_fields.setdefault("retrieved_at", datetime.now(UTC))
    info_fields["sha256"] = sha256_file(path)
    try:
        info = ListInfo(**info_fields)
    except ValidationError as exc:
        if parsed.stream is not None:  # the file's own errors first, as for any other format
            _raise_if_invalid(path, parsed, sum(1 for _ in parsed.stream), count_range)
        raise ValueError(_provenance_problem(fmt, exc)) from exc
    if parsed.stream is None:
        count = store.add_edition(info, parsed.entries, replace=replace)
    else:
        entries = _checked(path, parsed, parsed.stream, count_range)

        def late() -> dict[str, Any]:  # what the file turned out to be, unless the person said
            said = {k: v for k, v in parsed.late_info.items() if options.get(k) is None}
            if official is not None and not said.get("partial"):
                # a streamed file is counted only once read: held to the catalogue's size as
                # any other (a 1-entity UK Sanctions List is partial, not the official list)
                known = {**info_fields, **said}
                said.update(_size_checked(official, written[0], options, known))
            return said

        written = [0]  # entries the store was given, counted as the stream passes
        entries = _counted(entries, written)

        count = store.add_edition(info, entries, replace=replace, amend=late)
        info = info.model_copy(update=late())
    return ImportReport(info, count, parsed.skipped, dict(parsed.skip_reasons))


def _from_plugin(fmt: str, parse: Parser, path: Path, options: dict[str, Any]) -> Parsed:
    """A plugin's importer, held to its contract (``hookspecs.register_reference_importers``)
    in one line naming the plugin: an error of its own, a result that is not a Parsed. Entries
    given as plain dicts are validated as ``add_entry`` does, numbered ``entry N``; anything else
    in ``entries`` is a numbered error."""
    from kvrules.contract import PluginError
    from kvrules.plugins import provider

    who = f"plugin '{provider('importers', fmt) or fmt}': importer {fmt!r}"
    try:
        parsed = parse(path, options)
    except (KvrulesError, OSError):
        raise  # the file's or the system's failure, in its own words
    except Exception as exc:
        raise PluginError(f"{who} raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(parsed, Parsed):
        raise PluginError(f"{who} returned {type(parsed).__name__}, expected kvrules.Parsed")
    given, parsed.entries = list(parsed.entries), []
    for number, entry in enumerate(given, start=1):
        if isinstance(entry, Entry):
            parsed.entries.append(entry)
        elif isinstance(entry, dict) and all(isinstance(k, str) for k in entry):
            fields = {k: v for k, v in entry.items() if k not in ("line", "unit", "ref")}
            add_entry(parsed, number, unit="entry", **fields)
        else:
            wrong = (
                f"{who} gave a {type(entry).__name__}: an entry is made with kvrules.add_entry "
                "or given as a dict of its fields"
            )
            parsed.errors.append(RowError(number, wrong, "entry"))
    return parsed


# ListInfo's fields as `kvrules refdata import` sets them, where the name differs
_OPTION = {"kind": "list-kind"}


def _provenance_problem(fmt: str, exc: ValidationError) -> str:
    """One line naming the options the file could not stand in for, and only those: missing
    ones first ("pass --edition: the nro file does not say it"), then bad values."""
    missing, invalid = [], []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        flag = "--" + _OPTION.get(name, name.replace("_", "-"))
        if error["type"] == "missing":
            missing.append(flag)
        else:
            invalid.append(f"{flag} {error.get('input')!r}: {error['msg']}")
    parts = []
    if missing:
        them = "it" if len(missing) == 1 else "them"
        parts.append(f"pass {' and '.join(missing)}: the {fmt} file does not say {them}")
    if invalid:
        parts.append("invalid " + "; ".join(invalid))
    return "; ".join(parts) + "; nothing imported"


def _from_file(
    official: Catalogued, path: Path, options: dict[str, Any], known: dict[str, Any]
) -> dict[str, Any]:
    """A hand-imported file of an official list (``known``: what the parser and the person
    gave; ``options``: what the person gave): its source is the file read, not the publisher's
    address the parser would name, since a hand-made CSV was not downloaded from there
    (``--source-url`` says when it was)."""
    if options.get("source_url") is None and known.get("source_url") in (None, official.url):
        return {"source_url": path.resolve().as_uri()}
    return {}


def _counted(entries: Iterator[Entry], written: list[int]) -> Iterator[Entry]:
    for entry in entries:
        written[0] += 1
        yield entry


def _size_checked(
    official: Catalogued, count: int, options: dict[str, Any], known: dict[str, Any]
) -> dict[str, Any]:
    """Fewer entries than a complete file of an official list has (the catalogue's range, the
    check `refdata update` refuses a download by) make a hand-imported file partial, with the
    reason, so that a miss is never read as "not on the official list"; ``partial=False``
    (``--complete``) is recorded as the person's statement. Every importer is held to it, a
    streamed one (ROR, the UK Sanctions List) once its file is read."""
    said: dict[str, Any] = {}
    low, high = official.entries
    if count >= low or options.get("partial") is True:
        return said
    size = f"{count} entries, where a complete file has {low} to {high} ({official.sized_by})"
    if options.get("partial") is None:
        said["partial"] = True
        why = f"{size}: recorded as partial (import the complete list before relying on it)"
    else:
        why = f"stated complete by the person who imported it (--complete), with {size}"
    said["notes"] = "; ".join(n for n in (known.get("notes"), why) if n)  # the file's, or yours
    return said


def _raise_if_invalid(
    path: Path, parsed: Parsed, count: int, count_range: tuple[int, int] | None = None
) -> None:
    if parsed.errors:
        raise ImportValidationError(str(path), parsed.errors)
    if not count:
        raise ImportValidationError(str(path), [RowError(1, "no entries found")])
    if count_range and not count_range[0] <= count <= count_range[1]:
        low, high = count_range
        message = f"{count} entries, expected {low} to {high} (truncated, or a changed layout)"
        raise ImportValidationError(str(path), [RowError(1, message, "file")])


def _checked(
    path: Path, parsed: Parsed, stream: Iterator[Entry], count_range: tuple[int, int] | None
) -> Iterator[Entry]:
    """Pass a parser's streamed entries on; once the file is read, an error found anywhere in it
    raises inside the store's transaction, which rolls the whole edition back."""
    count = 0
    for entry in stream:
        count += 1
        if not parsed.errors:  # after the first error nothing more is written, only checked
            yield entry
    _raise_if_invalid(path, parsed, count, count_range)
