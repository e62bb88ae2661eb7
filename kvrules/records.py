"""What a case is about, named as the RIS names it: the project's title, its units, the
principal investigator with the role the RIS gives, the partners, and a link to the record in
the RIS. E-mail, webhooks, ``kvrules show``/``findings`` and the reports all name cases here.

The link comes from a URL pattern per source (``ris_url`` in the config), e.g.
``https://pure.example.edu/admin/editor/dk/atira/pure/api/shared/model/project/editor/projecteditor.xhtml?id={id}``;
``{id}`` is the record's id in the RIS (kvrules' own ``research-outputs/`` prefix removed),
``{record_id}`` the id as kvrules stores it, ``{kind}`` application, project, output or visit.
A pattern may also be given per kind (``{project: …, application: …}``), as portals link each
kind differently. A record that gives its own address (a research output's portalUrl) links
that when no pattern is given for its kind (``record_url``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from string import Formatter
from typing import Any
from urllib.parse import quote, urlsplit

from pydantic import BaseModel

from kvrules.roles import known_role

# Where a proposal pre-screened outside the RIS comes from (kvrules.prescreen): sent to the
# committee, it is a case's subject of the kind "proposal", never a project of the portfolio.
PRESCREEN_SYSTEM = "prescreen"
# An application first: its proposal travels under "project" too (kvrules.model.Application)
KINDS = ("application", "project", "output", "visit")
PLACEHOLDERS = frozenset({"id", "record_id", "kind"})
# How RIS roles name the person a project belongs to (Pure's "Principal Investigator", a
# "Projectleider", Converis' "Project lead" …); otherwise the first named participant leads.
_LEAD_ROLE = re.compile(
    r"princip|(^|[^a-z])pi([^a-z]|$)|lead|leiter|leider|coordinat|verantwortlich", re.I
)
MAX_PARTNERS = 6  # a subject line or a table cell names the first few, then "+N more"
# Between the names of a list people read (partners, units, an export's list columns): never
# ", ", as names of organisations ("Institute of Electronic Engineering, PLA Rocket Force
# University") and of units ("Department of Physics, Chemistry and Biology") contain commas.
LIST_SEPARATOR = "; "

# source system (adapter name) -> one pattern, or a pattern per record kind
RecordLinks = Mapping[str, str | Mapping[str, str]]


class Remembered(dict[str, Any]):
    """A record as the store remembers it (``Store.subject``): the enriched body, and the
    kind it was stored as — "project", "application", "output", "visit", or "proposal" for a
    collaboration pre-screened before anything was in the RIS."""

    def __init__(self, body: Mapping[str, Any], kind: str | None) -> None:
        super().__init__(body)
        self.kind = kind


def check_pattern(pattern: str) -> str:
    """A ``ris_url`` pattern as given, or ValueError saying what is wrong with it."""
    try:
        names = {name for _, name, _, _ in Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ValueError(f"ris_url {pattern!r}: {exc}") from None
    if unknown := names - PLACEHOLDERS:
        raise ValueError(
            f"ris_url {pattern!r}: unknown placeholder(s) {', '.join(sorted(unknown))}; "
            "use {id}, {record_id} or {kind}"
        )
    if not names & {"id", "record_id"}:
        raise ValueError(f"ris_url {pattern!r}: put {{id}} where the record's id goes")
    parts = urlsplit(pattern.replace("{", "").replace("}", ""))
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"ris_url {pattern!r}: expected an https:// address")
    return pattern


# The key of a configuration's one ``ris_url`` pattern: it links records of any system no
# source names by adapter (``kvrules.settings.record_links``).
ANY_SYSTEM = "*"


def record_url(
    links: RecordLinks | None,
    source_system: str,
    record_id: str,
    kind: str | None,
    own_url: str | None = None,
) -> str | None:
    """The record's address in the RIS, or None when there is none to give.

    A pattern given for the record's kind comes first; else the address the record gives
    itself (``own_url``, e.g. a research output's portalUrl); else the source's one pattern.
    One pattern is written for one kind (the template's opens Pure's project editor), so a
    record of another kind that knows its own address links that, not an editor that would
    open something else by its id."""
    links = links or {}
    pattern = links.get(source_system, links.get(ANY_SYSTEM))
    if isinstance(pattern, Mapping):
        pattern = pattern.get(kind or "")
    elif own_url:
        return own_url
    if not pattern:
        return own_url
    own_id = record_id.rsplit("/", 1)[-1]
    return pattern.format(
        id=quote(own_id, safe=""), record_id=quote(record_id, safe=""), kind=kind or ""
    )


class RecordLabel(BaseModel):
    """A record named for people; ``str()`` gives it on one line."""

    source_system: str
    record_id: str
    kind: str | None = None
    title: str | None = None
    units: list[str] = []
    lead: str | None = None  # "Jane Doe (Principal Investigator)", as the RIS names them
    authors: list[str] = []  # a research output's own authors: "Jane Doe (Author)"
    partners: list[str] = []  # "Sichuan University (CN)"
    url: str | None = None  # the record in the RIS

    @property
    def reference(self) -> str:
        """How the RIS itself refers to it: "pure 5266b89f-…"."""
        return f"{self.source_system} {self.record_id}"

    @property
    def kind_label(self) -> str:
        return {
            "application": "Application",
            "proposal": "Proposed collaboration",
            "project": "Project",
            "output": "Publication",
            "visit": "Visit",
        }.get(self.kind or "", "Record")

    @property
    def heading(self) -> str:
        return self.title or f"{self.source_system} record {self.record_id}"

    def partner_list(self, *, everyone: bool = False) -> str:
        """The partners on one line, the first few (``everyone``: all, for an export)."""
        return name_list(self.partners, None if everyone else MAX_PARTNERS)

    def unit_list(self) -> str:
        """The record's own units on one line (a project names a few; all are shown)."""
        return name_list(self.units)

    def author_list(self) -> str:
        """A research output's own authors on one line, the first few."""
        return name_list(self.authors, MAX_PARTNERS)

    def __str__(self) -> str:
        bits = [self.heading]
        if self.units:
            bits.append(self.unit_list())
        if self.lead:
            bits.append(self.lead)
        if self.authors:
            bits.append("authors: " + self.author_list())
        if self.partners:
            bits.append("partners: " + self.partner_list())
        return " — ".join(bits)


def name_list(names: Iterable[str], limit: int | None = None) -> str:
    """Names on one line, joined by ``LIST_SEPARATOR`` (a comma between names that hold commas
    reads as more names than there are); the first ``limit``, then "+N more"."""
    names = list(names)
    shown = names if limit is None else names[:limit]
    more = len(names) - len(shown)
    return LIST_SEPARATOR.join([*shown, *([f"+{more} more"] if more > 0 else [])])


def lead_participant(people: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The participant a project is named by: its principal investigator (by the role the RIS
    gives), else the first participant with a name."""
    named = [p for p in people if p.get("display_name")]
    return next((p for p in named if _LEAD_ROLE.search(_role_text(p) or "")), None) or next(
        iter(named), None
    )


def _role_text(person: Mapping[str, Any]) -> str | None:
    # the text as given, to tell the lead (never shown: ``role_as_given``)
    return person.get("role_given") or person.get("role")


def role_as_given(person: Mapping[str, Any]) -> str | None:
    """A person's role for display: as the RIS gives it when it is one of the known roles
    (``kvrules.roles.known_role``: "Principal Investigator"), else none. Free text ("PI,
    Iranian national", "Chinese PhD student") is never shown, as a visitor's is not; a record
    stored before 0.4 may still hold it, and is shown without it."""
    for text in (person.get("role_given"), person.get("role")):
        if text and known_role(text):
            return text
    return None


def describe(
    subject: Mapping[str, Any] | None,
    source_system: str,
    record_id: str,
    links: RecordLinks | None = None,
) -> RecordLabel:
    """Name a record from what the store remembers of it (``Store.subject``); with nothing
    remembered (never read, or purged), by its id and link alone."""
    label = RecordLabel(source_system=source_system, record_id=record_id)
    kind = getattr(subject, "kind", None)
    if kind not in (*KINDS, "proposal"):  # a body alone (an event just read): by what it holds
        kind = next((k for k in KINDS if subject and subject.get(k)), None)
    own_url = None  # the address the record gives itself (a research output's portalUrl)
    if kind is not None and subject is not None:
        # an application's and a proposal's project is what they propose
        thing = subject.get(kind if kind in ("output", "visit") else "project") or {}
        own_url = thing.get("url") if isinstance(thing.get("url"), str) else None
        label.kind = kind
        label.title = thing.get("title") or thing.get("purpose")
        label.units = list(
            thing.get("units") or ([thing["host_unit"]] if thing.get("host_unit") else [])
        )
        if lead := lead_participant(thing.get("participants") or []):
            role = f" ({role_as_given(lead)})" if role_as_given(lead) else ""
            label.lead = f"{lead['display_name']}{role}"
        label.authors = [
            f"{a['display_name']}" + (f" ({role_as_given(a)})" if role_as_given(a) else "")
            for a in thing.get("authors") or []
            if a.get("display_name")
        ]
        label.partners = [organisation_name(p) for p in thing.get("partners") or []]
    if kind != "proposal":  # pre-screened before anything was in the RIS: nothing to link to
        label.url = record_url(links, source_system, record_id, kind, own_url)
    return label


def organisation_name(org: Mapping[str, Any]) -> str:
    country = f" ({org['country']})" if org.get("country") else ""
    return f"{org.get('name', '?')}{country}"


def whose_organisations(subject: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """Every organisation (dict) a remembered subject mentions, with whose it is: "partner" or
    "funder" (named as an organisation), or where a person works: "visitor", "participant",
    "applicant" (a partner an adapter took from a person's affiliation,
    ``kvrules.enrich.organisations.PERSONS_AFFILIATION_ROLES``) or "co-author"."""
    from kvrules.enrich.organisations import PERSONS_AFFILIATION_ROLES

    def partner(org: dict[str, Any]) -> tuple[dict[str, Any], str]:
        role = org.get("role")
        return org, role if role in PERSONS_AFFILIATION_ROLES else "partner"

    found: list[tuple[dict[str, Any], str]] = []
    if subject.get("partner"):
        found.append(partner(subject["partner"]))
    if subject.get("funder"):
        found.append((subject["funder"], "funder"))
    for holder in (subject.get("project"), subject.get("output")):
        if holder:
            found += [partner(p) for p in holder.get("partners", [])]
            found += [(f, "funder") for f in holder.get("funders", [])]
            found += [(a, "co-author") for a in holder.get("affiliations", [])]
            for person in holder.get("participants", []):
                found += [(a, "participant") for a in person.get("affiliations", [])]
    if visit := subject.get("visit"):
        found += [(a, "visitor") for a in (visit.get("visitor") or {}).get("affiliations", [])]
    return found


def organisations_of(subject: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every organisation (dict) a remembered subject mentions."""
    return [org for org, _ in whose_organisations(subject)]
