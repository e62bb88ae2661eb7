"""Vocabulary of the synthetic university: countries, units, research topics, funders, names.

Plain data, so the generator stays readable. Topic `sensitive` flags mark the areas that
knowledge-security screening cares about; the simulator itself attaches no meaning to them.
"""

from __future__ import annotations

from typing import NamedTuple

COUNTRY_URI = "/dk/atira/pure/core/countries/"

# ISO alpha-2 -> English name (Pure's country classification term).
COUNTRIES: dict[str, str] = {
    "nl": "Netherlands",
    "de": "Germany",
    "be": "Belgium",
    "fr": "France",
    "gb": "United Kingdom",
    "us": "United States",
    "ca": "Canada",
    "cn": "China",
    "jp": "Japan",
    "kr": "Korea, Republic of",
    "in": "India",
    "br": "Brazil",
    "za": "South Africa",
    "au": "Australia",
    "ru": "Russian Federation",
    "ir": "Iran, Islamic Republic of",
    "il": "Israel",
    "tr": "Turkey",
    "sg": "Singapore",
    "ch": "Switzerland",
    "se": "Sweden",
    "no": "Norway",
    "it": "Italy",
    "es": "Spain",
    "pl": "Poland",
    "mx": "Mexico",
    "eg": "Egypt",
    "ng": "Nigeria",
    "ke": "Kenya",
    "ar": "Argentina",
    "pk": "Pakistan",
    "sa": "Saudi Arabia",
    "ae": "United Arab Emirates",
    "vn": "Viet Nam",
    "id": "Indonesia",
    "tw": "Taiwan",
    "hk": "Hong Kong",
    "by": "Belarus",
    "fi": "Finland",
    "dk": "Denmark",
    "at": "Austria",
    "pt": "Portugal",
    "cz": "Czechia",
}

# Cities used to invent plausible partner names per country.
CITIES: dict[str, list[str]] = {
    "nl": ["Groningen", "Twente", "Nijmegen", "Maastricht"],
    "de": ["Aachen", "Dresden", "Karlsruhe", "Stuttgart", "Jena"],
    "be": ["Ghent", "Antwerp", "Liège"],
    "fr": ["Grenoble", "Toulouse", "Lyon", "Paris-Saclay"],
    "gb": ["Manchester", "Bristol", "Glasgow", "Southampton"],
    "us": ["Austin", "Ann Arbor", "Boulder", "Pittsburgh", "San Diego"],
    "ca": ["Waterloo", "Montréal", "Calgary"],
    "cn": ["Wuhan", "Chengdu", "Hefei", "Changsha"],
    "jp": ["Osaka", "Sendai", "Nagoya"],
    "kr": ["Daejeon", "Pohang", "Busan"],
    "in": ["Bangalore", "Chennai", "Kanpur"],
    "br": ["Campinas", "São Carlos"],
    "za": ["Stellenbosch", "Cape Town"],
    "au": ["Adelaide", "Brisbane"],
    "ru": ["Novosibirsk", "Kazan", "Saint Petersburg"],
    "ir": ["Isfahan", "Tabriz"],
    "il": ["Haifa", "Be'er Sheva"],
    "tr": ["Ankara", "Izmir"],
    "sg": ["Singapore"],
    "ch": ["Basel", "Bern"],
    "se": ["Lund", "Uppsala"],
    "no": ["Trondheim", "Bergen"],
    "it": ["Milano", "Torino", "Padova"],
    "es": ["Barcelona", "Valencia"],
    "pl": ["Warsaw", "Kraków"],
    "mx": ["Monterrey"],
    "eg": ["Alexandria"],
    "ng": ["Ibadan"],
    "ke": ["Nairobi"],
    "ar": ["Córdoba"],
    "pk": ["Lahore"],
    "sa": ["Thuwal"],
    "ae": ["Abu Dhabi"],
    "vn": ["Hanoi"],
    "id": ["Bandung"],
    "tw": ["Hsinchu"],
    "hk": ["Hong Kong"],
    "by": ["Minsk"],
    "fi": ["Espoo", "Tampere"],
    "dk": ["Aarhus", "Lyngby"],
    "at": ["Graz", "Innsbruck"],
    "pt": ["Porto"],
    "cz": ["Brno"],
}

PARTNER_PATTERNS = [
    "University of {city}",
    "{city} University of Technology",
    "{city} Institute of Science",
    "{city} Research Centre",
    "{city} Polytechnic",
    "Institute for Advanced Materials {city}",
]
COMPANY_PATTERNS = [
    "{stem} Photonics",
    "{stem} Semiconductors",
    "{stem} Dynamics",
    "{stem} Biotech",
    "{stem} Aerospace",
    "{stem} Quantum Systems",
    "{stem} Analytics",
    "{stem} Energy",
]
COMPANY_STEMS = [
    "Nordwind",
    "Helix",
    "Aurora",
    "Kestrel",
    "Vantage",
    "Orion",
    "Tessel",
    "Lumen",
    "Meridian",
    "Cobalt",
    "Zephyr",
    "Granite",
    "Sable",
    "Halcyon",
]
COMPANY_SUFFIX = {
    "de": "GmbH",
    "nl": "B.V.",
    "gb": "Ltd",
    "us": "Inc.",
    "cn": "Co., Ltd.",
    "fr": "SAS",
    "jp": "K.K.",
    "kr": "Co., Ltd.",
    "ru": "LLC",
    "ch": "AG",
}

EXT_ORG_TYPE = (
    "/dk/atira/pure/ueoexternalorganisation/ueoexternalorganisationtypes/ueoexternalorganisation/"
)
EXT_ORG_TYPES = {
    "academic": "Academic",
    "corporate": "Corporate",
    "government": "Government",
    "nonprofit": "Non-profit",
    "unknown": "Unknown",
}


class Funder(NamedTuple):
    name: str
    acronym: str
    country: str
    currency: str
    kind: str  # external-organisation type key
    schemes: tuple[str, ...]


FUNDERS: list[Funder] = [
    Funder(
        "Dutch Research Council",
        "NWO",
        "nl",
        "EUR",
        "government",
        ("Vidi", "Vici", "Open Competition"),
    ),
    Funder(
        "European Research Council",
        "ERC",
        "be",
        "EUR",
        "government",
        ("Starting Grant", "Advanced Grant"),
    ),
    Funder("European Commission", "EC", "be", "EUR", "government", ("Horizon Europe", "EDF")),
    Funder("Deutsche Forschungsgemeinschaft", "DFG", "de", "EUR", "government", ("Sachbeihilfe",)),
    Funder(
        "Engineering and Physical Sciences Research Council",
        "EPSRC",
        "gb",
        "GBP",
        "government",
        ("Standard Research",),
    ),
    Funder("National Science Foundation", "NSF", "us", "USD", "government", ("CAREER", "EAGER")),
    Funder("Office of Naval Research Global", "ONRG", "us", "USD", "government", ("NICOP",)),
    Funder(
        "Air Force Office of Scientific Research", "AFOSR", "us", "USD", "government", ("EOARD",)
    ),
    Funder(
        "National Natural Science Foundation of China",
        "NSFC",
        "cn",
        "CNY",
        "government",
        ("Key Program", "International Cooperation"),
    ),
    Funder(
        "Japan Society for the Promotion of Science",
        "JSPS",
        "jp",
        "JPY",
        "government",
        ("KAKENHI",),
    ),
    Funder(
        "Swiss National Science Foundation", "SNSF", "ch", "CHF", "government", ("Project funding",)
    ),
    Funder("Russian Science Foundation", "RSF", "ru", "RUB", "government", ("Priority-2030",)),
    Funder(
        "National Research Foundation of Korea",
        "NRF",
        "kr",
        "KRW",
        "government",
        ("Global Research",),
    ),
    Funder(
        "Huawei Technologies Co., Ltd.",
        "",
        "cn",
        "CNY",
        "corporate",
        ("Innovation Research Program",),
    ),
    Funder("Wellcome Trust", "", "gb", "GBP", "nonprofit", ("Discovery Award",)),
    Funder("Novo Nordisk Foundation", "", "dk", "DKK", "nonprofit", ("Challenge Programme",)),
]

# Rough rates to the system currency (EUR) so awardedAmount and the awarded-currency amount agree.
EUR_PER = {
    "EUR": 1.0,
    "GBP": 1.17,
    "USD": 0.92,
    "CNY": 0.127,
    "JPY": 0.0061,
    "CHF": 1.04,
    "RUB": 0.0101,
    "KRW": 0.00068,
    "DKK": 0.134,
}


class Topic(NamedTuple):
    key: str
    label: str
    sensitive: bool
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]


TOPICS: list[Topic] = [
    Topic(
        "quantum",
        "Quantum technologies",
        True,
        (
            "quantum computing",
            "qubits",
            "quantum sensing",
            "entanglement",
            "quantum key distribution",
        ),
        (
            "superconducting qubits for error-corrected quantum computing",
            "quantum sensing with nitrogen-vacancy centres",
            "entanglement distribution over metropolitan fibre networks",
            "trapped-ion quantum simulators",
        ),
    ),
    Topic(
        "hypersonics",
        "Hypersonics and high-speed flight",
        True,
        ("hypersonic flow", "scramjet", "thermal protection", "re-entry"),
        (
            "scramjet combustion stability at Mach 6",
            "ultra-high-temperature ceramics for thermal protection",
            "boundary-layer transition in hypersonic flow",
        ),
    ),
    Topic(
        "ai",
        "Artificial intelligence",
        True,
        (
            "machine learning",
            "deep learning",
            "computer vision",
            "large language models",
            "autonomy",
        ),
        (
            "robust deep learning for autonomous perception",
            "large language models for scientific discovery",
            "explainable machine learning in clinical decision support",
            "multi-agent reinforcement learning",
        ),
    ),
    Topic(
        "semiconductors",
        "Semiconductors and microelectronics",
        True,
        ("EUV lithography", "GaN", "chip design", "wide-bandgap semiconductors"),
        (
            "gallium nitride power transistors",
            "EUV lithography resist chemistry",
            "neuromorphic chip architectures",
        ),
    ),
    Topic(
        "drones",
        "Unmanned systems and drones",
        True,
        ("UAV", "drone swarms", "autonomous navigation", "counter-UAS"),
        ("cooperative drone swarms for search and rescue", "GNSS-denied navigation of small UAVs"),
    ),
    Topic(
        "cryptography",
        "Cryptography and cyber security",
        True,
        (
            "post-quantum cryptography",
            "side-channel attacks",
            "intrusion detection",
            "homomorphic encryption",
        ),
        (
            "post-quantum cryptography for embedded devices",
            "side-channel resistant hardware",
            "homomorphic encryption for privacy-preserving analytics",
        ),
    ),
    Topic(
        "nuclear",
        "Nuclear science and engineering",
        True,
        ("nuclear fusion", "reactor physics", "radiation detection", "fissile materials"),
        (
            "plasma-facing materials for fusion reactors",
            "neutron detection for safeguards",
            "small modular reactor safety",
        ),
    ),
    Topic(
        "biotech",
        "Biotechnology and synthetic biology",
        True,
        ("synthetic biology", "gene editing", "CRISPR", "pathogen", "vaccine"),
        (
            "CRISPR-based gene drives",
            "pathogen surveillance with metagenomics",
            "mRNA vaccine platforms",
        ),
    ),
    Topic(
        "space",
        "Space technology",
        True,
        ("satellite", "remote sensing", "space propulsion", "SAR"),
        (
            "small-satellite constellations for earth observation",
            "electric propulsion for cubesats",
        ),
    ),
    Topic(
        "materials",
        "Advanced materials",
        True,
        ("metamaterials", "2D materials", "graphene", "additive manufacturing"),
        (
            "acoustic metamaterials",
            "graphene-based sensors",
            "additive manufacturing of titanium alloys",
        ),
    ),
    Topic(
        "climate",
        "Climate and environment",
        False,
        ("climate adaptation", "hydrology", "biodiversity", "carbon capture"),
        ("climate adaptation in river deltas", "biodiversity monitoring with citizen science"),
    ),
    Topic(
        "health",
        "Public health",
        False,
        ("epidemiology", "mental health", "ageing", "nutrition"),
        ("mental health of adolescents", "healthy ageing in rural communities"),
    ),
    Topic(
        "humanities",
        "Humanities",
        False,
        ("medieval history", "linguistics", "digital humanities", "heritage"),
        ("medieval manuscripts of the Low Countries", "language change in multilingual cities"),
    ),
    Topic(
        "social",
        "Social sciences and economics",
        False,
        ("labour markets", "migration", "governance", "education"),
        (
            "labour-market integration of refugees",
            "trust in local governance",
            "inequality in higher education",
        ),
    ),
    Topic(
        "energy",
        "Energy transition",
        False,
        ("batteries", "hydrogen", "solar cells", "smart grids"),
        ("solid-state batteries", "perovskite solar cells", "hydrogen storage in salt caverns"),
    ),
]
TOPIC_BY_KEY = {t.key: t for t in TOPICS}

# Faculty -> departments; each department leans towards some topics.
UNITS: dict[str, dict[str, tuple[str, ...]]] = {
    "Faculty of Science": {
        "Department of Physics": ("quantum", "nuclear", "materials", "space"),
        "Department of Chemistry": ("materials", "energy", "biotech"),
        "Department of Mathematics": ("cryptography", "ai", "social"),
        "Department of Computer Science": ("ai", "cryptography", "drones"),
    },
    "Faculty of Engineering": {
        "Department of Aerospace Engineering": ("hypersonics", "drones", "space"),
        "Department of Electrical Engineering": ("semiconductors", "quantum", "energy"),
        "Department of Mechanical Engineering": ("materials", "energy", "hypersonics"),
        "Department of Civil Engineering": ("climate", "energy"),
    },
    "Faculty of Medicine": {
        "Department of Microbiology": ("biotech", "health"),
        "Department of Epidemiology": ("health", "biotech"),
        "Department of Biomedical Engineering": ("biotech", "ai", "materials"),
    },
    "Faculty of Humanities": {
        "Department of History": ("humanities",),
        "Department of Linguistics": ("humanities", "ai"),
    },
    "Faculty of Social Sciences": {
        "Department of Economics": ("social", "climate"),
        "Department of Political Science": ("social", "cryptography"),
        "Department of Education": ("social", "health"),
    },
}
INSTITUTES: dict[str, tuple[str, ...]] = {
    "Institute for Quantum Technology": ("quantum", "semiconductors"),
    "Centre for Cyber Security": ("cryptography", "ai"),
}

FIRST_NAMES = [
    "Anna",
    "Pieter",
    "Sofia",
    "Jan",
    "Emma",
    "Lucas",
    "Mei",
    "Wei",
    "Yuki",
    "Hiroshi",
    "Olga",
    "Dmitri",
    "Fatemeh",
    "Reza",
    "Priya",
    "Arjun",
    "Amara",
    "Chinedu",
    "Laura",
    "Mateo",
    "Ingrid",
    "Lars",
    "Noor",
    "Omar",
    "Ji-woo",
    "Min-jun",
    "Aisha",
    "Tom",
    "Grace",
    "Carlos",
    "Elena",
    "Marco",
    "Zeynep",
    "Mehmet",
    "Sara",
    "David",
]
LAST_NAMES = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Müller",
    "Schmidt",
    "Zhang",
    "Wang",
    "Li",
    "Chen",
    "Tanaka",
    "Suzuki",
    "Ivanov",
    "Petrova",
    "Hosseini",
    "Ahmadi",
    "Sharma",
    "Patel",
    "Okafor",
    "Mensah",
    "García",
    "Rossi",
    "Johansson",
    "Haddad",
    "Kim",
    "Park",
    "Yilmaz",
    "Kaya",
    "Cohen",
    "Nguyen",
    "O'Brien",
    "Dubois",
    "Novak",
]
