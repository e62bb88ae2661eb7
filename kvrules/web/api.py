"""The pre-screening API: ``POST /api/v1/screen`` and its OpenAPI document.

A client sends the proposal as JSON (the fields of the web form and of a ``kvrules check``
proposal file) with ``Authorization: Bearer <token>``, a token an admin issued with
``kvrules tokens add``, and gets ``kvrules check --json``'s answer plus the pre-screen's id.
Sessions and cookies play no part (so no CSRF). Each client gets ``REQUESTS_PER_MINUTE``
screenings before it must slow down (HTTP 429 with ``Retry-After``); an address sending bad
tokens is slowed the same way. Every screening is kept and audited as ``api:<client>``.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kvrules import jsonguard
from kvrules.amounts import ambiguous_amount
from kvrules.findings import Finding
from kvrules.prescreen import Proposal, proposal_problem
from kvrules.store.prescreens import API_ACTOR
from kvrules.web.auth import open_store
from kvrules.web.bodies import TooLarge, limited_body
from kvrules.web.prescreen import answer_of, run_screening
from kvrules.web.throttle import Throttle

API_VERSION = "1"
# The keys of every answer (``notes`` only where the configuration calls for one)
SCREENING_KEYS = (
    "id", "reference", "triage", "sensitive_areas", "areas_not_screened", "area_vocabulary",
    "area_words", "findings", "screened_against",
    "lists_not_imported", "countries_checked", "found", "set_aside", "not_found", "unidentified",
    "read_as_person", "countries_taken", "one_organisation", "not_compared", "in_words",
    "screened_with",
)  # fmt: skip
# The keys of a screening's ``in_words`` (``kvrules.prescreen.Screening.in_words``)
IN_WORDS = (
    "lists", "lists_not_imported", "areas_not_screened", "one_organisation", "found", "set_aside",
    "not_found", "unidentified", "read_as_person", "countries_taken", "countries", "not_compared",
    "not_checked",
)  # fmt: skip
REQUESTS_PER_MINUTE = 30
MAX_BODY = 256 * 1024  # a proposal is a few kilobytes


def api_throttle() -> Throttle:
    """Per client (and per address for bad tokens): REQUESTS_PER_MINUTE free, then a wait that
    doubles from one second up to a minute."""
    return Throttle(free_attempts=REQUESTS_PER_MINUTE, window=60.0, address_max_wait=60.0)


def _error(status: int, message: str, **headers: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _slow_down(throttle: Throttle, key: str) -> Response | None:
    wait = throttle.retry_after(key)
    if wait > 0:
        return _error(
            429, "too many requests: wait and retry", **{"Retry-After": str(math.ceil(wait))}
        )
    return None


async def screen(request: Request) -> Response:
    throttle: Throttle = request.app.state.api_throttle
    address = "address:" + (request.client.host if request.client else "?")
    if refused := _slow_down(throttle, address):
        return refused
    token = _bearer(request)
    with open_store(request) as store:
        client = store.api_client(token) if token else None
    if client is None:
        throttle.attempt(address, address)
        return _error(
            401,
            "a valid API token is needed: Authorization: Bearer <token> (ask an admin: "
            "kvrules tokens add)",
            **{"WWW-Authenticate": 'Bearer realm="kvrules"'},
        )
    key = "client:" + client
    if refused := _slow_down(throttle, key):
        return refused
    throttle.attempt(key, key)
    try:
        body = await limited_body(request, MAX_BODY)
    except TooLarge:
        return _error(413, f"a proposal is at most {MAX_BODY // 1024} KiB")
    try:
        doc = jsonguard.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _error(400, "the body is not JSON: send the proposal as a JSON object")
    if not isinstance(doc, dict):
        return _error(400, "the body is not a JSON object of proposal fields")
    # how the client's amounts in text are written ("250.000"): otherwise an ambiguous one is
    # refused, never guessed
    separator = request.query_params.get("decimal_separator")
    if separator not in (None, ",", "."):
        return _error(400, "decimal_separator is ',' or '.' (how amounts in text are written)")
    try:
        proposal = Proposal.model_validate(doc, context={"decimal_separator": separator})
    except ValidationError as exc:
        problem = proposal_problem(exc)
        if separator is None and ambiguous_amount(exc.errors()):  # the API's own way to say it
            problem += (
                "; or say how the amounts are written: ?decimal_separator=, (250.000 is two "
                "hundred and fifty thousand) or ?decimal_separator=. (250,000 is)"
            )
        return _error(422, problem)
    try:
        result = await run_screening(request, proposal)
    except LookupError as exc:
        return _error(503, str(exc))
    answer = answer_of(request, result)
    with open_store(request) as store:
        answer["id"] = store.record_prescreen(
            proposal=proposal.model_dump(mode="json", exclude_defaults=True),
            result=answer,
            events=result.events,
            actor=API_ACTOR + client,
            via="api",
        )
    return Response(
        json.dumps(answer, ensure_ascii=False, default=str), media_type="application/json"
    )


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


def _components(schema: dict[str, Any], into: dict[str, Any]) -> dict[str, Any]:
    """Move a JSON schema's ``$defs`` into the document's components and point its refs there."""
    text = json.dumps(schema).replace('"#/$defs/', '"#/components/schemas/')
    moved = json.loads(text)
    into.update(moved.pop("$defs", {}))
    return moved


@cache
def openapi_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    schemas["Proposal"] = _components(Proposal.model_json_schema(), schemas)
    schemas["Finding"] = _components(Finding.json_schema(), schemas)
    strings = {"type": "array", "items": {"type": "string"}}
    # area id -> the proposal's words that matched it (a keyword match: an indication for the
    # export-control officer's review, not a classification)
    area_words = {"type": "object", "additionalProperties": strings}
    # what a pre-screen's answer adds to a finding: its evidence in words and its areas' words
    schemas["Finding"]["properties"] |= {
        "evidence_in_words": {
            **strings,
            "description": "the evidence as the text says it, matched words included",
        },
        "area_words": {
            **area_words,
            "description": "the areas the finding's evidence names, each with the words that "
            "matched it",
        },
    }
    # Every key the answer carries, and no other (``additionalProperties``): the document is
    # tested against real answers (tests/web/test_api_openapi_matches.py), so it cannot drift.
    schemas["Screening"] = {
        "type": "object",
        "additionalProperties": False,
        "required": list(SCREENING_KEYS),
        "properties": {
            "id": {"type": "integer", "description": "the pre-screen's id in the audit log"},
            "reference": {"type": "string", "description": "the same proposal, the same id"},
            "triage": {
                "type": "object",
                "additionalProperties": False,
                "required": ["colour", "headline", "complete", "reason", "rule"],
                "properties": {
                    "colour": {"enum": ["green", "amber", "red"]},
                    "headline": {
                        "type": "string",
                        "description": "RED, AMBER, GREEN, or NOT COMPLETE while a name was "
                        "not screened on a country, a list the rules read was not imported, "
                        "the text is in a language the area vocabulary has no terms in or an "
                        "award could not be compared (no currency, or none with a threshold)",
                    },
                    "complete": {
                        "type": "boolean",
                        "description": "false while a name was not screened on a country, "
                        "a list was not imported, technology fields were not screened or an "
                        "award could not be compared with a threshold",
                    },
                    "reason": {"type": "string", "description": "in words: the rule's title"},
                    "rule": {
                        "type": ["string", "null"],
                        "description": "the rule that set it, as rulebook/rule-id",
                    },
                },
            },
            "sensitive_areas": strings,
            "areas_not_screened": {
                **strings,
                "description": "languages the title, topic or keywords seem to be in that the "
                "area vocabulary has no terms in ('Polish'): technology fields not screened, "
                "and triage.complete is false",
            },
            "notes": {
                **strings,
                "description": "present only when the server's configuration calls for it, "
                "e.g. home_country not set: no funder or partner counted as foreign (not errors)",
            },
            "area_vocabulary": {
                "type": "string",
                "description": "the area vocabulary the title, topic and keywords were looked "
                "up in, with its edition ('none found' names it)",
            },
            "area_words": {
                **area_words,
                "description": "each sensitive area with the words of the proposal that matched it",
            },
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "screened_against": {
                **strings,
                "description": "the lists and editions looked at, as list@edition",
            },
            "lists_not_imported": {
                **strings,
                "description": "list ids the rules read that the reference store has no edition "
                "of: nothing was screened against them, and triage.complete is false",
            },
            "countries_checked": {
                **strings,
                "description": "the lists of countries looked at, as list@edition",
            },
            "found": {**strings, "description": "NAME: found in LIST@EDITION, entry … (id)"},
            "set_aside": {
                **strings,
                "description": "list matches an adviser's verdict overruled",
            },
            "not_found": {
                **strings,
                "description": "organisations no list matched: not found there, not 'safe'",
            },
            "unidentified": {
                **strings,
                "description": "names not screened on a country: a person's, or no "
                "organisation identified",
            },
            "read_as_person": {
                **strings,
                "description": "partners whose name reads as a person's, screened on their "
                "country only because the organisation registry is partial",
            },
            "countries_taken": {
                **strings,
                "description": "countries not given but taken from a list entry or the registry",
            },
            "not_compared": {
                "type": ["string", "null"],
                "description": "awards in a currency a rule has no threshold for (Not "
                "compared: no threshold for GBP …), as scan and evaluate say it",
            },
            "one_organisation": {
                **strings,
                "description": "partners (or funders) described under several spellings that "
                "resolve to one organisation (one ROR id or list entry), one line each: said, "
                "never merged",
            },
            "in_words": {
                "type": "object",
                "additionalProperties": False,
                "description": "the lists looked at, and what they matched or not, said for "
                "people: lists by title and edition, entries as the list spells them, no ids",
                "properties": {key: strings for key in IN_WORDS},
            },
            "screened_with": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"kvrules": {"type": "string"}, "rulebooks": strings},
                "description": "the kvrules version and the rulebooks (id version) screened with",
            },
        },
    }
    schemas["Error"] = {"type": "object", "properties": {"error": {"type": "string"}}}

    def error(description: str) -> dict[str, Any]:
        ref = {"$ref": "#/components/schemas/Error"}
        return {"description": description, "content": {"application/json": {"schema": ref}}}

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "kvrules pre-screening API",
            "version": API_VERSION,
            "description": "Screen a proposed collaboration or visit before it is in the RIS: "
            "the triage, every finding explained, and the organisations no list matched. "
            "People are described by their institution, never their nationality.",
        },
        "paths": {
            "/api/v1/screen": {
                "post": {
                    "summary": "Pre-screen a proposal",
                    "operationId": "screen",
                    "security": [{"token": []}],
                    "parameters": [
                        {
                            "name": "decimal_separator",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": [",", "."]},
                            "description": "how amounts sent as text are written: ',' reads "
                            "'250.000' as 250000, '.' as 250; without it an ambiguous amount "
                            "is refused (422)",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Proposal"}
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "the screening",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Screening"}
                                }
                            },
                        },
                        "400": error(
                            "the body is not a JSON object, or decimal_separator is "
                            "neither ',' nor '.'"
                        ),
                        "401": error("no token, or an unknown or revoked one"),
                        "413": error("the body is too large"),
                        "422": error(
                            "a field is missing, not allowed (e.g. nationality) or not read "
                            "(an ambiguous amount, a currency that is no ISO 4217 code)"
                        ),
                        "429": error("too many requests: wait Retry-After seconds"),
                        "503": error("pre-screening is not set up on this server"),
                    },
                }
            }
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token an admin issued with `kvrules tokens add CLIENT`",
                }
            },
        },
    }
