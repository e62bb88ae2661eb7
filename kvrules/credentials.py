"""The one way kvrules and its plugins read a secret: from the environment, else from a file.

Adapters take their key from an environment variable (``KVRULES_PURE_API_KEY``) before
``api_key_file``; alert channels name the variable (``password_env``, ``secret_env``) beside
an optional file. Both follow this order, so a file left behind never overrides what an
administrator exported for this run. Secrets never come from the configuration file itself
(``kvrules config check`` refuses inline ones).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr

from kvrules.errors import KvrulesError


class SecretMissing(KvrulesError):
    """A secret's environment variable is named but not set, and no file holds it."""


class SecretTooShort(SecretMissing):
    """A secret shorter than ``SHORTEST_SECRET`` characters: refused where it is read, as no
    secret is there to use (caught wherever a missing one is: one line)."""


def read_secret(
    what: str,
    *,
    env: str | None = None,
    value: str | None = None,
    file: Path | None = None,
    file_setting: str = "the file",
    value_from: str = "the value given",
) -> str | None:
    """The secret: ``value`` (already read from the environment) or the variable ``env``,
    else the stripped content of ``file``; None when none of them is configured.

    ``what`` names the secret in the error ("SMTP password"), never its value;
    ``file_setting`` the setting that names the file (``api_key_file``), when it cannot be read;
    ``value_from`` where ``value`` came from, for the error of one too short
    (``SecretTooShort``: shorter than ``SHORTEST_SECRET``).
    """
    found = secret_and_source(
        what, env=env, value=value, file=file, file_setting=file_setting, value_from=value_from
    )
    if found is None:
        if env:
            raise SecretMissing(f"{what}: environment variable {env} is not set")
        return None
    return _remembered(what, *found)


def secret_and_source(
    what: str,
    *,
    env: str | None = None,
    value: str | None = None,
    file: Path | None = None,
    file_setting: str = "the file",
    value_from: str = "the value given",
) -> tuple[str, str] | None:
    """(where the secret is read from, in words; the secret) in ``read_secret``'s order of
    precedence: ``value``, else the variable ``env``, else the stripped content of ``file``;
    None when none holds one. ``SecretMissing`` when the file cannot be read. The one order:
    ``config check`` asks it too, to say a secret too short as the scan would refuse it."""
    from_environment = value or (os.environ.get(env) if env else None)
    if from_environment:
        source = f"environment variable {env}" if env and not value else value_from
        return source, from_environment
    if file is not None:
        return f"{file_setting} {file}", _read_file(what, file, file_setting)
    return None


# Every secret value kvrules read in this process: masked (``scrubbed``) wherever kvrules prints
# what a plugin or adapter said, since a plugin's error text may quote it.
_read: set[str] = set()
# A kvrules variable whose name says it holds a secret (KVRULES_ELEMENTS_API_KEY): a plugin may
# read it itself, before kvrules does (in a registration hook, say).
_SECRET_VARIABLE = re.compile(r"^KVRULES_.*(PASSWORD|SECRET|TOKEN|API_?KEY|_KEY)$", re.I)
# The shortest secret kvrules takes, and masks. A shorter one is refused where it is read
# (``too_short``) rather than used unmasked: masking "abc" or "yes" in messages would blank
# ordinary words, and a key or password of three characters is guessed at once: no secret
# worth the name, most likely a placeholder or a value cut short. A KVRULES_*_KEY variable
# kvrules never reads (a plugin's own) is not masked below it either.
SHORTEST_SECRET = 4
_SHORTEST_MASKED = SHORTEST_SECRET
MASK = "***"


def too_short(source: str, secret: str) -> str | None:
    """Why ``secret`` (from ``source``: "environment variable X", "api_key_file PATH") is
    refused, naming its length, never its value; None when it is long enough."""
    if len(secret) >= SHORTEST_SECRET:
        return None
    return (
        f"{source} holds {len(secret)} character{'s' if len(secret) != 1 else ''}, too short "
        f"to be a secret (at least {SHORTEST_SECRET}: a shorter one is guessed at once, and "
        "cannot be masked in messages); give the real one"
    )


def _remembered(what: str, source: str, secret: str) -> str:
    if problem := too_short(source, secret):
        raise SecretTooShort(f"{what}: {problem}")
    _read.add(secret)
    return secret


def known_secrets() -> list[str]:
    """The secret values this process knows of, longest first: those kvrules read
    (``read_secret``) and those of KVRULES_* variables whose names say secret."""
    found = set(_read) | {
        value
        for name, value in os.environ.items()
        if _SECRET_VARIABLE.match(name) and len(value) >= _SHORTEST_MASKED
    }
    return sorted(found, key=len, reverse=True)


def scrubbed(text: str) -> str:
    """``text`` with every known secret value (``known_secrets``) masked: for lines about a
    plugin or an adapter, whose own error text may quote its key."""
    for secret in known_secrets():
        text = text.replace(secret, MASK)
    return text


def file_missing(setting: str, file: Path) -> str:
    """What a secret's file setting (``api_key_file``) naming no file is told: never its value,
    which may be the key itself put where its file's path goes (a likely slip; base64 keys hold
    ``/``, and may start with one, so no way of writing it tells a path from a key). Only the
    folder it names is shown, when that folder exists: a folder that is there is no secret, and
    it is where a mistyped file name is looked for."""
    folder = file.parent
    shown = str(folder) not in ("", ".") and folder.is_dir()
    where = f" (no such file in {folder})" if shown else ""
    return f"the file given for {setting} does not exist{where}; the value is not shown"


def names_a_file(file: Path) -> bool:
    """Whether something is there (``os.path.exists``: False, not an error, for a name too
    long for the file system, as a key of 300 characters is)."""
    return os.path.exists(file)


def may_be_the_key(value: object) -> bool:
    """Whether a secret's file setting's value names no file: it may then be the key itself,
    and is never shown (``file_missing``)."""
    return not names_a_file(Path(str(value)))


def _read_file(what: str, file: Path, setting: str) -> str:
    """A secret's file, or one line naming the setting and the path (never an exception's
    class: the person fixes the setting or the file); never a value that names no file, as it
    may be the key itself (``file_missing``)."""
    try:
        return file.read_text("utf-8").strip()
    except PermissionError:  # a folder on its way is there, and closed to this user
        problem = "is not readable by this user"
    except IsADirectoryError:
        problem = "is a folder, not a file"
    except (OSError, UnicodeDecodeError) as e:
        if isinstance(e, OSError) and not names_a_file(file):  # also "a/b" where a is a file
            raise SecretMissing(f"{what}: {file_missing(setting, file)}") from None
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
    secret = read_secret(
        what, value=plain, file=file, file_setting=setting, value_from=names.split(" or ")[0]
    )
    if not secret:
        raise SecretMissing(f"{what}: none of {names} holds one")
    return secret


# How a settings class marks its secrets (json_schema_extra): the secret, or the file holding it
_SECRET_MARK = "kvrules_secret"


def secret_setting(description: str) -> Any:
    """Declare a secret an adapter needs (``api_key: SecretStr | None = secret_setting(…)``).

    Its value comes from the adapter's environment variable (``env_prefix`` + the name in
    upper case, e.g. ``KVRULES_PURE_API_KEY``), else from the file the ``X_file`` setting
    (``secret_file_setting``) names; never from the configuration file, which ``kvrules config
    check`` refuses with exactly that advice. No default: a shipped secret is no secret.
    Read it with ``setting_secret``. ``SecretStr`` keeps it out of reprs and logs.
    """
    return Field(default=None, description=description, json_schema_extra={_SECRET_MARK: "value"})


def secret_file_setting(description: str) -> Any:
    """Declare ``X_file``, the file holding secret ``X`` (``secret_setting``): read when the
    environment variable is not set, stripped of surrounding white space."""
    return Field(default=None, description=description, json_schema_extra={_SECRET_MARK: "file"})


def masked_setting(description: str, default: Any = None) -> Any:
    """Declare a setting that may be written in the configuration but may carry a secret (a
    Slack or Teams webhook URL holds its token in its path): masked wherever settings are
    shown (``kvrules config show``, its ``--json``), as ``secret_setting``'s are."""
    return Field(
        default=default, description=description, json_schema_extra={_SECRET_MARK: "masked"}
    )


def secret_settings(settings: type[BaseModel] | None) -> dict[str, str]:
    """The settings ``settings`` declares secret, whatever their names: "value" for a secret
    or a value carrying one (``secret_setting``, ``masked_setting``: masked wherever shown),
    "file" for a file holding one (``secret_file_setting``: its content never read into a
    message, the file watched for a rotated secret). {} for None or a class declaring none."""
    if settings is None:
        return {}
    found = {name: _mark(settings, name) for name in settings.model_fields}
    return {
        name: "file" if mark == "file" else "value"
        for name, mark in found.items()
        if mark in ("value", "masked", "file")
    }


@dataclass(frozen=True)
class DeclaredSecret:
    """A secret setting as an administrator gives it: the variable, or the file setting."""

    name: str  # the setting: api_key
    env: str  # the environment variable that holds it: KVRULES_PURE_API_KEY
    file_setting: str | None  # the setting naming a file that holds it: api_key_file


def _mark(settings: type[BaseModel], name: str) -> str | None:
    extra = settings.model_fields[name].json_schema_extra
    return extra.get(_SECRET_MARK) if isinstance(extra, dict) else None  # type: ignore[return-value]


def env_prefix(settings: type[BaseModel]) -> str:
    """The prefix of the environment variables a settings class reads ("" for none)."""
    return str(settings.model_config.get("env_prefix") or "") if _is_settings(settings) else ""


def _is_settings(settings: type[BaseModel]) -> bool:
    from pydantic_settings import BaseSettings

    return issubclass(settings, BaseSettings)


def declared_secrets(settings: type[BaseModel]) -> list[DeclaredSecret]:
    """The secrets ``settings`` declares with ``secret_setting``, with their variable and file
    setting (the two ways to give each)."""
    return [
        DeclaredSecret(
            name,
            _variable(settings, name),
            f"{name}_file" if f"{name}_file" in settings.model_fields else None,
        )
        for name in settings.model_fields
        if _mark(settings, name) == "value"
    ]


def _variable(settings: type[BaseModel], name: str) -> str:
    """The environment variable pydantic-settings reads setting ``name`` from."""
    return f"{env_prefix(settings)}{name}".upper()


def setting_secret(config: BaseModel, name: str, what: str) -> str:
    """Secret ``name`` of ``config`` (declared with ``secret_setting``): its environment
    variable, else its file (``read_secret``'s order); ``SecretMissing`` naming both ways when
    neither holds one. ``what`` names it in messages ("DSpace API key"), never its value."""
    declared = {d.name: d for d in declared_secrets(type(config))}[name]
    file_setting = declared.file_setting
    return required_secret(
        what,
        getattr(config, name),
        getattr(config, file_setting) if file_setting else None,
        names=" or ".join(filter(None, [f"environment variable {declared.env}", file_setting])),
        file_setting=file_setting,
    )


def secret_advice(settings: type[BaseModel] | None, key: str) -> str:
    """How to give secret setting ``key`` of ``settings`` instead of writing it in the
    configuration file: exactly the ways that class accepts (a ``key_env`` setting naming a
    variable, the class's own variable, a ``key_file`` setting)."""
    fields = settings.model_fields if settings is not None else {}
    ways = []
    if f"{key}_env" in fields:
        ways.append(f"'{key}_env' (the name of an environment variable that holds it)")
    elif key in fields and settings is not None and env_prefix(settings):
        ways.append(f"the environment variable {_variable(settings, key)}")
    if f"{key}_file" in fields:
        ways.append(f"'{key}_file' (a file that holds it)")
    if not ways:
        return "give it through an environment variable or a file, as its plugin's settings say"
    return "use " + " or ".join(ways)
