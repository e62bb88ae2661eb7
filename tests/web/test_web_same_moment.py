"""Two committee members submit from pages opened at the same version, at the same moment.

The web handler used to check the version (one transaction) and then let the store write (a
second): both requests could pass the check before either wrote, and the second silently
overwrote the first. The store now checks in the write's own transaction
(``kvrules.store.changes``): exactly one wins, the other gets the 409 page with its form kept.

Each member's request goes over real HTTP to a server of its own on one SQLite file, as two
web workers (processes) would: one uvicorn server runs its handlers on one event loop, so two
requests to it never interleave. A barrier holds both requests at the store's write until
both have got past everything before it (on the old code: past the version check).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from kvrules.store import Store
from kvrules.store.changes import CaseChanged
from kvrules.web.app import create_app
from kvrules.web.settings import WebSettings
from tests.web.web_helpers import PASSWORD, PASSWORD_HASH, SECRET, case_form, case_id, served, token

WAIT = 20  # seconds a barrier waits before it breaks (a request that never came)


def _signed_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=60)
    t = token(client.get("/login").text)
    client.post("/login", data={"username": name, "password": PASSWORD, "csrf_token": t})
    return client


def _held_at(monkeypatch: pytest.MonkeyPatch, name: str, together: threading.Barrier) -> None:
    """The store's ``name`` waits for the other request at ``together`` before it runs (the
    real method, unchanged: the barrier only lines the two requests up)."""
    real = getattr(Store, name)

    def held(self: Store, *args: Any, **kw: Any) -> Any:
        together.wait(WAIT)
        return real(self, *args, **kw)

    monkeypatch.setattr(Store, name, held)


def _both_at_once(posts: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    answers: list[httpx.Response] = []
    start = threading.Barrier(len(posts))

    def run(post: Callable[[], httpx.Response]) -> None:
        start.wait(WAIT)
        answers.append(post())

    workers = [threading.Thread(target=run, args=(p,)) for p in posts]
    for w in workers:
        w.start()
    for w in workers:
        w.join(WAIT * 3)
    assert len(answers) == len(posts), "a request did not come back"
    return answers


def _servers(db: Path, n: int = 2, **kw: Any):
    from contextlib import ExitStack

    stack = ExitStack()
    urls = [
        stack.enter_context(served(create_app(WebSettings(db=db, secret_key=SECRET, **kw))))[0]
        for _ in range(n)
    ]
    return stack, urls


def _two_members_at_once(
    db: Path, cid: int, form: str, committee_typed: dict, chair_typed: dict
) -> list[httpx.Response]:
    """Two committee members (committee and chair), each through a server of their own, open
    case ``cid`` (the same version) and post its ``form`` (triage, decide) at the same moment:
    both answers. A test lines the two up in the store with ``_held_at`` first."""
    form_path = f"/cases/{cid}/{form}"
    stack, (one, two) = _servers(db)
    with stack:
        alice, bob = _signed_in(one, "committee"), _signed_in(two, "chair")
        alice_form, bob_form = case_form(alice, cid), case_form(bob, cid)
        assert alice_form["version"] == bob_form["version"]
        return _both_at_once(
            [
                lambda: alice.post(form_path, data={**alice_form, **committee_typed}),
                lambda: bob.post(form_path, data={**bob_form, **chair_typed}),
            ]
        )


def test_two_triages_at_the_same_moment_one_wins_the_other_sees_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = case_id(db)
    _held_at(monkeypatch, "set_triage", threading.Barrier(2))
    answers = _two_members_at_once(
        db,
        cid,
        "triage",
        {"form": "triage", "colour": "green"},
        {"form": "triage", "colour": "red", "note": "Escalate."},
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409], codes  # one saved (303 to the case page), one refused
    refused = next(a for a in answers if a.status_code == 409).text
    assert "changed this case at" in refused and "since you opened it" in refused
    with Store.open(db) as store:
        triaged = [e for e in store.audit_entries(f"case:{cid}") if e.action == "case.triaged"]
        colour = store.triage_colours()[cid]
    assert len(triaged) == 1, [e.actor for e in triaged]
    winner = triaged[0].actor
    assert colour == ("green" if winner == "committee" else "red")
    # the one refused sees the winner's change and keeps what was typed
    assert f"{winner} changed this case at" in refused
    loser_colour = "red" if winner == "committee" else "green"
    assert f'value="{loser_colour}" checked' in refused


def test_two_decisions_at_the_same_moment_one_wins(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = case_id(db)
    _held_at(monkeypatch, "decide", threading.Barrier(2))
    answers = _two_members_at_once(
        db,
        cid,
        "decide",
        {"form": "decide", "decision": "approve", "rationale": "Civil research only."},
        {"form": "decide", "decision": "reject", "rationale": "The partner's lab is listed."},
    )
    assert sorted(a.status_code for a in answers) == [303, 409]
    with Store.open(db) as store:
        assert len(store.decisions(cid)) == 1


def test_the_store_checks_the_version_in_the_write(db: Path) -> None:
    """Two connections (as two processes) write from the same version at once: the write
    lock orders them and the second, finding the first's entry, writes nothing."""
    cid = case_id(db)
    with Store.open(db) as store:
        seen = max(e.id for e in store.audit_entries(f"case:{cid}"))
    together = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def triage(actor: str, colour: str) -> None:
        with Store.open(db) as store:
            together.wait(WAIT)
            try:
                outcome[actor] = store.set_triage(cid, colour, actor=actor, seen=seen).status
            except CaseChanged as changed:
                outcome[actor] = changed

    workers = [
        threading.Thread(target=triage, args=a) for a in (("alice", "green"), ("bob", "red"))
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(WAIT * 3)
    refused = [v for v in outcome.values() if isinstance(v, CaseChanged)]
    assert len(outcome) == 2 and len(refused) == 1, outcome
    (changed,) = refused
    winner = next(a for a, v in outcome.items() if not isinstance(v, CaseChanged))
    assert [e.actor for e in changed.changes] == [winner]
    with Store.open(db) as store:
        triaged = [e for e in store.audit_entries(f"case:{cid}") if e.action == "case.triaged"]
    assert [e.actor for e in triaged] == [winner]


def test_two_admins_disabling_each_other_at_once_leave_one(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last-admin check was made before the write, in a read of its own: two admins
    disabling each other at the same moment both passed it, and no admin was left to manage
    accounts (reproduced: both 303). The check is now made in the write's transaction."""

    with Store.open(db) as store:
        store.add_user("admin2", "admin", PASSWORD_HASH, actor="test")
    stack, (one, two) = _servers(db)
    with stack:
        first, second = _signed_in(one, "admin"), _signed_in(two, "admin2")
        forms = [{"csrf_token": token(c.get("/admin/users").text)} for c in (first, second)]
        _held_at(monkeypatch, "disable_user", threading.Barrier(2))
        answers = _both_at_once(
            [
                lambda: first.post("/admin/users/admin2/disable", data=forms[0]),
                lambda: second.post("/admin/users/admin/disable", data=forms[1]),
            ]
        )
    assert sorted(a.status_code for a in answers) == [303, 400]
    refused = next(a for a in answers if a.status_code == 400).text
    assert "is the last admin: add another one first." in refused
    with Store.open(db) as store:
        admins = [u.name for u in store.users() if u.role == "admin" and not u.disabled]
    assert len(admins) == 1
