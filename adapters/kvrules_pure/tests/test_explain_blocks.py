"""`kvrules fetch --explain` on the 524 API, as a review of the real UMN responses
(UMNLibraries/pureapi @ fdd0df42, tests/data/524, MIT) asked: each record's block starts with
a line naming it (id and title), a quarantined one's too, its quarantine reason in the block
and matchable to the stderr line; fields named as the 524 API names them; what the older API
keeps under ``info`` listed (``info.additionalExternalIds``, ``info.prettyURLIdentifiers``)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from click.testing import CliRunner
from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET

from kvrules.cli.fetch import fetch

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
REAL = "f145e583-7d49-415e-aefb-381905b58ae7"
BROKEN = "f145e583-0000-4000-8000-00000000b0b0"
TITLE = "Measurement of Singly Cabibbo Suppressed Decays Λc+ →pπ+π- and Λc+ →pK+K-"


def test_each_block_names_its_record_and_says_524_field_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KVRULES_PURE_API_KEY", SECRET)
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        outputs = sim.legacy["research-outputs"]
        broken = copy.deepcopy(outputs[REAL])  # the real record, its statuses of a wrong type
        broken.update(uuid=BROKEN, publicationStatuses="published")
        outputs[BROKEN] = broken
        args = ["--source", "pure", "--set", f"base_url={sim.base_url}/524"]
        args += ["--set", "research_outputs=true", "--explain", "--raw"]
        result = CliRunner().invoke(fetch, args)
    assert result.exit_code == 2, result.output  # one quarantined
    lines = result.stdout.splitlines()
    blocks = [n for n, line in enumerate(lines) if line.startswith("record ")]
    assert [lines[n] for n in blocks] == [
        f"record research-outputs/{REAL}: {TITLE}",
        f"record research-outputs/{BROKEN}: {TITLE}",
    ]
    good, bad = lines[blocks[0] : blocks[1]], lines[blocks[1] :]
    assert good[1].startswith(f"  output.published  research-outputs/{REAL}  ")
    reason = "publicationStatuses: expected a list, got a string"
    assert bad[1] == f"  quarantined: {reason}"
    assert f"quarantined research-outputs/{BROKEN}: {reason}" in result.stderr
    read = next(line for line in good if line.startswith("  read:"))
    ignored = next(line for line in good if line.startswith("  ignored:"))
    for path in ("personAssociations[].externalOrganisations", "organisationalUnits"):
        assert path in read
    assert "contributors" not in read and "organizations" not in read
    assert "info.additionalExternalIds" in ignored and "info.prettyURLIdentifiers" in ignored
    assert "info.modifiedDate" in read and "info.portalUrl" in read
