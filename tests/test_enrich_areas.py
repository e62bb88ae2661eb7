"""Sensitive-area classification: word-boundary matching, explanations, codes, shipped data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kvrules.enrich.areas import (
    DATA_DIR,
    AreaDataError,
    AreaHit,
    Classifier,
    area_ids,
    classify,
    known_areas,
    parse_taxonomy,
)

ROOT = Path(__file__).resolve().parent.parent


def areas_of(hits: list[AreaHit]) -> set[str]:
    return {h.area for h in hits}


# -- matching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Haiti", "Thai cuisine", "studi ai confini", "Said", "AIDS prevention", "ai"],
)
def test_acronym_ai_needs_a_whole_upper_case_word(text: str) -> None:
    hits = classify([text], [], title=text)
    assert not any(h.area.endswith(("ai-big-data", "artificial-intelligence")) for h in hits), hits


def test_acronym_ai_matches_as_a_word() -> None:
    hits = classify(["AI-based control"], [])
    assert "stra:ai-big-data" in areas_of(hits)
    (hit,) = [h for h in hits if h.area == "stra:ai-big-data"]
    assert [(r.field, r.value, r.matched) for r in hit.because] == [
        ("keyword", "AI-based control", "AI")
    ]


def test_nuclear_is_a_word_not_a_substring_and_exclusions_apply() -> None:
    assert "eu-dual-use:cat0" in areas_of(classify(["Nuclear reactor safety"], []))
    assert "eu-dual-use:cat0" not in areas_of(classify(["antinuclear movements"], []))
    assert "eu-dual-use:cat0" not in areas_of(classify(["nuclear magnetic resonance"], []))
    assert "eu-dual-use:cat0" not in areas_of(classify(["Nuclear receptors in liver"], []))
    # an exclusion cancels only the match it covers, not a second real one
    both = classify([], [], title="Nuclear magnetic resonance of nuclear fuel")
    assert "eu-dual-use:cat0" in areas_of(both)


def test_phrases_match_across_hyphens_and_plurals_but_not_punctuation() -> None:
    assert "stra:ai-big-data" in areas_of(classify(["machine-learning"], []))
    assert "stra:ai-big-data" in areas_of(classify(["Neural Networks"], []))
    assert "eu-dual-use:cat9" in areas_of(classify(["Drones"], []))
    assert "stra:ai-big-data" not in areas_of(classify([], [], title="A machine. Learning it"))


def test_adjacent_keywords_do_not_join_into_a_phrase() -> None:
    assert classify(["quantum", "computing"], []) == []


def test_no_input_and_unrelated_input_give_no_hits() -> None:
    assert classify([], []) == []
    assert classify(["", "  "], [""], title="  ") == []
    assert classify(["medieval history", "water governance"], ["frascati:6.1"], "Sahel") == []


def test_classification_codes_map_to_categories() -> None:
    assert areas_of(classify([], ["eu-dual-use:3A001"])) == {"eu-dual-use:cat3"}
    assert areas_of(classify([], ["EU-DUAL-USE:9e003.a"])) == {"eu-dual-use:cat9"}
    assert areas_of(classify([], ["eu-dual-use:cat5"])) >= {"eu-dual-use:cat5"}
    # whole-code match: a longer number is not category 1 or 3
    assert classify([], ["eu-dual-use:13A001"]) == []
    assert "stra:quantum-science" in areas_of(classify([], ["anzsrc-for:5108"]))
    assert classify([], ["anzsrc-for:51080"]) == []


def test_every_hit_is_explained_by_its_inputs() -> None:
    keywords = ["Deep learning", "hypersonic glide vehicles", "CRISPR screens"]
    codes = ["eu-dual-use:6A003", "anzsrc-for:4604"]
    title = "Lidar for autonomous vehicles"
    hits = classify(keywords, codes, title)
    assert len(hits) >= 8
    for hit in hits:
        assert hit.because, hit
        assert hit.label and hit.cite and hit.area.startswith(hit.taxonomy + ":")
        for reason in hit.because:
            assert reason.field in ("keyword", "title", "classification")
            source = {"keyword": keywords, "title": [title], "classification": codes}
            assert reason.value in source[reason.field]
            assert str(reason) and reason.matched
        assert hit.label in hit.explain()


def test_area_ids_keeps_order_without_duplicates() -> None:
    hits = classify(["quantum computing"], ["stra:quantum-science"])
    ids = area_ids(hits)
    assert len(ids) == len(set(ids)) and "stra:quantum-science" in ids


# -- data files -------------------------------------------------------------------------------


def test_shipped_taxonomies_are_cited_and_complete() -> None:
    files = sorted(DATA_DIR.glob("*.yaml"))
    assert {f.stem for f in files} >= {"eu-dual-use", "stra", "nl-clusters", "eu-critical-tech"}
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert data["source"]["cite"].strip(), f
        assert data["source"].get("url", "").startswith("https://"), f
    ids = known_areas()
    assert [i for i in ids if i.startswith("eu-dual-use:")] == [
        f"eu-dual-use:cat{n}" for n in range(10)
    ]
    assert len([i for i in ids if i.startswith("stra:")]) == 11
    assert len([i for i in ids if i.startswith("eu-critical-tech:")]) == 10
    assert len(ids) == len(set(ids))


def test_area_ids_named_in_rulebooks_exist() -> None:
    taxonomies = ("eu-dual-use", "stra", "nl-clusters", "eu-critical-tech")
    alternatives = "|".join(taxonomies)
    pattern = re.compile(rf'"((?:{alternatives}):[a-z0-9-]+)"')
    known = set(known_areas())
    named = set()
    for book in (ROOT / "rulebooks").glob("*.yaml"):
        named |= set(pattern.findall(book.read_text(encoding="utf-8")))
    assert named, "rulebooks name no areas"
    assert named <= known, sorted(named - known)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"taxonomy": "x", "areas": [{"id": "a", "label": "A", "keywords": ["b"]}]}, "cite"),
        ({"taxonomy": "X!", "source": {"cite": "c"}, "areas": []}, "taxonomy"),
        (
            {"taxonomy": "x", "source": {"cite": "c"}, "areas": [{"id": "a", "label": "A"}]},
            "at least one",
        ),
        (
            {
                "taxonomy": "x",
                "source": {"cite": "c"},
                "areas": [{"id": "a", "label": "A", "acronyms": ["A I"]}],
            },
            "a",
        ),
        (
            {
                "taxonomy": "x",
                "source": {"cite": "c"},
                "areas": [{"id": "a", "label": "A", "codes": ["x:("]}],
            },
            "bad term",
        ),
        (
            {
                "taxonomy": "x",
                "source": {"cite": "c"},
                "areas": [{"id": "a", "label": "A", "keywords": ["a, b"]}],
            },
            "bad term",
        ),
    ],
)
def test_malformed_taxonomies_are_rejected(data: dict, message: str) -> None:
    with pytest.raises(AreaDataError, match=message):
        parse_taxonomy(data, "t.yaml")


def test_duplicate_area_ids_across_files_are_rejected() -> None:
    spec = {
        "taxonomy": "x",
        "source": {"cite": "c"},
        "areas": [{"id": "a", "label": "A", "keywords": ["b"]}],
    }
    with pytest.raises(AreaDataError, match="x:a"):
        Classifier(parse_taxonomy(spec) + parse_taxonomy(spec))
