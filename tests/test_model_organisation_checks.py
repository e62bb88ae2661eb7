"""An organisation's country, and a funder's currency, read the same way the first time and
every time after.

The model's country check keeps what it found per text given (``kvrules.model._COUNTRIES``:
it runs some five times per event), the currency check is lru_cache's own wrapper; these pin
what they answer, read twice, for models and plain events alike: the code, None for none
given, and the same error, field and reason, for what is none (issue #20 item 2 changed the
checks' shape, not their answers)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from kvrules import CollaborationEvent
from kvrules.model import validate_plain_event


def added(role: str, org: dict) -> dict:
    """An event adding ``org`` as the project's ``role`` ("partner", "funder"): the same
    organisation in the project's list and on its own, each checked on its own."""
    return {
        "id": "e1",
        "kind": f"{role}.added",
        "occurred_at": "2026-01-01T00:00:00Z",
        "source": {"system": "file", "record_id": "P1"},
        "project": {"id": "P1", "title": "t", f"{role}s": [dict(org)]},
        role: dict(org),
    }


def read(validated: object, role: str, field: str) -> tuple[object, object]:
    """``field`` of the organisation the event added and of the project's first ``role``."""
    if isinstance(validated, dict):
        return validated[role].get(field), validated["project"][f"{role}s"][0].get(field)
    return getattr(getattr(validated, role), field), getattr(
        getattr(validated.project, f"{role}s")[0], field
    )


def event(country: object) -> dict:
    return added("partner", {"name": "Beihang University", "country": country})


def funded(currency: object) -> dict:
    return added("funder", {"name": "DFG", "amount": 1000, "currency": currency})


class Text(str):
    """Text of a subclass of str, as a library may hand it over."""


READ = [
    ("CN", "CN"),
    (" cn ", "CN"),
    ("CHN", "CN"),
    ("China", "CN"),
    ("中国", "CN"),
    ("\uff23\uff2e", "CN"),  # full-width
    ("XK", "XK"),
    (Text("nl"), "NL"),
    (None, None),
    ("", None),
    ("   ", None),
]

REFUSED = [
    ("Ruritania", "Value error, not an ISO 3166-1 country: 'Ruritania'"),
    ("ZZ", "Value error, not an ISO 3166-1 country: 'ZZ'"),
    (5, "Value error, expected an ISO 3166-1 country code, got int"),
    (True, "Value error, expected an ISO 3166-1 country code, got bool"),
    (["CN"], "Value error, expected an ISO 3166-1 country code, got list"),
    ({"code": "CN"}, "Value error, expected an ISO 3166-1 country code, got dict"),
    (Decimal(1), "Value error, expected an ISO 3166-1 country code, got Decimal"),
    (b"CN", "Value error, expected an ISO 3166-1 country code, got bytes"),
]

VALIDATORS = [
    pytest.param(CollaborationEvent.model_validate, id="model"),
    pytest.param(validate_plain_event, id="plain"),
]


@pytest.mark.parametrize("validate", VALIDATORS)
@pytest.mark.parametrize(("given", "code"), READ)
def test_a_country_reads_as_its_code_every_time(validate, given, code) -> None:
    for _ in range(2):  # the second reading answers from what the first one found
        assert read(validate(event(given)), "partner", "country") == (code, code)


@pytest.mark.parametrize("validate", VALIDATORS)
@pytest.mark.parametrize(("given", "reason"), REFUSED)
def test_what_is_no_country_is_refused_with_the_same_field_and_reason_every_time(
    validate, given, reason
) -> None:
    for _ in range(2):
        with pytest.raises(ValidationError) as refused:
            validate(event(given))
        assert [(e["loc"], e["type"], e["msg"]) for e in refused.value.errors()] == [
            (("project", "partners", 0, "country"), "value_error", reason),
            (("partner", "country"), "value_error", reason),
        ]


@pytest.mark.parametrize("validate", VALIDATORS)
@pytest.mark.parametrize(
    ("given", "code"), [("EUR", "EUR"), (" eur ", "EUR"), ("usd", "USD"), (None, None)]
)
def test_a_currency_reads_as_its_code_every_time(validate, given, code) -> None:
    for _ in range(2):
        assert read(validate(funded(given)), "funder", "currency") == (code, code)


@pytest.mark.parametrize("validate", VALIDATORS)
@pytest.mark.parametrize(
    ("given", "kind", "reason"),
    [
        ("EURO", "value_error", "Value error, not an ISO 4217 currency: 'EURO'"),
        ("", "value_error", "Value error, not an ISO 4217 currency: ''"),
        (5, "string_type", "Input should be a valid string"),
        (["EUR"], "string_type", "Input should be a valid string"),
    ],
)
def test_what_is_no_currency_is_refused_with_the_same_field_and_reason_every_time(
    validate, given, kind, reason
) -> None:
    for _ in range(2):
        with pytest.raises(ValidationError) as refused:
            validate(funded(given))
        assert [(e["loc"], e["type"], e["msg"]) for e in refused.value.errors()] == [
            (("project", "funders", 0, "currency"), kind, reason),
            (("funder", "currency"), kind, reason),
        ]
