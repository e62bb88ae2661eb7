"""A server that answers fewer items than asked (a page size capped below ``page_size`` by the
instance or a proxy). A review served 3 projects, capped at 2 a page while kvrules asked for
500: the listing stopped after the first page and the third record was never requested."""

from __future__ import annotations

import copy
from pathlib import Path

from kvrules_pure.simulator import start_simulator
from pure_helpers import SECRET, adapter_for, scan

from kvrules.testing.hostile import HostileServer, Json

FIXTURES = Path(__file__).parent / "fixtures" / "pure-umn-524"


def test_a_capped_page_size_still_lists_every_project() -> None:
    with start_simulator(projects=7, seed=4, api_key=SECRET) as sim:
        sim.page_cap = 2
        with adapter_for(sim) as adapter:
            read = {r.record_id for r in scan(adapter) if r.events or r.error}
        offsets = [r.query for r in sim.requests if r.path.endswith("/projects")]
        listed = {p["uuid"] for p in sim.store.collection("projects").page(0, 7)}
    assert read == listed and len(read) == 7
    # stepped by what each page held: offsets 0, 2, 4, 6 (size 500 asked each time)
    assert [q for q in offsets if "offset" in q] == [
        f"size=500&offset={n}" for n in (0, 2, 4, 6)
    ], offsets


def test_a_capped_page_size_on_the_524_api_follows_its_next_links() -> None:
    with start_simulator(projects=5, seed=4, api_key=SECRET, legacy_dir=FIXTURES) as sim:
        for p in sim.store.collection("projects").page(0, 5):
            sim.legacy["projects"][p["uuid"]] = copy.deepcopy(p)
        orgs = sim.store.collection("external-organizations")
        for org in orgs.page(0, len(orgs)):
            sim.legacy["external-organisations"][org["uuid"]] = copy.deepcopy(org)
        sim.page_cap = 2
        with adapter_for(sim, base_url=f"{sim.base_url}/524") as adapter:
            read = {r.record_id for r in scan(adapter) if r.events or r.error}
    assert read == set(sim.legacy["projects"])


def test_a_listing_that_ends_short_of_its_count_says_so() -> None:
    """count says 3, the page holds none: nothing more can be read, and one line says what
    was not (for the scan to say, and to count the read incomplete: test_incomplete_read)."""
    with HostileServer() as server:
        server.script("/ws/api/projects", Json({"count": 3, "items": []}))
        adapter = adapter_for(_Url(server.url("/ws/api")), retries=0)  # type: ignore[arg-type]
        try:
            pages = list(adapter.client.pages("/projects"))
            said = adapter.client.take_unread()
        finally:
            adapter.close()
    assert [len(items) for _, items in pages] == [0] and len(server.requests) == 1
    assert said == [
        "GET /projects: the listing ended at 0 of the 3 records its count gives (offset 0 "
        "answered no items); the others were not read"
    ]


def test_no_next_link_ends_the_listing_and_the_fetch_says_the_read_is_incomplete() -> None:
    page = {"count": 5, "items": [{"uuid": "a"}], "navigationLinks": [{"ref": "prev"}]}
    with HostileServer() as server:
        server.script("/ws/api/524/projects", Json(page))
        adapter = adapter_for(_Url(server.url("/ws/api/524")), retries=0)  # type: ignore[arg-type]
        try:
            pages = list(adapter.client.pages("/projects"))
            assert [len(items) for _, items in pages] == [1]
            assert [r.path for r in server.requests] == ["/ws/api/524/projects?size=500&offset=0"]
            said = adapter.client.take_unread()
            assert len(said) == 1 and "ended at 1 of the 5" in said[0]
            # A whole fetch hands it on, before the pass is said complete.
            fetched = list(adapter.fetch())
        finally:
            adapter.close()
    unread = [r for r in fetched if r.unread]
    assert [r.unread for r in unread] == said
    ids = [r.record_id for r in fetched]
    assert ids.index("pure:listing-short") < ids.index("pure:pass-complete")


class _Url:
    """What adapter_for reads of a simulator handle, for a scripted server."""

    def __init__(self, base_url: str) -> None:
        self.base_url, self.api_key = base_url, SECRET
