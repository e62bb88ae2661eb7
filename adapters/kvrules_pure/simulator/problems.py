"""RFC 7807 problem bodies, shaped like the Pure API's ProblemDetails family."""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """Raised by handlers; the server turns it into an application/problem+json response.

    `type` follows the spec's discriminator values (/error, /validation-error), not URLs.
    """

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        *,
        type_: str = "/error",
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {title}: {detail}")
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        body.update(self.extra)
        return body


def bad_request(detail: str) -> Problem:
    return Problem(400, "Bad Request", detail)


def not_found(detail: str) -> Problem:
    return Problem(404, "Not Found", detail)


def unauthorized() -> Problem:
    return Problem(401, "Unauthorized", "A valid api-key header is required")


def validation_error(errors: list[tuple[str, str, str]]) -> Problem:
    """errors: (json path, code, message) triples -> ValidationProblemDetails.errors."""
    return Problem(
        400,
        "Validation failed",
        "; ".join(f"{p}: {m}" for p, _, m in errors),
        type_="/validation-error",
        extra={"errors": [{"path": p, "code": c, "title": {"en_GB": m}} for p, c, m in errors]},
    )


def conflict(detail: str, modified: str, modified_by: str) -> Problem:
    # ConflictProblemDetails has no discriminator in the spec; keep type /error.
    return Problem(
        409,
        "Version conflict",
        detail,
        extra={"modified": modified, "modifiedBy": modified_by},
    )
