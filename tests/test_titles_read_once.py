"""The rulebooks are read for titles once while their files are unchanged, and again when one
changes (reviewer: every command re-read them, 0.128 s of a 0.141 s `show`, and `serve` read
them at start-up only, so an edited rulebook's titles never reached its pages)."""

from __future__ import annotations

import os
from pathlib import Path

from kvrules.config import load_config
from kvrules.ruletitles import LiveRuleTitles, RuleTitle, config_rule_titles
from tests.conftest import HEADER, rule_yaml


def _site(tmp_path: Path, title: str) -> tuple[Path, Path]:
    book = tmp_path / "own.yaml"
    book.write_text(HEADER + rule_yaml(title, "project.title exists", "project.created"))
    config = tmp_path / "kvrules.yaml"
    config.write_text(f"home_country: NL\nrulebooks: [{book}]\n", encoding="utf-8")
    return config, book


def test_titles_are_read_once_while_the_files_are_unchanged(tmp_path: Path) -> None:
    config_path, book = _site(tmp_path, "before")
    config = load_config(config_path)
    first = config_rule_titles(config)
    assert first == {"t/before": RuleTitle("before", "before")}
    assert config_rule_titles(load_config(config_path)) is first  # not read again
    stat = book.stat()
    book.write_text(HEADER + rule_yaml("after", "project.title exists", "project.created"))
    os.utime(book, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert config_rule_titles(config) == {"t/after": RuleTitle("after", "after")}


def test_serve_s_titles_follow_an_edited_rulebook(tmp_path: Path) -> None:
    config_path, book = _site(tmp_path, "before")
    live = LiveRuleTitles(load_config(config_path), every=0)  # as `serve` holds them
    assert live["t/before"] == RuleTitle("before", "before")
    stat = book.stat()
    book.write_text(HEADER + rule_yaml("after", "project.title exists", "project.created"))
    os.utime(book, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "t/before" not in live and live["t/after"] == RuleTitle("after", "after")
