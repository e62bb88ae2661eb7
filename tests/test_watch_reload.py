"""`kvrules watch` reads its configuration again when it changed, or on SIGHUP.

An operations review: `watch` read kvrules.yaml once, before its loop, so a `rulebook_vars`
change the README says makes "the next scan re-screen" changed nothing until a restart, and a
SIGHUP (what a service manager's reload sends) ended it with exit status 129 and no line."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from tests.test_rescreen_vars import _site

CN_WATCHED = "rulebook_vars: {uni2-own: {watch_countries: {add: [CN]}}}\n"


def _watch(config: Path, times: int) -> list[str]:
    res = CliRunner().invoke(
        cli, ["watch", "--config", str(config), "--times", str(times), "--interval", "30s"]
    )
    assert res.exit_code == 0, res.output
    return res.stdout.splitlines()


def test_a_changed_rulebook_var_is_scanned_with_by_the_next_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path)

    def between_scans(seconds: float) -> None:  # the administrator edits kvrules.yaml
        with config.open("a", encoding="utf-8") as out:
            out.write(CN_WATCHED)

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    first, reread, second = _watch(config, 2)
    assert "no new findings" in first
    assert reread.endswith("configuration read again (kvrules.yaml changed)"), reread
    assert "re-screened 2" in second and "1 low new findings" in second, second


def test_a_change_that_does_not_validate_keeps_the_last_configuration_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path)
    good = config.read_text(encoding="utf-8")
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:  # a typo: a setting that does not exist, on line 6
            config.write_text(good + CN_WATCHED.replace("rulebook_vars", "rulebook_var"))
        elif len(pauses) == 3:  # fixed
            config.write_text(good + CN_WATCHED)

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    lines = _watch(config, 4)
    refused = [line for line in lines if "still running" in line]
    # said once, as a refused rulebook is (it was said before every scan until fixed), and
    # who was told: no alert route here (tests/alerts/test_watch_refused_alerted.py: one)
    assert len(refused) == 1, lines
    assert re.search(
        r"kvrules\.yaml:6:1: rulebook_var: unknown setting 'rulebook_var'; still running with "
        r"the configuration read at \d\d:\d\d; nobody alerted, no route for it \(set "
        r"alerts\.source_down_route, or route admin or committee to a channel\)$",
        refused[0],
    ), refused[0]
    scans = [line for line in lines if " records in " in line]
    assert len(scans) == 4  # the old configuration kept scanning
    assert all("no new findings" in line for line in scans[:3])
    assert lines[-2].endswith("configuration read again (kvrules.yaml changed)"), lines
    assert "1 low new findings" in scans[3], scans


def test_sighup_reads_the_configuration_at_once_and_the_pause_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _site(tmp_path)
    pauses: list[float] = []

    def between_scans(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 1:
            # by default SIGHUP ends the process (129): never send it without a handler
            assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, signal.SIG_IGN)
            os.kill(os.getpid(), signal.SIGHUP)  # `systemctl reload`, mid-pause

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    before = signal.getsignal(signal.SIGHUP)
    first, reread, second = _watch(config, 2)
    assert reread.endswith("configuration read again (on SIGHUP)"), reread
    assert " records in " in first and " records in " in second
    assert len(pauses) == 2 and pauses[1] <= pauses[0] <= 30  # the rest of the same pause
    assert signal.getsignal(signal.SIGHUP) is before  # put back once watch ends


def test_a_configuration_left_without_sources_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload to nothing to scan ended watch with a usage error (exit 2) mid-service."""
    config = _site(tmp_path)
    kept = [line for line in config.read_text().splitlines() if not line.startswith("sources:")]

    def between_scans(seconds: float) -> None:
        config.write_text("\n".join(kept) + "\n", encoding="utf-8")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    first, refused, second = _watch(config, 2)
    assert re.search(
        r"kvrules\.yaml names no source; still running with the configuration read at "
        r"\d\d:\d\d; nobody alerted",
        refused,
    ), refused
    assert " records in " in first and " records in " in second


def test_a_file_kvrules_writes_itself_is_no_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code review, 2026-12-07: every ``*_file`` setting was watched as a secret file, so the
    file adapter's ``tags_file`` — kvrules' own output — read the configuration again (and
    compiled the rulebooks again) after every scan that wrote tags."""
    config = _site(tmp_path)
    tags = tmp_path / "kvrules-tags.csv"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("settings: {path:", f"settings: {{tags_file: {tags}, path:"))

    def between_scans(seconds: float) -> None:  # as a scan with --apply writes its tags
        with tags.open("a", encoding="utf-8") as out:
            out.write("P1,ks:example\n")

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", between_scans)
    lines = _watch(config, 2)
    assert not any("configuration read again" in line for line in lines), lines


def test_only_settings_naming_a_secret_file_are_watched() -> None:
    from kvrules.watch_config import holds_a_secret

    assert [s for s in ("api_key_file", "password_file", "secret_file", "token_file",
                        "tags_file", "path") if holds_a_secret(s)] == [
        "api_key_file", "password_file", "secret_file", "token_file"]  # fmt: skip


def test_a_sighup_anywhere_in_the_pause_asks_a_reload_and_never_escapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Code review, 2026-12-07: a SIGHUP landing in the pause's ``finally`` (the sleep over,
    the flag not yet cleared) raised its exception out of the pause: `watch` ended with
    "internal error", exit 70; one landing just before the sleep waited the whole pause. A
    signal handler runs between two lines; here it is run at each line in turn."""
    import inspect
    import sys

    from kvrules.cli.scan import Hangups

    monkeypatch.setattr("kvrules.cli.scan.time.sleep", lambda seconds: None)
    lines, start = inspect.getsourcelines(Hangups.pause_until)
    code = Hangups.pause_until.__code__
    for line in range(start + 1, start + len(lines)):
        hangups, fired = Hangups(), []

        def tracer(frame, event, arg, hangups=hangups, fired=fired, line=line):
            if frame.f_code is not code:
                return None

            def at_line(frame, event, arg):
                if event == "line" and frame.f_lineno == line and not fired:
                    fired.append(line)
                    hangups.on_signal(signal.SIGHUP, None)
                return at_line

            return at_line

        sys.settrace(tracer)
        try:
            asked = hangups.pause_until(lambda: 3600.0)
        finally:
            sys.settrace(None)
        if fired:  # the signal landed on that line: the pause ends for the reload
            assert asked is True, line
