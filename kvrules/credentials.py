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
    what: str,
    *,
    env: str | None = None,
    value: str | None = None,
    file: Path | None = None,
    file_setting: str = "the file",
) -> str | None:
    """The secret: ``value`` (already read from the environment) or the variable ``env``,
    else the stripped content of ``file``; None when none of them is configured.

    ``what`` names the secret in the error ("SMTP password"), never its value;
    ``file_setting`` the setting that names the file (``api_key_file``), when it cannot be read.
    """
    from_environment = value or (os.environ.get(env) if env else None)
    if from_environment:
        return from_environment
    if file is not None:
        return _read_file(what, file, file_setting)
    if env:
        raise SecretMissing(f"{what}: environment variable {env} is not set")
    return None


def _read_file(what: str, file: Path, setting: str) -> str:
    """A secret's file, or one line naming the setting and the path (never an exception's
    class: the person fixes the setting or the file)."""
    try:
        return file.read_text("utf-8").strip()
    except FileNotFoundError:
        problem = "does not exist"
    except PermissionError:
        problem = "is not readable by this user"
    except IsADirectoryError:
        problem = "is a folder, not a file"
    except (OSError, UnicodeDecodeError) as e:
        problem = f"cannot be read ({getattr(e, 'strerror', None) or e})"
    raise SecretMissing(f"{what}: {setting} {file} {problem}; check the path or the setting")


def required_secret(
    what: str,
    value: SecretStr | None,
    file: Path | None,
    *,
    names: str,
    file_setting: str | None = None,
) -> str:
    """A secret an adapter cannot work without, from its pair of settings (``names``, e.g.
    "api_key or api_key_file"; ``file_setting`` the second, by default the last of
    ``names``): ``read_secret``'s order;
    ``SecretMissing`` when neither holds one (an empty variable, no file or an empty one)."""
    plain = value.get_secret_value() if value is not None else None
    setting = file_setting or names.rsplit(" ", 1)[-1]
    secret = read_secret(what, value=plain, file=file, file_setting=setting)
    if not secret:
        raise SecretMissing(f"{what}: none of {names} holds one")
    return secret
