"""A re-screen names each thing that changed in what screening uses (reviewer, 0.4.0 → 0.5.0:
the first scan said "re-screened 300: us-dod-1286 2026.10 → 2026.11" while every new finding
came from the new German, Dutch and French area glossaries, which it did not name).

Real parts: the shipped taxonomies and glossaries (copied, one edited), the reference store,
the file adapter, SQLite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kvrules import Evaluator, load_rulebook
from kvrules.cli.scan import watch_summary
from kvrules.enrich import Enricher
from kvrules.enrich.areas import DATA_DIR, Classifier
from kvrules.pipeline import Scanner
from kvrules.plugins import get_adapters
from kvrules.screened_with import changed, memo, read_memo
from kvrules.store import Store
from tests.conftest import rule_yaml
from tests.scan_helpers import project_event

# The memo 0.4.0 (44ac1d3) kept, as read from the reviewer's 0.4.0 site (a Pure simulator
# site, /tmp/rev-relcheck/site-040-snapshot, `pure#screened-with`): rulebooks | lists, the
# taxonomies' one digest, the home country | funding shares.
MEMO_0_4_0 = (
    "5b81391f889e|ror@sample-v2.9#0bf93b844dc2df57,us_dod_1286@FY25#390ed49943bfeb2d,"
    "us_fcoc@2022-08-09#3ecf1ce56bd51609,861381fb7f6c4fae,home:NL|ed6d4b3575b281d7"
)
GERMAN_TITLE = "Hyperschallantriebe für Flugkörper"


def test_the_memo_0_4_0_kept_is_read_part_by_part() -> None:
    was = read_memo(MEMO_0_4_0)
    assert was["rulebooks"] == "5b81391f889e" and was["home country"] == "NL"
    assert was["areas"] == {"*": "861381fb7f6c4fae"} and len(was["lists"]) == 3
    now = {
        **was,
        "lists": [*was["lists"][:1], "us_dod_1286@FY25#0000000000000000", was["lists"][2]],
        "areas": {"taxonomy stra": "a", "glossary de": "b", "glossary fr": "c"},
        "language guess": "d",
    }
    assert changed(was, now) == [
        "us_dod_1286 FY25 (file replaced)",
        "area taxonomies or glossaries (glossaries now: de, fr)",
        "language guess (new)",
    ]
    assert read_memo(memo(now)) == now and changed(now, now) == []


def test_each_part_that_changed_is_named() -> None:
    before = {
        "lists": ["us_csl@2026-10#aa", "ror@1#bb"],
        "areas": {"taxonomy stra": "1", "glossary de": "2"},
        "language guess": "x",
        "home country": "NL",
        "funding": "f1",
    }
    now = {
        "lists": ["us_csl@2026-11#cc", "uk_sanctions@2026-12#dd"],
        "areas": {"taxonomy stra": "1", "glossary de": "3", "glossary nl": "4"},
        "language guess": "y",
        "home country": "DE",
        "funding": "f2",
    }
    assert changed(before, now) == [
        "us_csl 2026-10 → 2026-11",
        "uk_sanctions 2026-12 (new)",
        "ror (no longer screened)",
        "area glossary de changed",
        "area glossary nl (new)",
        "language guess changed",
        "home country NL → DE",
        "foreign funding shares",
    ]


def _areas_without_hypersonic_in_german(tmp_path: Path) -> Path:
    """The shipped taxonomies and glossaries, the German glossary without 'hypersonic'."""
    shipped = tmp_path / "areas"
    shutil.copytree(DATA_DIR, shipped)
    german = shipped / "languages" / "de.yaml"
    text = german.read_text(encoding="utf-8")
    assert "  hypersonic: [hyperschall*]\n" in text
    german.write_text(text.replace("  hypersonic: [hyperschall*]\n", ""), encoding="utf-8")
    return shipped


def test_a_glossary_changed_alone_re_screens_and_is_named(tmp_path: Path, write_rulebook) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    event = project_event("P1", title=GERMAN_TITLE)
    (exports / "projects.jsonl").write_text(json.dumps(event) + "\n", encoding="utf-8")
    adapter_cls = get_adapters()["file"]
    adapter = adapter_cls(adapter_cls.Config(path=exports))
    book = load_rulebook(write_rulebook(rule_yaml("any", "project.title != ''")))
    shipped = _areas_without_hypersonic_in_german(tmp_path)

    def enricher() -> Enricher:
        made = Enricher.from_store(tmp_path / "ref.db")
        made.use_areas(Classifier.from_paths([], shipped=shipped))
        return made

    with Store.open(tmp_path / "state.db") as store, Evaluator([book]) as evaluator:
        first = Scanner(store, "file", adapter, evaluator, enricher()).scan()
        assert first.events == 1 and first.rescreened == 0
        [(_, _, _, body)] = list(store.subjects())
        areas_before = set(body["project"]["sensitive_areas"])

        shutil.copy(DATA_DIR / "languages" / "de.yaml", shipped / "languages" / "de.yaml")
        again = Scanner(store, "file", adapter, evaluator, enricher()).scan()
        assert again.rescreened == 1
        assert again.rescreened_because == ["area glossary de changed"]
        assert ", re-screened 1: area glossary de changed, " in watch_summary(again)
        [(_, _, _, body)] = list(store.subjects())
        added = set(body["project"]["sensitive_areas"]) - areas_before
        assert "nl-clusters:hypersonic-propulsion" in added
        [entry] = [e for e in store.audit_entries() if e.action == "scan.rescreened"]
        assert entry.details["because"] == ["area glossary de changed"]
        assert entry.details["records"] == 1

        # nothing changed since: nothing is screened again, nothing said
        third = Scanner(store, "file", adapter, evaluator, enricher()).scan()
        assert (third.rescreened, third.rescreened_because) == (0, [])
