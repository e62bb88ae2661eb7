"""A partner named by a given and family name alone ("Ali Rezaei (IR)") is set apart only
against a complete organisation registry (``kvrules.enrich.organisations.
set_apart_unidentified``): code review 1 (2026-12-07) found "Lockheed Martin" and "Almaz Antey"
lost their country with only the shipped 55-record ROR sample; code review 2 found
`kvrules check --partner "Ali Rezaei (IR)" --topic "drone navigation"` AMBER on Iran's arms
embargo, a person's nationality in effect. With a complete registry "not in it" means
something, and organisations named like people ("Eli Lilly") are in it; with a partial one
the partner keeps its country and the answer says so."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.cli.scan import read_as_persons_in_words
from kvrules.enrich import Enricher
from kvrules.enrich.countries import country_signals
from kvrules.enrich.organisations import OrganisationScreen, SetApart, bare_personal_name
from kvrules.refdata import Store
from kvrules.refdata.importers import import_file
from kvrules.refdata.resolver import Resolver
from kvrules.rulebook.cases import event_from_given
from tests.every_list import store_with_every_list
from tests.scan_helpers import file_export_config, json_report, scanned

# A tiny registry edition, written for these tests (not ROR's data; the ids are made up in
# ROR's shape): imported as complete, it stands for a full ROR dump.
TINY_ROR = [
    {
        "id": "https://ror.org/0test1y12",
        "status": "active",
        "types": ["company"],
        "names": [{"value": "Eli Lilly", "types": ["ror_display", "label"], "lang": "en"}],
        "locations": [
            {
                "geonames_id": 4259418,
                "geonames_details": {"country_code": "US", "name": "Indianapolis"},
            }
        ],
        "external_ids": [],
        "relationships": [],
    },
    {
        "id": "https://ror.org/0test2z34",
        "status": "active",
        "types": ["company"],
        "names": [{"value": "Almaz Antey", "types": ["ror_display", "label"], "lang": "en"}],
        "locations": [
            {"geonames_id": 524901, "geonames_details": {"country_code": "RU", "name": "Moscow"}}
        ],
        "external_ids": [],
        "relationships": [],
    },
]
DRONES = ("--topic", "drone navigation")
NOTE = (
    "Ali Rezaei reads as a person's name: with a complete organisation registry imported it "
    "would not be screened on its country; identify the institution"
)


def _dump(folder: Path) -> Path:
    path = folder / "ror_tiny.json"
    path.write_text(json.dumps(TINY_ROR))
    return path


@pytest.fixture(scope="module")
def complete_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped lists, an edition of every other list the rules read, and the tiny registry
    imported as a complete ROR edition."""
    folder = tmp_path_factory.mktemp("complete-ror")
    store = store_with_every_list(folder / "refdata.db")
    args = ["refdata", "import", "ror", str(_dump(folder)), "--refdata", str(store)]
    args += ["--edition", "v9.0", "--published", "2026-12-01", "--complete"]
    imported = CliRunner().invoke(cli, args)
    assert imported.exit_code == 0, imported.output
    return store


def check(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _embargo(out: dict) -> bool:
    return any("embargo" in f["rule_title"] for f in out["findings"])


@pytest.mark.parametrize(
    ("name", "bare"),
    [
        ("Ali Rezaei", True), ("Wei Zhang", True), ("Eli Lilly", True), ("Jean-Luc Picard", True),
        ("Ali Rezaei Tehrani", True), ("NUDT", False), ("China Academy", False),
        ("Ali", False), ("Mohammad Ali Rezaei Tehrani", False), ("WEI ZHANG", False),
        ("ali rezaei", False), ("Beihang University", False),
    ],
)  # fmt: skip
def test_what_is_a_bare_personal_name(name: str, bare: bool) -> None:
    assert bare_personal_name(name) is bare


def test_against_a_complete_registry_a_partner_named_like_a_person_is_set_apart(
    complete_store: Path,
) -> None:
    out = check("--partner", "Ali Rezaei (IR)", *DRONES, "--refdata", str(complete_store))
    assert not _embargo(out), [f["rule_title"] for f in out["findings"]]
    assert out["triage"]["complete"] is False and "NOT COMPLETE" in out["triage"]["headline"]
    [line] = out["in_words"]["unidentified"]
    assert line.startswith("Ali Rezaei: not identified as an organisation"), line
    assert out["read_as_person"] == [] and out["in_words"]["read_as_person"] == []


def test_against_a_complete_registry_an_organisation_named_like_a_person_keeps_its_country(
    complete_store: Path,
) -> None:
    out = check("--partner", "Eli Lilly (US)", *DRONES, "--refdata", str(complete_store))
    assert out["unidentified"] == [] and out["read_as_person"] == []
    assert out["triage"]["complete"] is True, out["triage"]
    evidence = json.dumps(out["findings"])
    assert "outside the EU" in evidence and "Eli Lilly" in evidence
    almaz = check(
        "--partner", "Almaz Antey (RU)", "--topic", "hypersonic missile guidance",
        "--refdata", str(complete_store),
    )  # fmt: skip
    assert _embargo(almaz) and almaz["unidentified"] == []


def test_a_funder_named_like_a_person_keeps_its_country_against_a_complete_registry(
    tmp_path: Path,
) -> None:
    store = Store()
    import_file(store, "ror", _dump(tmp_path), edition="v9.0", partial=False)
    screen = OrganisationScreen(Resolver(store))
    assert screen.resolver.registry_complete
    enrich = Enricher(screen, [], country_signals)
    funder = event_from_given(
        {"kind": "funder.added", "funder": {"name": "Novo Nordisk", "country": "DK"}}
    )
    assert enrich.enrich(funder) == SetApart() and funder.funder.country == "DK"
    partner = event_from_given(
        {"kind": "partner.added", "partner": {"name": "Ali Rezaei", "country": "IR"}}
    )
    assert enrich.enrich(partner) == SetApart(
        unidentified={"Ali Rezaei": "IR"}, named_like_persons=["Ali Rezaei"]
    )
    assert partner.partner.country is None and partner.partner.country_set_apart == "IR"


def test_with_the_shipped_sample_a_partner_named_like_a_person_keeps_its_country_and_says_so():
    out = check("--partner", "Ali Rezaei (IR)", *DRONES)
    assert _embargo(out) and out["triage"]["colour"] == "amber", out["triage"]
    # not complete only for the lists the store of shipped lists lacks, not for the name
    assert out["unidentified"] == [] and "not screened on a country" not in out["triage"]["reason"]
    assert out["in_words"]["read_as_person"] == [NOTE] == out["read_as_person"]
    assert NOTE in out["triage"]["reason"]
    said = CliRunner().invoke(cli, ["check", "--partner", "Ali Rezaei (IR)", *DRONES])
    assert " ".join(said.stdout.split()).count(NOTE) == 2, said.stdout  # reason and its line
    eli = check("--partner", "Eli Lilly (US)", *DRONES)
    assert eli["in_words"]["read_as_person"] == [NOTE.replace("Ali Rezaei", "Eli Lilly")]


def test_a_partial_registry_imported_says_nothing_of_a_name(tmp_path: Path) -> None:
    store = Store()
    import_file(store, "ror", _dump(tmp_path), edition="v9.0")  # a small file: recorded partial
    screen = OrganisationScreen(Resolver(store))
    assert not screen.resolver.registry_complete
    partner = event_from_given(
        {"kind": "partner.added", "partner": {"name": "Ali Rezaei", "country": "IR"}}
    )
    found = Enricher(screen, [], country_signals).enrich(partner)
    assert found == SetApart(read_as_person=["Ali Rezaei"])
    assert partner.partner.country == "IR"
    assert read_as_persons_in_words(["Ali Rezaei"]) == NOTE + "."


def test_several_names_read_as_people_s_names_in_agreement() -> None:
    """Reviewer, 2026-12-07: `scan` printed "Ali Rezaei, Eli Lilly reads as a person's name"."""
    assert read_as_persons_in_words(["Ali Rezaei", "Eli Lilly"]) == (
        "Ali Rezaei and Eli Lilly read as people's names: with a complete organisation "
        "registry imported they would not be screened on their country; identify their "
        "institutions."
    )
    many = read_as_persons_in_words([f"Ali Rezaei{i}" for i in range(12)])
    assert " and 2 more read as people's names: " in many, many


def test_one_walk_over_an_events_organisations_answers_every_set_apart_question(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What was set apart, what kept its country only for a partial registry and what a
    complete one did not identify come from one walk over the event's organisations, in one
    ``SetApart``: three walks (set apart, then ``kept_for_a_partial_registry``, then
    ``partners_named_like_persons``) used to each re-read every organisation."""
    # the module (``kvrules.enrich.organisations`` as an attribute is the function)
    screening = importlib.import_module("kvrules.enrich.organisations")
    walks: list[str] = []

    def walked(event):  # the real walk, counted
        walks.append(event.id)
        return real(event)

    real = screening.organisations
    monkeypatch.setattr(screening, "organisations", walked)
    partners = [
        {"name": "Ali Rezaei", "country": "IR"},
        {"name": "Private individual", "country": "IR"},
        {"name": "Eli Lilly", "country": "US"},
    ]
    given = {"kind": "project.created", "project": {"partners": partners}}
    for partial in (True, False):
        store = Store()
        import_file(store, "ror", _dump(tmp_path), edition="v9.0", partial=partial)
        screen = OrganisationScreen(Resolver(store))
        event = event_from_given(given)
        for org in event.project.partners:
            screen(org)
        walks.clear()
        found = screening.set_apart_unidentified(event, screen)
        assert len(walks) == 1, walks
        if partial:  # nothing said of a name; "Eli Lilly" is in the registry, "Ali Rezaei" not
            assert found == SetApart(
                unidentified={"Private individual": "IR"}, read_as_person=["Ali Rezaei"]
            )
        else:
            assert found == SetApart(
                unidentified={"Ali Rezaei": "IR", "Private individual": "IR"},
                named_like_persons=["Ali Rezaei"],
            )


PROJECT = {
    "id": "p-1:v1",
    "kind": "project.created",
    "source": {"system": "file", "record_id": "p-1"},
    "occurred_at": "2026-03-01T09:00:00Z",
    "project": {
        "id": "p-1",
        "title": "Drone navigation",
        "partners": [{"name": "Ali Rezaei", "country": "IR"}],
    },
}


def _config(folder: Path, *, complete: bool = False) -> Path:
    """A file export of ``PROJECT`` in ``folder``; ``complete``: the tiny registry imported into
    its reference store as a complete ROR edition."""
    folder.mkdir()
    config = file_export_config(folder, PROJECT)
    if complete:
        store = str(folder / "refdata.db")
        args = ["refdata", "import", "ror", str(_dump(folder)), "--refdata", store]
        imported = CliRunner().invoke(cli, [*args, "--edition", "v9.0", "--complete"])
        assert imported.exit_code == 0, imported.output
    return config


def test_a_scan_says_so_beside_its_not_identified_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the shipped sample the scan screens the partner on Iran and says, in one line where
    it names what it did not screen, that a complete registry would set it apart; with one
    imported, the partner is among the names not identified."""
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)  # each config's own store screens
    said = scanned(_config(tmp_path / "sample-text"))
    assert NOTE + "." in " ".join(said.stdout.split()), said.stdout
    report = json_report(scanned(_config(tmp_path / "sample-json"), "--json"))
    assert report["read_as_person"] == ["Ali Rezaei"] and report["unidentified"] == []
    said = " ".join(scanned(_config(tmp_path / "complete-text", complete=True)).stdout.split())
    assert (
        "1 partner named like a person (a given and family name alone) that the complete "
        "organisation registry does not identify, so not screened on a country: Ali Rezaei (IR)"
    ) in said, said
    assert "reads as a person's name: with a complete" not in said
    report = json_report(scanned(_config(tmp_path / "complete", complete=True), "--json"))
    assert report["unidentified"] == [{"name": "Ali Rezaei", "country": "IR"}]
    assert report["read_as_person"] == [] and report["named_like_persons"] == ["Ali Rezaei"]


def test_kvrules_evaluate_says_so_as_the_scan_does(
    tmp_path: Path, complete_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kvrules evaluate` enriches as a scan does, but said nothing of a partner that kept its
    country only because the registry is partial: the scan's line, in its words. Against a
    complete registry, the partner is named among those not screened on a country instead."""
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    records = tmp_path / "events.jsonl"
    records.write_text(json.dumps(PROJECT) + "\n", encoding="utf-8")
    sample = ["--refdata", str(tmp_path / "sample.db")]  # seeded with the shipped lists
    said = CliRunner().invoke(cli, ["evaluate", str(records), *sample])
    assert said.exit_code == 0, said.output
    assert NOTE + "." in " ".join(said.stdout.split()), said.stdout
    said = CliRunner().invoke(cli, ["evaluate", str(records), "--refdata", str(complete_store)])
    assert said.exit_code == 0, said.output
    text = " ".join(said.stdout.split())
    assert "reads as a person's name" not in text
    assert (
        "1 partner named like a person (a given and family name alone) that the complete "
        "organisation registry does not identify, so not screened on a country: Ali Rezaei (IR)"
    ) in text, text


# Reviewers (2026-12-07): a company named by two capitalised words was read as a person's
# ("Kestrel Photonics reads as a person's name"), and against a complete registry that lacks
# it, set apart and not screened on its country. Its last word ends real organisation names
# (``kvrules.enrich.organisations.ends_like_an_organisation``), so it never reads as a person's.
HYPERSONIC = ("--topic", "hypersonic propulsion")


def test_pre_screening_reads_a_company_as_an_organisation_and_a_person_as_a_person(
    complete_store: Path,
) -> None:
    out = check("--partner", "Kestrel Photonics (CN)", *HYPERSONIC)
    assert out["read_as_person"] == [] and out["in_words"]["read_as_person"] == []
    assert _embargo(out) and "reads as a person's name" not in json.dumps(out)
    out = check(
        "--partner", "Kestrel Photonics (CN)", *HYPERSONIC, "--refdata", str(complete_store)
    )
    assert out["unidentified"] == [] and out["read_as_person"] == []
    assert _embargo(out), [f["rule_title"] for f in out["findings"]]  # screened on China
    person = check("--partner", "Ali Rezaei (IR)", *HYPERSONIC)
    assert person["read_as_person"] == [NOTE]
    person = check("--partner", "Ali Rezaei (IR)", *HYPERSONIC, "--refdata", str(complete_store))
    assert not _embargo(person) and person["read_as_person"] == []
    [line] = person["in_words"]["unidentified"]
    assert line.startswith("Ali Rezaei: not identified as an organisation"), line


def test_a_scan_reads_a_company_as_an_organisation_and_a_person_as_a_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KVRULES_REFDATA", raising=False)  # each config's own store screens
    partners = [
        {"name": "Kestrel Photonics", "country": "CN"},
        {"name": "Ali Rezaei", "country": "IR"},
    ]
    both = {**PROJECT, "project": {**PROJECT["project"], "partners": partners}}

    def config(folder: Path, *, complete: bool) -> Path:
        folder.mkdir()
        made = file_export_config(folder, both)
        if complete:
            store = str(folder / "refdata.db")
            args = ["refdata", "import", "ror", str(_dump(folder)), "--refdata", store]
            imported = CliRunner().invoke(cli, [*args, "--edition", "v9.0", "--complete"])
            assert imported.exit_code == 0, imported.output
        return made

    said = " ".join(scanned(config(tmp_path / "sample", complete=False)).stdout.split())
    assert NOTE + "." in said and "Kestrel Photonics reads as" not in said, said
    report = json_report(scanned(config(tmp_path / "sample-json", complete=False), "--json"))
    assert report["read_as_person"] == ["Ali Rezaei"] and report["unidentified"] == []
    report = json_report(scanned(config(tmp_path / "complete", complete=True), "--json"))
    assert report["unidentified"] == [{"name": "Ali Rezaei", "country": "IR"}]
    assert report["named_like_persons"] == ["Ali Rezaei"] and report["read_as_person"] == []


def test_no_company_name_the_demo_makes_reads_as_a_persons() -> None:
    """The Pure simulator's companies ("{stem} Photonics", "{stem} Energy" …), as the demo
    gives them where a country has no legal-form suffix: 19 of the demo's partners read as a
    person's. The vocabulary comes from ROR, not from these names."""
    from kvrules_pure.simulator import vocab

    made = [p.format(stem=s) for p in vocab.COMPANY_PATTERNS for s in vocab.COMPANY_STEMS]
    assert len(made) == len(vocab.COMPANY_PATTERNS) * len(vocab.COMPANY_STEMS)
    assert [name for name in made if bare_personal_name(name)] == []


AS_ORGANISATION = (
    "the name 'Ali Rezaei' reads like a person's: the country given (IR) was screened as an "
    "organisation's; if this is a person, record the organisation they represent instead"
)


def test_the_evidence_says_the_country_was_screened_as_an_organisations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lead's decision (ethics): such a partner keeps being screened on the country given
    (code review 1: "Lockheed Martin", "Almaz Antey" must not be lost), but a finding's
    evidence said "partner Ali Rezaei: its country is under an EU arms embargo" with nothing
    beside it: a committee could read it as screening a person. Each piece of evidence on the
    country says it was screened as an organisation's, in the pre-screen's answer and on the
    case (`show`; the case page and alerts read the same stored record with the same words);
    a list hit, which is no country, says nothing of it."""
    said = CliRunner().invoke(cli, ["check", "--partner", "Ali Rezaei (IR)", *DRONES])
    assert said.exit_code == 0, said.output
    lines = [" ".join(line.split()) for line in said.stdout.splitlines()]
    country = [line for line in lines if line.startswith("· partner Ali Rezaei (IR)")]
    assert country and all(line.endswith(AS_ORGANISATION) for line in country), country
    # "is in IR" is still said once by "is outside the EU (IR)" beside it
    assert not [line for line in country if " is in IR" in line]

    monkeypatch.delenv("KVRULES_REFDATA", raising=False)
    config = _config(tmp_path / "scan")
    scanned(config)
    shown = CliRunner().invoke(cli, ["show", "1", "--config", str(config), "--json"])
    assert shown.exit_code == 0, shown.output
    evidence = [e for f in json.loads(shown.stdout)["findings"] for e in f["evidence_in_words"]]
    about = [e for e in evidence if "its country is" in e or "outside the EU" in e]
    assert about and all(e.endswith(AS_ORGANISATION) for e in about), evidence
    assert not [e for e in evidence if "reads like a person's" in e and e not in about]
