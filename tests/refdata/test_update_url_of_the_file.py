"""An address override that names the list's file itself is taken as the file.

A reviewer set ``KVRULES_REFDATA_URL_UK_SANCTIONS=http://127.0.0.1:…/UK_Sanctions_List.xml`` (a
copy of the FCDO's file) and `kvrules refdata update uk_sanctions` said the address "no longer
links to a file … the publisher has changed the page": the catalogue locates the file through
the GOV.UK page's link, and read the XML as that page. The address is now the file when its
path is what the link matches, or when what it answers is not a web page (by its first bytes);
a page without the link says what was expected. Served from 127.0.0.1 (the publisher of
test_update.py)."""

from __future__ import annotations

import pytest

from kvrules.refdata import Store
from kvrules.refdata.update import update
from tests.refdata.test_update import CATALOGUE as FULL
from tests.refdata.test_update import (
    FIXTURES,
    PATHS,
    UK_XML,
    Publisher,
    gov_uk_page,
    publisher,  # noqa: F401  (the fixture)
    small,
)

ENV = "KVRULES_REFDATA_URL_UK_SANCTIONS"
XML = (FIXTURES / "uk_sanctions.xml").read_bytes()
CATALOGUE = {"uk_sanctions": small(FULL["uk_sanctions"])}


@pytest.mark.parametrize("path", ["/copies/UK_Sanctions_List.xml", "/copies/latest"])
def test_an_override_naming_the_file_imports_it(
    publisher: Publisher,  # noqa: F811
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
) -> None:
    """By its name (the link's pattern) or, named otherwise, by its first bytes: fetched once,
    and the GOV.UK page is never asked for."""
    publisher.files[path] = (200, XML)
    monkeypatch.setenv(ENV, publisher.base + path)
    (result,) = update(store, ["uk_sanctions"], catalogue=CATALOGUE)
    assert result.error is None, result.error
    assert (result.entries, result.url) == (2, publisher.base + path)
    assert [p for _, p in publisher.seen] == [path]
    info = store.latest("uk_sanctions")
    assert info is not None and info.source_url == publisher.base + path


def test_the_page_is_still_followed_to_its_link(
    publisher: Publisher,  # noqa: F811
    store: Store,
) -> None:
    publisher.files[PATHS["uk_sanctions"]] = (200, gov_uk_page())
    publisher.files[UK_XML] = (200, XML)
    (result,) = update(store, ["uk_sanctions"], catalogue=CATALOGUE)
    assert result.error is None and result.url == publisher.base + UK_XML
    assert [p for _, p in publisher.seen] == [PATHS["uk_sanctions"], UK_XML]


def test_a_page_without_the_link_says_what_was_expected(
    publisher: Publisher,  # noqa: F811
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    publisher.files["/elsewhere"] = (200, b"<!DOCTYPE html><html><body>moved</body></html>")
    monkeypatch.setenv(ENV, publisher.base + "/elsewhere")
    (result,) = update(store, ["uk_sanctions"], catalogue=CATALOGUE)
    assert result.error is not None and "\n" not in result.error
    assert "is a web page with no link to a file matching 'UK_Sanctions_List\\\\.xml'" in (
        result.error
    )
    expected = "expected the publication page that links to the UK Sanctions List file, or the"
    assert f"{expected} file itself" in result.error
    assert store.editions("uk_sanctions") == []
