"""The one way kvrules and its plugins read a secret: from the environment, else from a file.

Adapters take their key from an environment variable (``KVRULES_PURE_API_KEY``) before
``api_key_file``; alert channels name the variable (``password_env``, ``secret_env``) beside
an optional file. Both follow this order, so a file left behind never overrides what an
administrator exported for this run. Secrets never come from the configuration file itself
(``kvrules config check`` refuses inline ones).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import SecretStr

from kvrules.errors import KvrulesError


class SecretMissing(KvrulesError):
    """A secret's environment variable is named but not set, and no file holds it."""


def read_secret(
    what: str, *, env: str | None = None, value: str | None = None, file: Path | None = None
) -> str | None:
    """The secret: ``value`` (already read from the environment) or the variable ``env``,
    else the stripped content of ``file``; None when none of them is configured.

    ``what`` names the secret in the error ("SMTP password"), never its value.
    """
    from_environment = value or (os.environ.get(env) if env else None)
    if from_environment:
        return from_environment
    if file is not None:
        return file.read_text("utf-8").strip()
    if env:
        raise SecretMissing(f"{what}: environment variable {env} is not set")
    return None


def required_secret(what: str, value: SecretStr | None, file: Path | None, *, names: str) -> str:
    """A secret an adapter cannot work without, from its pair of settings (``names``, e.g.
    "api_key or api_key_file"): ``read_secret``'s order; ``SecretMissing`` when neither holds
    one (an empty variable, no file or an empty one)."""
    plain = value.get_secret_value() if value is not None else None
    secret = read_secret(what, value=plain, file=file)
    if not secret:
        raise SecretMissing(f"{what}: none of {names} holds one")
    return secret
