"""``kvrules config check`` says where a source's secret comes from, exactly as a scan takes it:
a key given directly (flag, environment or file) comes before a key file, whose existence is
then not a problem; the secret's value is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvrules.assembly import build_adapter
from kvrules.cli import cli
from kvrules.credentials import SecretMissing, read_secret, scrubbed

MISSING_KEY_FILE = "/etc/kvrules/pure-api-key"  # as `kvrules init` writes it
KEY = "env-key-0123456789"


def pure_config(tmp_path: Path, key_file: str) -> Path:
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources:\n  pure:\n    adapter: pure\n    settings:\n"
        "      base_url: https://pure.example.edu/ws/api\n"
        f"      api_key_file: {key_file}\n"
    )
    return cfg


def check_lines(runner, cfg: Path) -> tuple[int, list[str]]:
    result = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert KEY not in result.output
    return result.exit_code, [line for line in result.output.splitlines() if ".api_key" in line]


@pytest.fixture(autouse=True)
def no_pure_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KVRULES_PURE_API_KEY", "KVRULES_PURE_API_KEY_FILE", "KVRULES_PURE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_key_in_the_environment_is_what_check_and_scan_use(runner, tmp_path, monkeypatch):
    cfg = pure_config(tmp_path, MISSING_KEY_FILE)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", KEY)
    code, lines = check_lines(runner, cfg)
    assert code == 0, lines
    assert lines == [
        f"{cfg}: ok: sources.pure.api_key: from env KVRULES_PURE_API_KEY"
        " (api_key_file is not read; it names no file)"
    ]
    settings = {"base_url": "https://pure.example.edu/ws/api", "api_key_file": MISSING_KEY_FILE}
    assert build_adapter("pure", settings).config.secret() == KEY  # what fetch and scan send


def test_key_file_from_the_environment_outranks_the_config_files(runner, tmp_path, monkeypatch):
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    monkeypatch.setenv("KVRULES_PURE_API_KEY_FILE", str(key_file))
    code, lines = check_lines(runner, pure_config(tmp_path, MISSING_KEY_FILE))
    assert code == 0, lines
    assert lines[0].endswith(
        f"ok: sources.pure.api_key_file: read from {key_file} (env KVRULES_PURE_API_KEY_FILE)"
    )


def test_missing_key_file_without_a_key_is_still_an_error(runner, tmp_path):
    cfg = pure_config(tmp_path, MISSING_KEY_FILE)
    code, lines = check_lines(runner, cfg)
    assert code == 1
    assert lines == [
        f"{cfg}: error: sources.pure.api_key_file: the file given for api_key_file does not "
        "exist; the value is not shown",
    ]


def test_converis_token_in_the_environment_is_reported_the_same_way(runner, tmp_path, monkeypatch):
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources:\n  converis:\n    adapter: converis\n    settings:\n"
        "      base_url: https://converis.example.edu/converis-apis/ws/v2\n"
        "      username: kvrules\n"
        "      password_file: /etc/kvrules/converis-token\n"
    )
    monkeypatch.setenv("KVRULES_CONVERIS_PASSWORD", KEY)
    result = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert KEY not in result.output and "does not exist" not in result.output
    assert (
        "ok: sources.converis.password: from env KVRULES_CONVERIS_PASSWORD"
        " (password_file is not read; it names no file)"
    ) in result.output


def channel_config(tmp_path: Path, settings: str) -> Path:
    cfg = tmp_path / "kvrules.yaml"
    cfg.write_text(
        "sources: {f: {adapter: file, settings: {path: .}}}\n"
        "alerts:\n"
        f"  channels: {{m: {settings}}}\n"
        "  routes: {committee: [m], adviser: [m], export-control: [m]}\n"
    )
    return cfg


@pytest.mark.parametrize(
    ("plugin", "secret"),
    [
        ("email", "host: 127.0.0.1, security: none, sender: k@localhost, to: [c@localhost], "
         "username: kvrules, password_env: KVRULES_TEST_UNSET, password_file: {file}"),
        ("webhook", "url: https://hooks.example.edu/x, secret_env: KVRULES_TEST_UNSET, "
         "secret_file: {file}"),
    ],
    ids=["email", "webhook"],
)  # fmt: skip
def test_an_unset_variable_beside_a_secret_file_is_no_error(
    runner, tmp_path, monkeypatch, plugin, secret
):
    """The channel reads the file when the variable is not set (kvrules.read_secret), so
    `config check` does not stop the scan for it; it says where the secret comes from."""
    monkeypatch.delenv("KVRULES_TEST_UNSET", raising=False)
    key_file = tmp_path / "secret"
    key_file.write_text(KEY)
    settings = "{plugin: " + plugin + ", settings: {" + secret.format(file=key_file) + "}}"
    result = runner.invoke(
        cli, ["config", "check", "--config", str(channel_config(tmp_path, settings))]
    )
    assert KEY not in result.output
    assert ": error: " not in result.output, result.output
    assert result.exit_code == 0, result.output
    field = "password" if plugin == "email" else "secret"
    assert f"ok: alerts.channels.m.{field}_file: read from {key_file}" in result.output


def test_an_unset_variable_without_a_file_is_still_an_error(runner, tmp_path, monkeypatch):
    monkeypatch.delenv("KVRULES_TEST_UNSET", raising=False)
    settings = "{plugin: webhook, settings: {url: https://hooks.example.edu/x, secret_env: KVRULES_TEST_UNSET}}"
    result = runner.invoke(
        cli, ["config", "check", "--config", str(channel_config(tmp_path, settings))]
    )
    assert result.exit_code == 1
    assert "error: alerts" in result.output
    assert "environment variable KVRULES_TEST_UNSET is not set" in result.output


def test_an_empty_key_variable_falls_back_to_the_key_file_in_scan_and_check(
    runner, tmp_path, monkeypatch
):
    """KVRULES_PURE_API_KEY exported empty: the adapters read the key file, as read_secret
    does for every secret (it sent an empty api-key before), and `config check` says so."""
    key_file = tmp_path / "key"
    key_file.write_text(KEY)
    key_file.chmod(0o600)  # as a key file should be (a group-readable one is warned about)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", "")
    code, lines = check_lines(runner, pure_config(tmp_path, str(key_file)))
    assert code == 0, lines
    assert lines == [
        f"{tmp_path / 'kvrules.yaml'}: ok: sources.pure.api_key_file: read from {key_file} (the config file)"
    ]
    settings = {"base_url": "https://pure.example.edu/ws/api", "api_key_file": str(key_file)}
    assert build_adapter("pure", settings).config.secret() == KEY
    monkeypatch.setenv("KVRULES_CONVERIS_PASSWORD", "")
    converis = {
        "base_url": "https://converis.example.edu/converis-apis/ws/v2",
        "username": "kvrules",
        "password_file": str(key_file),
    }
    assert build_adapter("converis", converis).config.secret() == KEY


def test_connect_with_a_missing_key_file_names_the_setting_in_one_line(runner, tmp_path):
    cfg = pure_config(tmp_path, MISSING_KEY_FILE)
    result = runner.invoke(cli, ["config", "check", "--connect", "--config", str(cfg)])
    assert result.exit_code == 1
    [probe] = [line for line in result.stderr.splitlines() if ": sources.pure: " in line]
    assert probe == (
        f"{cfg}: error: sources.pure: not tried: Pure API key: the file given for api_key_file "
        "does not exist; the value is not shown"
    )
    assert "Error" not in result.stderr and "Errno" not in result.stderr


def test_a_refused_key_names_where_it_came_from_and_show_says_which_wins(
    runner, tmp_path, monkeypatch
):
    """A stale KVRULES_PURE_API_KEY wins over a good api_key_file: the 401 says so."""
    from kvrules_pure.simulator import start_simulator

    good = tmp_path / "pure-api-key"
    good.write_text("the-good-key\n")
    cfg = tmp_path / "kvrules.yaml"
    monkeypatch.setenv("KVRULES_PURE_API_KEY", KEY)  # stale
    with start_simulator(projects=2, seed=1, api_key="the-good-key") as sim:
        cfg.write_text(
            "sources:\n  pure:\n    adapter: pure\n    settings:\n"
            f"      base_url: {sim.base_url}\n      api_key_file: {good}\n"
        )
        result = runner.invoke(cli, ["config", "check", "--connect", "--config", str(cfg)])
        assert result.exit_code == 1 and KEY not in result.output
        [probe] = [line for line in result.stderr.splitlines() if ": sources.pure: " in line]
        assert ": 401 " in probe
        assert probe.endswith(
            f"(the API key from environment variable KVRULES_PURE_API_KEY; api_key_file {good} "
            "is not read)"
        )
        monkeypatch.delenv("KVRULES_PURE_API_KEY")
        result = runner.invoke(cli, ["config", "check", "--connect", "--config", str(cfg)])
        assert result.exit_code == 0, result.output
    monkeypatch.setenv("KVRULES_PURE_API_KEY", KEY)
    shown = runner.invoke(cli, ["config", "show", "--config", str(cfg)])
    assert shown.exit_code == 0 and KEY not in shown.output
    assert (
        f"  api_key_file = {good}  [file; not read: api_key from env KVRULES_PURE_API_KEY wins]"
        in shown.output.splitlines()
    )


CONVERIS = (
    "sources:\n  converis:\n    adapter: converis\n    settings:\n"
    "      base_url: https://converis.example.edu/converis-apis/ws/v2\n"
    "      username: kvrules\n"
)


@pytest.mark.parametrize(
    ("plugin", "settings", "key", "advice"),
    [
        (
            "adapter: converis",
            CONVERIS.split("    settings:\n")[1],
            "password",
            "use the environment variable KVRULES_CONVERIS_PASSWORD or 'password_file'",
        ),
        (
            "adapter: pure",
            "      base_url: https://pure.example.edu/ws/api\n",
            "api_key",
            "use the environment variable KVRULES_PURE_API_KEY or 'api_key_file'",
        ),
    ],
    ids=["converis", "pure"],
)
def test_an_inline_secret_is_refused_with_the_ways_the_adapter_takes_it(
    runner, tmp_path, monkeypatch, plugin, settings, key, advice
):
    """`config check` advised 'password_env', which the Converis adapter called unknown."""
    cfg = tmp_path / "kvrules.yaml"
    inline = f"sources:\n  s:\n    {plugin}\n    settings:\n{settings}      {key}: {KEY}\n"
    cfg.write_text(inline)
    result = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 1 and KEY not in result.output
    assert f"'{key}' looks like an inline secret: keep it out of this file: {advice}" in (
        result.output
    ), result.output
    # Taking the advice: the variable, or the file, and the check passes
    monkeypatch.setenv(advice.split()[4], KEY)
    cfg.write_text(inline.replace(f"      {key}: {KEY}\n", ""))
    result = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert f"ok: sources.s.{key}: from env {advice.split()[4]}" in result.output
    monkeypatch.delenv(advice.split()[4])
    (tmp_path / "token").write_text(KEY)
    cfg.write_text(inline.replace(f"{key}: {KEY}", f"{key}_file: {tmp_path / 'token'}"))
    result = runner.invoke(cli, ["config", "check", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert f"ok: sources.s.{key}_file: read from {tmp_path / 'token'}" in result.output


def test_a_channels_inline_secret_is_refused_with_its_own_settings(runner, tmp_path):
    settings = "{plugin: email, settings: {host: 127.0.0.1, sender: k@localhost, password: x}}"
    result = runner.invoke(
        cli, ["config", "check", "--config", str(channel_config(tmp_path, settings))]
    )
    assert result.exit_code == 1
    assert (
        "'password' looks like an inline secret: keep it out of this file: use 'password_env' "
        "(the name of an environment variable that holds it) or 'password_file'"
    ) in result.output, result.output


def test_a_secret_shorter_than_four_characters_is_refused_in_one_line(
    runner, tmp_path, monkeypatch
):
    """A secret under 4 characters was used but never masked (masking "abc" would blank
    ordinary words): now it is refused where it is read, and `config check` says so first,
    naming where it came from and its length, never its value."""
    cfg = pure_config(tmp_path, MISSING_KEY_FILE)
    monkeypatch.setenv("KVRULES_PURE_API_KEY", "k3y")
    code, lines = check_lines(runner, cfg)
    assert code == 1
    assert lines == [
        f"{cfg}: error: sources.pure.api_key: api_key (env KVRULES_PURE_API_KEY) holds 3 "
        "characters, too short to be a secret (at least 4: a shorter one is guessed at once, "
        "and cannot be masked in messages); give the real one"
    ]
    settings = {"base_url": "https://pure.example.edu/ws/api", "api_key_file": MISSING_KEY_FILE}
    with pytest.raises(SecretMissing) as refused:  # what fetch and scan read it through
        build_adapter("pure", settings).config.secret()
    assert str(refused.value) == (
        "Pure API key: environment variable KVRULES_PURE_API_KEY holds 3 characters, too "
        "short to be a secret (at least 4: a shorter one is guessed at once, and cannot be "
        "masked in messages); give the real one"
    )
    assert "k3y" not in str(refused.value)
    scan = runner.invoke(cli, ["fetch", "--source", "pure", "--config", str(cfg)])
    assert scan.exit_code != 0 and "Traceback" not in scan.output
    assert "KVRULES_PURE_API_KEY holds 3 characters" in scan.output and "k3y" not in scan.output


@pytest.mark.parametrize("secret", ["q7", "q7!z"])  # none of them in the rest of the output
@pytest.mark.parametrize(
    ("plugin", "settings", "said"),
    [
        # the webhook reads its secret when it is built, the mail channel when it sends
        ("webhook", "url: https://hooks.example.edu/x, secret_env: KVRULES_TEST_UNSET, "
         "secret_file: {file}", "error: alerts: webhook secret: the file {file} holds 2 "),
        ("email", "host: 127.0.0.1, security: none, sender: k@localhost, to: [c@localhost], "
         "username: kvrules, password_env: KVRULES_TEST_UNSET, password_file: {file}",
         "error: alerts.channels.m.password_env: password_file {file} holds 2 "),
    ],
    ids=["webhook", "email"],
)  # fmt: skip
def test_a_channel_secret_file_shorter_than_four_characters_is_refused(
    runner, tmp_path, monkeypatch, secret, plugin, settings, said
):
    """A channel's secret file: refused under 4 characters by `config check` (and where it
    is read), read and masked from 4 on."""
    monkeypatch.delenv("KVRULES_TEST_UNSET", raising=False)
    key_file = tmp_path / "secret"
    key_file.write_text(secret + "\n")
    given = "{plugin: " + plugin + ", settings: {" + settings.format(file=key_file) + "}}"
    result = runner.invoke(
        cli, ["config", "check", "--config", str(channel_config(tmp_path, given))]
    )
    assert secret not in result.output.replace(str(tmp_path), "")
    if len(secret) < 4:
        assert result.exit_code == 1, result.output
        assert said.format(file=key_file) + "characters, too short" in result.output
        with pytest.raises(SecretMissing, match="holds 2 characters, too short"):
            read_secret("webhook secret", env="KVRULES_TEST_UNSET", file=key_file)
    else:
        assert result.exit_code == 0 and ": error: " not in result.output, result.output
        assert read_secret("webhook secret", env="KVRULES_TEST_UNSET", file=key_file) == secret
        assert scrubbed(f"refused key {secret}") == "refused key ***"


LIKELY_KEY = "3f9a2c1d-77aa-4b1e-9c0d-5e6f7a8b9c0d"  # the key itself where its file's path goes
NOT_SHOWN = "the file given for api_key_file does not exist; the value is not shown"


# Review of 2026-12-07: a base64 key holds "/" (and may start with one); such a value was read
# as a path and echoed ("Zm9vYmFy/YmF6cXV4d3Vx does not exist"), and unmasked by config show.
@pytest.mark.parametrize(
    "likely_key",
    [LIKELY_KEY, "Zm9vYmFy/YmF6cXV4d3Vx", "/YmF6cXV4d3VxZm9vYmFy", "~/" + "x" * 300],
)
def test_a_key_given_as_its_files_path_is_never_echoed(runner, tmp_path, monkeypatch, likely_key):
    """`api_key_file: <the key itself>` (a likely slip) was echoed: "… does not exist"."""
    monkeypatch.chdir(tmp_path)
    cfg = pure_config(tmp_path, likely_key)
    checked = runner.invoke(cli, ["config", "check", "--connect", "--config", str(cfg)])
    assert checked.exit_code == 1
    assert likely_key not in checked.output
    [line] = [line for line in checked.output.splitlines() if ".api_key_file: " in line]
    assert line.startswith(f"{cfg}: error: sources.pure.api_key_file: {NOT_SHOWN.split(';')[0]}")
    assert line.endswith("; the value is not shown")
    [probe] = [line for line in checked.stderr.splitlines() if "not tried" in line]
    assert probe.startswith(
        f"{cfg}: error: sources.pure: not tried: Pure API key: {NOT_SHOWN[:40]}"
    )
    shown = runner.invoke(cli, ["config", "show", "--config", str(cfg)])
    assert shown.exit_code == 0 and likely_key not in shown.output
    monkeypatch.setenv("KVRULES_PURE_API_KEY", KEY)  # given too: the file is not read
    code, lines = check_lines(runner, cfg)
    assert likely_key not in "\n".join(lines) and code == 0, lines


def test_a_missing_key_file_in_a_folder_that_exists_names_the_folder_only(runner, tmp_path):
    """The folder a missing file is looked for in, when it is there (no secret: it exists),
    so a mistyped file name is found; never the file name itself."""
    folder = tmp_path / "keys"
    folder.mkdir()
    cfg = pure_config(tmp_path, str(folder / "pure-api-kye"))
    code, lines = check_lines(runner, cfg)
    assert code == 1
    assert lines == [
        f"{cfg}: error: sources.pure.api_key_file: the file given for api_key_file does not "
        f"exist (no such file in {folder}); the value is not shown"
    ]
