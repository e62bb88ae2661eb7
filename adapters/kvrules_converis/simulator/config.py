"""Instance configuration of the simulated Converis: the names a real installation may differ in."""

from __future__ import annotations

from dataclasses import dataclass

READ_BASE = "/converis-apis/ws/v2"
CUD_BASE = "/converis/ws/v2/dataobject"


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 1
    projects: int = 3000
    # Synthetic clock: data is dated up to this instant so a seed gives identical data any day.
    as_of: str = "2025-06-30T00:00:00Z"
    # Requests per second over a sliding 1-second window; more are answered 429 (None = off).
    rate_limit: float | None = 10.0
    max_count: int = 50
    # Answer at most this many records per page whatever `count` asks (the spec calls count
    # "maximum number of records to return"; a server may return fewer and have more).
    page_cap: int | None = None
    # Entity and link names (FAU Erlangen's model); an instance may rename any of them.
    project: str = "Project"
    organisation: str = "Organisation"
    person: str = "Person"
    card: str = "Card"
    unit_link: str = "PROJ_has_ORGA"
    partner_link: str = "proj_has_eorg"
    funder_link: str = "proj_has_fund"
    leader_link: str = "proj_has_card"
    # FAU's collaborators and members (cris-apis.md 2.4, "proj_has_col_card"); tests add links.
    collaborator_link: str = "proj_has_col_card"
    # An entity type of its own for external organisations, linked to projects by
    # external_link (cris-apis.md 2.4: how they are modelled is instance-specific). None: no such
    # entity; tests add records (store.add_entity) to one that has it.
    external_entity: str | None = None
    external_link: str = "proj_has_extorg"
    risk_attribute: str = "knowledgeSecurityRisk"
    username: str = "kvrules"
    # Link types defined the other way round (Organisation on the left, Project on the right).
    reversed_links: tuple[str, ...] = ()
    # Plant one project per record shape the WS v2 document allows (shapes.SHAPES), with a
    # sponsor link type the adapter is not configured for, and leave `data` out of empty pages.
    shapes: bool = False
