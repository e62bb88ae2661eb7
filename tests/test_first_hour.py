"""The administrator's first hour, as a user would try it: no config file, one reference store
for every command (the list you import is the list you screen with), fetch, watch."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli

API_KEY = "reference-store-test-key"


@pytest.fixture
def pure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    from kvrules_pure.simulator import start_simulator

    sim = start_simulator(projects=40, seed=3, api_key=API_KEY)
    monkeypatch.setenv("KVRULES_PURE_BASE_URL", sim.base_url)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", API_KEY)
    monkeypatch.chdir(tmp_path)  # no kvrules.yaml here: environment and defaults only
    try:
        yield sim.base_url
    finally:
        sim.stop()


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def unlisted_partner() -> tuple[str, dict]:
    """A project and a partner of it that no shipped list names (as `fetch` shows it,
    enriched as the scan enriches), of a project not ended over a year ago (such a project's
    findings open no case: ``ended_projects_quiet_after``, tests/test_ended_projects.py)."""
    year_ago = (date.today() - timedelta(days=366)).isoformat()
    for line in invoke("fetch", "--source", "pure", "--json").splitlines():
        event = json.loads(line)
        if ((event.get("project") or {}).get("end") or "9999") < year_ago:
            continue
        for partner in (event.get("project") or {}).get("partners", []):
            if partner.get("country") and not partner.get("lists"):
                return event["source"]["record_id"], partner
    raise AssertionError("the simulator's portfolio has no unlisted partner with a country")


def dod_findings(record_id: str) -> set[int]:
    rows = [json.loads(line) for line in invoke("findings", "--json").splitlines()]
    return {
        r["finding"]
        for r in rows
        if r["record"] == f"pure:{record_id}" and r["rule"].startswith("us-dod-1286/")
    }


def write_list(path: Path, partner: dict) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Table", "English Name", "Native Name", "Foreign Country of Concern"])
        writer.writerow(["1", partner["name"], "", partner["country"]])
    return path


def test_an_imported_list_is_what_the_next_scan_screens_with(pure, tmp_path, monkeypatch):
    # The default place, as on a user's machine: the user data folder (XDG on Linux).
    monkeypatch.delenv("KVRULES_REFDATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    first = json.loads(invoke("scan", "--json"))
    assert first["records"] > 0
    store = tmp_path / "data-home" / "kvrules" / "refdata.db"
    assert store.exists()  # created and seeded by the scan, in the documented place

    record_id, partner = unlisted_partner()
    before = dod_findings(record_id)
    listed = write_list(tmp_path / "fy26.csv", partner)
    out = invoke("refdata", "import", "dod1286", str(listed), "--edition", "FY26")
    assert "imported 1 entries into us_dod_1286 edition FY26" in out
    match = json.loads(invoke("match", partner["name"], "--country", partner["country"], "--json"))
    assert match["matches"][0]["edition"] == "FY26"

    second = json.loads(invoke("scan", "--json"))
    assert second["rescreened"] > 0  # the stored records, against the new edition
    # one row, far below a complete 1286 list: screened with, and said to be partial
    assert "us_dod_1286@FY26 (partial)" in second["screened_against"]
    assert dod_findings(record_id) - before, "the partner on the imported list raised no finding"


def test_the_complete_edition_supersedes_the_shipped_partial_one(tmp_path):
    listed = write_list(tmp_path / "fy25.csv", {"name": "Example Polytechnic", "country": "CN"})
    invoke("refdata", "import", "dod1286", str(listed), "--edition", "FY25", "--complete")
    rows = json.loads(invoke("refdata", "lists", "--json"))
    dod = [r for r in rows if r["list_id"] == "us_dod_1286"]
    assert [(r["edition"], r["partial"], r["entries"]) for r in dod] == [("FY25", False, 1)]


def test_db_is_the_state_database_everywhere_and_refdata_the_store(tmp_path):
    """--db never means the reference store: `match --db` is refused, not silently read."""
    result = CliRunner().invoke(cli, ["match", "Harbin", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2 and "No such option" in result.output
    for command in (["scan"], ["findings"], ["serve"], ["report"], ["purge"], ["deliver"]):
        help_text = CliRunner().invoke(cli, [*command, "--help"]).output
        assert "the state database" in help_text, command


def test_watch_prints_one_timestamped_line_per_scan_and_the_next_run(pure):
    out = invoke("watch", "--times", "2", "--interval", "1s")
    lines = out.splitlines()
    assert len(lines) == 2, out
    stamp = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
    assert re.match(
        # "now": the scan took longer than the 1 s interval (a loaded machine)
        rf"{stamp} pure: 40 records in [\d.]+s, .* · next scan (at \d\d:\d\d:\d\d|now)$",
        lines[0],
    )
    assert re.match(rf"{stamp} pure: 0 records in [\d.]+s, no new findings", lines[1]), lines[1]
    assert "next scan" not in lines[1]  # --times 2: there is none


def test_fetch_shows_what_the_rules_see_and_raw_what_the_mapping_gave(pure):
    enriched = [
        json.loads(line) for line in invoke("fetch", "--source", "pure", "--json").splitlines()
    ]
    raw = [
        json.loads(line)
        for line in invoke("fetch", "--source", "pure", "--json", "--raw").splitlines()
    ]

    def hits(events: list[dict]) -> int:
        return sum(
            bool(p.get("lists") or p.get("country_signals"))
            for e in events
            for p in (e.get("project") or {}).get("partners", [])
        )

    assert hits(enriched) > 0 and hits(raw) == 0


def test_config_check_connect_says_which_host_answered_what(pure, tmp_path, monkeypatch):
    from kvrules.cli.demo import _smtp_sink

    # An adapter's environment variables apply to every source of that adapter: this test
    # has two Pure sources, so their settings are in the file.
    monkeypatch.delenv("KVRULES_PURE_BASE_URL")
    monkeypatch.delenv("KVRULES_PURE_API_KEY")
    key = tmp_path / "pure.key"
    key.write_text(API_KEY)
    smtp = _smtp_sink(tmp_path / "mail")
    try:
        config = tmp_path / "kvrules.yaml"
        config.write_text(
            "sources:\n"
            f"  pure: {{adapter: pure, settings: {{base_url: '{pure}', api_key_file: '{key}'}}}}\n"
            "  gone: {adapter: pure, settings: {base_url: 'http://127.0.0.1:9/ws/api', "
            f"api_key_file: '{key}', retries: 0}}}}\n"
            "alerts:\n"
            "  channels:\n"
            f"    mail: {{plugin: email, settings: {{host: 127.0.0.1, port: {smtp.port}, "
            "security: none, sender: k@localhost, to: [c@localhost]}}\n"
            "  routes: {committee: [mail], adviser: [mail], export-control: [mail]}\n"
        )
        result = CliRunner().invoke(cli, ["config", "check", "--connect", "--config", str(config)])
    finally:
        smtp.stop()
    out = result.output
    assert result.exit_code == 1, out  # the source that is gone
    host = pure.rsplit("/ws/api", 1)[0]
    assert f"ok: sources.pure: {host}: every collection the configuration reads answered" in out
    assert "  - GET /projects answered 200" in out
    assert (
        "error: sources.gone: not reachable:" in out
        and "127.0.0.1:9" not in out.split("error: sources.gone")[0]
    )
    assert f"ok: alerts.channels.mail: SMTP 127.0.0.1:{smtp.port} answered 250" in out
    assert not list((tmp_path / "mail").glob("new/*"))  # the probe sent nothing


def test_the_readme_names_exactly_the_commands_that_take_db():
    """Reviewer's defect 10: the README said `--db` was in every command, and `evaluate`,
    `match`, `test` and `refdata` refused it. It now names both groups; they must be true."""
    import click

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    with_db = re.search(r"`--db` is the state database in every command that reads or writes "
                        r"one: (.+?)\. The other commands use no state database and refuse "
                        r"`--db`: (.+?)\. `--refdata`", text)  # fmt: skip
    assert with_db, "the README no longer says which commands take --db"

    def named(part: str) -> set[str]:
        return set(re.findall(r"`([a-z -]+)`", part))

    context = click.Context(cli)  # commands load lazily: ask the group, as click does

    def subcommands(group: click.Group) -> dict[str, click.Command]:
        return {n: group.get_command(context, n) for n in group.list_commands(context)}

    def takes_db(command: click.Command) -> bool:
        if isinstance(command, click.Group):  # a group takes it when all its commands do
            return all(takes_db(c) for c in subcommands(command).values())
        return any("--db" in getattr(p, "opts", ()) for p in command.params)

    def command(name: str) -> click.Command:
        found: click.Command = cli
        for word in name.split():
            assert isinstance(found, click.Group), name
            found = subcommands(found)[word]
        return found

    said_with, said_without = named(with_db[1]), named(with_db[2])
    assert {n for n in said_with if not takes_db(command(n))} == set()
    assert {n for n in said_without if takes_db(command(n))} == set()
    everything = {*said_with, *said_without}
    top = {n for n in subcommands(cli) if n not in {"config"}} | {"config check", "config show"}
    assert top <= everything, f"the README does not say whether {top - everything} take --db"
