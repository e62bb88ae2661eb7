"""OpenSanctions bulk exports (FollowTheMoney): ``targets.nested.json``, ``entities.ftm.json``
and ``targets.simple.csv`` (optionally gzip-compressed).

Licence: OpenSanctions data is licensed CC BY-NC 4.0; commercial use needs an OpenSanctions
licence. kvrules ships this importer and small *synthetic* test fixtures only, never
OpenSanctions data: an institution downloads the export itself, under its own licence, and
imports it (``kvrules refdata import opensanctions FILE …``). The default provenance says so.

Formats (detected by extension, then by the first character):
- JSON lines, one FtM entity per line (``{"id", "schema", "properties": {prop: [values]},
  "datasets", "first_seen", "last_seen", "target", "referents"}``). In the nested form
  (``targets.nested.json``) a target's Sanction entities sit in ``properties.sanctions``; in the
  flat form (``entities.ftm.json``) they are separate lines whose ``properties.entity`` names the
  target (or one of its ``referents``), joined in a second pass over the file. The file is read
  line by line, never loaded whole; memory grows with the organisations that pass the
  ``dataset``/``topic`` filters (the ``program``/``listed_in`` filters apply after the join).
- ``targets.simple.csv`` (``id, schema, name, aliases, countries, identifiers, sanctions,
  program_ids, dataset, first_seen, last_seen, last_change`` …; multi-values ";"-separated, with
  CSV quoting). Its ``dataset`` column holds dataset *titles*, and it has no topics or listing
  dates. Older exports without ``program_ids`` cannot be filtered by program.

Only organisation-like targets are imported: schemas Organization, Company, PublicBody and
LegalEntity. People (kvrules screens organisations, never people), vessels, addresses,
ownerships … and non-target entities (``"target": false``) are counted as skipped; Sanction
records are merged into their target and not counted.

Mapping: the entity id → entry id; the caption (else the first Latin-script ``name``) → name;
other ``name``, ``alias`` and ``previousName`` values → aliases, or native names when not in
Latin script, or acronyms when they are bare acronyms; ``weakAlias`` → acronyms (FtM marks weak
aliases unmatchable, and kvrules never matches acronyms alone); ``mainCountry``, then
``jurisdiction``, then ``country`` → country (ISO alpha-2; several or unknown codes are also kept
in the ``countries`` attribute); ``wikidataId``, ``leiCode``, ``registrationNumber`` … →
identifiers. Attributes: schema, datasets, topics, program_ids, programs, listing_dates,
sanctions (program, program_id, authority, listing/start/end date, reason, status, source_url),
source_urls, website, notes (e.g. "see: <listed organisation>" on an NRO alias that OpenSanctions
emits as an organisation of its own), first_seen, last_seen, last_change; from the CSV: schema,
datasets, program_ids, sanctions (as exported text), identifiers, first_seen, last_seen,
last_change.

Filters (``opts``, all optional, combined with AND): ``dataset`` (entity ``datasets``; for the CSV
a dataset title, case-insensitive), ``program`` (a sanction's ``programId``, e.g.
US-MCCAIN-1286), ``listed_in`` (a sanction's ``listingDate`` — or ``startDate`` when it has none
— starts with this text, e.g. ``2025``; with ``program`` the same sanction must match both) and
``topic``. In ``us_special_leg`` OpenSanctions keeps one entity per institution with one
sanction per 1286 edition (``listingDate`` = the report year), so an institution dropped in FY25
still carries its FY24 sanction: use ``listed_in`` to import one edition (without it, the
edition's notes warn when the kept entries span several years). ``listed_in`` and ``topic`` need
the JSON export.

Errors (line numbers are physical lines, 1-based): a file that cannot be read (damaged gzip, not
UTF-8, CSV the reader rejects), a line that is not JSON, an entity without an id or schema, a
property that is not a list, an organisation the filters keep without a name, an unknown or
missing CSV column, a filter that leaves nothing.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kvrules import jsonguard
from kvrules.refdata.countries import to_country
from kvrules.refdata.importers.base import Parsed, RowError, add_entry
from kvrules.refdata.importers.bounded import TooLong
from kvrules.refdata.normalise import is_acronym

DEFAULTS = {
    "list_id": "opensanctions",
    "kind": "designation",
    "title": "OpenSanctions export",
    "publisher": "OpenSanctions",
    "source_url": "https://www.opensanctions.org/datasets/",
    "licence": "CC BY-NC 4.0 (OpenSanctions); commercial use needs an OpenSanctions licence",
}
ORG_SCHEMAS = frozenset({"Organization", "Company", "PublicBody", "LegalEntity"})
# FtM identifier properties → identifier schemes (the first value of each is kept).
ID_PROPS = {
    "wikidataId": "wikidata",
    "leiCode": "lei",
    "registrationNumber": "registration",
    "uscCode": "uscc",
    "innCode": "inn",
    "ogrnCode": "ogrn",
    "okpoCode": "okpo",
    "taxNumber": "tax",
    "vatCode": "vat",
    "swiftBic": "swift",
    "dunsCode": "duns",
    "uniqueEntityId": "uei",
    "cageCode": "cage",
    "permId": "permid",
    "idNumber": "id_number",
}
_NAME_PROPS = ("name", "alias", "previousName")
_COUNTRY_PROPS = ("mainCountry", "jurisdiction", "country")
_OTHER_PROPS = ("weakAlias", "topics", "sourceUrl", "website", "program", "programId", "notes")
_KEEP_PROPS = frozenset({*_NAME_PROPS, *_COUNTRY_PROPS, *ID_PROPS, *_OTHER_PROPS})
_SANCTION_PROPS = {
    "program": "program",
    "programId": "program_id",
    "authority": "authority",
    "listingDate": "listing_date",
    "startDate": "start_date",
    "endDate": "end_date",
    "reason": "reason",
    "status": "status",
    "sourceUrl": "source_url",
}
CSV_COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "program_ids",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
)
_CSV_REQUIRED = ("id", "schema", "name")
_META = ("first_seen", "last_seen", "last_change")
_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_SEEN_CAP = 200  # distinct datasets / program ids remembered for the "nothing matched" message
# targets.simple.csv writes all of an entity's aliases (or sanctions) into one cell, which can
# exceed the csv module's default limit of 128 KiB
_CSV_FIELD_LIMIT = 64 * 2**20


@dataclass(frozen=True, slots=True)
class _Filters:
    dataset: str | None = None
    program: str | None = None
    listed_in: str | None = None
    topic: str | None = None

    @classmethod
    def from_opts(cls, opts: dict[str, Any]) -> _Filters:
        def get(key: str) -> str | None:
            value = str(opts.get(key) or "").strip()
            return value or None

        return cls(get("dataset"), get("program"), get("listed_in"), get("topic"))

    def describe(self) -> str:
        parts = [
            f"{label} {value}"
            for label, value in (
                ("dataset", self.dataset),
                ("program", self.program),
                ("listed in", self.listed_in),
                ("topic", self.topic),
            )
            if value
        ]
        return ", ".join(parts)

    def dataset_ok(self, datasets: Iterable[str]) -> bool:
        if not self.dataset:
            return True
        wanted = self.dataset.casefold()
        return any(wanted in (d.casefold(), _underscored(d)) for d in datasets)

    def topic_ok(self, topics: Iterable[str]) -> bool:
        return not self.topic or self.topic.casefold() in {t.casefold() for t in topics}

    def sanction_ok(self, sanction: _Sanction) -> bool:
        if self.program and not _has(sanction.values.get("programId", []), self.program):
            return False
        return not self.listed_in or any(d.startswith(self.listed_in) for d in sanction.listed())


@dataclass(slots=True)
class _Sanction:
    key: str
    values: dict[str, list[str]]

    def listed(self) -> list[str]:
        return self.values.get("listingDate") or self.values.get("startDate") or []

    def as_attribute(self) -> dict[str, str]:
        return {
            label: "; ".join(self.values[prop])
            for prop, label in _SANCTION_PROPS.items()
            if self.values.get(prop)
        }


@dataclass(slots=True)
class _Candidate:
    """An organisation kept from the first pass, reduced to the properties the entry uses."""

    line: int
    id: str
    schema: str
    caption: str | None
    props: dict[str, list[str]]
    datasets: list[str]
    meta: dict[str, str]
    sanctions: dict[str, _Sanction] = field(default_factory=dict)

    def add_sanction(self, sanction: _Sanction) -> None:
        self.sanctions.setdefault(sanction.key, sanction)


@dataclass(slots=True)
class _Seen:
    """Datasets and program ids of the organisations read, to explain an empty result."""

    datasets: set[str] = field(default_factory=set)
    programs: set[str] = field(default_factory=set)

    def note(self, datasets: Iterable[str], programs: Iterable[str]) -> None:
        for target, values in ((self.datasets, datasets), (self.programs, programs)):
            for v in values:
                if len(target) < _SEEN_CAP:
                    target.add(v)


def parse(path: Path, opts: dict[str, Any]) -> Parsed:
    filters = _Filters.from_opts(opts)
    info = dict(DEFAULTS)
    if filters.describe():
        info["title"] = f"OpenSanctions export ({filters.describe()})"
        info["notes"] = f"Filtered from an OpenSanctions export: {filters.describe()}."
    parsed = Parsed(info=info)
    try:
        fmt = _sniff(path)
        if fmt == "csv":
            _parse_csv(path, filters, parsed)
        else:
            _parse_jsonl(path, filters, parsed)
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        # zlib.error: a damaged .gz (a truncated one is EOFError, a non-gzip one OSError)
        parsed.errors.append(RowError(1, f"cannot read the file: {exc}"))
    return parsed


# -- reading -------------------------------------------------------------------------------


def _open_text(path: Path) -> IO[str]:
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    if gzipped:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def _sniff(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".json", ".jsonl", ".ndjson")):
        return "json"
    with _open_text(path) as fh:
        head = fh.read(4096).lstrip()
    return "json" if head[:1] in ("{", "[") else "csv"


# -- JSON lines ----------------------------------------------------------------------------

# One FtM entity per line: the largest real ones are some hundred kilobytes. A line is read no
# further than this (a file of one 1 GiB line would be read whole before json.loads saw it).
MAX_LINE_CHARS = 5_000_000  # as RecordLimits.max_record_chars


def _bounded_lines(fh: IO[str]) -> Iterator[str]:
    """The lines of ``fh``; TooLong at the first longer than ``MAX_LINE_CHARS``."""
    while line := fh.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise TooLong(f"a line of more than {MAX_LINE_CHARS:,} characters")
        yield line


def _stop_at_too_long(
    lines: Iterator[tuple[int, str]], parsed: Parsed
) -> Iterator[tuple[int, str]]:
    """``lines`` until one is too long: then one error (nothing is imported) and no more."""
    n = 0
    try:
        for n, line in lines:
            yield n, line
    except TooLong as exc:
        parsed.errors.append(RowError(n + 1, f"{exc}: is this an OpenSanctions JSON lines file?"))


def _parse_jsonl(path: Path, filters: _Filters, parsed: Parsed) -> None:
    kept: dict[str, _Candidate] = {}
    referents: dict[str, str] = {}  # an id merged into a kept entity → that entity's id
    flat_sanctions = False
    seen = _Seen()
    first_line = True
    with _open_text(path) as fh:
        lines = enumerate(_bounded_lines(fh), start=1)
        for n, line in _stop_at_too_long(lines, parsed):
            if not line.strip():
                continue
            if first_line and line.lstrip().startswith("["):
                msg = "a JSON array; expected JSON lines (one FtM entity per line)"
                parsed.errors.append(RowError(n, msg))
                return
            first_line = False
            try:
                rec = jsonguard.loads(line)
            except json.JSONDecodeError as exc:
                msg = f"not JSON: {exc.msg} (column {exc.colno})"
                parsed.errors.append(RowError(n, msg))
                continue
            problem = _check_entity(rec)
            if problem:
                parsed.errors.append(RowError(n, problem))
                continue
            schema = rec["schema"]
            if schema == "Sanction":
                flat_sanctions = True
                continue
            if schema not in ORG_SCHEMAS or rec.get("target") is False:
                parsed.skip("not organisations or not targets")
                continue
            cand = _candidate(n, rec)
            seen.note(cand.datasets, _program_ids(cand))
            if not (filters.dataset_ok(cand.datasets) and filters.topic_ok(cand.props["topics"])):
                parsed.skip("outside --dataset or --topic")
                continue
            if not cand.props["name"]:  # checked after the filters: only what is imported
                parsed.errors.append(RowError(n, f"{cand.id}: {cand.schema} without a name"))
                continue
            first = kept.get(cand.id)
            if first is not None:
                parsed.errors.append(
                    RowError(n, f"duplicate entity id {cand.id!r} (first on line {first.line})")
                )
                continue
            kept[cand.id] = cand
            for ref in rec.get("referents") or []:
                if isinstance(ref, str):
                    referents.setdefault(ref, cand.id)
    if parsed.errors:
        return
    if flat_sanctions and kept:
        _join_flat_sanctions(path, kept, referents)
    years: set[str] = set()
    for cand in kept.values():
        if not _keep_by_sanctions(cand, filters):
            parsed.skip("outside --program or --listed-in")
            continue
        if add_entry(parsed, cand.line, **_entry_fields(cand)) and filters.program:
            years.update(
                d[:4]
                for s in cand.sanctions.values()
                if _has(s.values.get("programId", []), filters.program)
                for d in s.listed()
            )
    _finish(parsed, filters, seen, years if not filters.listed_in else ())


def _check_entity(rec: Any) -> str | None:
    """Why a record is not a FtM entity, or None."""
    if not isinstance(rec, dict):
        return "not a JSON object"
    for key in ("id", "schema"):
        if not isinstance(rec.get(key), str) or not rec[key].strip():
            return f"entity without {'an id' if key == 'id' else 'a schema'}"
    return _bad_properties(rec.get("properties", {}), "")


def _bad_properties(props: Any, where: str) -> str | None:
    if not isinstance(props, dict):
        return f"{where}properties is not an object"
    for name, values in props.items():
        if not isinstance(values, list):
            return f"property {where + str(name)!r} is not a list"
        for i, value in enumerate(values):
            if isinstance(value, dict):  # a nested entity (targets.nested.json)
                problem = _bad_properties(value.get("properties", {}), f"{where}{name}[{i}].")
                if problem:
                    return problem
    return None


def _strings(values: Any) -> list[str]:
    """The non-empty string values of a property (nested entities are left out)."""
    out: dict[str, None] = {}
    for v in values or []:
        if isinstance(v, str) and v.strip():
            out.setdefault(v.strip(), None)
    return list(out)


def _candidate(line: int, rec: dict[str, Any]) -> _Candidate:
    props = rec.get("properties", {})
    kept = {p: _strings(props.get(p)) for p in _KEEP_PROPS}
    cand = _Candidate(
        line=line,
        id=rec["id"].strip(),
        schema=rec["schema"],
        caption=rec["caption"].strip() if isinstance(rec.get("caption"), str) else None,
        props=kept,
        datasets=_strings(rec.get("datasets")),
        meta={k: rec[k] for k in _META if isinstance(rec.get(k), str) and rec[k]},
    )
    for i, nested in enumerate(props.get("sanctions") or []):
        if isinstance(nested, dict):
            cand.add_sanction(_sanction(nested, f"{cand.id}#sanction{i}"))
    return cand


def _sanction(rec: dict[str, Any], fallback_key: str) -> _Sanction:
    props = rec.get("properties") or {}
    key = rec.get("id") if isinstance(rec.get("id"), str) and rec["id"] else fallback_key
    return _Sanction(key, {p: _strings(props.get(p)) for p in _SANCTION_PROPS})


def _join_flat_sanctions(path: Path, kept: dict[str, _Candidate], refs: dict[str, str]) -> None:
    """Second pass: attach flat Sanction lines to the organisations kept in the first."""
    with _open_text(path) as fh:
        for line in _bounded_lines(fh):
            if '"Sanction"' not in line:
                continue
            rec = json.loads(line)  # every line parsed cleanly in the first pass
            if rec.get("schema") != "Sanction":
                continue
            sanction = None
            for target in _strings(rec.get("properties", {}).get("entity")):
                key = target if target in kept else refs.get(target)
                if key is not None:
                    sanction = sanction or _sanction(rec, f"{key}#sanction")
                    kept[key].add_sanction(sanction)


def _program_ids(cand: _Candidate) -> list[str]:
    ids = list(cand.props["programId"])
    for s in cand.sanctions.values():
        ids += s.values.get("programId", [])
    return list(dict.fromkeys(ids))


def _keep_by_sanctions(cand: _Candidate, filters: _Filters) -> bool:
    if not (filters.program or filters.listed_in):
        return True
    if any(filters.sanction_ok(s) for s in cand.sanctions.values()):
        return True
    # An entity-level programId (no sanction entity) satisfies a program-only filter.
    return bool(
        filters.program and not filters.listed_in and _has(cand.props["programId"], filters.program)
    )


def _entry_fields(cand: _Candidate) -> dict[str, Any]:
    props = cand.props
    names = props["name"]
    latin = [n for n in names if _latin(n)]
    primary = cand.caption if cand.caption in names else (latin or names)[0]
    others = [n for prop in _NAME_PROPS for n in props[prop]]
    aliases, native, acronyms = _split_names(primary, others, props["weakAlias"])
    country, countries = _countries(c for p in _COUNTRY_PROPS for c in props[p])
    sanctions = sorted(
        cand.sanctions.values(),
        key=lambda s: (s.listed(), s.values.get("programId", []), s.key),
    )
    attributes: dict[str, Any] = {"schema": cand.schema, "datasets": sorted(cand.datasets)}
    optional: dict[str, Any] = {
        "topics": sorted(props["topics"]),
        "countries": countries,
        "program_ids": sorted(_program_ids(cand)),
        "programs": sorted(
            {*props["program"], *(p for s in sanctions for p in s.values.get("program", []))}
        ),
        "listing_dates": sorted({d for s in sanctions for d in s.values.get("listingDate", [])}),
        "sanctions": [s.as_attribute() for s in sanctions],
        "source_urls": sorted(
            {*props["sourceUrl"], *(u for s in sanctions for u in s.values.get("sourceUrl", []))}
        ),
        "website": props["website"],
        "notes": props["notes"],
        **cand.meta,
    }
    attributes.update({k: v for k, v in optional.items() if v})
    return {
        "entry_id": cand.id,
        "name": primary,
        "aliases": aliases,
        "native_names": native,
        "acronyms": acronyms,
        "country": country,
        "identifiers": {scheme: props[prop][0] for prop, scheme in ID_PROPS.items() if props[prop]},
        "attributes": attributes,
    }


# -- targets.simple.csv --------------------------------------------------------------------


def _parse_csv(path: Path, filters: _Filters, parsed: Parsed) -> None:
    options = (("--listed-in", filters.listed_in), ("--topic", filters.topic))
    unsupported = [option for option, value in options if value]
    if unsupported:
        parsed.errors.append(
            RowError(
                1,
                f"targets.simple.csv has no listing dates or topics: {' and '.join(unsupported)} "
                "work with the JSON export (targets.nested.json or entities.ftm.json)",
            )
        )
        return
    seen = _Seen()
    with _open_text(path) as fh, _csv_field_limit():
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        unknown = [h for h in header if h not in CSV_COLUMNS]
        missing = [c for c in _CSV_REQUIRED if c not in header]
        if unknown or missing:
            problems = []
            if unknown:
                problems.append(f"unknown column(s): {', '.join(unknown)}")
            if missing:
                problems.append(f"missing column(s): {', '.join(missing)}")
            parsed.errors.append(
                RowError(1, f"not a targets.simple.csv header: {'; '.join(problems)}")
            )
            return
        if filters.program and "program_ids" not in header:
            parsed.errors.append(
                RowError(1, "no program_ids column in this targets.simple.csv: use the JSON export")
            )
            return
        reader.fieldnames = header
        try:
            for row in reader:
                line = reader.line_num
                if None in row:
                    parsed.errors.append(RowError(line, "more cells than header"))
                    continue
                cells = {k: (v or "").strip() for k, v in row.items()}
                if any(cells.values()):
                    _csv_row(line, cells, filters, parsed, seen)
        except csv.Error as exc:  # the reader cannot go on; line_num counts the lines before
            line = reader.line_num + 1
            parsed.errors.append(RowError(line, f"not CSV the reader can read: {exc}"))
    if not parsed.errors:
        _finish(parsed, filters, seen)


@contextmanager
def _csv_field_limit() -> Iterator[None]:
    """The csv module's cell size limit raised for this import (it is process-wide)."""
    before = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _csv_row(
    line: int, row: dict[str, str], filters: _Filters, parsed: Parsed, seen: _Seen
) -> None:
    if row["schema"] not in ORG_SCHEMAS:
        if not row["schema"]:
            parsed.errors.append(RowError(line, "schema is empty"))
        else:
            parsed.skip("not organisations")
        return
    datasets = _multi(row.get("dataset"))
    program_ids = _multi(row.get("program_ids"))
    seen.note(datasets, program_ids)
    if not filters.dataset_ok(datasets) or (
        filters.program and not _has(program_ids, filters.program)
    ):
        parsed.skip("outside --dataset or --program")
        return
    if not row["id"] or not row["name"]:  # checked after the filters: only what is imported
        parsed.errors.append(RowError(line, f"{'id' if not row['id'] else 'name'} is empty"))
        return
    aliases, native, acronyms = _split_names(row["name"], _multi(row.get("aliases")), [])
    country, countries = _countries(_multi(row.get("countries")))
    ids, other_ids = {}, []
    for value in _multi(row.get("identifiers")):
        if _WIKIDATA.match(value) and "wikidata" not in ids:
            ids["wikidata"] = value
        else:
            other_ids.append(value)
    attributes: dict[str, Any] = {"schema": row["schema"], "datasets": sorted(datasets)}
    optional: dict[str, Any] = {
        "countries": countries,
        "program_ids": sorted(program_ids),
        "sanctions": _multi(row.get("sanctions")),
        "identifiers": other_ids,
        **{k: row[k] for k in _META if row.get(k)},
    }
    attributes.update({k: v for k, v in optional.items() if v})
    add_entry(
        parsed,
        line,
        entry_id=row["id"],
        name=row["name"],
        aliases=aliases,
        native_names=native,
        acronyms=acronyms,
        country=country,
        identifiers=ids,
        attributes=attributes,
    )


def _multi(cell: str | None) -> list[str]:
    """A ";"-separated cell as the exporter writes it (CSV-quoted when a value holds a ";")."""
    if not cell:
        return []
    values = next(csv.reader([cell], delimiter=";"), [])
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


# -- shared --------------------------------------------------------------------------------


def _finish(parsed: Parsed, filters: _Filters, seen: _Seen, years: Iterable[str] = ()) -> None:
    """Explain a filter that matched nothing; note a program listed in several years."""
    years = set(years)
    if not parsed.entries and not parsed.errors and filters.describe():
        hint = []
        if seen.datasets:
            hint.append(f"datasets in the file: {', '.join(sorted(seen.datasets)[:20])}")
        if seen.programs:
            hint.append(f"program ids: {', '.join(sorted(seen.programs)[:20])}")
        parsed.errors.append(
            RowError(
                1,
                f"no organisation matched {filters.describe()}"
                + (f" ({'; '.join(hint)})" if hint else ""),
            )
        )
        return
    if len(years) > 1:
        parsed.info["notes"] = (
            f"{parsed.info.get('notes', '')} Entries carry {filters.program} listings from "
            f"several years ({', '.join(sorted(years))}), so they may combine several editions; "
            "import with --listed-in YEAR to keep one."
        ).strip()


def _split_names(
    primary: str, names: Iterable[str], weak: Iterable[str]
) -> tuple[list[str], list[str], list[str]]:
    """(aliases, native names, acronyms): bare acronyms and weak aliases are never matched."""
    aliases, native, acronyms = set(), set(), set()
    for name in names:
        if name == primary:
            continue
        if is_acronym(name):
            acronyms.add(name)
        elif _latin(name):
            aliases.add(name)
        else:
            native.add(name)
    acronyms |= {w for w in weak if w != primary} - aliases - native
    return sorted(aliases), sorted(native), sorted(acronyms)


def _countries(values: Iterable[str]) -> tuple[str | None, list[str]]:
    """(primary ISO alpha-2, all countries when several or not all ISO codes, else [])."""
    found: dict[str, bool] = {}
    for value in values:
        try:
            found.setdefault(to_country(value), True)
        except (ValueError, LookupError):
            found.setdefault(value.strip().lower(), False)  # FtM extras: zz, xk, suhh …
    primary = next((c for c, iso in found.items() if iso), None)
    several = len(found) > 1 or not all(found.values())
    return primary, (list(found) if several else [])


def _latin(text: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in text)


def _has(values: Iterable[str], wanted: str) -> bool:
    wanted = wanted.strip().casefold()
    return any(v.strip().casefold() == wanted for v in values)


def _underscored(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
