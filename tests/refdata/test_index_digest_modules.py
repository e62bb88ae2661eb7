"""The kept index is rebuilt when any module that shapes its keys changes (code review 2 of
0.4.0, /tmp/rev-revcode2/digest.py): ``_code_digest`` read six named modules, not
``ukrainian_places`` ("Mykolaiv" → "Nikolaev" in ``normalise.analyse``), ``romanised`` nor
``wade_giles`` (both set keys in the resolver), so editing them left a stale index in use. The
list is now derived from the imports, and checked here against what Python really loads."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import kvrules
from kvrules.refdata import cache

KVRULES_DIR = Path(kvrules.__file__).resolve().parent


@pytest.fixture
def source_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of kvrules' source the digest reads instead of the installed one: editing it
    touches nothing another test uses."""
    copy = tmp_path / "kvrules"
    shutil.copytree(KVRULES_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    monkeypatch.setattr(cache, "_package_dir", lambda: copy)
    cache._code_digest.cache_clear()
    yield copy
    cache._code_digest.cache_clear()


@pytest.mark.parametrize(
    "module",
    [
        "refdata/ukrainian_places.py",
        "refdata/romanised.py",
        "refdata/wade_giles.py",
        "refdata/normalise.py",
        "refdata/resolver.py",
        "countrynames.py",
    ],
)
def test_editing_a_module_that_shapes_keys_changes_the_digest(
    source_copy: Path, module: str
) -> None:
    before = cache._code_digest()
    target = source_copy / module
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    cache._code_digest.cache_clear()
    assert cache._code_digest() != before


def test_a_module_the_analysis_does_not_import_leaves_it_alone(source_copy: Path) -> None:
    before = cache._code_digest()
    (source_copy / "prescreen.py").write_text("# edited\n", encoding="utf-8")
    cache._code_digest.cache_clear()
    assert cache._code_digest() == before


def test_every_module_the_analysis_loads_is_in_the_digest() -> None:
    """In a fresh interpreter, the first-party modules importing the index modules loads
    (bar the root package, whose names are loaded when first used) are all read."""
    names = [m.__name__ for m in cache._INDEX_MODULES]
    probe = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('kvrules.'))))"
    )
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )
    assert {"kvrules.refdata.ukrainian_places", "kvrules.refdata.wade_giles"} <= set(loaded)
    assert set(loaded) - set(cache._key_shaping_modules()) == set()
