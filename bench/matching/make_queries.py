"""Regenerate queries.jsonl deterministically: ``python bench/matching/make_queries.py``.

Labels: ``expected`` is the ROR id (or ``list:entry`` for a list entry without one) of the
organisation a careful human would pick, or null when the query must not resolve (bare acronyms,
ambiguous names without a country, organisations absent from the index). Hand-written hard cases
are at the top; the rest is derived from the shipped data and the distractor registry.
"""

from __future__ import annotations

import json
import random
import re

from common import QUERIES, build_store

from kvrules.refdata.normalise import CLASS_WORDS, STOP_WORDS, analyse, is_acronym

HIT, NPU, NUAA, NJU = "01yqg2h08", "01y0j0j86", "01scyh794", "01rxvg760"
NEU_CN, NEU_US, HUST_HZ, HUST_HB = "03awzbc87", "04t5xt781", "00p991c53", "04e6y1282"
THU, CISS = (
    "03cve4549",
    "us_dod_1286:center-for-international-security-and-strategy-of-tsinghua-university",
)

# (query, country, expected, category); "@name" is replaced by the distractor id of that name.
HARD = [
    ("Northwestern University", "US", "@Northwestern University", "hard_negative"),
    ("Northwestern University, Evanston, IL", None, "@Northwestern University", "hard_negative"),
    ("Northwestern", None, None, "hard_negative"),
    ("Northwestern", "CN", None, "hard_negative"),
    ("Northwest University", "CN", "@Northwest University", "hard_negative"),
    ("西北大学", None, "@Northwest University", "hard_negative"),
    ("Northwestern Polytechnical University", "CN", NPU, "listed"),
    (
        "Northwestern Polytechnic University",
        "US",
        "@Northwestern Polytechnic University",
        "hard_negative",
    ),
    ("Northwestern Polytechnic University", None, None, "ambiguous"),
    ("Northwest Polytechnical University", "CN", NPU, "list_alias"),
    ("Nanjing University", "CN", NJU, "hard_negative"),
    ("Nanjing University", None, NJU, "hard_negative"),
    ("南京大学", None, NJU, "hard_negative"),
    ("Nanjing Univ.", "CN", NJU, "hard_negative"),
    ("Nanjing University of Aeronautics and Astronautics", "CN", NUAA, "listed"),
    ("Nanjing University of Aeronautics & Astronautics", None, NUAA, "listed"),
    ("Nanjing Tech University", "CN", "@Nanjing Tech University", "hard_negative"),
    (
        "Nanjing University of Posts and Telecommunications",
        "CN",
        "@Nanjing University of Posts and Telecommunications",
        "hard_negative",
    ),
    ("NUAA", None, None, "acronym"),
    ("NJU", "CN", None, "acronym"),
    ("HUST", None, None, "acronym"),
    ("HUST", "CN", None, "acronym"),
    ("Huazhong University of Science and Technology", "CN", HUST_HZ, "hard_negative"),
    ("Harbin University of Science and Technology", "CN", HUST_HB, "hard_negative"),
    ("NEU", None, None, "acronym"),
    ("NEU", "US", None, "acronym"),
    ("Northeastern University", None, None, "ambiguous"),
    ("Northeastern University", "CN", NEU_CN, "hard_negative"),
    ("Northeastern University", "US", NEU_US, "hard_negative"),
    ("Northeastern University, Boston, MA, USA", None, NEU_US, "hard_negative"),
    ("Northeastern University, Shenyang, China", None, NEU_CN, "hard_negative"),
    ("东北大学", None, NEU_CN, "hard_negative"),
    ("Northeast Normal University", "CN", "@Northeast Normal University", "hard_negative"),
    ("Harbin Medical University", "CN", "@Harbin Medical University", "hard_negative"),
    ("哈尔滨医科大学", None, "@Harbin Medical University", "hard_negative"),
    ("Harbin University", "CN", "@Harbin University", "hard_negative"),
    ("Harbin Normal University", "CN", "@Harbin Normal University", "hard_negative"),
    ("Harbin Engineering University", "CN", "03x80pn82", "listed"),
    ("HIT", None, None, "acronym"),
    ("HIT", "CN", None, "acronym"),
    ("Harbin Inst. of Tech.", "CN", HIT, "abbreviation"),
    ("Harbin Institute of Technology (HIT)", None, HIT, "acronym_in_name"),
    (
        "Harbin Institute of Technology, Shenzhen",
        "CN",
        "@Harbin Institute of Technology, Shenzhen",
        "campus",
    ),
    (
        "Harbin Institute of Technology at Weihai",
        None,
        "@Harbin Institute of Technology at Weihai",
        "campus",
    ),
    ("School of Astronautics, Harbin Institute of Technology", None, HIT, "subunit"),
    (
        "School of Computer Science and Technology Harbin Institute of Technology",
        "CN",
        HIT,
        "subunit",
    ),
    ("Tsinghua University", "CN", THU, "hard_negative"),
    ("Tsinghua University", None, THU, "hard_negative"),
    ("清华大学", None, THU, "hard_negative"),
    ("Tsinghua", None, None, "substring"),
    ("Tsinghua University Press", "CN", "@Tsinghua University Press", "hard_negative"),
    ("Center for International Security and Strategy, Tsinghua University", "CN", CISS, "listed"),
    (
        "Center for International Security and Strategy of Tsinghua University",
        None,
        CISS,
        "list_alias",
    ),
    ("Tsinghua University Center for International Security and Strategy", "CN", CISS, "listed"),
    ("Department of Physics, Tsinghua University", "CN", THU, "subunit"),
    ("Peking University", "CN", "02v51f717", "hard_negative"),
    ("Peking Union Medical College", "CN", "@Peking Union Medical College", "hard_negative"),
    ("Tomsk State University", "RU", "@Tomsk State University", "hard_negative"),
    ("Tomsk Polytechnic University", "RU", "00a45v709", "listed"),
    ("Томский политехнический университет", None, "00a45v709", "cyrillic"),
    ("Moscow State University", "RU", "010pmpe69", "listed"),
    (
        "Moscow State Technical University of Civil Aviation",
        "RU",
        "@Moscow State Technical University of Civil Aviation",
        "hard_negative",
    ),
    ("MSU", None, None, "acronym"),
    ("Skoltech", None, "03f9nc143", "list_alias"),
    ("MFTI", None, None, "acronym"),
    ("Phys Tech", "RU", "00v0z9322", "list_alias"),
    ("Xi'an Jiatong University", "CN", "017zhmm22", "list_typo"),
    ("Xian Jiao Tong University", None, "017zhmm22", "spelling"),
    ("Università degli Studi di Milano", "IT", "@Università degli Studi di Milano", "it_city"),
    (
        "Universita degli Studi di Milano-Bicocca",
        "IT",
        "@Università degli Studi di Milano-Bicocca",
        "it_city",
    ),
    (
        "Università degli Studi di Milano Bicocca",
        None,
        "@Università degli Studi di Milano-Bicocca",
        "it_city",
    ),
    ("Politecnico di Milano", "IT", "@Politecnico di Milano", "it_city"),
    ("Università degli Studi di Pavia", "IT", "@Università degli Studi di Pavia", "it_city"),
    ("Università degli Studi di Padova", "IT", "@Università degli Studi di Padova", "it_city"),
    ("University of Padua", "IT", "@Università degli Studi di Padova", "it_city"),
    (
        "Università degli Studi di Roma Tor Vergata",
        "IT",
        "@Università degli Studi di Roma Tor Vergata",
        "it_city",
    ),
    ("Università degli Studi Roma Tre", "IT", "@Università degli Studi di Roma Tre", "it_city"),
    ("Sapienza Università di Roma", "IT", "@Sapienza Università di Roma", "it_city"),
    ("Università degli Studi di Roma", "IT", None, "it_city"),
    ("Università degli Studi di Venezia", "IT", None, "it_city"),
    ("Università per Stranieri di Siena", "IT", "@Università per Stranieri di Siena", "it_city"),
    ("Università degli Studi di Siena", "IT", "@Università degli Studi di Siena", "it_city"),
    (
        "Università degli Studi di Napoli Federico II",
        "IT",
        "@Università degli Studi di Napoli Federico II",
        "it_city",
    ),
    ("Università degli Studi di Napoli", "IT", "@Università degli Studi di Napoli", "it_city"),
    ("Università degli Studi di Lecce", "IT", None, "absent"),
    ("Technische Universität München", "DE", "02kkvpp62", "native"),
    ("Universität München", "DE", "@Universität München", "hard_negative"),
    ("Ludwig-Maximilians-Universität München", "DE", None, "absent"),
    ("Max Planck Society", "DE", "01hhn8329", "exact"),
    (
        "Max Planck Institute for Plasma Physics",
        "DE",
        "@Max Planck Institute for Plasma Physics",
        "child",
    ),
    (
        "Indian Institute of Technology Delhi",
        "IN",
        "@Indian Institute of Technology Delhi",
        "exact",
    ),
    (
        "Indian Institute of Technology Madras",
        "IN",
        "@Indian Institute of Technology Madras",
        "exact",
    ),
    ("Indian Institute of Technology Mumbai", "IN", None, "hard_negative"),
    ("Thousand Talents Plan", None, "us_dod_1286:thousand-talents-plan", "programme"),
    ("Hundred Talents Plan", "CN", "us_dod_1286:hundred-talents-plan", "programme"),
    ("University of Technology", None, None, "generic"),
    ("National Research University", None, None, "generic"),
    ("Institute of Physics", None, None, "generic"),
    ("Chinese Academy of Sciences", "CN", "@Chinese Academy of Sciences", "exact"),
    (
        "Institute of Automation, Chinese Academy of Sciences",
        "CN",
        "@Institute of Automation, Chinese Academy of Sciences",
        "child",
    ),
    (
        "Institute of Quantum Studies, Chinese Academy of Sciences",
        "CN",
        "@Chinese Academy of Sciences",
        "subunit",
    ),
    ("Beijing University of Posts and Telecommunications", "CN", "04w9fbh59", "listed"),
    ("Beijing University of Aeronautics and Astronautics", "CN", "00wk2mp56", "alias"),
    ("Hunan University", "CN", "@Hunan University", "hard_negative"),
    ("Henan University", "CN", "@Henan University", "hard_negative"),
    ("Shanxi University", "CN", "@Shanxi University", "hard_negative"),
    ("Shaanxi University", "CN", "@Shaanxi University", "hard_negative"),
    ("Xuzhou Medical University", "CN", "@Xuzhou Medical University", "hard_negative"),
    ("Suzhou Medical University", "CN", "@Suzhou Medical University", "hard_negative"),
    ("Zhuzhou Medical University", "CN", None, "absent"),
    ("Massachusetts Institute of Technology", "US", "042nb2s44", "exact"),
    ("MIT", None, None, "acronym"),
    ("Delft University of Technology", "NL", "02e2c7k09", "exact"),
    ("TU Delft", None, "02e2c7k09", "alias"),
    ("ETH Zürich", None, "05a28rw58", "native"),
    ("ETH Zurich", "CH", "05a28rw58", "exact"),
    ("University of Oxford", "GB", "052gg0110", "exact"),
    ("Oxford University", None, "052gg0110", "alias"),
]
SUBUNITS = [
    "School of Physics",
    "Department of Computer Science",
    "Faculty of Medicine",
    "State Key Laboratory of Advanced Materials",
    "College of Engineering",
    "Key Laboratory of Microsystems",
]
ABBREV = [
    ("University", "Univ."),
    ("Institute", "Inst."),
    ("Technology", "Tech."),
    ("National", "Nat'l"),
    ("Sciences", "Sci."),
    ("Science", "Sci."),
]
COUNTRY_NAMES = {
    "CN": "China",
    "RU": "Russia",
    "IR": "Iran",
    "US": "USA",
    "NL": "The Netherlands",
    "DE": "Germany",
    "GB": "United Kingdom",
    "IT": "Italy",
    "JP": "Japan",
    "FR": "France",
    "CH": "Switzerland",
    "BE": "Belgium",
    "SG": "Singapore",
    "KR": "South Korea",
    "CA": "Canada",
    "IN": "India",
    "ES": "Spain",
    "BR": "Brazil",
}


def typo(name: str, rng: random.Random) -> str | None:
    """One edit in the longest distinctive word (7+ letters), or None if there is none."""
    words = [
        w
        for w in re.findall(r"[A-Za-z]+", name)
        if w.lower() not in CLASS_WORDS | STOP_WORDS and len(w) >= 7
    ]
    if not words:
        return None
    word = max(words, key=len)
    i = rng.randrange(2, len(word) - 2)
    op = rng.choice(["swap", "drop", "double"])
    if op == "swap":
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif op == "drop":
        new = word[:i] + word[i + 1 :]
    else:
        new = word[:i] + word[i] + word[i:]
    return name.replace(word, new, 1) if new != word else None


def main() -> None:
    rng = random.Random(25)
    store = build_store()
    by_name: dict[str, str] = {}
    rows: list[dict] = []
    entries = list(store.iter_latest())
    for info, e in entries:
        if info.list_id == "bench_ror":
            by_name[e.name] = e.ror_id
    for q, cc, want, cat in HARD:
        if isinstance(want, str) and want.startswith("@"):
            want = by_name[want[1:]]
        rows.append({"query": q, "country": cc, "expected": want, "category": cat})
    # Names shared by several registry organisations are ambiguous without a country.
    key_orgs: dict[str, set[str]] = {}
    for info, e in entries:
        if info.kind == "registry":
            for n, _t in e.all_names():
                key_orgs.setdefault(analyse(n).key, set()).add(e.ror_id or e.entry_id)

    def emit(q: str, cc: str | None, want: str | None, cat: str) -> None:
        if cc is None and want and len(key_orgs.get(analyse(q).key, ())) > 1:
            want = None  # e.g. Northeastern University without a country
        rows.append({"query": q, "country": cc, "expected": want, "category": cat})

    shipped = [(i, e) for i, e in entries if i.list_id in ("ror", "us_dod_1286")]
    for info, e in shipped:
        if e.entity_type != "organisation":
            continue
        if info.list_id == "us_dod_1286" and e.ror_id:
            for alias in e.aliases:  # names as printed on the list, for listed ROR organisations
                if not is_acronym(alias):
                    emit(alias, e.country, e.ror_id, "list_alias")
            continue
        want = e.ror_id or f"{info.list_id}:{e.entry_id}"
        emit(e.name, e.country, want, "exact")
        emit(e.name, None, want, "exact_no_country")
        emit(e.name.upper(), e.country, want, "case")
        for alias in e.aliases + e.native_names:
            if not is_acronym(alias) and analyse(alias).distinct:
                emit(alias, None if rng.random() < 0.5 else e.country, want, "alias_or_native")
        for acr in e.acronyms:
            emit(acr.strip(), e.country if rng.random() < 0.5 else None, None, "acronym")
        cname = COUNTRY_NAMES.get(e.country or "", "")
        emit(f"{e.name}, {cname}" if cname else e.name, None, want, "address")
        emit(f"{rng.choice(SUBUNITS)}, {e.name}", e.country, want, "subunit")
        short = e.name
        for full, abbr in ABBREV:
            short = re.sub(rf"\b{full}\b", abbr, short)
        if short != e.name:
            emit(short, e.country, want, "abbreviation")
        t = typo(e.name, rng)
        if t:
            emit(t, e.country, want, "typo")
    distractors = [e for i, e in entries if i.list_id == "bench_ror"]
    for e in rng.sample(distractors, 160):
        emit(e.name, e.country, e.ror_id, "distractor_exact")
        if e.aliases or e.native_names:
            emit(rng.choice(e.aliases + e.native_names), e.country, e.ror_id, "distractor_alias")
        t = typo(e.name, rng)
        if t:
            emit(t, e.country, e.ror_id, "distractor_typo")
    for e in rng.sample(distractors, 40):
        cname = COUNTRY_NAMES.get(e.country or "", "")
        emit(f"{rng.choice(SUBUNITS)}, {e.name}, {cname}", None, e.ror_id, "distractor_subunit")
    # Organisations absent from the index: must not resolve to a neighbour.
    absent = [
        "Zhuhai University of Technology",
        "Yichang Medical University",
        "Shantou University of Science and Technology",
        "Luoyang Normal College",
        "University of Atlantis",
        "Novgorod State Technical University",
        "Università degli Studi di Lecce",
        "Universität Passau",
        "Kitakyushu University",
        "Indian Institute of Technology Varanasi",
        "Universidad de Vigo",
        "Baoding University of Technology",
        "Xinjiang Agricultural University",
        "Harbin Institute of Physical Education",
        "Nanjing Forestry Institute",
        "Tianjin Foreign Studies University",
        "Beijing Sport University",
        "Wuhan Textile University",
        "Sichuan Normal University of Arts",
        "Chongqing Three Gorges University",
    ]
    for q in absent:
        emit(q, None, None, "absent")
    seen, unique = set(), []
    for r in rows:
        k = (r["query"], r["country"])
        if k not in seen:
            seen.add(k)
            unique.append(r)
    QUERIES.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in unique), "utf-8")
    print(f"{len(unique)} queries → {QUERIES}")


if __name__ == "__main__":
    main()
