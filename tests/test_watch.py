"""`kvrules watch` compiles the rulebooks once, and again only when a rulebook file changed
(saying so in one line); an unchanged rulebook is not compiled again between scans."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.rulebook.loader import RulebookError
from kvrules.watch import CompiledRulebooks
from tests.conftest import HEADER, file_source_site, rule_yaml

TITLED = rule_yaml("titled", "project.title exists", on="project.created")
PARTNERED = rule_yaml("partnered", "project.partners exists", on="project.created")


def _config(tmp_path: Path) -> tuple[Path, Path]:
    return file_source_site(tmp_path, ["P1"], TITLED)


def test_watch_compiles_again_only_when_a_rulebook_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config, book = _config(tmp_path)
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:  # the pause between scans, without waiting
        pauses.append(seconds)
        if len(pauses) == 1:  # after the first scan: the rulebook gains a rule
            book.write_text(HEADER + TITLED + PARTNERED, encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "3", "--interval", "1s"]
    )
    assert res.exit_code == 0, res.output
    # the compile notices ("rulebooks: …"; a scan's line may name "rulebooks edited" as what
    # its re-screen was for)
    said = [line for line in res.output.splitlines() if " rulebooks: " in line]
    assert len(said) == 1, res.output  # compiled again once: after the change, not after
    assert ", re-screened 1: rulebooks edited, " in res.output  # its version is the same
    assert said[0].endswith("rulebooks: rb.yaml changed, compiled again")
    lines = res.stdout.splitlines()  # stderr holds notes (home_country is not set here)
    assert lines.index(said[0]) == 1  # between the first scan's line and the second's
    found = CliRunner().invoke(
        cli, ["findings", "--config", str(config), "--json", "--status", "all"]
    )
    rules = {json.loads(line)["rule"] for line in found.output.splitlines()}
    assert rules == {"t/titled", "t/partnered"}  # the changed rulebook was scanned with


def test_an_unchanged_or_merely_touched_rulebook_is_not_compiled_again(tmp_path: Path) -> None:
    _, book = _config(tmp_path)
    with CompiledRulebooks([book.parent]) as rulebooks:
        first, changed = rulebooks.evaluator()
        assert changed == [book] and rulebooks.compiled == 1
        assert rulebooks.evaluator() == (first, [])
        stat = book.stat()
        os.utime(book, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # touched only
        assert rulebooks.evaluator() == (first, []) and rulebooks.compiled == 1
        book.write_text(HEADER + TITLED + PARTNERED, encoding="utf-8")
        second, changed = rulebooks.evaluator()
        assert changed == [book] and second is not first and rulebooks.compiled == 2
        (book.parent / "more.yaml").write_text(
            HEADER.replace("rulebook: t", "rulebook: u") + TITLED
        )
        third, changed = rulebooks.evaluator()
        assert changed == [book.parent / "more.yaml"] and rulebooks.compiled == 3
        book.write_text("rules: [", encoding="utf-8")  # broken: the last good one is kept
        assert rulebooks.evaluator() == (third, [])
        assert rulebooks.refused and re.match(r".*rb\.yaml:\d+:\d+: ", rulebooks.refused)
        assert rulebooks.evaluator() == (third, []) and rulebooks.compiled == 3  # not retried
        book.write_text(HEADER + TITLED, encoding="utf-8")
        fourth, changed = rulebooks.evaluator()
        assert changed == [book] and fourth is not third and rulebooks.compiled == 4
        assert rulebooks.refused is None


def test_rulebooks_that_never_compiled_still_fail_the_scan(tmp_path: Path) -> None:
    """Nothing good to keep: the first compile raises, as a scan would."""
    _, book = _config(tmp_path)
    book.write_text("rules: [", encoding="utf-8")
    with CompiledRulebooks([book.parent]) as rulebooks, pytest.raises(RulebookError):
        rulebooks.evaluator()


def test_an_unreadable_rulebook_keeps_the_last_good_ones_until_readable(tmp_path: Path) -> None:
    """A rulebook that cannot be read (here a folder in its place, which root cannot read
    either) raised IsADirectoryError out of `watch`: a traceback, and the watch ended."""
    _, book = _config(tmp_path)
    good = book.read_bytes()
    stat = book.stat()
    with CompiledRulebooks([book.parent]) as rulebooks:
        first, _ = rulebooks.evaluator()
        book.unlink()
        book.mkdir()
        assert rulebooks.evaluator() == (first, [])
        assert rulebooks.refused == f"{book}: cannot be read (Is a directory)"
        book.rmdir()
        book.write_bytes(good)
        os.utime(book, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert rulebooks.evaluator() == (first, []) and rulebooks.refused is None
        assert rulebooks.compiled == 1


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ("  - id: [\n", r"rb\.yaml:\d+:\d+: "),  # a YAML error
        (
            rule_yaml("odd", "project.title exists", on="project.created", extra="  colour: red\n"),
            r"rb\.yaml:\d+:\d+: .*colour",
        ),  # an unknown field
    ],
    ids=["yaml-error", "unknown-field"],
)
def test_a_rulebook_broken_while_watching_is_said_once_and_the_last_good_ones_scan_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str, said: str
) -> None:
    """Last session: a rulebook edited into one that does not compile failed every following
    scan ("failed: rb.yaml:…" at each) until fixed; only a bad configuration was held back."""
    config, book = _config(tmp_path)
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # the author saves a half-edited rulebook
            book.write_text(HEADER + TITLED + broken, encoding="utf-8")
        elif len(pauses) == 3:  # and fixes it
            book.write_text(HEADER + TITLED + PARTNERED, encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "4", "--interval", "1s"]
    )
    assert res.exit_code == 0, res.output  # no scan failed
    lines = res.stdout.splitlines()
    refused = [line for line in lines if "not taken" in line]
    assert len(refused) == 1, lines  # said once, not at every scan
    assert re.search(said + r".*; not taken, still scanning with the rulebooks compiled at "
                     r"\d\d:\d\d; nobody alerted, no route", refused[0]), refused[0]  # fmt: skip
    assert sum(" records in " in line for line in lines) == 4, lines
    assert not any("failed" in line for line in lines), lines
    assert lines[-2].endswith("rulebooks: rb.yaml changed, compiled again"), lines
    found = CliRunner().invoke(
        cli, ["findings", "--config", str(config), "--json", "--status", "all"]
    )
    rules = {json.loads(line)["rule"] for line in found.output.splitlines()}
    assert rules == {"t/titled", "t/partnered"}  # the fixed rulebook was scanned with


ROR_FIXTURE = Path(__file__).parent / "refdata" / "fixtures" / "ror_affiliations.json"


def test_watch_keeps_no_resolver_of_an_earlier_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each scan loads the lists' index (a ROR registry imported); the last scan's resolver is
    freed, not kept for good: a resolver held in a reference cycle was frozen by the next
    load's gc.freeze() and `watch` grew by one resolver (tens of MB with full ROR) per scan."""
    import weakref

    from kvrules.refdata import cache
    from kvrules.refdata.importers import import_file
    from kvrules.refdata.shipped import open_reference_store

    config, _ = _config(tmp_path)
    with open_reference_store(tmp_path / "ref.db") as ref:
        import_file(ref, "ror", ROR_FIXTURE, edition="v2.9")  # CC0, see fixtures/README.md
    loaded: list[weakref.ref] = []
    resolver_of = cache.Index.resolver

    def recorded(index: cache.Index):  # every resolver a scan uses, watched, not held
        found = resolver_of(index)
        loaded.append(weakref.ref(found))
        return found

    monkeypatch.setattr(cache.Index, "resolver", recorded)
    alive: list[int] = []
    monkeypatch.setattr(
        "kvrules.cli.scan.time.sleep",
        lambda _: alive.append(sum(r() is not None for r in loaded)),
    )
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "5", "--interval", "1s"]
    )
    assert res.exit_code == 0, res.output
    assert len(loaded) >= 5  # a resolver each scan (the index loaded from its kept file)
    assert alive == [0, 0, 0, 0], alive  # between scans, none of the earlier ones is left


def test_a_next_scan_already_due_is_said_as_now() -> None:
    """A scan longer than the interval said "next scan at 09:46:42" at 09:47:40."""
    from datetime import datetime, timedelta

    from kvrules.cli.scan import next_scan

    started = datetime(2026, 12, 7, 9, 45, 42).astimezone()
    due = started + timedelta(minutes=1)
    assert next_scan(due, started + timedelta(seconds=4)) == " · next scan at 09:46:42"
    assert next_scan(due, started + timedelta(seconds=118)) == " · next scan now"
    assert next_scan(due, due) == " · next scan now"


def test_the_watch_line_says_alerts_held_while_mail_is_unreachable(tmp_path: Path) -> None:
    """'0 alerts' was all the line said while 500 alerts waited for a mail server that was
    down; it now says how many are held and since when their channel is unreachable."""
    from tests.alerts.smtp_helpers import free_port
    from tests.conftest import committee_mail_config

    config = committee_mail_config(tmp_path, "127.0.0.1", free_port())
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", "1", "--interval", "1s"]
    )
    assert res.exit_code == 0, res.output
    line = next(
        line
        for line in res.stdout.splitlines()
        if line.endswith("quarantined") or " quarantined" in line
    )
    assert "2 alerts (2 held: mail unreachable since " in line, line
