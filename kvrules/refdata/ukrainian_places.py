"""Ukrainian city names in their Russian-derived and Ukrainian-derived spellings.

Organisations in Ukraine are named in English with the city spelt from its Russian name
("National University of Kiev-Mohyla Academy", "V. N. Karazin Kharkov National University") or
from its Ukrainian name ("… Kyiv-Mohyla …", "… Kharkiv …"), the form Ukraine's national
romanisation gives and ROR mostly records. The analysis (``normalise.analyse``) reads each
word below as the Ukrainian-derived spelling, on both sides, so the two meet.

Sources: the Ukrainian national romanisation (Cabinet of Ministers of Ukraine, Resolution
No. 55 of 27 January 2010; adopted by UNGEGN in 2012) for the Ukrainian-derived forms; the
BGN/PCGN romanisation of Russian for the Russian-derived ones; the cities renamed since
(Dnipropetrovsk → Dnipro 2016, Kirovohrad → Kropyvnytskyi 2016) by the Verkhovna Rada's
renaming resolutions. One word each: a two-word name ("Krivoy Rog" / "Kryvyi Rih") is left out.
"""

from __future__ import annotations

# Russian-derived (or former) spelling → the Ukrainian-derived one, lower case, ASCII.
UKRAINIAN_SPELLING: dict[str, str] = {
    "kiev": "kyiv",
    "kiew": "kyiv",
    "kharkov": "kharkiv",
    "odessa": "odesa",
    "lvov": "lviv",
    "lwow": "lviv",
    "dnepropetrovsk": "dnipro",
    "dnipropetrovsk": "dnipro",
    "dnepr": "dnipro",
    "zaporozhye": "zaporizhzhia",
    "zaporozhe": "zaporizhzhia",
    "zaporizhia": "zaporizhzhia",
    "nikolaev": "mykolaiv",
    "nikolayev": "mykolaiv",
    "chernigov": "chernihiv",
    "rovno": "rivne",
    "vinnitsa": "vinnytsia",
    "lugansk": "luhansk",
    "zhitomir": "zhytomyr",
    "frankovsk": "frankivsk",  # Ivano-Frankovsk, written with its hyphen
    "ternopol": "ternopil",
    "uzhgorod": "uzhhorod",
    "chernovtsy": "chernivtsi",
    "kirovograd": "kropyvnytskyi",
    "kirovohrad": "kropyvnytskyi",
    "cherkassy": "cherkasy",
    "khmelnitsky": "khmelnytskyi",
    "khmelnitskiy": "khmelnytskyi",
    "khmelnytskyy": "khmelnytskyi",
    "khmelnytsky": "khmelnytskyi",
}
