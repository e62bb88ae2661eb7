"""An institution's own sensitive-area taxonomies (its "crown jewels", an enacted national list)
beside the shipped ones: classified, cited, validated, and a change re-screens stored records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kvrules import Evaluator, load_rulebook
from kvrules.cli import cli
from kvrules.enrich import Enricher
from kvrules.enrich.areas import AreaDataError, Classifier
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.store import Store
from tests.conftest import rule_yaml

CROWN_JEWELS = """\
taxonomy: uni-crown-jewels
title: Example University's crown jewels (board decision 2026-03)
source:
  cite: Example University, executive board decision on crown-jewel research, March 2026
areas:
  - id: photonic-chips
    label: Integrated photonics pilot line
    keywords: [integrated photonics, photonic chip]
"""
NL_ENACTED = """\
taxonomy: nl-clusters
title: NL sensitive technology (Wet screening kennisveiligheid, as enacted)
source:
  cite: Wet screening kennisveiligheid, Annex 2 (example of an enacted list)
areas:
  - id: hypersonics
    label: Hypersonic propulsion
    keywords: [hypersonic propulsion, scramjet]
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_own_areas_join_the_shipped_ones_with_their_reasons(tmp_path: Path) -> None:
    classifier = Classifier.from_paths([write(tmp_path / "jewels.yaml", CROWN_JEWELS)])
    hits = classifier.classify(["Photonic chips for datacentres", "quantum computing"], [])
    by_area = {h.area: h for h in hits}
    assert "uni-crown-jewels:photonic-chips" in by_area and "stra:quantum-science" in by_area
    jewel = by_area["uni-crown-jewels:photonic-chips"]
    assert jewel.cite.startswith("Example University, executive board decision")
    assert (
        str(jewel.because[0]) == 'keyword "Photonic chips for datacentres" matches "photonic chip"'
    )


def test_an_own_taxonomy_with_a_shipped_id_replaces_it(tmp_path: Path) -> None:
    shipped = Classifier.from_paths([])
    enacted = Classifier.from_paths([write(tmp_path / "nl.yaml", NL_ENACTED)])
    assert "nl-clusters:artificial-intelligence" in shipped.area_ids
    nl = [a for a in enacted.area_ids if a.startswith("nl-clusters:")]
    assert nl == ["nl-clusters:hypersonics"]  # the provisional subset is gone, not merged
    assert shipped.digest != enacted.digest


def test_a_folder_of_own_files_and_one_id_twice(tmp_path: Path) -> None:
    folder = tmp_path / "areas"
    folder.mkdir()
    write(folder / "a.yaml", CROWN_JEWELS)
    assert "uni-crown-jewels:photonic-chips" in Classifier.from_paths([folder]).area_ids
    write(folder / "b.yaml", CROWN_JEWELS)
    with pytest.raises(
        AreaDataError, match=r"b.yaml: taxonomy 'uni-crown-jewels' is also defined in .*a.yaml"
    ):
        Classifier.from_paths([folder])


def test_config_check_names_a_bad_taxonomy_file(tmp_path: Path) -> None:
    write(tmp_path / "jewels.yaml", CROWN_JEWELS.replace("  cite:", "  url:"))
    config = write(tmp_path / "kvrules.yaml", f"area_taxonomies: [{tmp_path / 'jewels.yaml'}]\n")
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    assert result.exit_code == 1
    assert "area_taxonomies:" in result.stderr and "needs a 'cite'" in result.stderr


def test_a_new_crown_jewel_rescreens_the_stored_projects_it_touches(tmp_path, write_rulebook):
    exports = tmp_path / "exports"
    exports.mkdir()
    events = [
        {
            "id": f"{pid}:v1",
            "kind": "project.created",
            "occurred_at": "2026-01-01T00:00:00Z",
            "source": {"system": "file", "record_id": pid},
            "project": {"id": pid, "title": title},
        }
        for pid, title in (("P1", "Integrated photonics for 6G"), ("P2", "Medieval poetry"))
    ]
    (exports / "p.jsonl").write_text("\n".join(map(json.dumps, events)) + "\n")
    rule = rule_yaml(
        "jewel",
        "'project.sensitive_areas contains \"uni-crown-jewels:photonic-chips\"'",
        on="project.created",
    )
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    jewels = write(tmp_path / "jewels.yaml", CROWN_JEWELS)
    with (
        Store.open(tmp_path / "s.db") as store,
        Evaluator([load_rulebook(write_rulebook(rule))]) as ev,
    ):
        Scanner(store, "file", adapter, ev, Enricher.from_store()).scan()
        assert store.cases() == []  # the shipped taxonomies know no crown jewels
        own = Enricher.from_store(taxonomies=[jewels])
        report = Scanner(store, "file", adapter, ev, own).scan()
        assert report.rescreened == 1  # P1 only: P2's areas did not change
        assert [c.record_id for c in store.cases("open")] == ["P1"]
        assert Scanner(store, "file", adapter, ev, own).scan().rescreened == 0


def test_own_files_are_found_beside_the_config_not_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the template suggests (area_taxonomies: [crown-jewels.yaml]) and as for rulebooks and
    the database: a scheduled scan does not run in the config's folder."""
    from kvrules.config import load_config
    from tests.test_exchange_rates import RATES

    etc = tmp_path / "etc"
    etc.mkdir()
    write(etc / "crown-jewels.yaml", CROWN_JEWELS)
    write(etc / "rates.yaml", RATES)
    config = write(
        etc / "kvrules.yaml", "area_taxonomies: [crown-jewels.yaml]\nexchange_rates: rates.yaml\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    loaded = load_config(config)
    assert loaded.area_taxonomies == [etc / "crown-jewels.yaml"]
    assert loaded.exchange_rates == etc / "rates.yaml"
    result = CliRunner().invoke(cli, ["config", "check", str(config)])
    # Both files were found from elsewhere: no error names them (the config has no source,
    # which config check reports on its own).
    assert "area_taxonomies" not in result.stderr and "exchange_rates" not in result.stderr
    assert "sources: no source configured" in result.stderr


def test_the_same_file_named_twice_is_read_once(tmp_path: Path) -> None:
    """A folder and a file in it, or one file listed twice (or through a link), is one
    taxonomy, not one defined twice."""
    folder = tmp_path / "areas"
    folder.mkdir()
    jewels = write(folder / "jewels.yaml", CROWN_JEWELS)
    (tmp_path / "link.yaml").symlink_to(jewels)
    for paths in ([folder, jewels], [jewels, jewels], [jewels, tmp_path / "link.yaml"]):
        ids = Classifier.from_paths(paths).area_ids
        assert ids.count("uni-crown-jewels:photonic-chips") == 1, paths


def test_a_folder_without_taxonomy_files_is_an_error(tmp_path: Path) -> None:
    """An empty folder, or one of *.yml files, configured the institution's areas away
    without a word; config check now says so."""
    folder = tmp_path / "areas"
    folder.mkdir()
    write(folder / "jewels.yml", CROWN_JEWELS)
    with pytest.raises(
        AreaDataError, match=r"areas: no taxonomy files \(\*\.yaml\) in this folder"
    ):
        Classifier.from_paths([folder])


def test_scan_names_an_unreadable_taxonomy_instead_of_a_traceback(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    config = write(
        tmp_path / "kvrules.yaml",
        "area_taxonomies: [missing.yaml]\n"
        f"sources:\n  f:\n    adapter: file\n    settings: {{path: {exports}}}\n",
    )
    result = CliRunner().invoke(cli, ["scan", "--config", str(config)])
    assert result.exit_code == 1 and not isinstance(result.exception, AreaDataError)
    assert f"{tmp_path / 'missing.yaml'}: cannot read" in result.output
    assert "Traceback" not in result.output
