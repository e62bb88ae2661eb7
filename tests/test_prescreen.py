"""kvrules check: a proposed collaboration or visit screened before it is in the RIS."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules.cli import cli
from kvrules.cli.check import organisation
from kvrules.prescreen import Proposal
from tests.every_list import store_with_every_list
from tests.verdicts import set_beihang_aside


def check(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["check", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_listed_partner_on_sensitive_research_is_red_and_explained():
    out = check(
        "--partner", "Beihang University (China)",
        "--partner", "University of California, Berkeley (US)",
        "--topic", "hypersonic propulsion",
    )  # fmt: skip
    assert out["triage"]["colour"] == "red"
    rules = {f["rule_id"] for f in out["findings"]}
    assert {"triage-red", "project-partner-on-1286"} <= rules
    assert "eu-dual-use:cat9" in out["sensitive_areas"]
    hit = next(f for f in out["findings"] if f["rule_id"] == "project-partner-on-1286")
    assert hit["citation"]["cite"] and hit["evidence"]
    # the comma in the name did not split it; nothing matched it, and the answer says where
    # it looked, never that it is safe
    assert out["not_found"] == [
        "University of California, Berkeley: not found in " + ", ".join(out["screened_against"])
    ]


def test_nothing_sensitive_is_green():
    out = check(
        "--partner", "Technische Universität München (DE)", "--topic", "medieval manuscripts"
    )
    assert out["triage"]["colour"] == "green" and out["findings"] == []


def test_a_visit_is_screened_by_the_home_institution_and_the_purpose():
    out = check(
        "--visitor-institution", "Harbin Institute of Technology (CN)",
        "--host-unit", "Aerospace Engineering",
        "--topic", "quantum sensing for navigation",
    )  # fmt: skip
    assert out["triage"]["colour"] == "red"
    assert "visitor-from-listed-institution-sensitive-unit" in {
        f["rule_id"] for f in out["findings"]
    }


def test_a_proposal_file_and_flags_together(tmp_path: Path):
    proposal = tmp_path / "consortium.yaml"
    proposal.write_text(
        "title: Draft consortium\n"
        "topic: swarm robotics for search and rescue\n"
        "partners:\n  - {name: National University of Defense Technology, country: CN}\n"
    )
    out = check(str(proposal), "--partner", "TU Delft (NL)")
    assert out["triage"]["colour"] == "red"
    assert any("TU Delft" in line for line in out["not_found"])


def test_people_are_described_by_institution_never_nationality(tmp_path: Path):
    proposal = tmp_path / "visit.yaml"
    proposal.write_text(
        "visit:\n  home_institution: {name: Example University}\n  nationality: CN\n"
    )
    result = CliRunner().invoke(cli, ["check", str(proposal)])
    assert result.exit_code == 2
    assert f"{proposal}:3:3: visit, nationality: unknown field" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Beihang University (CN)", {"name": "Beihang University", "country": "CN"}),
        ("Tsinghua University (China)", {"name": "Tsinghua University", "country": "CN"}),
        ("Shenzhen Institutes (Shenzhen)", {"name": "Shenzhen Institutes (Shenzhen)"}),
        ("University of California, Berkeley", {"name": "University of California, Berkeley"}),
    ],
)
def test_organisation_flags(text, expected):
    assert organisation(text) == expected


def test_the_same_proposal_has_the_same_reference():
    doc = {"partners": [{"name": "A", "country": "NL"}], "topic": "x"}
    assert Proposal.model_validate(doc).reference == Proposal.model_validate(doc).reference
    other = {**doc, "topic": "y"}
    assert Proposal.model_validate(other).reference != Proposal.model_validate(doc).reference


def test_check_honours_an_advisers_not_the_same_verdict_as_scans_do(tmp_path: Path):
    """An adviser ruled Beihang University (CN) is not the 1286 entry: `kvrules check`
    against that state database stops reporting the match, as a scan and the web app do."""
    db = tmp_path / "kvrules.db"
    args = ("--partner", "Beihang University (China)", "--topic", "hypersonic propulsion")
    set_beihang_aside(db)
    before = check(*args)  # another database: no verdict there
    assert "project-partner-on-1286" in {f["rule_id"] for f in before["findings"]}
    after = check(*args, "--db", str(db))
    assert "project-partner-on-1286" not in {f["rule_id"] for f in after["findings"]}
    env = CliRunner().invoke(cli, ["check", *args, "--json"], env={"KVRULES_DB": str(db)})
    assert "project-partner-on-1286" not in env.stdout  # the database as every command finds it


def test_a_visitor_from_a_listed_institution_is_found_and_triaged_whatever_the_host_unit():
    """The home institution is screened like a partner: a 1286-listed one is named with its
    list, edition and entry, and the triage is not green, even for a non-sensitive unit."""
    out = check(
        "--visitor-institution", "National University of Defense Technology (CN)",
        "--host-unit", "Department of Physics",
    )  # fmt: skip
    assert out["triage"]["colour"] == "amber"
    assert "visitor-from-listed-institution" in {f["rule_id"] for f in out["findings"]}
    edition = next(s for s in out["screened_against"] if s.startswith("us_dod_1286@"))
    assert any(
        line.startswith("National University of Defense Technology: found in ")
        and edition.split()[0] in line
        and "entry " in line
        for line in out["found"]
    ), out["found"]
    assert out["not_found"] == []


def test_a_match_an_adviser_set_aside_is_reported_as_set_aside_not_as_not_found(tmp_path: Path):
    """Found, then overruled by an adviser: the answer says so (who, when, why), in --json and
    in the text, and never claims the organisation is on no list."""
    db = tmp_path / "kvrules.db"
    when = set_beihang_aside(db, actor="j.adviser")
    args = ("check", "--partner", "Beihang University (China)", "--db", str(db))
    out = check(*args[1:])
    assert not any(line.startswith("Beihang University:") for line in out["not_found"])
    edition = next(s for s in out["screened_against"] if s.startswith("us_dod_1286@")).split()[0]
    [line] = out["set_aside"]
    assert line.startswith(f"Beihang University: matched {edition}, entry beihang-university")
    assert "set aside by j.adviser" in line and when in line
    assert "not the same organisation" in line and "a namesake, per the adviser's check" in line
    text = CliRunner().invoke(cli, list(args)).stdout
    assert "set aside by j.adviser" in " ".join(text.split())
    assert "Beihang University: not found" not in " ".join(text.split())


def test_the_headline_is_the_leidraad_triage_and_names_the_finding_that_set_it():
    """A 1286-listed partner alone is a high-severity finding for the adviser, and the
    Leidraad says amber (country and partner): the headline says amber, as the finding does."""
    out = check("--partner", "Beihang University (CN)")
    assert out["triage"]["colour"] == "amber"
    assert out["triage"]["rule"] == "nl-leidraad/triage-amber"
    text = CliRunner().invoke(cli, ["check", "--partner", "Beihang University (CN)"]).stdout
    # the shipped lists only: the lists the rules read and the store lacks are said too
    assert text.startswith("AMBER, NOT COMPLETE — Amber: ")


def test_red_subsumes_amber_so_a_proposal_shows_one_colour():
    out = check("--partner", "Beihang University (CN)", "--topic", "hypersonic propulsion")
    assert out["triage"]["colour"] == "red"
    assert out["triage"]["rule"] == "nl-leidraad/triage-red"
    titles = [f["rule_title"] for f in out["findings"]]
    assert [t for t in titles if t.startswith(("Red:", "Amber:"))] == [
        next(t for t in titles if t.startswith("Red:"))
    ]


def test_the_answer_says_evidence_and_areas_in_words_with_the_technical_form_on_request():
    """People read the answer: no field paths, rule ids or area codes unless --technical."""
    args = ["check", "--partner", "Beihang University (CN)", "--topic", "hypersonic propulsion"]
    words = " ".join(CliRunner().invoke(cli, args).stdout.split())
    assert "partner Beihang University (CN) is on the US DoD Section 1286 list, edition" in words
    assert "EU dual-use Annex I category 9" in words
    for technical in ("project.partners[0]", "nl-leidraad/", "project-partner-on-1286"):
        assert technical not in words
    assert "eu-dual-use:cat9" not in words
    detail = " ".join(CliRunner().invoke(cli, [*args, "--technical"]).stdout.split())
    assert 'project.partners[0].lists [Beihang University (CN)] contains "us_dod_1286"' in detail
    assert "[nl-leidraad/triage-red]" in detail and "eu-dual-use:cat9" in detail


@pytest.mark.parametrize(
    ("flag", "text", "value"),
    [
        ("--partner", "Beihang University (XX)", "XX"),
        ("--funder", "Foo (Narnia)", "Narnia"),
        ("--visitor-institution", "Example University (Atlantis)", "Atlantis"),
    ],
)
def test_a_country_that_is_not_one_is_refused_in_one_line(flag, text, value):
    result = CliRunner().invoke(cli, ["check", flag, text, "--topic", "x"])
    assert result.exit_code == 2
    assert f"{flag}: '{value}' is not a country" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "text", ["National University of Defense Technology (NUDT)", "Shenzhen Institutes (Shenzhen)"]
)
def test_an_acronym_or_a_repeated_place_in_brackets_stays_in_the_name(text):
    assert organisation(text) == {"name": text}


def test_a_listed_name_with_a_wrong_country_is_shown_as_a_possible_match():
    out = check("--partner", "Beihang University (NL)", "--topic", "hypersonic propulsion")
    assert out["not_found"] == []
    assert out["found"] and "Beihang University" in out["found"][0]
    assert "possible match" in out["found"][0]  # for a person to judge, never a verdict
    assert "the name is on the list for CN; the record says NL" in out["found"][0]
    assert "project-partner-on-1286" not in {f["rule_id"] for f in out["findings"]}


@pytest.mark.parametrize(
    "partner",
    [
        "Harbin Institute of Technology, Harbin, China",
        "Dept. of Mech. Eng., Harbin Institute of Technology, Harbin 150001, PR China",
        "Harbin Institute of Technology, Harbin, P.R. China",
    ],
)
def test_the_country_a_partner_string_names_counts_as_its_country(partner):
    named = check("--partner", partner, "--topic", "robotics")
    given = check("--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics")
    assert named["triage"]["colour"] == given["triage"]["colour"] == "red"


def test_the_web_pre_screen_reads_the_country_from_the_string_too():
    proposal = Proposal.model_validate(
        {"partners": [{"name": "Harbin Institute of Technology, Harbin 150001, PR China"}]}
    )
    assert proposal.partners[0].country == "CN"
    stated = Proposal.model_validate(
        {"partners": [{"name": "Harbin Institute of Technology, China", "country": "NL"}]}
    )
    assert stated.partners[0].country == "NL"  # a country given is never overridden


def test_a_city_the_registry_knows_in_one_country_gives_the_partner_its_country(tmp_path: Path):
    from kvrules.refdata import Store
    from kvrules.refdata.importers import import_file
    from kvrules.refdata.shipped import load_shipped

    harbin = {
        "id": "https://ror.org/01yqg2h08",
        "names": [{"value": "Harbin Institute of Technology", "types": ["ror_display", "label"]}],
        "locations": [{"geonames_details": {"country_code": "CN", "name": "Harbin"}}],
        "types": ["education"],
        "status": "active",
    }
    (tmp_path / "ror.json").write_text(json.dumps([harbin]), encoding="utf-8")
    refdata = tmp_path / "refdata.db"
    with Store(refdata) as store:
        load_shipped(store)
        import_file(store, "ror", tmp_path / "ror.json", list_id="ror_cities", edition="t")
    args = ("--topic", "robotics", "--refdata", str(refdata))
    named = check("--partner", "Harbin Institute of Technology, Harbin", *args)
    given = check("--partner", "Harbin Institute of Technology (CN)", *args)
    assert named["triage"]["colour"] == given["triage"]["colour"] == "red"


def _said(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())  # rich wraps lines at the terminal's width


DOD_IN_WORDS = "the US DoD Section 1286 list, edition FY25"
PARTIAL_IN_WORDS = "a partial copy: only some of its entries are held here"


def test_what_no_list_matched_is_said_in_words_with_the_editions_and_never_safe():
    """ "not found in us_dod_1286@FY25 (partial)" was the technical form: the text names each
    list by its title and edition and says what "partial" means; ids wait in --technical."""
    text = _said("--partner", "KU Leuven (BE)")
    assert f"KU Leuven: not found in {DOD_IN_WORDS} ({PARTIAL_IN_WORDS}" in text
    assert "US foreign-countries-of-concern list, edition 2022-08-09" in text
    assert "us_dod_1286" not in text and "@" not in text
    assert "safe" not in text.replace("not that a partner is safe", "")
    technical = _said("--partner", "KU Leuven (BE)", "--technical")
    assert "KU Leuven: not found in us_dod_1286@FY25 (partial)" in technical
    answer = check("--partner", "KU Leuven (BE)")  # --json: the ids, and the words beside them
    assert answer["not_found"] == [
        f"KU Leuven: not found in {', '.join(answer['screened_against'])}"
    ]
    [words] = answer["in_words"]["not_found"]
    assert words.startswith(f"KU Leuven: not found in {DOD_IN_WORDS} ({PARTIAL_IN_WORDS})")


def test_what_a_list_matched_is_said_in_words_the_entry_as_the_list_spells_it():
    text = _said("--visitor-institution", "National University of Defense Technology (CN)")
    assert (
        f"National University of Defense Technology: on {DOD_IN_WORDS}, "
        "listed as “National University of Defense Technology”"
    ) in text
    assert "us_dod_1286" not in text and "national-university-of-defense-technology" not in text
    technical = _said(
        "--visitor-institution", "National University of Defense Technology (CN)", "--technical"
    )
    assert "found in us_dod_1286@FY25" in technical


def test_a_match_set_aside_is_said_in_words(tmp_path: Path):
    db = tmp_path / "kvrules.db"
    set_beihang_aside(db, actor="j.adviser")
    text = _said("--partner", "Beihang University (China)", "--db", str(db))
    assert f"Beihang University: matched {DOD_IN_WORDS}" in text
    assert "set aside by j.adviser" in text
    assert "us_dod_1286" not in text and "beihang-university" not in text


def test_a_pre_screen_speaks_of_a_proposal_and_shows_entry_ids_only_on_request():
    """Reviewer's defect 9: `check` told of "the project when it was screened" (there is none
    yet) and named list entries by their ids; ids are for --technical and --json."""
    args = ["check", "--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics"]
    text = " ".join(CliRunner().invoke(cli, args).stdout.split())
    assert "A project partner is on the Section 1286 list" in text
    assert "already on the project" not in text
    assert "harbin-institute-of-technology" not in text
    assert "listed as “Harbin Institute of Technology”" in text
    technical = " ".join(CliRunner().invoke(cli, [*args, "--technical"]).stdout.split())
    assert "entry Harbin Institute of Technology (harbin-institute-of-technology)" in technical
    out = check(*args[1:])
    assert any("(harbin-institute-of-technology)" in line for line in out["found"])


def test_not_found_names_only_the_lists_of_organisations_and_the_country_lists_apart():
    """A list of countries is not something an organisation is "not found in": the answer
    names the organisation lists searched, and the country lists the countries were checked
    against, separately (the same split in --json, in words and on the web page)."""
    out = check("--partner", "Delft University of Technology (NL)", "--funder", "Huawei (CN)")
    assert out["screened_against"] and not any(
        s.startswith("us_fcoc@") for s in out["screened_against"]
    )
    assert [s.split("@")[0] for s in out["countries_checked"]] == ["us_fcoc"]
    said = out["in_words"]
    assert all("countries-of-concern" not in line for line in said["not_found"])
    assert said["countries"][0] == (
        "the US foreign-countries-of-concern list, edition "
        + out["countries_checked"][0].split("@")[1]
    )
    assert said["countries"][1].startswith("the kvrules country profiles, version ")
    words = CliRunner().invoke(cli, ["check", "--partner", "Delft University of Technology (NL)"])
    assert words.exit_code == 0, words.output
    assert "Countries checked against the US foreign-countries-of-concern list" in words.output


NUCLEAR_VISIT = (
    "--host-unit", "Department of Nuclear Engineering", "--topic", "uranium enrichment centrifuges",
)  # fmt: skip


def test_an_unidentified_visitor_institution_is_said_so_and_its_country_alone_raises_nothing():
    """Reviewer's defect (ethics): "private individual (IR)" matched no organisation and was
    screened on its country alone, so the field stood in for the visitor's nationality. An
    institution that no list or registry identifies is said to be unidentified; its country
    alone raises no signal for a visitor."""
    out = check("--visitor-institution", "private individual (IR)", *NUCLEAR_VISIT)
    evidence = [str(e) for f in out["findings"] for e in f["evidence"]]
    assert not any("private individual" in line for line in evidence), evidence
    assert out["triage"]["colour"] == "green"
    assert "names a person" in out["triage"]["reason"]
    [line] = out["in_words"]["unidentified"]
    assert line.startswith("private individual: names a person, not an organisation")
    assert "give the institution they work for" in line
    assert not any("private individual" in line for line in out["in_words"]["not_found"])
    unknown = check("--visitor-institution", "Example Provincial Lab (IR)", *NUCLEAR_VISIT)
    assert unknown["triage"]["colour"] == "green"
    [line] = unknown["in_words"]["unidentified"]
    assert line.startswith(
        f"Example Provincial Lab: not identified as an organisation in {DOD_IN_WORDS}"
    )
    assert "identify the institution" in line
    text = _said("--visitor-institution", "private individual (IR)", *NUCLEAR_VISIT)
    assert "private individual: names a person, not an organisation" in text
    assert "its country is a US foreign country of concern" not in text
    assert "outside the EU" not in text


def test_an_identified_visitor_institution_keeps_its_country():
    """The line is the organisation: an institution the registry knows is an organisation,
    and its country is one of its attributes (not the visitor's nationality)."""
    out = check(
        "--visitor-institution", "Iran University of Science and Technology (IR)", *NUCLEAR_VISIT
    )
    rules = {f["rule_id"] for f in out["findings"]}
    assert "visitor-institution-in-signalled-country-sensitive-unit" in rules
    assert out["in_words"]["unidentified"] == []


def test_a_partner_named_as_a_person_is_not_screened_on_its_country():
    """A partner is named as an organisation, and its country is an organisation attribute,
    also when no list knows it; a name that says it is no organisation ("private individual")
    is not screened on its country."""
    out = check("--partner", "private individual (IR)", "--topic", "uranium enrichment")
    assert out["findings"] == [], [f["rule_id"] for f in out["findings"]]
    assert out["in_words"]["unidentified"][0].startswith(
        "private individual: names a person, not an organisation"
    )
    unknown = check(
        "--partner", "Example Provincial University (IR)", "--topic", "uranium enrichment"
    )
    assert unknown["findings"] and unknown["in_words"]["unidentified"] == []


def test_a_nationality_in_a_proposal_file_is_refused_first_in_plain_words(tmp_path: Path):
    """Reviewer's defect: `visit: {nationality: IR}` got "visit.home_institution: Field
    required (+1 more)", hiding the refusal; the refusal comes first, in plain words."""
    proposal = tmp_path / "visit.yaml"
    proposal.write_text("visit:\n  nationality: IR\n")
    result = CliRunner().invoke(cli, ["check", str(proposal)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert f"{proposal}:2:3: visit, nationality: unknown field" in text
    assert "never a person's nationality" in text
    assert "home_institution" in text and "Field required" not in text
    assert "Traceback" not in result.output


def test_a_partner_without_a_country_is_said_to_be_unchecked_on_country():
    """Reviewer's defect: `check --partner Foo` said GREEN "no rule found a risk signal" and
    not that no country was given, so no country check ran."""
    out = check("--partner", "Foo")
    assert out["triage"]["colour"] == "green"
    assert "no country given for Foo" in out["triage"]["reason"]
    [line] = out["in_words"]["not_checked"]
    assert line.startswith("Foo: no country given, so no country check ran")
    assert "US foreign-countries-of-concern list, edition" in line
    assert "'Foo (COUNTRY)'" in line
    text = _said("--partner", "Foo")
    assert "Foo: no country given, so no country check ran" in text
    given = check("--partner", "Foo (NL)")
    assert given["in_words"]["not_checked"] == [] and "country" not in given["triage"]["reason"]


EXAMPLES = Path(__file__).parent.parent / "examples"


def test_the_documented_proposal_file_is_screened_as_documented():
    """Reviewer's defect: the PROPOSAL file format was documented nowhere. The example the
    README shows is a file that loads, with both ways of writing an organisation."""
    example = EXAMPLES / "proposal.yaml"
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "examples/proposal.yaml" in readme
    out = check(str(example))
    assert out["triage"]["colour"] == "red"
    assert any(line.startswith("Delft University of Technology") for line in out["not_found"])
    assert any("Harbin Institute of Technology" in line for line in out["found"])


def test_a_proposal_file_takes_the_partner_flags_string_form(tmp_path: Path):
    """`partners: ["Harbin Institute of Technology (CN)"]`, as --partner is written, got
    "partners.0: Input should be a valid dictionary … (+3 more)"."""
    proposal = tmp_path / "p.yaml"
    proposal.write_text(
        'topic: robotics\npartners: ["Harbin Institute of Technology (CN)"]\n'
        'visit: {home_institution: "Sharif University of Technology (IR)"}\n'
    )
    from_file = check(str(proposal))
    from_flags = check(
        "--topic", "robotics", "--partner", "Harbin Institute of Technology (CN)",
        "--visitor-institution", "Sharif University of Technology (IR)",
    )  # fmt: skip
    assert from_file["triage"] == from_flags["triage"]
    assert from_file["found"] == from_flags["found"] and from_file["found"]


@pytest.mark.parametrize(
    ("partners", "said"),
    [
        ("[42]", "p.yaml:1:12: partner 1: write an organisation as 'NAME (COUNTRY)'"),
        ("[{nme: Harbin}]", "p.yaml:1:13: partner 1, nme: unknown field"),
        ('["Harbin (Atlantis)"]', "p.yaml:1:12: partner 1: 'Atlantis' is not a country"),
    ],
)
def test_a_wrong_partner_in_a_file_is_one_plain_line_naming_what_to_write(
    tmp_path: Path, partners: str, said: str
):
    proposal = tmp_path / "p.yaml"
    proposal.write_text(f"partners: {partners}\n")
    result = CliRunner().invoke(cli, ["check", str(proposal)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert said in text and "more)" not in text and "valid dictionary" not in text
    assert "Traceback" not in result.output


FY26_URL = "https://www.cto.mil/wp-content/uploads/2027/07/FY26-Section-1286-List.pdf"


def _fy26_store(tmp_path: Path) -> Path:
    """A reference store with an FY26 edition of the 1286 list, written from the shipped one."""
    from kvrules.refdata.shipped import DATA

    refdata = tmp_path / "refdata.db"
    fy26 = tmp_path / "FY26.csv"
    fy26.write_text((DATA / "us_dod_1286_fy25_partial.csv").read_text(encoding="utf-8"))
    imported = CliRunner().invoke(
        cli,
        ["refdata", "import", "dod1286", str(fy26), "--edition", "FY26", "--source-url",
         FY26_URL, "--publisher", "US Department of Defense", "--refdata", str(refdata)],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    return refdata


def test_a_finding_cites_the_list_edition_that_matched_not_another(tmp_path: Path):
    """Reviewer's defect: after importing an FY26 edition the evidence said "edition FY26"
    and the cited source "US Department of Defense, FY25 list … FY25-Section-1286-List.pdf":
    the rulebook's citation was the FY25 edition. The evidence cites the edition that matched,
    with its source from the list's provenance; the rulebook cites the law."""
    refdata = _fy26_store(tmp_path)
    args = ("--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics")
    out = check(*args, "--refdata", str(refdata))
    hit = next(f for f in out["findings"] if f["rule_id"] == "project-partner-on-1286")
    assert "FY25" not in hit["citation"]["cite"] and "FY25" not in (hit["citation"]["url"] or "")
    assert "1286" in hit["citation"]["cite"]
    text = _said(*args, "--refdata", str(refdata))
    assert "FY25" not in text
    assert "edition FY26, listed as “Harbin Institute of Technology”" in text
    assert FY26_URL in text


def test_a_hit_says_designation_or_assessment_the_licence_and_technically_the_entry():
    """Reviewer's defect: `check` (and `show`, the same words) never said whether a hit is a
    designation or an assessment, nor its licence; --technical gave only the test."""
    args = ("--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics")
    text = _said(*args)
    assert (
        "listed as “Harbin Institute of Technology”; a designation; source: US Department" in text
    )
    assert "licence: US government work (public domain, 17 U.S.C. 105)" in text
    technical = _said(*args, "--technical")
    assert (
        "us_dod_1286@FY25, entry harbin-institute-of-technology “Harbin Institute of "
        "Technology”, method exact, score 1.00, designation"
    ) in technical


def test_every_country_source_is_named_with_its_edition():
    """Reviewer's defect: "Countries checked against the US foreign-countries-of-concern list"
    while findings also used the EU arms embargo and the Dutch threat assessment of the country
    profiles, named nowhere with an edition."""
    out = check("--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics")
    [fcoc, profiles] = out["in_words"]["countries"]
    assert fcoc.startswith("the US foreign-countries-of-concern list, edition ")
    assert profiles.startswith("the kvrules country profiles, version 2026.2, reviewed 2026-08-22")
    assert "EU arms embargo (designation; for China a political commitment)" in profiles
    assert "Named in the Dutch threat assessment of state actors (assessment)" in profiles
    text = _said("--partner", "Harbin Institute of Technology (CN)", "--topic", "robotics")
    assert "and the kvrules country profiles, version 2026.2" in text


def test_a_country_finding_says_what_its_source_says_for_that_country():
    """Reviewer's defect: for China the high export-control finding said "prohibit the transfer
    outright … Stop transfers", citing Russian and Iranian regulations, while the profile
    records China's arms embargo as a political commitment, not a CFSP decision."""
    out = check("--partner", "Peking University (CN)", "--topic", "uranium enrichment")
    hit = next(f for f in out["findings"] if f["rule_id"] == "annex-i-partner-in-embargoed-country")
    rationale = " ".join(hit["rationale"].split())
    assert "prohibit the transfer outright" not in rationale and "Stop transfers" not in rationale
    assert "833/2014" not in hit["citation"]["cite"] and "267/2012" not in hit["citation"]["cite"]
    text = _said("--partner", "Peking University (CN)", "--topic", "uranium enrichment")
    assert (
        "its country is under an EU arms embargo (China: European Council declaration of 26-27 "
        "June 1989 (Madrid), not a CFSP decision; still applied by Member States); a political "
        "commitment, not a designation; source:"
    ) in text
    # labelled as what it is everywhere: never "a designation" (reviewer, 2026-12-07)
    assert "Member States); a designation" not in text
    assert "EU arms embargo (designation; for China a political commitment)" in text
    assert "Stop transfers" not in text


def test_a_long_lived_screener_keeps_no_names_it_set_apart() -> None:
    """The web app screens proposal after proposal with one enricher: each answer says what it
    set apart, and the enricher keeps none of it (a scan's report has its own)."""
    from kvrules.assembly import build_evaluator
    from kvrules.enrich import Enricher
    from kvrules.prescreen import Screener

    enricher = Enricher.from_store(None)  # the shipped lists, in memory
    screener = Screener(lambda: (build_evaluator([]), enricher))
    try:
        for n in range(3):
            visit = {"home_institution": f"Private individual {n} (IR)"}
            answer = screener(Proposal.model_validate({"visit": visit, "topic": "lasers"}))
            assert list(answer.unidentified) == [f"Private individual {n}"]
        assert "Private individual" not in repr(vars(enricher))
    finally:
        screener.close()


def test_a_proposal_file_that_holds_nothing_is_refused_in_one_line(tmp_path):
    # README, exit 1: "a file that holds no records"; a file of something else than a mapping
    # is a usage error (2) — and neither is an internal error (70, "this is a bug")
    empty, listed = tmp_path / "empty.yaml", tmp_path / "listed.yaml"
    empty.write_text("\n# nothing yet\n")
    listed.write_text("- Beihang University\n")
    for proposal, status, said in ((empty, 1, "holds no proposal"), (listed, 2, "not a mapping")):
        result = CliRunner().invoke(cli, ["check", str(proposal)])
        assert result.exit_code == status, result.output
        assert f"{proposal}: {said}" in result.output
        assert "internal error" not in result.output and "Traceback" not in result.output


# honorific titles (English and the common Dutch, German, French ones) and nationalities:
# a person's country is their nationality, never screened
PEOPLE = (
    "Dr. Ali Rezaei (IR)", "Prof. Wei Zhang (CN)", "Prof Li Na (CN)", "Mr Ivan Petrov (RU)",
    "Ms. Kim Yong (KP)", "Mrs. Sara Ahmadi (IR)", "Dr.-Ing. Dmitri Volkov (RU)",
    "Drs. Chen Jie (CN)", "Ir. Wang Fang (CN)", "Mevr. Liu Yang (CN)", "Dhr. Zhao Lei (CN)",
    "Herr Sergei Ivanov (RU)", "Frau Olga Smirnova (RU)", "M. Pavel Orlov (RU)",
    "Mme Elena Popova (RU)", "Iranian national (IR)", "a Chinese citizen (CN)",
    "citizen of Iran (IR)",
)  # fmt: skip


def test_a_partner_named_as_a_person_by_title_or_nationality_is_never_screened_on_a_country():
    """Ethics defect: "Dr. Ali Rezaei (IR)" on quantum sensing was AMBER through the Leidraad
    triage, screened on Iran: the person's nationality. A partner that reads as a person (an
    honorific title, "<nationality> national", "citizen of") is set apart, and the answer says
    in plain words that it names a person and asks for the institution."""
    out = check(*(a for p in PEOPLE for a in ("--partner", p)), "--topic", "quantum sensing")
    assert out["findings"] == [], [f["rule_id"] for f in out["findings"]]
    assert out["triage"]["colour"] == "green"
    names = [p.rsplit(" (", 1)[0] for p in PEOPLE]
    said = out["in_words"]["unidentified"]
    assert [line.split(":")[0] for line in said] == names
    for line in said:
        assert "names a person, not an organisation" in line, line
        assert "give the institution" in line and "is not screened" in line, line
    assert "names a person" in out["triage"]["reason"]
    assert out["in_words"]["not_found"] == []
    text = _said("--partner", "Dr. Ali Rezaei (IR)", "--topic", "quantum sensing")
    assert (
        text.startswith("NOT COMPLETE")
        and "its country is a US foreign country of concern" not in text
    )
    assert "Dr. Ali Rezaei: names a person, not an organisation" in " ".join(text.split())


# A person's situation, occupation or degree, with a name or instead of one (ethics review,
# 2026-12): each was AMBER on its country ("its country is under an EU arms embargo")
DESCRIBED = (
    "Private individual, Tehran (IR)", "Private individual from Tehran (IR)",
    "Freelance researcher (IR)", "Independent consultant (IR)", "Retired professor (IR)",
    "Guest researcher (IR)", "Ali Rezaei, PhD (IR)", "Wei Zhang (consultant) (CN)",
    "Sara Ahmadi MSc (IR)", "Visiting scholar (CN)", "home address (IR)",
)  # fmt: skip


def test_a_partner_that_describes_a_person_is_never_screened_on_a_country():
    """Ethics defect: only the whole name "private individual" or a title in front set a
    person apart; "Private individual, Tehran (IR)" on hypersonic propulsion was AMBER on
    Iran. A name that begins with a person's situation, sets off an occupation, or ends with
    a degree describes a person; organisations holding such words are still screened."""
    out = check(*(a for p in DESCRIBED for a in ("--partner", p)), "--topic", "hypersonics")
    assert out["findings"] == [], [f["rule_id"] for f in out["findings"]]
    assert out["triage"]["colour"] == "green"
    said = out["in_words"]["unidentified"]
    assert [line.split(": ")[0] for line in said] == [p.rsplit(" (", 1)[0] for p in DESCRIBED]
    for line in said:
        assert "names a person, not an organisation" in line, line
    text = _said("--partner", "Private individual, Tehran (IR)", "--topic", "hypersonics")
    assert text.startswith("NOT COMPLETE") and "its country is under an EU arms embargo" not in text
    for kept in ("National University of Defense Technology (IR)", "Dr. Reddy's Laboratories (IR)"):
        screened = check("--partner", kept, "--topic", "hypersonics")
        assert screened["findings"] and screened["in_words"]["unidentified"] == [], kept


def test_a_partner_named_in_two_words_is_screened_on_its_country():
    """Code review (2026-12-07, HIGH): "Almaz Antey (RU)" on hypersonic missile guidance was
    AMBER (an Annex I partner in an embargoed country) until a partner named in two or three
    capitalised words was taken for a person's name: then GREEN, not screened on Russia. A
    partner is named by the RIS as an organisation; as a visitor's institution the same name
    is still set apart until something identifies it."""
    out = check("--partner", "Almaz Antey (RU)", "--topic", "hypersonic missile guidance")
    assert out["triage"]["colour"] == "amber", out["triage"]
    assert out["unidentified"] == [] and out["in_words"]["unidentified"] == []
    titles = [f["rule_title"] for f in out["findings"]]
    assert any("embargo" in t for t in titles), titles
    visit = check("--visitor-institution", "Almaz Antey (RU)", *NUCLEAR_VISIT)
    [line] = visit["in_words"]["unidentified"]
    assert line.startswith("Almaz Antey: not identified as an organisation"), line


def test_no_green_headline_while_a_name_was_not_screened_on_a_country(tmp_path: Path):
    """Code review (2026-12-07, HIGH): "GREEN … not screened on a country: Almaz Antey" read as
    an all-clear. While a name is set apart the headline says the screening is not complete,
    how many names and what to do, in place of GREEN; a finding's colour says it too."""
    out = check("--visitor-institution", "Wei Zhang (CN)", *NUCLEAR_VISIT)
    triage = out["triage"]
    assert (triage["colour"], triage["headline"], triage["complete"]) == (
        "green",
        "NOT COMPLETE",
        False,
    )
    assert triage["reason"].startswith(
        "not complete: 1 name not screened on a country — identify the institution (its full "
        "name, or its ROR id); not complete: the active rules read 4 list(s) with no edition "
        "imported"
    ), triage["reason"]
    assert "; no rule found a risk signal" in triage["reason"]
    text = _said("--visitor-institution", "Wei Zhang (CN)", *NUCLEAR_VISIT)
    assert text.startswith("NOT COMPLETE — not complete: 1 name") and "GREEN" not in text
    every = ("--refdata", str(store_with_every_list(tmp_path / "every.db")))
    both = check(
        "--partner", "Almaz Antey (RU)", "--partner", "Dr. Ali Rezaei (IR)",
        "--visitor-institution", "Wei Zhang (CN)", "--topic", "hypersonic missile guidance",
        *every,
    )  # fmt: skip
    assert both["triage"]["headline"] == f"{both['triage']['colour'].upper()}, NOT COMPLETE"
    said = both["triage"]["reason"].split("; not complete: ", 1)[1]
    assert said.startswith(
        "2 names not screened on a country — identify the institution of each (its full name, "
        "or its ROR id): "
    ), said
    assert sorted(said.split(": ", 1)[1].split(", ")) == ["Dr. Ali Rezaei", "Wei Zhang"]
    clear = check("--partner", "KU Leuven (BE)", "--topic", "medieval manuscripts", *every)
    assert (clear["triage"]["headline"], clear["triage"]["complete"]) == ("GREEN", True)


def test_a_visitor_institution_named_as_a_person_is_said_to_name_one():
    out = check("--visitor-institution", "Prof. Wei Zhang (CN)", *NUCLEAR_VISIT)
    assert out["triage"]["colour"] == "green"
    [line] = out["in_words"]["unidentified"]
    assert line.startswith("Prof. Wei Zhang: names a person, not an organisation")


def test_an_organisation_whose_name_holds_a_title_or_nationality_word_is_still_screened():
    """The other side: "National", "Dr.", "M." in an organisation's name do not make it a
    person; such organisations keep their country and their list matches."""
    out = check(
        "--partner", "National University of Defense Technology (CN)",
        "--partner", "Dr. Reddy's Laboratories (IN)",
        "--partner", "Max Planck Institute for Chemistry (DE)",
        "--partner", "M. S. Ramaiah University of Applied Sciences (IN)",
        "--topic", "quantum sensing",
    )  # fmt: skip
    assert out["in_words"]["unidentified"] == [] and out["unidentified"] == []
    assert out["triage"]["colour"] == "red"
    assert "project-partner-on-1286" in {f["rule_id"] for f in out["findings"]}
    amber = check("--partner", "Dr. Reddy's Laboratories (CN)", "--topic", "quantum sensing")
    assert amber["triage"]["colour"] == "amber"  # screened on the country given for it
