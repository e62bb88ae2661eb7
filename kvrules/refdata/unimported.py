"""Lists the active rules read that have no edition in the reference store yet.

The shipped rules read list ids from their ``vars`` (``designation_lists``,
``assessment_lists``): until, say, ``kvrules refdata update uk_sanctions`` has run, a rule
testing for ``uk_sanctions`` screens against nothing, and "not found" would mean "not looked
for". ``kvrules config check`` warns of it, and so does the start of a scan, in one line naming
each list and the command that imports it. A list id nobody publishes (a typo, an own list not
imported) is not said here: ``config check`` names it at its rule's file:line:col.
"""

from __future__ import annotations

from collections.abc import Iterable

from kvrules.rulebook.ir import Rulebook


def import_command(list_id: str) -> str | None:
    """The command that imports ``list_id``: ``refdata update`` for a list kvrules downloads,
    ``refdata import FORMAT FILE [--edition EDITION]`` for one a built-in format reads by
    default (a file the institution obtains); None for a list kvrules does not know."""
    from kvrules.refdata.importers import aspi, csl, dod1286, freedom_house, nro, uk_sanctions
    from kvrules.refdata.update import load_catalogue

    if list_id in load_catalogue():
        return f"kvrules refdata update {list_id}"
    formats = {
        "aspi": aspi,
        "csl": csl,
        "dod1286": dod1286,
        "fh": freedom_house,
        "nro": nro,
        "uk_sanctions": uk_sanctions,
    }
    for fmt, module in formats.items():
        if module.DEFAULTS["list_id"] == list_id:
            # the Freedom House file names its edition; the others' files do not
            edition = "" if fmt == "fh" else " --edition EDITION"
            return f"kvrules refdata import {fmt} FILE{edition}"
    return None


def lists_read(books: Iterable[Rulebook]) -> list[str]:
    """The list ids the rules of ``books`` test for, in the order they first appear."""
    read = (ref.value for b in books for r in b.rules for ref in r.references if ref.kind == "list")
    return list(dict.fromkeys(read))


def lists_not_imported(books: Iterable[Rulebook], imported: Iterable[str]) -> list[str]:
    """The lists the rules read that kvrules can import but the store has no edition of."""
    have = set(imported)
    return [i for i in lists_read(books) if i not in have and import_command(i) is not None]


def not_imported_in_words(missing: list[str]) -> str:
    """One line: the lists read with no edition imported, each with its command."""
    each = ", ".join(f"{i} (`{import_command(i)}`)" for i in missing)
    return (
        f"the active rules read {len(missing)} list(s) with no edition imported, so nothing is "
        f"screened against them yet: {each}"
    )
