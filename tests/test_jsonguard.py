"""JSON from outside is parsed with a nesting limit (security review 2026-12-07, item 7)."""

from __future__ import annotations

import json

import pytest

from kvrules import JSONTooDeep, parse_untrusted_json
from kvrules.jsonguard import MAX_DEPTH


@pytest.mark.parametrize("doc", ["[" * 100_000, b"[" * 100_000, '{"a":' * 65 + "1" + "}" * 65])
def test_a_document_nested_too_deep_is_a_decode_error_saying_where(doc) -> None:
    with pytest.raises(json.JSONDecodeError) as raised:
        parse_untrusted_json(doc)
    assert isinstance(raised.value, JSONTooDeep)
    assert raised.value.msg == f"nested more than {MAX_DEPTH} levels deep"
    assert raised.value.colno == (65 if doc[:1] in ("[", b"[") else 5 * 64 + 1)


def test_a_document_at_the_limit_and_brackets_in_strings_are_read() -> None:
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_untrusted_json(at_limit) == json.loads(at_limit)
    text = json.dumps({"name": "[" * 500 + "{" * 500, "list": [[1, 2], {"b": None}]})
    assert parse_untrusted_json(text) == json.loads(text)
    assert parse_untrusted_json(text.encode(), parse_float=str) == json.loads(text)
