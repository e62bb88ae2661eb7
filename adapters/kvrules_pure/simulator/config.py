"""Instance configuration: the things that differ between real Pure installations."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ROR_TYPE_URI = (
    "/dk/atira/pure/ueoexternalorganisation/ueoexternalorganisationsources/ror_id"
)


PORTFOLIOS = ("realistic", "stress")


@dataclass(frozen=True)
class SimulatorConfig:
    """Knobs an adapter must not hard-code (cris-apis.md 1.7): keep them configurable here."""

    seed: int = 1
    projects: int = 3000
    # Identifier type URI that marks a ROR id on external organisations (instance config).
    ror_type_uri: str = DEFAULT_ROR_TYPE_URI
    # "url" -> https://ror.org/xxxx, "bare" -> xxxx, "mixed" -> either, per record.
    ror_value_style: str = "url"
    # BasicProject or AwardManagementProject; awards follow (BasicAward/AwardManagementAward).
    project_type: str = "AwardManagementProject"
    locale: str = "en_GB"
    system_currency: str = "EUR"
    university_name: str = "University of Kvarn"
    # Synthetic clock: records are dated up to this day so a seed gives identical data any day.
    as_of: str = "2025-06-30"
    # Conflict status on stale version: 409 per spec; some instances answer 412.
    conflict_status: int = 409
    # Plant legacy-feed quirks (no-uuid items, duplicates, non-content families, hidden runs).
    changes_noise: bool = True
    # "realistic": partner countries, listed partners, sensitive areas and funders at the rates
    # of a Dutch research university (docs/simulator-realism.md, with sources); "stress": the
    # old high-risk portfolio (listed and Chinese partners on a large share of projects).
    portfolio: str = "realistic"

    def __post_init__(self) -> None:
        if self.portfolio not in PORTFOLIOS:
            raise ValueError(f"portfolio must be one of {', '.join(PORTFOLIOS)}")

    @property
    def award_type(self) -> str:
        return (
            "AwardManagementAward"
            if self.project_type == "AwardManagementProject"
            else "BasicAward"
        )
