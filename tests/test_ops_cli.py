"""Running kvrules on a schedule, as an administrator meets it: options and their errors."""

from __future__ import annotations

from kvrules.cli import run


def test_a_mistyped_watch_interval_is_a_usage_error(capsys) -> None:
    status = run(["watch", "--interval", "abc"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Invalid value for '--interval': not a duration: 'abc'" in err
    assert "internal error" not in err
