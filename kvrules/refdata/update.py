"""`kvrules refdata update`: download current list editions from their official publishers.

The sources are named in ``data/catalogue.yaml``. For each list: download over HTTPS (TLS
verified; plain HTTP only from this machine, for mirrors and tests) through kvrules' own HTTP
policy (``kvrules.http``: a redirect is followed only over https to the same host or one the
catalogue allows, and the address that answered is recorded), check the download is
complete (length, Zenodo's md5), skip it when it is byte-identical to the stored edition, import
it with provenance (URL, retrieved time, sha256, licence) checking the entry count the catalogue
expects, and compare it with the previous edition (added, removed, renamed). Any failure is one
line naming the list, the URL and what to do; that list's store is left unchanged.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urljoin, urlsplit

import requests
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kvrules import http, jsonguard
from kvrules.errors import ReferenceDataError, problem_text
from kvrules.refdata.importers import (
    Catalogued,
    ImportReport,
    ImportValidationError,
    import_file,
)
from kvrules.refdata.models import ListInfo
from kvrules.refdata.normalise import name_key
from kvrules.refdata.store import EditionExistsError, Store

CATALOGUE = Path(str(resources.files("kvrules.refdata") / "data" / "catalogue.yaml"))
MIRROR_ENV = "KVRULES_REFDATA_MIRROR"
URL_ENV = "KVRULES_REFDATA_URL_{}"
MAX_BYTES_ENV = "KVRULES_REFDATA_MAX_BYTES_{}"
DEADLINE_ENV = "KVRULES_REFDATA_DEADLINE"
TIMEOUT = (15, 120)  # seconds: connect, then between bytes
# A list's largest download, counted after any Content-Encoding is undone: a generous margin
# over the real files (the CSL's JSON and the UK XML are tens of MB), so only a broken or
# hostile answer (a gzip bomb) meets it. Per list in the catalogue (max_bytes), or
# KVRULES_REFDATA_MAX_BYTES_<LIST_ID>.
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
PAGE_MAX_BYTES = 16 * 1024 * 1024  # a publication page or a Zenodo listing, not the file
# Seconds one list's update may take in all (page, file, redirects, retries): a server dripping
# a byte at a time never trips the read timeout, and `watch` waits for the update before its
# next scan. Per list in the catalogue (deadline), or KVRULES_REFDATA_DEADLINE for every list.
DEFAULT_DEADLINE = 600.0
CHUNK = 1 << 16


class UpdateError(ReferenceDataError):
    """One list could not be updated; nothing of it was changed. The message is one line."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Range(_Model):
    min: int
    max: int


class Source(_Model):
    """One catalogue entry (see the comments in ``catalogue.yaml``)."""

    title: str
    publisher: str
    url: str
    format: str
    edition: str  # "file", "retrieved" or a regular expression searched in the file name
    entries: Range
    licence: str
    locate: Literal["zenodo_latest", "html_link"] | None = None
    link: str | None = None  # html_link: a regular expression the file's link matches
    redirect_hosts: list[str] = []  # hosts a redirect may lead to besides the URL's own
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, gt=0)  # the download, decompressed
    deadline: float = Field(default=DEFAULT_DEADLINE, gt=0)  # seconds for the whole update
    options: dict[str, Any] = {}
    notes: str | None = None


def load_catalogue(path: Path = CATALOGUE) -> dict[str, Source]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return {lid: Source(**spec) for lid, spec in (data.get("sources") or {}).items()}
    except ValidationError as exc:
        raise UpdateError(f"{path}: invalid catalogue: {problem_text(exc.errors()[0])}") from exc


def catalogued(catalogue: dict[str, Source] | None = None) -> dict[str, Catalogued]:
    """The catalogue's official lists as a hand import is checked against (``import_file``):
    where each is published, and how many entries a complete file has."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    return {lid: Catalogued(s.url, (s.entries.min, s.entries.max)) for lid, s in catalogue.items()}


@dataclass
class Changes:
    """What changed between two editions of a list."""

    previous: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)


@dataclass
class UpdateResult:
    list_id: str
    url: str
    edition: str | None = None
    entries: int = 0
    sha256: str | None = None
    unchanged: bool = False  # byte-identical to the stored edition: nothing imported
    changes: Changes | None = None
    error: str | None = None
    # what the person should know about the new edition, a line each (``links_lacking``)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.error:
            return f"{self.list_id}: {self.error}"
        if self.unchanged:
            return f"{self.list_id}: unchanged since edition {self.edition} ({self.url})"
        text = (
            f"{self.list_id}: imported edition {self.edition}, {self.entries} entries "
            f"(sha256 {(self.sha256 or '')[:12]}, from {self.url})"
        )
        c = self.changes
        if c is None or c.previous is None:
            return text + "; first edition"
        return text + (
            f"; since {c.previous}: {len(c.added)} added, {len(c.removed)} removed, "
            f"{len(c.renamed)} renamed"
        )


def update(
    store: Store,
    list_ids: list[str] | None = None,
    *,
    catalogue: dict[str, Source] | None = None,
    session: requests.Session | None = None,
) -> list[UpdateResult]:
    """Update the given lists (all in the catalogue when None); one result per list."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    wanted = list_ids or list(catalogue)
    unknown = [lid for lid in wanted if lid not in catalogue]
    if unknown:
        raise UpdateError(
            f"unknown list {', '.join(unknown)}: the catalogue has {', '.join(catalogue)}"
        )
    session = session or download_session()
    results = []
    for list_id in wanted:
        url = source_url(list_id, catalogue[list_id])
        result = UpdateResult(list_id, url)
        try:
            _update_one(store, list_id, catalogue[list_id], session, result)
        except UpdateError as exc:
            # the hints name the variable to set for this list (KVRULES_REFDATA_URL_US_CSL)
            said = str(exc).replace(_ANY_LIST, list_id.upper())
            result.error = f"{said}; {still_in_force(store, list_id)}"
        results.append(result)
    return results


# the list id in a variable a hint names, filled in per list once the list is known
_ANY_LIST = "<LIST_ID>"


def still_in_force(store: Store, list_id: str) -> str:
    """What screens after a failed update of ``list_id``: the edition that stays in force, or
    that none does."""
    current = store.latest(list_id)
    if current is None:
        return f"no edition of {list_id} is stored, so nothing is screened against it yet"
    partial = " (partial)" if current.partial else ""
    return f"edition {current.edition}{partial} stays in force (`kvrules refdata lists`)"


def download_session() -> requests.Session:
    """kvrules' HTTP policy (``kvrules.http``): TLS verified, proxies from the environment for
    https only, no credentials, no redirects but those ``Redirects`` allows per request."""
    return http.make_session(0, pool_maxsize=1, headers={"User-Agent": "kvrules"})


def crosswalk_summary(store: Store) -> str:
    """How many entries of each list have a ROR id, their own or through the ROR crosswalk.

    The resolver's own linking rule decides, but it is built over the lists and only those
    registry records that carry one of their names: over a full ROR dump the whole index would
    take minutes and most of a gigabyte for an answer that needs a few thousand records."""
    from kvrules.refdata.normalise import analyse
    from kvrules.refdata.resolver import Resolver, linking_names

    latest = store.latest_editions()
    listed = [
        (info, entry)
        for info in latest
        if info.kind != "registry"
        for entry in store.entries(info.list_id, info.edition)
    ]
    keys = {analyse(name).key for _, entry in listed for name in linking_names(entry)}
    registry = [
        (info, entry)
        for info in latest
        if info.kind == "registry"
        for entry in store.entries_named(info.list_id, info.edition, keys)
    ]
    coverage = Resolver(records=[*listed, *registry]).ror_coverage()
    parts = [f"{lid} {linked} of {total}" for lid, (linked, total) in sorted(coverage.items())]
    return "entries with a ROR id (printed, or by name and country): " + (
        ", ".join(parts) or "no lists"
    )


def source_url(list_id: str, source: Source) -> str:
    """The catalogue URL, or its override (a whole URL per list, or a mirror for all)."""
    override = os.environ.get(URL_ENV.format(list_id.upper()))
    return override or _mirrored(source.url)


def _mirrored(url: str) -> str:
    mirror = os.environ.get(MIRROR_ENV)
    if not mirror:
        return url
    parts = urlsplit(url)
    return mirror.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def _update_one(
    store: Store, list_id: str, source: Source, session: requests.Session, result: UpdateResult
) -> None:
    budget = _budget(list_id, source)
    with tempfile.TemporaryDirectory(prefix="kvrules-refdata-") as tmp:
        url, name, md5 = result.url, None, None
        if source.locate == "zenodo_latest":
            url, name, md5 = _zenodo_latest(session, url, source, budget)
            result.url = url
        downloaded: tuple[str, str] | None = None
        path = Path(tmp) / "page"
        if source.locate == "html_link" and not _names_the_file(url, source):
            # the publication page, or (an override naming the file) the file itself: which
            # one it is shows in its first bytes, so the file is not downloaded twice
            downloaded = _download(session, url, path, None, source, budget)
            if _is_html(path):
                url, downloaded = _html_link(path, downloaded[1], source), None
                result.url = url
        retrieved = datetime.now(UTC).replace(microsecond=0)
        if downloaded is None:
            path = Path(tmp) / (name or _file_name(url))
            downloaded = _download(session, url, path, md5, source, budget)
        else:
            path = path.rename(Path(tmp) / _file_name(downloaded[1]))
        sha256, url = downloaded
        result.sha256, result.url = sha256, url  # the address that answered, after redirects
        latest = store.latest(list_id)
        if latest is not None and latest.sha256 == sha256:
            result.unchanged, result.edition = True, latest.edition
            return
        options: dict[str, Any] = {
            "list_id": list_id,
            "title": source.title,
            "publisher": source.publisher,
            "licence": source.licence,
            "source_url": url,
            "retrieved_at": retrieved,
            **source.options,
        }
        edition = _edition(source, path.name, retrieved)
        if edition:
            options["edition"] = edition
        previous = store.entry_names(list_id, latest.edition) if latest else None
        try:
            report = _import(store, source, path, options, retrieved)
        except ImportValidationError as exc:
            first = exc.errors[0] if exc.errors else "no entries"
            more = f" (and {len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
            raise UpdateError(
                f"the download from {url} does not read as the expected {source.format} file: "
                f"{first}{more}; nothing imported (has the publisher changed the format?)"
            ) from exc
        except ValueError as exc:
            raise UpdateError(f"{url}: {exc}; nothing imported") from exc
        result.edition, result.entries = report.info.edition, report.entries
        current = store.entry_names(list_id, report.info.edition)
        result.changes = compare(previous, current, latest.edition if latest else None)
        result.warnings = after_import(store, report.info)


def after_import(store: Store, info: ListInfo) -> list[str]:
    """What to tell about a list edition just imported, however it came (`refdata import`,
    `refdata update`): a line each."""
    lacking = links_lacking(store, info) if info.kind == "registry" else ""
    return [line for line in (not_screening(store, info), lacking) if line]


def not_screening(store: Store, info: ListInfo) -> str:
    """One line when the edition just imported is not the one that screens ("" when it is):
    a complete edition screens before a partial one, a newer one before an older one
    (``kvrules.refdata.store.current_edition``)."""
    screens = store.latest(info.list_id)
    if screens is None or screens.edition == info.edition:
        return ""
    if store.pins().get(info.list_id) == screens.edition:
        why = "chosen with `kvrules refdata current`"
    elif info.partial and not screens.partial:
        why = "a complete edition screens before a partial one"
    else:
        why = "it is the newer one by the list's publication order"
    return (
        f"{info.list_id} edition {info.edition} is kept for history but does not screen "
        f"(superseded): edition {screens.edition} stays current ({why}; `kvrules refdata lists` "
        f"shows both; `kvrules refdata current {info.list_id} {shlex.quote(info.edition)}` makes "
        "this one current)"
    )


def links_lacking(store: Store, registry: ListInfo | None = None) -> str:
    """One line when list entries name ROR records the registry edition (default: the latest)
    lacks ("" if none): they still match by their own names, but not by the record's."""
    lacking = store.links_lacking(registry)
    if not lacking:
        return ""
    carried = {f"{info.list_id}@{info.edition}" for info, _ in store.carried_records()}
    if carried:  # what the last import dropped, the older editions still name
        kept = ", ".join(sorted(carried))
        return (
            f"{lacking} list entries link to ROR records this edition lacks: they keep those "
            f"records' names from the last edition that had them ({kept}), named so in each "
            "match; a full ROR dump has them all"
        )
    screening = registry or store.latest("ror")
    if screening is not None and not screening.partial:  # the registry: no older copy lends
        return (
            f"{lacking} list entries link to ROR records this complete edition lacks (withdrawn "
            "or merged in ROR, or the file is not the full dump): they match by their own names "
            "and acronyms only; superseded editions are not screened"
        )
    return (
        f"{lacking} list entries link to ROR records this edition lacks: they match by their own "
        "names and acronyms only (a full ROR dump has them)"
    )


def _import(
    store: Store, source: Source, path: Path, options: dict[str, Any], retrieved: datetime
) -> ImportReport:
    """Import as a new edition. The official file replaces a partial transcription of the same
    edition (the shipped DoD 1286 FY25 rows). A publisher that changes a file under the same
    edition name (a corrected PDF, a page edited on the same day) gets a new edition named after
    the retrieval time: the stored one is kept, so history still shows what was screened."""
    stamp = retrieved.strftime("%Y-%m-%dT%H:%M:%SZ")
    partial = {i.edition for i in store.lists(options["list_id"]) if i.partial}
    for attempt in range(1, 10):
        try:
            return import_file(
                store,
                source.format,
                path,
                replace=options.get("edition") in partial,
                count_range=(source.entries.min, source.entries.max),
                **options,
            )
        except EditionExistsError as exc:
            if exc.edition in partial:  # the file named the edition itself (ROR, NRO)
                options = {**options, "edition": exc.edition}
                continue
            base = exc.edition.split(" (retrieved ", 1)[0]
            suffix = f" #{attempt}" if attempt > 1 else ""
            options = {**options, "edition": f"{base} (retrieved {stamp}){suffix}"}
    raise UpdateError(f"{source.title}: too many editions named {options['edition']!r}")


def _edition(source: Source, file_name: str, retrieved: datetime) -> str | None:
    if source.edition == "file":
        return None  # the importer reads it from the file
    if source.edition == "retrieved":
        return retrieved.strftime("%Y-%m-%dT%H:%M:%SZ")
    found = re.search(source.edition, file_name)
    if not found:
        raise UpdateError(
            f"cannot tell the edition from the file name {file_name!r} "
            f"(expected {source.edition!r}); nothing imported"
        )
    return found.group(0)


def _file_name(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p and p != "content"]
    return unquote(parts[-1]) if parts else "download"


def check_url(url: str) -> None:
    """HTTPS only, except plain HTTP to this machine (a local mirror, the tests)."""
    try:
        http.check_url(url)
    except http.InsecureUrl as exc:
        if "@" in urlsplit(url).netloc:  # a password in the address: never repeated
            raise UpdateError(f"{http.shown_url(url)}: {exc}") from None
        raise UpdateError(
            f"{url}: only https:// URLs are downloaded (plain http only from localhost)"
        ) from None


def _redirects(source: Source) -> http.Redirects:
    """Publishers move files (http to https, a CDN): a redirect is followed to the same host
    or one the catalogue allows for the list, over https, a few hops at most."""
    return http.Redirects(hosts=frozenset(h.lower() for h in source.redirect_hosts))


@dataclass(frozen=True)
class _Budget:
    """What one list's update may take: bytes per download (decompressed), seconds in all."""

    max_bytes: int
    seconds: float
    due: float  # time.monotonic() when the seconds are up

    def remaining(self) -> float:
        return self.due - time.monotonic()


def _budget(list_id: str, source: Source) -> _Budget:
    seconds = source.deadline
    text = os.environ.get(DEADLINE_ENV, "").strip()
    if text:
        try:
            seconds = float(text)
        except ValueError:
            seconds = 0.0
        if not 0 < seconds < float("inf"):
            raise UpdateError(f"{DEADLINE_ENV}={text!r}: expected a number of seconds, e.g. 900")
    return _Budget(max_bytes(list_id, source), seconds, time.monotonic() + seconds)


def max_bytes(list_id: str, source: Source) -> int:
    """The largest download accepted for a list: its environment override or the catalogue's."""
    name = MAX_BYTES_ENV.format(list_id.upper())
    text = os.environ.get(name, "").strip()
    if not text:
        return source.max_bytes
    if not text.isdigit() or int(text) <= 0:
        raise UpdateError(f"{name}={text!r}: expected a number of bytes, e.g. 536870912")
    return int(text)


def _get(
    session: requests.Session,
    url: str,
    source: Source,
    into: Callable[[bytes], object] | None,
    budget: _Budget,
    limit: int | None = None,
) -> requests.Response:
    """The answer of `url` (a 200), its body read into `into` or ``content``, at most `limit`
    (default: the list's) bytes after decompression, within what is left of the list's time."""
    check_url(url)
    late = UpdateError(
        f"the download from {url} took longer than this list's deadline of {budget.seconds:g} s "
        f"(a stalled or dripping server?); nothing imported ({DEADLINE_ENV} allows more)"
    )
    if budget.remaining() <= 0:
        raise late
    try:
        response = http.fetch(
            session,
            "GET",
            url,
            timeout=TIMEOUT,
            deadline=budget.remaining(),
            max_body=limit or budget.max_bytes,
            into=into,
            redirects=_redirects(source),
        )
    except http.Unreachable as exc:
        raise _unreachable(url, exc.cause) from exc
    except http.RedirectRefused as exc:
        raise UpdateError(
            f"{url} redirected to {exc.target}, refused: {exc.reason}; nothing imported"
        ) from None
    except http.TooLate:
        raise late from None
    except http.TooLarge as exc:
        raise UpdateError(
            f"the download from {url} is larger than {exc.limit:,} bytes unpacked, far beyond "
            f"this list's size (a damaged or hostile answer?); nothing imported (if the list "
            f"really grew: {MAX_BYTES_ENV.format(_ANY_LIST)})"
        ) from None
    except http.BrokeOff as exc:
        raise UpdateError(
            f"the download from {url} is truncated: it broke off after {exc.received} bytes; "
            "try again"
        ) from None
    except http.TransferFailed as exc:
        raise UpdateError(f"{url}: {exc}; nothing imported") from None
    if response.status_code != 200:
        response.close()
        raise UpdateError(
            f"{url} answered {response.status_code} {response.reason}: the publisher may have "
            f"moved the file; set {URL_ENV.format(_ANY_LIST)} to its new address"
        )
    return response


def _unreachable(url: str, exc: requests.RequestException) -> UpdateError:
    if isinstance(exc, requests.exceptions.ProxyError):
        return UpdateError(
            f"the proxy refused or failed the download of {url}: check HTTPS_PROXY/HTTP_PROXY"
        )
    if isinstance(exc, requests.exceptions.SSLError):
        return UpdateError(
            f"{url}: TLS certificate not trusted; set REQUESTS_CA_BUNDLE if a proxy re-signs it"
        )
    return UpdateError(
        f"cannot reach {url} ({type(exc).__name__}): check the network and try again"
    )


def _download(
    session: requests.Session,
    url: str,
    path: Path,
    md5: str | None,
    source: Source,
    budget: _Budget,
) -> tuple[str, str]:
    """Write the file; return its sha256 and the address that answered (after redirects).
    Refuse a short read or a checksum mismatch."""
    sha, check = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    size = 0
    try:
        with path.open("wb") as out:

            def write(chunk: bytes) -> None:
                nonlocal size
                out.write(chunk)
                sha.update(chunk)
                check.update(chunk)
                size += len(chunk)

            response = _get(session, url, source, write, budget)
    except OSError as exc:  # the disk, not the network: those are UpdateErrors already
        raise UpdateError(
            f"cannot write the download from {url} to {path.parent}: {exc.strerror or exc}"
        ) from None
    answered = response.url or url
    expected = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding") not in (None, "identity")
    if expected and not encoded and expected.isdigit() and int(expected) != size:
        raise UpdateError(f"the download from {url} is truncated ({size} of {expected} bytes)")
    if md5 and check.hexdigest() != md5:
        raise UpdateError(f"the download from {url} does not match the publisher's md5 checksum")
    return sha.hexdigest(), answered


def _zenodo_latest(
    session: requests.Session, url: str, source: Source, budget: _Budget
) -> tuple[str, str, str | None]:
    """The newest record's zip of a Zenodo community: (download URL, file name, md5)."""
    with _get(session, url, source, None, budget, PAGE_MAX_BYTES) as response:
        try:
            hits = jsonguard.loads(response.content)["hits"]["hits"]
            files = hits[0]["files"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise UpdateError(f"{url}: not a Zenodo records listing; nothing imported") from exc
    if isinstance(files, dict):  # InvenioRDM serialisation: {"entries": {key: file}}
        files = list((files.get("entries") or {}).values())
    for item in files:
        key = str(item.get("key", ""))
        if key.endswith(".zip"):
            link = (item.get("links") or {}).get("self") or (item.get("links") or {}).get("content")
            if not link:
                break
            checksum = str(item.get("checksum") or "")
            md5 = checksum.split(":", 1)[1] if checksum.startswith("md5:") else None
            return _mirrored(link), key, md5
    raise UpdateError(f"{url}: the newest record has no .zip file; nothing imported")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _names_the_file(url: str, source: Source) -> bool:
    """Whether ``url`` is an address of the file itself, not of the page linking to it: its
    path matches what the file's link matches (``KVRULES_REFDATA_URL_UK_SANCTIONS`` set to
    ``…/UK_Sanctions_List.xml``)."""
    return bool(source.link) and re.search(source.link or "", urlsplit(url).path) is not None


_HTML = re.compile(rb"<(!doctype\s+html|html[\s>])", re.IGNORECASE)


def _is_html(path: Path) -> bool:
    """Whether a download is a web page (by its first bytes, as a browser sniffs it), not the
    list's file: an XML, CSV or JSON file has no ``<html`` or ``<!DOCTYPE html`` near its top."""
    with path.open("rb") as fh:
        return _HTML.search(fh.read(4096)) is not None


def _html_link(page: Path, url: str, source: Source) -> str:
    """The file a publication page (downloaded to ``page`` from ``url``) links to: GOV.UK gives
    each update a new address."""
    pattern = source.link or ""
    links = _Links()
    with page.open("rb") as fh:
        links.feed(fh.read(PAGE_MAX_BYTES).decode("utf-8", errors="replace"))
    for href in links.hrefs:
        if re.search(pattern, href):
            return _mirrored(urljoin(url, href))
    raise UpdateError(
        f"{url} is a web page with no link to a file matching {pattern!r}: expected the "
        f"publication page that links to the {source.title} file, or the file itself; the "
        "publisher may have changed the page; nothing imported"
    )


def compare(
    previous: dict[str, tuple[str, str | None]] | None,
    current: dict[str, tuple[str, str | None]],
    previous_edition: str | None,
) -> Changes:
    """Added, removed and renamed entries. An entry is the same across editions when its id is,
    or (for lists whose ids are made from names) when its ROR id or normalised name is."""
    changes = Changes(previous_edition)
    if previous is None:
        return changes
    renamed = [(previous[i][0], current[i][0]) for i in current.keys() & previous.keys()]
    changes.renamed = sorted((a, b) for a, b in renamed if a != b)
    gone = {i: previous[i] for i in previous.keys() - current.keys()}
    new = {i: current[i] for i in current.keys() - previous.keys()}
    by_ror = {ror: i for i, (_, ror) in gone.items() if ror}
    by_key = {name_key(name): i for i, (name, _) in gone.items()}
    for name, ror in sorted(new.values(), key=lambda v: v[0]):
        old = by_ror.get(ror) if ror else None
        old = old if old in gone else by_key.get(name_key(name))
        if old in gone:
            changes.renamed.append((gone.pop(old)[0], name))
        else:
            changes.added.append(name)
    changes.removed = sorted(name for name, _ in gone.values())
    return changes


# The ROR dump is large (hundreds of MB) and changes monthly: a scheduled update leaves it to
# `kvrules refdata update ror`, run when an institution wants it.
SCHEDULED_SKIP = ("ror",)


def scheduled_update(store: Store, list_ids: list[str] | None = None) -> list[UpdateResult]:
    """What `kvrules watch` runs every ``refdata_update_every``: the configured lists, or every
    list of the catalogue but the ROR dump."""
    wanted = list_ids or [lid for lid in load_catalogue() if lid not in SCHEDULED_SKIP]
    return update(store, wanted)


def one_line(results: list[UpdateResult]) -> str:
    """A scheduled update in one line: what changed, with what `refdata update` warns of (a
    ROR edition lacking records the lists link to), what failed (each failure named)."""
    changed = [r for r in results if not r.error and not r.unchanged]
    failed = [r for r in results if r.error]
    parts = [
        f"{r.list_id} now edition {r.edition}"
        + (f" ({'; '.join(r.warnings)})" if r.warnings else "")
        for r in changed
    ]
    parts += [f"{r.list_id} failed: {r.error}" for r in failed]
    return "; ".join(parts) or f"{len(results)} list(s) unchanged"
