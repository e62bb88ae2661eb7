"""Evidence made on the hot path (``make_evidence``, the generated finding makers: filled in as
an ``EvidenceDraft``, then given the class ``Evidence``) is an Evidence like one constructed."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from kvrules.findings import Evidence, EvidenceDraft, make_evidence


def made_and_built():
    actual = ["us-dod-1286", "ca-nro"]
    return (
        make_evidence("project.partners[2].lists", 'contains "ca-nro"', actual, "Harbin (CN)"),
        Evidence("project.partners[2].lists", 'contains "ca-nro"', actual, "Harbin (CN)"),
    )


def test_made_evidence_is_an_evidence_equal_to_one_constructed():
    made, built = made_and_built()
    assert type(made) is Evidence
    assert made == built
    assert repr(made) == repr(built)
    assert str(made) == str(built) and made.plain == built.plain
    assert dataclasses.astuple(made) == dataclasses.astuple(built)
    assert pickle.loads(pickle.dumps(made)) == built
    assert copy.deepcopy(made) == built
    assert made.stable_path == built.stable_path


def test_made_evidence_is_frozen_and_hashed_by_its_fields():
    made = make_evidence("partner.country", '== "CN"', "CN")
    assert hash(made) == hash(Evidence("partner.country", '== "CN"', "CN"))
    assert made.subject is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.path = "elsewhere"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.test  # type: ignore[misc]
    assert {made, Evidence("partner.country", '== "CN"', "CN")} == {made}


def test_the_draft_has_evidences_fields_in_their_order():
    assert EvidenceDraft.__slots__ == tuple(f.name for f in dataclasses.fields(Evidence))
