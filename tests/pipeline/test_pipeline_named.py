"""Issue #17 item 5 end to end: a scan of the Pure simulator names every case for people —
in the e-mail (real SMTP), the webhook payload (a real HTTP receiver), `kvrules show`,
`kvrules findings` and report.md: the project's title, unit, the principal investigator's name
and role as Pure gives them, the partners, a link to the record in Pure (the source's
``ris_url``), and the evidence in words with the list's edition and entry."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.report import markdown_report
from kvrules.settings import record_links, resolve
from tests.pipeline.pipeline_helpers import System, start_system

RIS = "https://pure.example.edu/admin/editor/projecteditor.xhtml?id={id}"
LISTED = re.compile(r"is on the US DoD Section 1286 list, edition FY25, listed as “[^”]+”")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = start_system(tmp_path_factory.mktemp("named"), projects=40)
    try:
        config = yaml.safe_load(system.config.read_text())
        config["sources"]["pure"]["ris_url"] = RIS
        system.config.write_text(yaml.safe_dump(config))
        result = CliRunner().invoke(cli, ["scan", "--config", str(system.config), "--json"])
        assert result.exit_code == 0, result.output
        yield system
    finally:
        system.stop()


def _cli(system: System, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--config", str(system.config)])
    assert result.exit_code == 0, result.output
    return result.output


def _as_pure_names_it(system: System, uuid: str) -> tuple[str, str]:
    """(title, "First Last (Role)" of the principal investigator), from a real GET."""
    project = system.get_project(uuid)
    title = next(iter(project["title"].values()))
    pi = next(
        p for p in project["participants"] if "Principal" in next(iter(p["role"]["term"].values()))
    )
    role = next(iter(pi["role"]["term"].values()))
    return title, f"{pi['name']['firstName']} {pi['name']['lastName']} ({role})"


def test_the_e_mail_names_the_project_its_lead_and_links_to_pure(scanned: System) -> None:
    # every message names the lists screened (the 1286 list among them): those about a match
    listed = [
        m.message
        for m in scanned.mail.mails
        if LISTED.search(m.message.get_body(("plain",)).get_content())
    ]
    assert listed, "the stress portfolio has partners on the DoD 1286 list"
    msg = listed[0]
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    # the source's id is in the technical detail only: people read the name and the link
    people, _, technical = text.partition("Technical detail")
    uuid = re.search(r"record pure (\S+)", technical).group(1)  # type: ignore[union-attr]
    assert f"pure {uuid}" not in people and "Record:" not in people
    assert f"pure {uuid}" not in html.partition("Technical detail")[0]
    title, lead = _as_pure_names_it(scanned, uuid)
    assert f"Project:   {title}" in text
    assert f"Lead:      {lead}" in text
    assert re.search(r"Unit:      \S", text) and re.search(r"Partners:  \S", text)
    link = RIS.format(id=uuid)
    assert f"In the RIS: {link}" in text and f'href="{link}"' in html
    assert title[:40] in str(msg["Subject"])  # a message about one case says which
    assert LISTED.search(text) and LISTED.search(html.replace("&#39;", "'"))
    assert "partners[" in text  # the technical form stays beside the sentence


def test_area_evidence_says_which_words_matched(scanned: System) -> None:
    bodies = [m.message.get_body(("plain",)).get_content() for m in scanned.mail.mails]
    assert any(re.search(r"research area: [^\n]+, matched words: '[^']+'", b) for b in bodies)


def test_the_webhook_payload_names_the_record(scanned: System) -> None:
    items = [item for post in scanned.hooks.posts for item in json.loads(post.body)["items"]]
    item = next(i for i in items if any(LISTED.search(s) for s in i["evidence_in_words"]))
    title, lead = _as_pure_names_it(scanned, item["record_id"])
    assert item["record"]["title"] == title and item["record"]["lead"] == lead
    assert item["record"]["url"] == RIS.format(id=item["record_id"])
    assert item["record"]["partners"] and item["record"]["units"]


def test_show_findings_and_report_name_the_project(scanned: System) -> None:
    rows = [json.loads(line) for line in _cli(scanned, "findings", "--json").splitlines()]
    row = next(r for r in rows if r["lead"])
    uuid = row["record"].removeprefix("pure:")
    title, lead = _as_pure_names_it(scanned, uuid)
    assert (row["title_in_ris"], row["lead"], row["url"]) == (title, lead, RIS.format(id=uuid))
    shown = _cli(scanned, "show", f"case:{row['case']}")
    assert title in shown and f"lead: {lead}" in shown
    assert f"in the RIS: {RIS.format(id=uuid)}" in shown.replace("\n", "")
    technical = _cli(scanned, "show", f"case:{row['case']}", "--technical")
    assert "project." in technical
    with scanned.store() as store:
        links = record_links(resolve(Path(scanned.config)).config)
        report = markdown_report(store, links=links, limit=1000)
    assert f"- Lead: {lead}" in report
    assert f"- In the RIS: [open the record](<{RIS.format(id=uuid)}>)" in report
    people = report.partition("## Technical detail")[0]
    assert f"pure {uuid}" not in people and not re.search(r"\(\S+ v\d", people)
