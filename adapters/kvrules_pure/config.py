"""Settings of the Pure adapter, from a mapping or ``KVRULES_PURE_*`` environment variables.

Only ``KVRULES_PURE_BASE_URL`` and ``KVRULES_PURE_API_KEY`` (or ``KVRULES_PURE_API_KEY_FILE``)
are needed; everything else has a default that matches a stock Pure instance. List and dict
settings take JSON in environment variables, e.g.
``KVRULES_PURE_LOCALES='["en_US","en_GB"]'``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kvrules import RecordLimits, secret_file_setting, secret_setting, setting_secret
from kvrules.http import TransportSettings

ROR_TYPE_URIS = [
    "/dk/atira/pure/ueoexternalorganisation/ueoexternalorganisationsources/ror_id",
    "/dk/atira/pure/ueoexternalorganisation/ueoexternalorganisationsources/ror",
]
ENV_KEY = "KVRULES_PURE_API_KEY"
KS_URI = "/dk/atira/pure/keywords/knowledgesecurity/"
# kvrules tag -> classification URI in the risk keyword group (instance configuration).
RISK_TAGS = {f"ks:{level}": KS_URI + level for level in ("none", "low", "medium", "high")}


class PureConfig(BaseSettings, TransportSettings):
    """Everything instance-specific (cris-apis.md 1.7) is a setting, never a constant in code."""

    model_config = SettingsConfigDict(env_prefix="KVRULES_PURE_", extra="forbid")

    base_url: str = Field(description="Pure API root, e.g. https://pure.example.edu/ws/api")
    # From KVRULES_PURE_API_KEY or the file, never the config file; '**********' in reprs.
    api_key: SecretStr | None = secret_setting("the api-key header value")
    api_key_file: Path | None = secret_file_setting("file holding the API key")

    page_size: int = Field(default=500, ge=1, le=1000, description="list page size (Pure max 1000)")
    max_workers: int = Field(default=8, ge=1, le=64, description="concurrent sub-requests")

    locales: list[str] = Field(
        default=["en_GB", "en_US"], description="preferred locales for localized strings"
    )
    ror_type_uris: list[str] = Field(default=ROR_TYPE_URIS)
    award_clusters: Literal["referenced", "always"] = Field(
        default="referenced",
        description="'referenced': ask for award clusters only when the project lists "
        "awardClusters; 'always': for every project (instances that omit the refs)",
    )

    risk_group: str = Field(
        default="knowledgeSecurityRisk", description="logicalName of the kvrules keyword group"
    )
    risk_tags: dict[str, str] = Field(
        default=RISK_TAGS, description="kvrules tag -> classification URI in the risk group"
    )
    max_write_attempts: int = Field(default=4, ge=1, description="GET-merge-PUT rounds on 409/412")
    note_username: str = "kvrules"

    changes_feed: bool = Field(default=True, description="use the legacy /524/changes feed")
    changes_path: str = Field(default="/524/changes", description="relative to base_url")

    research_outputs: bool = Field(default=False, description="also scan /research-outputs")
    activities: bool = Field(default=False, description="also scan 'hosting a visitor' activities")
    applications: bool = Field(
        default=False,
        description="also scan /applications: funding applications, screened before any "
        "award (events application.submitted / application.changed; risk tags written back)",
    )
    visit_types: list[str] = Field(
        default=["HostVisitor", "/dk/atira/pure/activity/activitytypes/hostvisitor"],
        description="activity typeDiscriminators or type-URI prefixes that are visits",
    )

    limits: RecordLimits = Field(
        default_factory=RecordLimits,
        description="per-record limits (SECURITY.md); JSON in KVRULES_PURE_LIMITS",
    )

    @model_validator(mode="after")
    def _key(self) -> PureConfig:
        if self.api_key is None and self.api_key_file is None:
            raise ValueError("set the API key in KVRULES_PURE_API_KEY, or api_key_file")
        return self

    def secret(self) -> str:
        """The API key: the value (KVRULES_PURE_API_KEY or the setting), else the file's
        content — ``kvrules.read_secret``'s order, as for every secret. Only the HTTP client
        should call this."""
        return setting_secret(self, "api_key", "Pure API key")

    def key_source(self) -> str:
        """Where the API key sent comes from, in words (never the key): a refused key is
        fixed where it came from. The environment variable wins over the file
        (``kvrules.read_secret``), so a stale variable is named, and the file it hides."""
        if self.api_key is not None and self.api_key.get_secret_value():
            given = f"environment variable {ENV_KEY}" if os.environ.get(ENV_KEY) else "api_key"
            hidden = f"; api_key_file {self.api_key_file} is not read" if self.api_key_file else ""
            return f"the API key from {given}{hidden}"
        return f"the API key in api_key_file {self.api_key_file}"

    def tag_for(self, uri: str) -> str:
        """The kvrules tag of a classification URI; an unknown URI stays visible as itself."""
        for tag, known in self.risk_tags.items():
            if known == uri:
                return tag
        return uri
