"""Vocabulary of the synthetic university (plain data): units, topics, partners, funders."""

from __future__ import annotations

from typing import NamedTuple

COUNTRIES = {
    "DE": "Germany", "NL": "Netherlands", "FR": "France", "GB": "United Kingdom",
    "US": "United States", "CN": "China", "JP": "Japan", "KR": "Korea, Republic of",
    "IN": "India", "RU": "Russian Federation", "IR": "Iran, Islamic Republic of",
    "IL": "Israel", "CH": "Switzerland", "SE": "Sweden", "IT": "Italy", "ES": "Spain",
    "PL": "Poland", "BR": "Brazil", "SG": "Singapore", "AT": "Austria", "BY": "Belarus",
    "AU": "Australia", "CA": "Canada", "TR": "Turkey",
}  # fmt: skip

CITIES = {
    "DE": ["Bamberg", "Kassel", "Lübeck"], "NL": ["Leiden", "Delft"], "FR": ["Lyon", "Nantes"],
    "GB": ["Leeds", "Exeter"], "US": ["Madison", "Tucson"], "CN": ["Wuhan", "Chengdu"],
    "JP": ["Sendai", "Nagoya"], "KR": ["Daejeon"], "IN": ["Pune", "Chennai"],
    "RU": ["Tomsk", "Kazan"], "IR": ["Isfahan"], "IL": ["Haifa"], "CH": ["Basel"],
    "SE": ["Uppsala"], "IT": ["Padova"], "ES": ["Valencia"], "PL": ["Wrocław"],
    "BR": ["Campinas"], "SG": ["Singapore"], "AT": ["Graz"], "BY": ["Minsk"],
    "AU": ["Adelaide"], "CA": ["Waterloo"], "TR": ["Ankara"],
}  # fmt: skip

PARTNER_TEMPLATES = [
    ("University of {city}", "university"),
    ("{city} Institute of Technology", "university"),
    ("{city} Research Centre", "research"),
    ("{city} Photonics Ltd", "company"),
    ("{city} Advanced Materials Co.", "company"),
]

UNITS = [
    "Department of Physics", "Department of Computer Science", "Chair of Aerospace Engineering",
    "Institute of Materials Science", "Department of Chemistry", "Chair of Medieval History",
    "Institute of Public Health", "Department of Electrical Engineering",
    "Chair of Microbiology", "Institute of Economics", "Department of Mathematics",
    "Chair of Applied Mechanics",
]  # fmt: skip


class Topic(NamedTuple):
    name: str
    keywords: tuple[str, ...]
    sensitive: bool


TOPICS = [
    Topic("hypersonic flight", ("hypersonic propulsion", "scramjet", "thermal protection"), True),
    Topic("quantum communication", ("quantum key distribution", "quantum cryptography"), True),
    Topic("drone swarms", ("unmanned aerial vehicles", "autonomous navigation"), True),
    Topic("chip manufacturing", ("semiconductor lithography", "EUV", "3A001"), True),
    Topic("engineered microbes", ("synthetic biology", "gain of function", "pathogens"), True),
    Topic("reactor materials", ("nuclear fuel cycle", "radiation damage"), True),
    Topic("target recognition", ("machine learning", "automatic target recognition"), True),
    Topic("satellite positioning", ("GNSS", "satellite navigation", "space"), True),
    Topic("coastal ecosystems", ("ecology", "biodiversity", "coastal erosion"), False),
    Topic("medieval manuscripts", ("palaeography", "digital humanities"), False),
    Topic("childhood nutrition", ("public health", "nutrition"), False),
    Topic("urban mobility", ("transport", "cycling", "city planning"), False),
    Topic("energy transition", ("renewable energy", "energy policy", "wind power"), False),
    Topic("labour markets", ("economics", "migration", "wages"), False),
]

TITLE_TEMPLATES = [
    "Advances in {topic}",
    "{Topic}: methods and applications",
    "Towards robust {topic}",
    "A European network on {topic}",
    "Joint laboratory for {topic}",
]


class FunderSpec(NamedTuple):
    name: str
    country: str
    currency: str
    acronym: str | None
    ror: str | None


FUNDERS = [
    FunderSpec("Deutsche Forschungsgemeinschaft", "DE", "EUR", "DFG", "https://ror.org/018mejw64"),
    FunderSpec("European Commission", "BE", "EUR", "EC", "https://ror.org/00k4n6c32"),
    FunderSpec("National Natural Science Foundation of China", "CN", "CNY", "NSFC",
               "https://ror.org/01h0zpd94"),
    FunderSpec("Office of Naval Research", "US", "USD", "ONR", "https://ror.org/00rk2pe57"),
    FunderSpec("Russian Science Foundation", "RU", "RUB", "RSF", None),
    FunderSpec("Huawei Technologies", "CN", "CNY", None, "https://ror.org/00cmhce21"),
    FunderSpec("UK Research and Innovation", "GB", "GBP", "UKRI", "https://ror.org/001aqnf71"),
    FunderSpec("Japan Society for the Promotion of Science", "JP", "JPY", "JSPS", None),
    FunderSpec("Iran National Science Foundation", "IR", "IRR", "INSF", None),
    FunderSpec("Bundesministerium für Bildung und Forschung", "DE", "EUR", "BMBF", None),
    FunderSpec("Volkswagen Foundation", "DE", "EUR", None, None),
]  # fmt: skip

PROGRAMMES = ["Horizon Europe", "Collaborative Research Centre", "Young Investigator",
              "Key Research Program", None]  # fmt: skip
ROLES = ["partner", "partner", "coordinator", "subcontractor"]
PROJECT_TYPES = ["Third-party funded", "Own resources", "Contract research"]
STATUS = {1: "Draft", 2: "In review", 3: "Validated"}
FIRST = ["Anna", "Jonas", "Mei", "Omar", "Sofia", "Lukas", "Priya", "Ivan", "Elif", "Tom"]
FAMILY = ["Becker", "Zhang", "Okafor", "Novak", "Schmidt", "Rossi", "Kim", "Haddad", "Weber"]
