"""List semantics as lists are written: select affiliates, long official names, country-scoped
ambiguity (issue 13, item 4)."""

from __future__ import annotations

from pathlib import Path

from kvrules.refdata import Entry, ListInfo, Resolver, Store
from kvrules.refdata.importers import import_file

CAS = "034t30j35"  # Chinese Academy of Sciences
SELECT_NOTE = "parent listed for select affiliates only"


def _info(list_id: str, kind: str = "designation") -> ListInfo:
    return ListInfo(list_id=list_id, edition="1", title=list_id, kind=kind)  # type: ignore[arg-type]


DOD, NRO, ROR = _info("us_dod_1286"), _info("ca_nro"), _info("ror", "registry")

CAS_SELECT = Entry(
    entry_id="chinese-academy-of-sciences",
    name="Chinese Academy of Sciences",
    affiliates=["Institute of Automation", "Shenyang Institute of Automation"],
    country="CN",
    ror_id=CAS,
    attributes={"scope": "select_affiliates"},
)
ROR_RECORDS = [
    Entry(entry_id=CAS, name="Chinese Academy of Sciences", country="CN", ror_id=CAS),
    Entry(
        entry_id="02egmk993",
        name="Institute of Semiconductors",
        aliases=["Institute of Semiconductors, Chinese Academy of Sciences"],
        country="CN",
        ror_id="02egmk993",
        parent_ror_id=CAS,
    ),
]


def _resolver(*entries: tuple[ListInfo, Entry]) -> Resolver:
    return Resolver(records=[*entries, *((ROR, e) for e in ROR_RECORDS)])


def test_listed_affiliate_is_a_confident_hit() -> None:
    r = _resolver((DOD, CAS_SELECT))
    best = r.best("Institute of Automation, Chinese Academy of Sciences", "CN")
    assert best is not None and best.list == "us_dod_1286" and not best.candidate


def test_unlisted_institute_is_only_a_candidate_marked_select_affiliates() -> None:
    r = _resolver((DOD, CAS_SELECT))
    for query in (
        "Institute of Semiconductors, Chinese Academy of Sciences",  # via ROR's parent link
        "Chinese Academy of Sciences",  # the parent itself
        "Institute of Physics, Chinese Academy of Sciences",  # by the name's segments
    ):
        dod = [m for m in r.match(query, "CN") if m.list == "us_dod_1286"]
        assert dod, query
        assert all(m.candidate and m.score < r.threshold for m in dod), (query, dod)
        assert all(SELECT_NOTE in (m.via or "") for m in dod), (query, dod)
        assert r.best(query, "CN") is None or r.best(query, "CN").list == "ror"


def test_select_affiliates_printed_in_the_name_is_understood(store: Store, tmp_path: Path) -> None:
    csv = tmp_path / "fy.csv"
    csv.write_text(
        "Table,English Name,Foreign Country of Concern,Affiliates\n"
        '1,"Chinese Academy of Sciences, select affiliates:",China,"Institute of Automation"\n',
        encoding="utf-8",
    )
    import_file(store, "dod1286", csv, edition="FY25")
    (entry,) = store.entries("us_dod_1286")
    assert entry.name == "Chinese Academy of Sciences"
    assert entry.attributes["scope"] == "select_affiliates"
    r = Resolver(store)
    (hit,) = r.match("Chinese Academy of Sciences", "CN")
    assert hit.candidate and SELECT_NOTE in (hit.via or "")
    assert r.best("Institute of Automation", "CN") is not None


def test_long_official_names_match_the_short_names_people_write() -> None:
    lebedev = Entry(
        entry_id="lebedev",
        name="P.N. Lebedev Physical Institute of the Russian Academy of Sciences",
        country="RU",
    )
    bauman = Entry(
        entry_id="bauman",
        name="Moscow State Technical University named after N.E. Bauman",
        country="RU",
    )
    keldysh = Entry(
        entry_id="keldysh",
        name="Keldysh Institute of Applied Mathematics of the Russian Academy of Sciences",
        country="RU",
    )
    r = Resolver(records=[(DOD, lebedev), (DOD, bauman), (DOD, keldysh)])
    for query, entry in [
        ("Lebedev Physical Institute", "lebedev"),
        ("Lebedev Physical Institute of the Russian Academy of Sciences", "lebedev"),
        ("P. N. Lebedev Physical Institute", "lebedev"),
        ("Bauman Moscow State Technical University", "bauman"),
        ("Keldysh Institute of Applied Mathematics", "keldysh"),
    ]:
        best = r.best(query, "RU")
        assert best is not None and best.entry == entry, query
    # a short form is not evidence enough without the country, nor in another country
    assert all(m.candidate for m in r.match("Lebedev Physical Institute"))
    assert r.best("Lebedev Physical Institute", "US") is None
    # stripping a qualifier never leaves a generic name to match on
    generic = Entry(entry_id="iap", name="Institute of Physics of the Russian Academy of Sciences")
    assert Resolver(records=[(DOD, generic)]).best("Institute of Physics", "RU") is None


def test_name_with_country_is_not_ambiguous_when_one_entry_per_list_carries_it() -> None:
    dod = Entry(entry_id="a", name="Example Defence Institute", country="CN", ror_id="05abcde12")
    nro = Entry(entry_id="b", name="Example Defence Institute", country="CN")
    elsewhere = Entry(entry_id="c", name="Example Defence Institute", country="IR")
    r = Resolver(records=[(DOD, dod), (NRO, nro), (NRO, elsewhere)])
    found = r.match("Example Defence Institute", "CN")
    assert {m.list for m in found} == {"us_dod_1286", "ca_nro"}
    assert not any(m.candidate for m in found) and r.best("Example Defence Institute", "CN")
    # an entry listing the name among its aliases (a subsidiary) does not make the entry named
    # so ambiguous: that entry comes first, the other is reported as related
    group = Entry(
        entry_id="g", name="Example Group", aliases=["Example Defence Institute"], country="CN"
    )
    r = Resolver(records=[(NRO, nro), (NRO, group)])
    first, second = r.match("Example Defence Institute", "CN")
    assert (first.entry, first.candidate, second.entry, second.candidate) == (
        "b",
        False,
        "g",
        False,
    )
    assert first.score > second.score and "among its aliases" in (second.via or "")
    # two entries of one list in that country carrying the name the same way stay ambiguous
    twin = Entry(
        entry_id="d", name="Other Name", aliases=["Example Defence Institute"], country="CN"
    )
    r = Resolver(records=[(NRO, group), (NRO, twin)])
    assert all(m.candidate for m in r.match("Example Defence Institute", "CN"))
    # and without a country, the same name in CN and IR is ambiguous
    r = Resolver(records=[(NRO, nro), (NRO, elsewhere)])
    assert all(m.candidate for m in r.match("Example Defence Institute"))


def test_ror_crosswalk_gives_list_entries_the_records_names_and_id() -> None:
    lebedev_ror = Entry(
        entry_id="05qrfxd25",
        name="Lebedev Physical Institute",
        native_names=["Физический институт им. П. Н. Лебедева РАН"],
        aliases=["Lebedev Institute of Physics"],
        country="RU",
        ror_id="05qrfxd25",
    )
    listed = Entry(
        entry_id="lebedev",
        name="P.N. Lebedev Physical Institute of the Russian Academy of Sciences",
        country="RU",
    )
    unlinked = Entry(entry_id="other", name="Example Institute of Nowhere", country="RU")
    printed = Entry(entry_id="cas", name="CAS", aliases=["Academia Sinica Beijing"], ror_id=CAS)
    r = Resolver(
        records=[
            (DOD, listed),
            (DOD, unlinked),
            (NRO, printed),
            (ROR, lebedev_ror),
            *((ROR, e) for e in ROR_RECORDS),
        ]
    )
    for query in ("Физический институт им. П. Н. Лебедева РАН", "Lebedev Institute of Physics"):
        dod = [m for m in r.match(query, "RU") if m.list == "us_dod_1286"]
        assert [(m.entry, m.ror_id, m.candidate) for m in dod] == [
            ("lebedev", "05qrfxd25", False)
        ], query
    (nro,) = [m for m in r.match("Chinese Academy of Sciences", "CN") if m.list == "ca_nro"]
    assert nro.ror_id == CAS and not nro.candidate
    assert r.ror_coverage() == {"us_dod_1286": (1, 2), "ca_nro": (1, 1)}
