"""What an error page says: a heading naming what happened, and kvrules' own words in place
of the framework's ("Not Found", "Field exceeded maximum size of 1024KB.")."""

from __future__ import annotations

import re
from http import HTTPStatus

HEADINGS = {
    400: "Cannot use what was sent",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not available this way",
    409: "Not possible now",
    413: "Too large",
    429: "Too many attempts",
    503: "Busy, try again in a moment",
}

# Starlette's reasons for refusing a form, in kvrules' words (its limits per field, and on
# the number of fields and files; kvrules.web.auth.FORM_FIELDS)
_FRAMEWORK = (
    (
        re.compile(r"Field exceeded maximum size of (\d+)KB\."),
        lambda m: (
            f"A field holds more than {int(m.group(1)) // 1024 or 1} MB, the most one "
            "field may hold: nothing was saved. Shorten it (or attach the text as a file where "
            "the form takes one) and send it again."
        ),
    ),
    (
        re.compile(r"Too many fields\. Maximum number of fields is (\d+)\."),
        lambda m: (
            f"The form sent more than {m.group(1)} fields, the most one form may send: "
            "nothing was saved."
        ),
    ),
    (
        re.compile(r"Too many files\. Maximum number of files is (\d+)\."),
        lambda m: (
            f"The form sent more than {m.group(1)} files, the most one form may send: "
            "nothing was saved."
        ),
    ),
)

_OWN_WORDS = {
    404: "There is no page at this address: it may have been mistyped, or the link is old.",
    405: "This address does not take that kind of request: open it from kvrules' own pages.",
}


def heading(status: int) -> str:
    return HEADINGS.get(status, "Something went wrong")


def in_words(status: int, message: str) -> str:
    """``message``, or kvrules' wording where it is the framework's."""
    for pattern, words in _FRAMEWORK:
        if found := pattern.fullmatch(message.strip()):
            return words(found)
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = None
    if message.strip() in ("", phrase):  # Starlette's bare reason phrase: "Not Found"
        return _OWN_WORDS.get(status, f"The request could not be completed ({status}).")
    return message
