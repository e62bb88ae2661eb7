"""The configuration reaches enrichment and the rulebooks through one function each.

The reviewer's r7: `Enricher.from_store(config.reference_data, taxonomies=…, home_country=…)`
was written out six times (scan, check, fetch, the rulebook commands, the pre-screen, the
scanner) and the rulebook arguments three times (config_evaluator, watch, CompiledRulebooks):
a setting added to one copy and not the others would screen differently by command. Now
`config_enricher(config)` and `RulebookOptions.of(config)` are the one place.
"""

from __future__ import annotations

from pathlib import Path

from kvrules.assembly import RulebookOptions, config_enricher, config_evaluator
from kvrules.config import Config
from kvrules.rulebook.discovery import shipped_rulebooks
from kvrules.watch import CompiledRulebooks

BOOKS = [shipped_rulebooks() / "eu-dual-use.yaml", shipped_rulebooks() / "us-dod-1286.yaml"]


def _config(tmp_path: Path, **kw) -> Config:
    return Config(
        database=tmp_path / "k.db", reference_data=tmp_path / "ref.db", rulebooks=BOOKS, **kw
    )


def test_config_enricher_takes_the_home_country_from_the_configuration(tmp_path: Path):
    assert config_enricher(_config(tmp_path, home_country="US")).home_country == "US"
    assert config_enricher(_config(tmp_path)).home_country is None


def _ids(evaluator) -> set[str]:
    return {book.id for book in evaluator.program.rulebooks}


def test_watch_and_a_scan_evaluate_the_same_rulebooks_for_the_institution(tmp_path: Path):
    for apply_anyway, expected in (
        ([], {"us-dod-1286"}),
        (["eu-dual-use"], {"us-dod-1286", "eu-dual-use"}),
    ):
        config = _config(tmp_path, home_country="US", apply_outside_jurisdiction=apply_anyway)
        assert RulebookOptions.of(config).apply_anyway == tuple(apply_anyway)
        with config_evaluator(config) as scanned:
            assert _ids(scanned) == expected
        with CompiledRulebooks.from_config(config) as watched:
            evaluator, changed = watched.evaluator()
            assert _ids(evaluator) == expected and changed
