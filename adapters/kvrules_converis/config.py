"""Settings of the Converis adapter, from a mapping or ``KVRULES_CONVERIS_*`` environment variables.

``KVRULES_CONVERIS_BASE_URL``, ``_USERNAME`` and ``_PASSWORD`` (or ``_PASSWORD_FILE``) suffice
for an instance modelled like FAU Erlangen's. Entity, link and attribute names are instance
configuration (cris-apis.md 2.4); the adapter checks every one against ``/config/*`` before it
reads data. Set an optional name to null to do without it. Dicts and lists take JSON in
environment variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from kvrules import RecordLimits, secret_file_setting, secret_setting, setting_secret
from kvrules.http import TransportSettings, check_url

ENV_TOKEN = "KVRULES_CONVERIS_PASSWORD"
READ_PATH = "/converis-apis/ws/v2"
CUD_PATH = "/converis/ws/v2/dataobject"
# FAU Erlangen's project links (cris-apis.md 2.4): to members' cards, and to what is no partner.
MEMBER_LINKS = ("proj_has_card", "proj_has_col_card")
IGNORED_LINKS = ("PROJ_has_PUBL", "PROJ_has_PICT")
RISK_VALUES = {f"ks:{level}": level for level in ("none", "low", "medium", "high")}


class PartnerEntity(BaseModel):
    """How to read partners held in another entity type than organisation_entity (external
    organisations are modelled per instance, cris-apis.md 2.4)."""

    model_config = ConfigDict(extra="forbid")

    entity: str = Field(description="the entity type at the link's other end")
    name_attr: str = Field(default="cfName", description="its name attribute")
    country_attr: str | None = Field(default="country", description="its country attribute")
    ror_attr: str | None = Field(default=None, description="its ROR id attribute")


class ConverisConfig(BaseSettings, TransportSettings):
    model_config = SettingsConfigDict(env_prefix="KVRULES_CONVERIS_", extra="forbid")

    base_url: str = Field(
        description="Read API root, e.g. https://cris.example.edu/converis-apis/ws/v2"
    )
    cud_url: str | None = Field(
        default=None,
        description="CUD API root (…/converis/ws/v2/dataobject); derived from base_url if unset",
    )
    username: str = Field(description="the API application name (HTTP Basic user)")
    # From KVRULES_CONVERIS_PASSWORD or the file, never the config file; '**********' in reprs.
    password: SecretStr | None = secret_setting("the API authentication token")
    password_file: Path | None = secret_file_setting("file holding the token")

    page_size: int = Field(default=50, ge=1, le=50, description="records per request (max 50)")
    rate_limit: float = Field(
        default=8.0, gt=0, description="client-side requests per second (the API allows 10)"
    )
    burst: int = Field(default=1, ge=1, description="requests allowed at once above the rate")
    max_workers: int = Field(default=4, ge=1, le=16, description="concurrent sub-requests")
    backoff: float = Field(default=0.5, ge=0, description="exponential backoff factor (s)")
    check_model: bool = Field(default=True, description="verify names against /config first")
    limits: RecordLimits = Field(
        default_factory=RecordLimits,
        description="per-record limits (SECURITY.md); JSON in KVRULES_CONVERIS_LIMITS",
    )

    languages: list[str] = Field(default=["en_GB", "en_US", "de_DE"])
    project_entity: str = "Project"
    organisation_entity: str = "Organisation"
    partner_link: str = "proj_has_eorg"
    funder_link: str | None = "proj_has_fund"
    unit_link: str | None = "PROJ_has_ORGA"

    title_attr: str = "cfTitle"
    start_attr: str | None = "cfStartDate"
    end_attr: str | None = "virtualEndDate"
    keywords_attr: str | None = "cfKeywords"
    org_name_attr: str = "cfName"
    org_acronym_attr: str | None = "acronym"
    org_aliases_attr: str | None = "alternativeName"
    org_country_attr: str | None = "country"
    org_ror_attr: str | None = "rorId"
    country_numeric_ids: bool = Field(
        default=False,
        description="the country choice group's values are ISO 3166 numeric codes (156: China): "
        "read only when no label names a country, and a label saying another quarantines the "
        "organisation's projects. False: a value of digits is an internal id, never a country",
    )
    org_type_attr: str | None = "orgType"
    org_internal_types: list[str] = Field(
        default=["internal"],
        description="values of org_type_attr (the value, the choice value or a label) that mark "
        "one of the institution's own organisations: a unit, never a partner or funder",
    )
    org_id_attrs: dict[str, str] = Field(
        default={},
        description="further identifier attributes of organisations: attribute name -> scheme, "
        'e.g. {"scopusAffiliationId": "scopus", "isni": "isni"} (ROR: org_ror_attr)',
    )
    partner_role_attr: str | None = "role"
    funding_amount_attr: str | None = "amount"
    funding_currency_attr: str | None = "currency"
    funding_programme_attr: str | None = "programme"
    amount_decimal_separator: Literal[".", ","] | None = Field(
        default=None,
        description="the decimal separator of the locale the instance writes text amounts in "
        '("," for de_DE: 1.250.000,50; "." for en_GB: 1,250,000.50). A NUMBER attribute in '
        'machine form ("1880000.00") is read as such whatever it says; it settles a NUMBER '
        'that reads two ways ("750.000"). Unset, an amount whose one separator is followed by '
        'three digits ("750.000", "1,250") is ambiguous and its project quarantined',
    )
    member_links: list[str] = Field(
        default=list(MEMBER_LINKS),
        description="links from a project to its members' cards (a person's affiliation): "
        "FAU's proj_has_card (leaders) and proj_has_col_card (collaborators and members, "
        "cris-apis.md 2.4); left at the default, one the instance does not define is left "
        "out; [] reads no persons",
    )
    card_org_link: str | None = Field(
        default="CARD_has_ORGA",
        description="link from a card to its organisation: an external one is a participant's "
        "affiliation; null reads no persons",
    )

    partner_entity_links: dict[str, PartnerEntity] = Field(
        default={},
        description="further links from a project to partners held in another entity type: "
        'link type -> {entity, name_attr, country_attr, ror_attr}, e.g. {"proj_has_extorg": '
        '{"entity": "ExternalOrganisation"}}; JSON in KVRULES_CONVERIS_PARTNER_ENTITY_LINKS',
    )
    ignored_links: list[str] = Field(
        default=list(IGNORED_LINKS),
        description="link types from a project that hold no collaborator (FAU's PROJ_has_PUBL, "
        "PROJ_has_PICT): `config check --connect` and `fetch --explain` name every other "
        "link type of the project the settings do not read. A link to organisations is never "
        "ignored: a project using one is quarantined",
    )

    risk_attribute: str = Field(
        default="knowledgeSecurityRisk", description="Project attribute (a choice group) for tags"
    )
    risk_values: dict[str, str] = Field(
        default=RISK_VALUES, description="kvrules tag -> choice value of the risk attribute"
    )
    max_write_attempts: int = Field(default=3, ge=1, description="rounds when a record moved")
    write_retry_delay: float = Field(default=1.0, ge=0, description="seconds before a retry")
    overlap_seconds: float = Field(
        default=5.0, ge=0, description="incremental scans re-read this far below the watermark"
    )

    # Default member links the instance does not define (schema.settle_defaults): not read.
    _absent_links: set[str] = PrivateAttr(default_factory=set)

    @field_validator("cud_url")
    @classmethod
    def _url(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return None
        return check_url(v, allow_insecure_http=info.data.get("allow_insecure_http", False))

    @model_validator(mode="after")
    def _complete(self) -> ConverisConfig:
        if self.password is None and self.password_file is None:
            raise ValueError("set the token in KVRULES_CONVERIS_PASSWORD, or password_file")
        if self.cud_url is None:
            if not self.base_url.endswith(READ_PATH):
                raise ValueError(f"cud_url is needed when base_url does not end in {READ_PATH}")
            self.cud_url = self.base_url[: -len(READ_PATH)] + CUD_PATH
        return self

    def secret(self) -> str:
        """The token: the value (KVRULES_CONVERIS_PASSWORD or the setting), else the file's
        content — ``kvrules.read_secret``'s order, as for every secret. Only the HTTP client
        should call this."""
        return setting_secret(self, "password", "Converis token")

    def token_source(self) -> str:
        """Where the token sent comes from, in words (never the token): a refused token is
        fixed where it came from. The environment variable wins over the file
        (``kvrules.read_secret``), so a stale variable is named, and the file it hides."""
        if self.password is not None and self.password.get_secret_value():
            from_env = os.environ.get(ENV_TOKEN)
            given = f"environment variable {ENV_TOKEN}" if from_env else "password"
            file = self.password_file
            hidden = f"; password_file {file} is not read" if file else ""
            return f"the token from {given}{hidden}"
        return f"the token in password_file {self.password_file}"

    def tag_for(self, value: str) -> str:
        """The kvrules tag of a risk choice value; an unknown value stays visible as itself."""
        return next((t for t, v in self.risk_values.items() if v == value), value)

    def links(self) -> list[str]:
        """The link types from a project to organisations the mapping reads."""
        return [n for n in (self.partner_link, self.funder_link, self.unit_link) if n]

    def partner_entity(self, entity: str) -> PartnerEntity | None:
        """How partner_entity_links read an entity type (None: not one of theirs)."""
        return next((p for p in self.partner_entity_links.values() if p.entity == entity), None)

    def person_links(self) -> list[str]:
        """The link types from a project to its members' cards (none without card_org_link)."""
        if not self.card_org_link:
            return []
        return [n for n in self.member_links if n not in self._absent_links]
