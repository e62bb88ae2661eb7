"""Derive, from real ROR records, the words that end organisation names, and measure what they
change in reading a partner's name as a person's (``kvrules.enrich.organisations.
bare_personal_name``).

A partner named by two or three capitalised words with no organisation word reads as a given
and family name ("Ali Rezaei"); a company named so ("Kestrel Photonics", "Aurora Energy") was
read as a person's too, because the hand-written ``ORGANISATION_WORD`` lacks "Photonics" and
"Energy". The words that end real organisation names say which words make a name an
organisation's; this script counts them, so the vocabulary is the data's, not a hand list.

A word is kept when it ends names of active or inactive ROR records (labels and aliases too;
acronyms aside) after at least ``--min-before`` different words: a word that makes names
organisations' ends them after many ("Kestrel Photonics", "Integrated Photonics", "Institute
of Photonics"); a family name that ends eponyms ends them after the same given name ("Getúlio
Vargas", nine records, one word before it) or after an eponym's head ("Institut Pasteur",
"Hôpital Pasteur": ``EPONYM_HEAD``, not counted). It must be written capitalised and not in capitals
(as ``bare_personal_name`` reads a name: "ERIC", an acronym, is no word of it), have
``--min-letters`` letters or more (the short words that end organisation names are where family
names collide: "Law", "Hall", "Yuan" end 23, 11 and 10), and not end a place's name (a city,
region or country of the records' own locations, or a country name of
``kvrules/refdata/data/country_names.tsv``): "Victoria", "Jordan", "Menlo Park" and "San Diego"
end organisation names and "Victoria", "Jordan", "Park" and "Diego" are names of persons too.

    python bench/organisation_words.py /tmp/ror-records-union.json.gz --write
    python bench/organisation_words.py shared/data/real/ror-records_v2.0-v2.9_latest.json.gz \
        /tmp/ror-records-union.json.gz --persons-debian      # measure only

``--write`` writes ``kvrules/enrich/data/organisation_words.txt`` from the first dump; every
dump given is measured: its display names read as a person's before (``ORGANISATION_WORD``
alone) and after (with the vocabulary). Persons' names measured: the real Pure responses
(``adapters/kvrules_pure/tests/fixtures/pure-umn-524``) and, with ``--persons-debian``, the
"Copyright: … Name <address>" lines of this machine's /usr/share/doc/*/copyright (real public
names; read, never stored).
"""

from __future__ import annotations

import argparse
import collections
import glob
import gzip
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kvrules" / "enrich" / "data" / "organisation_words.txt"
COUNTRY_NAMES = ROOT / "kvrules" / "refdata" / "data" / "country_names.tsv"
PURE = ROOT / "adapters" / "kvrules_pure" / "tests" / "fixtures" / "pure-umn-524"
_WORD = re.compile(r"[^\W\d_]+")
# The heads an eponym follows ("Institut Pasteur", "Hôpital Cochin", "Fondation Mérieux",
# "Laboratoires Servier"); folded. Adjectives ("Clinical", "Research") are no heads.
EPONYM_HEAD = re.compile(
    r"institut\w*|hopital|hospital|ospedale|klinik\w*|fondation|foundation|fundacion|fundacao"
    r"|stiftung|cent(?:er|re)|zentrum|universit\w*|college|lycee|school|academ\w*|museum|musee"
    r"|laborato\w*|labs?|groupe?"
)


def fold(word: str) -> str:
    """Lower case without diacritics, as ``kvrules.enrich.organisations`` reads a name."""
    bare = unicodedata.normalize("NFKD", word)
    return "".join(c for c in bare if not unicodedata.combining(c)).lower()


def load(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return [r for r in json.load(fh) if r.get("status") != "withdrawn"]


def names(records: Iterable[dict], *, display: bool = False) -> set[str]:
    """Display names only, or every name but acronyms."""
    wanted = (lambda t: "ror_display" in t) if display else (lambda t: "acronym" not in t)
    return {n["value"] for r in records for n in r["names"] if wanted(n["types"])}


def places(records: Iterable[dict]) -> set[str]:
    """The last word of every place named in the records' locations (city, region, country)
    and of every country name in the CLDR table kvrules ships."""
    found: set[str] = set()
    for record in records:
        for location in record.get("locations") or []:
            details = location.get("geonames_details") or {}
            for key in ("name", "country_name", "country_subdivision_name"):
                words = _WORD.findall(details.get(key) or "")
                if words:
                    found.add(fold(words[-1]))
    for line in COUNTRY_NAMES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        for cell in line.split("\t"):
            words = _WORD.findall(cell)
            if words:
                found.add(fold(words[-1]))
    return found


def ending_words(records: list[dict], min_before: int, min_letters: int) -> list[str]:
    """The words that end names after at least ``min_before`` different words (module
    docstring), lower case without diacritics, sorted."""
    before: dict[str, set[str]] = collections.defaultdict(set)
    for name in names(records):
        words = _WORD.findall(name)
        if len(words) >= 2 and words[-1][:1].isupper() and not words[-1].isupper():
            # An eponym ("Institut Pasteur", "Hôpital Pasteur", "Institut Curie") is an
            # organisation's name by the word before the last: the last is a person's, and
            # counting it would read "Louis Pasteur" as an organisation ("Institute of
            # Photonics" counts: "of" is no organisation word).
            if EPONYM_HEAD.fullmatch(fold(words[-2])):
                continue
            before[fold(words[-1])].add(fold(words[-2]))
    excluded = places(records)
    return sorted(
        word
        for word, preceding in before.items()
        if len(preceding) >= min_before and len(word) >= min_letters and word not in excluded
    )


def pure_persons() -> set[str]:
    """Given and family names of the persons in the real Pure responses (first name as given:
    most are initials, which read as no name)."""

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            if "firstName" in node and "lastName" in node:
                yield f"{node['firstName']} {node['lastName']}"
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    found: set[str] = set()
    for path in PURE.glob("*.json"):
        found |= set(walk(json.loads(path.read_text(encoding="utf-8"))))
    return found


_COPYRIGHT = re.compile(
    r"(?:Copyright|\(C\)|©)[^A-Za-z<]*(?:by\s+)?"
    r"([A-Z][^\W\d_]+(?:[-'][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]+(?:[-'][^\W\d_]+)*){1,2})\s*<"
)


def debian_persons() -> set[str]:
    found: set[str] = set()
    for path in glob.glob("/usr/share/doc/*/copyright"):
        text = Path(path).read_text(encoding="utf-8", errors="ignore")
        found |= {m.group(1) for m in _COPYRIGHT.finditer(text)}
    return found


def python_authors() -> set[str]:
    """The authors and maintainers named in the installed Python distributions' metadata."""
    from importlib.metadata import distributions

    found: set[str] = set()
    for dist in distributions():
        for key in ("Author", "Maintainer"):
            found |= {p.strip() for p in re.split(r",| and |;", dist.metadata.get(key) or "")}
        for key in ("Author-email", "Maintainer-email"):
            emails = dist.metadata.get(key) or ""
            found |= {m.group(1).strip() for m in re.finditer(r'"?([^",<]+?)"?\s*<', emails)}
    return found - {""}


def measure(dumps: list[Path], persons_debian: bool) -> None:
    from kvrules.enrich.organisations import (
        bare_personal_name,
        has_organisation_word,
        name_words_alone,
    )

    def before(name: str) -> bool:  # the reading without the vocabulary
        return name_words_alone(name) and not has_organisation_word(name)

    for path in dumps:
        display = names(load(path), display=True)
        was = sorted(n for n in display if before(n))
        now = sorted(n for n in display if bare_personal_name(n))
        print(f"{path.name}: {len(display):,} display names; read as a person's: "
              f"before {len(was):,}, after {len(now):,}")  # fmt: skip
    sets = {"Pure (pure-umn-524)": pure_persons(), "Python metadata": python_authors()}
    if persons_debian:
        sets["Debian copyright lines"] = debian_persons()
    for label, people in sets.items():
        shaped = sorted(p for p in people if before(p))
        lost = [p for p in shaped if not bare_personal_name(p)]
        print(f"{label}: {len(people)} names, {len(shaped)} read as a person's before, "
              f"{len(shaped) - len(lost)} after; no longer: {lost}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dumps", nargs="+", type=Path, help="ROR dumps (JSON array, .gz or not)")
    parser.add_argument("--min-before", type=int, default=5)
    parser.add_argument("--min-letters", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    parser.add_argument("--persons-debian", action="store_true")
    args = parser.parse_args(argv)
    if args.write:
        records = load(args.dumps[0])
        kept = ending_words(records, args.min_before, args.min_letters)
        header = [
            "# Words that end real organisation names: each ends names of the "
            f"{len(records):,} active or inactive",
            f"# records of {args.dumps[0].name} (acronyms aside) after at least "
            f"{args.min_before} different words;",
            f"# capitalised, not in capitals, {args.min_letters}+ letters, not the last word "
            "of a place's name.",
            "# Source: ror-community/ror-records @ d93fc667872f8ef9386896bd6c68bd3c6103603e "
            "(CC0 1.0),",
            "# the latest version of each record id (bench/affiliations/registry.py).",
            "# Written by bench/organisation_words.py --write; lower case, no diacritics.",
        ]
        OUT.write_text("\n".join([*header, *kept]) + "\n", encoding="utf-8")
        print(f"{OUT.relative_to(ROOT)}: {len(kept)} words")
    measure(args.dumps, args.persons_debian)
    return 0


if __name__ == "__main__":
    sys.exit(main())
