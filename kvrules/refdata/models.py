"""Provenance and entry models for reference lists (validated on the way into the store)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kvrules.refdata.countries import to_country

ListKind = Literal["designation", "assessment", "registry"]
EntityType = Literal["organisation", "programme", "country"]
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-hj-km-np-tv-z0-9]{6}[0-9]{2})$", re.IGNORECASE)


def ror_id(value: str) -> str:
    """Normalise a ROR id or URL to its 9-character form; raise ValueError."""
    found = _ROR.match(value.strip())
    if not found:
        raise ValueError(f"not a ROR id: {value!r}")
    return found.group(1).lower()


def is_ror_id(value: str) -> bool:
    return bool(_ROR.match(value.strip()))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ListInfo(_Model):
    """Provenance of one edition of one reference list."""

    list_id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="e.g. us_dod_1286, ca_nro, ror")
    edition: str = Field(min_length=1, description="e.g. FY25, 2025, v1.55")
    title: str
    publisher: str | None = None
    kind: ListKind = Field(
        description="designation: a government list naming entities; assessment: a third-party "
        "rating (ASPI, Freedom House); registry: an identity source such as ROR"
    )
    published: date | None = Field(default=None, description="publication date of this edition")
    source_url: str | None = None
    licence: str | None = None
    citation: str | None = None
    retrieved_at: datetime | None = None
    sha256: str | None = Field(default=None, description="hash of the imported file")
    partial: bool = Field(default=False, description="true for a partial transcription")
    notes: str | None = None

    @field_validator("retrieved_at")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        return v.replace(tzinfo=UTC) if v and v.tzinfo is None else v


# What a list match carries of its edition (``ListMatch``, ``kvrules match``): the evidence
# names the list by its title and cites where it was published and under which licence.
PROVENANCE_KEYS = ("title", "publisher", "source_url", "licence")


def edition_provenance(info: ListInfo) -> dict[str, str | None]:
    """An edition's provenance as a match carries it: title, publisher, source_url, licence
    (None where the edition was imported without it, e.g. an own list without --licence)."""
    return {key: getattr(info, key) for key in PROVENANCE_KEYS}


def designated_under(attributes: dict[str, Any]) -> str | None:
    """The component list or regime a list entry was designated under, as its importer
    recorded it: the US Consolidated Screening List's ``source`` ("Entity List (EL) - Bureau
    of Industry and Security"), the UK Sanctions List's ``regimes`` ("The Russia (Sanctions)
    (EU Exit) Regulations 2019"); None where the import says neither."""
    source = attributes.get("source")
    if isinstance(source, str) and source.strip():
        return source.strip()
    regimes = attributes.get("regimes")
    if isinstance(regimes, list) and (named := [str(r) for r in regimes if str(r).strip()]):
        return "; ".join(named)
    return None


class Entry(_Model):
    """One entry of a list edition: an organisation, a programme or a country."""

    entry_id: str = Field(min_length=1, description="stable within the list across editions")
    name: str = Field(min_length=1)
    aliases: list[str] = []
    acronyms: list[str] = Field(default=[], description="kept for display; never matched alone")
    native_names: list[str] = Field(default=[], description="names in the native script")
    affiliates: list[str] = Field(default=[], description="named sub-units covered by the entry")
    country: str | None = None
    ror_id: str | None = None
    identifiers: dict[str, str] = Field(default={}, description="other ids: wikidata, grid …")
    parent_ror_id: str | None = None
    parent_name: str | None = None
    entity_type: EntityType = "organisation"
    attributes: dict[str, Any] = Field(default={}, description="list-specific: risk level …")

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, v: Any) -> Any:
        return to_country(v) if isinstance(v, str) and v.strip() else None

    @field_validator("ror_id", "parent_ror_id", mode="before")
    @classmethod
    def _ror(cls, v: Any) -> Any:
        return ror_id(v) if isinstance(v, str) and v.strip() else None

    @field_validator("aliases", "acronyms", "native_names", "affiliates")
    @classmethod
    def _names(cls, v: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for name in v:
            if name.strip():
                seen.setdefault(name.strip(), None)
        return list(seen)

    def all_names(self) -> list[tuple[str, str]]:
        """(name, type) pairs, primary first."""
        out = [(self.name, "primary")]
        out += [(n, "alias") for n in self.aliases]
        out += [(n, "native") for n in self.native_names]
        out += [(n, "affiliate") for n in self.affiliates]
        out += [(n, "acronym") for n in self.acronyms]
        return out


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """Whether an organisation was on one edition of one list."""

    list_id: str
    edition: str
    listed: bool
    entry_id: str | None = None
    name: str | None = None
    current: bool = False  # the edition that screens (``Store.latest``), else superseded


@dataclass(frozen=True, slots=True)
class Match:
    """One candidate list entry for a queried name, with how it was found."""

    list: str
    edition: str
    entry: str
    name: str
    ror_id: str | None
    method: str  # ror | exact | alias | fuzzy | parent | subunit
    score: float
    candidate: bool = False  # True: a suggestion a person must confirm, not a verdict
    kind: str = "designation"
    via: str | None = None  # how a linked entry was reached, e.g. "ror:01yqg2h08"
    matched: str | None = None  # the name that matched: the entry's, or the linked record's
    part: str | None = None  # the stretch of the query that matched it
    name_type: str | None = None  # what ``matched`` is to its record: primary, alias, short …
    # the record whose name matched when it is not the entry: its ROR record, or the sub-unit
    # whose parent the entry is ("ror:00gg5zj35", "us_dod_1286:some-entry")
    linked: str | None = None
    # the entry's country as its list (or registry record) gives it: the organisation's country
    # when the source gave none (``OrganisationScreen``)
    country: str | None = None
    # the component list or regime the entry was designated under (``designated_under``)
    designated_under: str | None = None

    @property
    def explanation(self) -> str:
        """For a person: which part of the query matched which name of which entry, e.g.
        '"Harbin Inst. of Tech." → Harbin Institute of Technology (us_dod_1286; its primary name),
        exact, 0.97',
        '… → X (us_dod_1286; alias "Y"), alias, 0.95', or for an entry reached through a linked
        record '… → X (us_dod_1286; primary "Z" of ror:…), exact, 0.95, ror:…'."""
        where = self.list
        if self.matched and (self.matched != self.name or self.linked):
            owner = f" of {self.linked}" if self.linked else ""
            where += f"; {self.name_type or 'name'} {self.matched!r}{owner}"
        elif self.name_type:  # "exact", "parent", "word order": which of its names
            where += f"; its {self.name_type} name"
        line = f"{self.name} ({where}), {self.method}, {self.score:.2f}"
        if self.via:
            line += f", {self.via}"
        return f'"{self.part}" → {line}' if self.part else line

    def as_dict(self) -> dict[str, Any]:
        return {
            "list": self.list,
            "edition": self.edition,
            "entry": self.entry,
            "name": self.name,
            "ror_id": self.ror_id,
            "method": self.method,
            "score": self.score,
            "candidate": self.candidate,
            "kind": self.kind,
            "via": self.via,
            "matched": self.matched,
            "part": self.part,
            "name_type": self.name_type,
            "linked": self.linked,
            "explanation": self.explanation,
            "designated_under": self.designated_under,
        }
