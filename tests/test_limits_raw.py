"""check_raw: a record within every limit passes, one over a limit names its path and limit."""

from __future__ import annotations

import pytest

from kvrules import LimitExceeded, RecordLimits, check_raw

RECORD = {"uuid": "u", "title": {"en": "abc"}, "persons": [{"name": "xy"}, {"name": "z"}]}
# Characters check_raw counts: strings and keys, plus ITEM_CHARS (8) per non-string value.
RECORD_CHARS = 4 + 1 + 5 + 8 + 2 + 3 + 7 + 8 + 8 + 4 + 2 + 8 + 4 + 1 + 8


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        ({"max_string_chars": 2}, "title.en: text of length 3 is over the limit 2"),
        ({"max_depth": 2}, "persons[1]: nesting depth 3 is over the limit 2"),
        ({"max_array_items": 1}, "persons: array length 2 is over the limit 1"),
        ({"max_record_chars": RECORD_CHARS - 1}, "record: size in characters"),
    ],
)
def test_a_record_over_a_limit_is_refused_with_its_path(limits: dict, message: str) -> None:
    with pytest.raises(LimitExceeded, match=message.replace("[", r"\[").replace("]", r"\]")):
        check_raw(RECORD, RecordLimits(**limits))


def test_a_record_at_every_limit_passes() -> None:
    at_limits = RecordLimits(
        max_string_chars=3, max_depth=3, max_array_items=2, max_record_chars=RECORD_CHARS
    )
    check_raw(RECORD, at_limits)
    check_raw("a bare string", RecordLimits())
    with pytest.raises(LimitExceeded, match="record: text of length 13"):
        check_raw("a bare string", RecordLimits(max_string_chars=12))
