"""A research output names an external organisation in a field the mapping reads only through
its search for references (here ``publisher.externalOrganisation``, as a review placed one in
the real 524 output of UMNLibraries/pureapi @ fdd0df42, tests/data/524, MIT). When Pure answers
404 for it, the quarantine reason names that field, as the 524 API spells it: the
administrator finds it in the record."""

from __future__ import annotations

from pathlib import Path

from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"
OUTPUT = "f145e583-7d49-415e-aefb-381905b58ae7"
MISSING = "0d0d0d0d-0000-4000-8000-00000000dead"


def test_a_404_on_an_organisation_in_an_unexpected_field_names_the_field() -> None:
    with start_simulator(projects=1, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        href = f"https://experts.umn.edu/ws/api/524/external-organisations/{MISSING}"
        sim.legacy["research-outputs"][OUTPUT]["publisher"] = {
            "externalOrganisation": {"uuid": MISSING, "link": {"ref": "content", "href": href}}
        }
        with adapter_for(sim, base_url=f"{sim.base_url}/524", research_outputs=True) as adapter:
            [record] = [r for r in scan(adapter) if r.record_id.endswith(OUTPUT)]
    assert record.error == (
        f"co-author external organisation {MISSING} named at publisher.externalOrganisation: "
        f"GET /external-organisations/{MISSING}: 404 No external-organisations with uuid "
        f"{MISSING}"
    ), record.error
