"""A one-word name is not erased without asking (review of the privacy change, items 7 and 8):
`--person Will` rewrote "We will review it", audit entry included; the dry run did not say
how many texts were free text; `privacy export --person ' '` was accepted; and nothing said
that a name in a script without spaces is not found inside a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.store import Store
from kvrules.store.privacy import is_full_name
from tests.web.web_helpers import event, finding


def _rationale(store: Store) -> str:
    return store._db.conn.execute("SELECT rationale FROM decisions").fetchone()[0]


def _decided(
    path: Path,
    rationale: str = "We will review it next year.",
    mitigations: list[tuple[str, str, None]] | None = None,
) -> int:
    """A store with one case, decided with ``rationale`` (approved with ``mitigations``)."""
    with Store.open(path, create=True, say=lambda s: None) as store:
        store.record_subject(event("p-1", "Beihang University", "CN", with_match=True))
        store.record_findings([finding("p-1")], {})
        case = store.case_for("pure", "p-1")
        assert case is not None
        decision = "approve-with-mitigations" if mitigations else "approve"
        store.decide(case.id, decision, rationale, actor="chair", mitigations=mitigations or ())
        return case.id


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("Will", False),
        ("Işık", False),
        ("  ", False),
        ("Chen Li", True),
        ("张伟", True),
        ("김민수", True),
        ("张", False),
    ],
)
def test_a_full_name_is_two_words_or_two_characters_of_a_script_without_spaces(
    name: str, full: bool
) -> None:
    assert is_full_name(name) is full


def test_a_one_word_name_is_erased_only_with_single_word(tmp_path: Path) -> None:
    path = tmp_path / "kv.db"
    _decided(path)
    runner = CliRunner()
    base = ["privacy", "erase", "--person", "Will", "--db", str(path)]
    dry = runner.invoke(cli, base)
    assert dry.exit_code == 0, dry.output
    assert "(0 a name as a whole, 1 in free text)" in dry.output
    refused = runner.invoke(cli, [*base, "--apply"])
    assert refused.exit_code == 1
    assert "is one word" in refused.output and "--single-word" in refused.output
    with Store.open(path, say=lambda s: None) as store:
        assert _rationale(store) == "We will review it next year."
    done = runner.invoke(cli, [*base, "--apply", "--single-word"])
    assert done.exit_code == 0, done.output
    with Store.open(path, say=lambda s: None) as store:
        assert "(erased person " in _rationale(store)


@pytest.mark.parametrize("command", ["export", "erase"])
def test_a_blank_name_is_refused_by_export_as_by_erase(tmp_path: Path, command: str) -> None:
    path = tmp_path / "kv.db"
    _decided(path)
    run = CliRunner().invoke(cli, ["privacy", command, "--person", " ", "--db", str(path)])
    assert run.exit_code == 1
    assert "name the person" in run.output
    with Store.open(path, say=lambda s: None) as store:
        assert not [e for e in store.audit_entries() if e.action.startswith("privacy.")]


def test_a_name_in_a_script_without_spaces_comes_with_what_cannot_be_found(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kv.db"
    _decided(path)
    runner = CliRunner()
    for command in ("export", "erase"):
        run = runner.invoke(cli, ["privacy", command, "--person", "张伟", "--db", str(path)])
        assert run.exit_code == 0, run.output
        assert "not inside a sentence" in run.stderr
        latin = runner.invoke(cli, ["privacy", command, "--person", "Chen Li", "--db", str(path)])
        assert "not inside a sentence" not in latin.stderr


def test_a_field_holding_just_the_name_counts_as_a_whole_name(tmp_path: Path) -> None:
    """Reviewer (committee week), 2026-12-07: a mitigation's owner "David Mensah" was counted
    "1 in free text" by `privacy erase`/`export`: a field that is exactly the name is the
    name as a whole; the rationale naming him in a sentence is free text."""
    path = tmp_path / "kv.db"
    _decided(
        path, "David Mensah briefs the team.", [("Export-control briefing", "David Mensah", None)]
    )
    run = CliRunner().invoke(
        cli, ["privacy", "erase", "--person", "David Mensah", "--db", str(path)]
    )
    assert run.exit_code == 0, run.output
    assert "(1 a name as a whole, 1 in free text)" in " ".join(run.output.split()), run.output
