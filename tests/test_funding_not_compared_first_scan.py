"""The first scan of an institution whose funding is all in another currency says which
amounts count toward no unit's share. README review, 2026-12-07: a Canadian site's first scan
(3,000 projects, funding in EUR) printed nothing of the kind and the second, reading nothing,
printed "Funding in EUR (2396 funding lines) … counts toward no unit's foreign-funding share":
the scan kept its starting shares (from an empty store) when the shares it settled on were the
same — none — and with them the empty count of amounts left out."""

from __future__ import annotations

from pathlib import Path

from tests.scan_helpers import file_export_config, project_event, scanned


def _funded(record_id: str) -> dict:
    return project_event(
        record_id,
        units=["Faculty of Science"],
        funders=[{"name": "Deutsche Forschungsgemeinschaft", "country": "DE", "amount": 200_000,
                  "currency": "EUR"}],
    )  # fmt: skip


def test_the_first_scan_says_the_amounts_it_left_out(tmp_path: Path) -> None:
    config = file_export_config(tmp_path, _funded("p1"), _funded("p2"), home="CA")
    first = scanned(config).output
    said = " ".join(first.split())
    assert "Funding in EUR (2 funding lines) counts toward no unit's foreign-funding share" in said
    assert "only amounts in CAD (CA's currency) are compared" in said
