"""What building the resolver's index holds besides the index (issue #16 item 3, memory).

With a full ROR import (120,000 records) the first ``match --file`` after an import builds the
index, and that build's peak RSS, not matching's, was the run's: 880 MB while building, about
1 GB with the index written and rows matched. Measured with tracemalloc, 340 of the 380 MB the
build held beyond the index were every ending of every Han-script name with the set of its
owners (940,000 endings), read only for the few that are some name's usual short form. These
tests count the allocations a build makes beyond what it keeps (allocations, not time: the same
on every run) on registries shaped like the part of ROR that had it."""

from __future__ import annotations

import gc
import itertools
import tracemalloc
from collections.abc import Callable

from kvrules.refdata import Entry, ListInfo, Resolver
from kvrules.refdata.affiliations import clear_caches
from kvrules.refdata.normalise import analyse, is_acronym, native_variants

ROR = ListInfo(list_id="ror", edition="t", title="ROR", kind="registry")

# Pieces of Chinese organisations' names as ROR records carry them (省 province, 市 city, fields,
# classes): combined, names of 12-20 characters, as the Han names of research institutes are.
_PLACES = (
    "江苏省",
    "浙江省",
    "广东省",
    "四川省",
    "湖南省",
    "河南省",
    "山东省",
    "辽宁省",
    "吉林省",
    "福建省",
)
_CITIES = ("南京市", "杭州市", "广州市", "成都市", "长沙市", "郑州市", "济南市", "沈阳市")
_FIELDS = ("农业", "林业", "水产", "医学", "环境", "地质", "气象", "中医药", "畜牧兽医", "海洋")
_CLASSES = ("科学研究院", "科学院", "研究所", "技术研究中心", "职业技术学院")


def _han_registry() -> list[tuple[ListInfo, Entry]]:
    records = []
    for n, (place, city, field, cls) in enumerate(
        itertools.product(_PLACES, _CITIES, _FIELDS, _CLASSES)
    ):
        han = f"{place}{city}{field}{cls}"
        entry = Entry(
            entry_id=f"r{n}",
            ror_id=f"0{n:06d}{n % 100:02d}",
            name=han,
            country="CN",
        )
        records.append((ROR, entry))
    return records


def _held(build: Callable[[], object]) -> tuple[int, int]:
    """Bytes the build kept (its result) and bytes it held at its peak beyond them. The query
    caches start empty: what earlier tests left in them would be evicted during the build and
    count against what it keeps."""
    clear_caches()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        built = build()
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert built is not None
    return current - start, peak - current


def test_building_holds_no_ending_of_every_han_name() -> None:
    records = _han_registry()
    assert len(records) == 4_000
    kept, transient = _held(lambda: Resolver(records=records))
    # before: the endings and their owners, 1.07 times the index itself; now 0.47 times
    assert transient < kept * 0.6, (kept, transient)


def test_a_name_is_one_value_in_the_exact_reordered_and_fuzzy_look_ups() -> None:
    # three equal tuples per name before (64 bytes each, 260,000 names with a full ROR import),
    # and the kept index stored and loaded them three times; one shared value now
    resolver = Resolver(records=[*_han_registry()[:50], (ROR, _english)])
    (ref,) = resolver._exact[analyse(_english.name).key]
    assert ref == (50, _english.name, "primary")
    assert any(r is ref for refs in resolver._reordered.values() for r in refs)
    assert any(r is ref for r in resolver._f_ref)


def test_building_leaves_the_query_caches_as_they_were() -> None:
    # a build read 270,000 names through the acronym test and the Chinese short forms, leaving
    # 65,536 of them in each cache (of no use to a query, about 8 MB each)
    is_acronym.cache_clear()
    native_variants.cache_clear()
    Resolver(records=_han_registry()[:200])
    assert is_acronym.cache_info().currsize == 0
    assert native_variants.cache_info().currsize == 0


# two distinctive words: in the look-up by words in any order too
_english = Entry(
    entry_id="msu", ror_id="010pmpe69", name="Lomonosov Moscow State University", country="RU"
)
