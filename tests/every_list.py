"""A reference store holding an edition of every list the shipped rules read (the shipped
lists, and the small invented fixtures of tests/refdata/fixtures for ca_nro, us_csl,
uk_sanctions and aspi_cdut), for tests whose answer must not be "not complete" merely
because the store lacks a list (``Screening.lists_not_imported``)."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "refdata" / "fixtures"
EVERY_LIST = (
    ("nro", "nro.csv"),
    ("csl", "csl.json"),
    ("uk_sanctions", "uk_sanctions.xml"),
    ("aspi", "aspi.csv"),
)


def store_with_every_list(path: Path) -> Path:
    """``path``, a store started with the shipped lists plus one edition of each list above."""
    from kvrules.refdata import Store
    from kvrules.refdata.importers import import_file
    from kvrules.refdata.shipped import load_shipped

    with Store(path) as store:
        load_shipped(store)
        for fmt, name in EVERY_LIST:
            import_file(store, fmt, FIXTURES / name, edition="2026-01-01")
    return path
