"""Deterministic synthetic ROR-like registry used as distractors by the matching benchmark.

The names follow real naming patterns (city x institution type, CAS and Max Planck institutes,
Italian "Università degli Studi di X", Russian "X State University" with Cyrillic labels, IITs …)
and include real-world confusers of the listed organisations (Harbin Medical University,
Northwestern University, Northwest University, Nanjing University of Posts and Telecommunications).
Ids are synthetic ROR-shaped strings and are NOT real ROR ids. A generated name whose key and
country equal a name of the shipped data is dropped, so labels of shipped organisations stay unique.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from kvrules.refdata.models import Entry, ListInfo
from kvrules.refdata.normalise import name_key

ROR_CHARS = "0123456789abcdefghjkmnpqrstvwxyz"

CN_CITIES = [
    ("Harbin", "哈尔滨"),
    ("Nanjing", "南京"),
    ("Beijing", "北京"),
    ("Shanghai", "上海"),
    ("Wuhan", "武汉"),
    ("Chengdu", "成都"),
    ("Xi'an", "西安"),
    ("Tianjin", "天津"),
    ("Shenyang", "沈阳"),
    ("Dalian", "大连"),
    ("Jinan", "济南"),
    ("Qingdao", "青岛"),
    ("Hangzhou", "杭州"),
    ("Suzhou", "苏州"),
    ("Xuzhou", "徐州"),
    ("Changsha", "长沙"),
    ("Guangzhou", "广州"),
    ("Shenzhen", "深圳"),
    ("Chongqing", "重庆"),
    ("Kunming", "昆明"),
    ("Lanzhou", "兰州"),
    ("Taiyuan", "太原"),
    ("Zhengzhou", "郑州"),
    ("Hefei", "合肥"),
    ("Nanchang", "南昌"),
    ("Fuzhou", "福州"),
    ("Xiamen", "厦门"),
    ("Nanning", "南宁"),
    ("Guiyang", "贵阳"),
    ("Changchun", "长春"),
    ("Shijiazhuang", "石家庄"),
    ("Hohhot", "呼和浩特"),
    ("Urumqi", "乌鲁木齐"),
    ("Ningbo", "宁波"),
    ("Wenzhou", "温州"),
    ("Yangzhou", "扬州"),
    ("Qiqihar", "齐齐哈尔"),
    ("Daqing", "大庆"),
    ("Jiamusi", "佳木斯"),
    ("Baotou", "包头"),
    ("Luoyang", "洛阳"),
    ("Kaifeng", "开封"),
    ("Wuxi", "无锡"),
    ("Changzhou", "常州"),
    ("Nantong", "南通"),
    ("Yantai", "烟台"),
    ("Weifang", "潍坊"),
    ("Zhanjiang", "湛江"),
    ("Guilin", "桂林"),
    ("Hainan", "海南"),
    ("Henan", "河南"),
    ("Hunan", "湖南"),
    ("Hubei", "湖北"),
    ("Hebei", "河北"),
    ("Shanxi", "山西"),
    ("Shaanxi", "陕西"),
    ("Jiangsu", "江苏"),
    ("Zhejiang", "浙江"),
    ("Anhui", "安徽"),
    ("Fujian", "福建"),
    ("Jiangxi", "江西"),
    ("Shandong", "山东"),
    ("Guangdong", "广东"),
    ("Sichuan", "四川"),
    ("Yunnan", "云南"),
    ("Guizhou", "贵州"),
    ("Gansu", "甘肃"),
    ("Qinghai", "青海"),
    ("Jilin", "吉林"),
    ("Liaoning", "辽宁"),
    ("Heilongjiang", "黑龙江"),
    ("Inner Mongolia", "内蒙古"),
]
CN_TYPES = [
    ("{c} University", "{z}大学", "Daxue"),
    ("{c} University of Technology", "{z}理工大学", "Ligong Daxue"),
    ("{c} Normal University", "{z}师范大学", "Shifan Daxue"),
    ("{c} Medical University", "{z}医科大学", "Yike Daxue"),
    ("{c} University of Science and Technology", "{z}科技大学", "Keji Daxue"),
    ("{c} Agricultural University", "{z}农业大学", "Nongye Daxue"),
    ("{c} University of Finance and Economics", "{z}财经大学", "Caijing Daxue"),
    ("{c} University of Traditional Chinese Medicine", "{z}中医药大学", "Zhongyiyao Daxue"),
    ("{c} Polytechnic University", "{z}工业大学", "Gongye Daxue"),
    ("{c} Jiaotong University", "{z}交通大学", "Jiaotong Daxue"),
    ("{c} University of Posts and Telecommunications", "{z}邮电大学", "Youdian Daxue"),
    ("{c} Forestry University", "{z}林业大学", "Linye Daxue"),
    ("{c} Institute of Technology", "{z}工程学院", "Gongcheng Xueyuan"),
    (
        "{c} University of Aeronautics and Astronautics",
        "{z}航空航天大学",
        "Hangkong Hangtian Daxue",
    ),
]
CAS_SUBJECTS = [
    "Physics",
    "Chemistry",
    "Automation",
    "Semiconductors",
    "Acoustics",
    "Mechanics",
    "Computing Technology",
    "Software",
    "Microelectronics",
    "Zoology",
    "Botany",
    "Geology and Geophysics",
    "Atmospheric Physics",
    "Oceanology",
    "High Energy Physics",
    "Theoretical Physics",
    "Process Engineering",
    "Metal Research",
    "Optics and Electronics",
    "Biophysics",
    "Genetics and Developmental Biology",
    "Microbiology",
    "Psychology",
    "Electrical Engineering",
    "Engineering Thermophysics",
    "Remote Sensing and Digital Earth",
    "Information Engineering",
    "Coal Chemistry",
    "Urban Environment",
    "Soil Science",
    "Hydrobiology",
    "Tibetan Plateau Research",
    "Mathematics and Systems Science",
    "Applied Ecology",
    "Neuroscience",
    "Nutrition and Health",
]
US_STATES = [
    "Alabama",
    "Alaska",
    "Arizona",
    "Arkansas",
    "California",
    "Colorado",
    "Connecticut",
    "Delaware",
    "Florida",
    "Georgia",
    "Hawaii",
    "Idaho",
    "Illinois",
    "Indiana",
    "Iowa",
    "Kansas",
    "Kentucky",
    "Louisiana",
    "Maine",
    "Maryland",
    "Michigan",
    "Minnesota",
    "Mississippi",
    "Missouri",
    "Montana",
    "Nebraska",
    "Nevada",
    "New Hampshire",
    "New Jersey",
    "New Mexico",
    "New York",
    "North Carolina",
    "North Dakota",
    "Ohio",
    "Oklahoma",
    "Oregon",
    "Pennsylvania",
    "Rhode Island",
    "South Carolina",
    "South Dakota",
    "Tennessee",
    "Texas",
    "Utah",
    "Vermont",
    "Virginia",
    "Washington",
    "West Virginia",
    "Wisconsin",
    "Wyoming",
]
US_CITIES = [
    "Boston",
    "Chicago",
    "Houston",
    "Phoenix",
    "Philadelphia",
    "San Antonio",
    "San Diego",
    "Dallas",
    "Austin",
    "Jacksonville",
    "Columbus",
    "Charlotte",
    "Indianapolis",
    "Seattle",
    "Denver",
    "Nashville",
    "Portland",
    "Memphis",
    "Louisville",
    "Baltimore",
    "Milwaukee",
    "Albuquerque",
    "Tucson",
    "Fresno",
    "Sacramento",
    "Atlanta",
    "Omaha",
    "Miami",
    "Cleveland",
    "Pittsburgh",
    "Cincinnati",
    "Rochester",
    "Buffalo",
    "Toledo",
    "Dayton",
    "Akron",
    "Hartford",
    "Providence",
    "Richmond",
    "Spokane",
    "Tacoma",
    "Tulsa",
    "Wichita",
    "Lincoln",
    "Madison",
]
US_TYPES = [
    "University of {c}",
    "{c} State University",
    "{c} College",
    "{c} Community College",
    "{c} Children's Hospital",
    "{c} General Hospital",
    "{c} Medical Center",
    "{c} Institute of Technology",
    "{c} School of Medicine",
    "{c} Museum of Natural History",
]
IT_CITIES = [
    ("Milano", "Milan"),
    ("Torino", "Turin"),
    ("Genova", "Genoa"),
    ("Padova", "Padua"),
    ("Napoli", "Naples"),
    ("Firenze", "Florence"),
    ("Bologna", "Bologna"),
    ("Pavia", "Pavia"),
    ("Pisa", "Pisa"),
    ("Siena", "Siena"),
    ("Perugia", "Perugia"),
    ("Bari", "Bari"),
    ("Palermo", "Palermo"),
    ("Catania", "Catania"),
    ("Messina", "Messina"),
    ("Cagliari", "Cagliari"),
    ("Sassari", "Sassari"),
    ("Trieste", "Trieste"),
    ("Trento", "Trento"),
    ("Udine", "Udine"),
    ("Verona", "Verona"),
    ("Ferrara", "Ferrara"),
    ("Parma", "Parma"),
    ("Modena e Reggio Emilia", "Modena and Reggio Emilia"),
    ("Brescia", "Brescia"),
    ("Bergamo", "Bergamo"),
    ("Macerata", "Macerata"),
    ("Camerino", "Camerino"),
    ("Urbino", "Urbino"),
    ("Salerno", "Salerno"),
    ("Foggia", "Foggia"),
    ("Teramo", "Teramo"),
    ("L'Aquila", "L'Aquila"),
    ("Cassino", "Cassino"),
    ("Insubria", "Insubria"),
    ("Milano-Bicocca", "Milano-Bicocca"),
    ("Roma Tor Vergata", "Rome Tor Vergata"),
    ("Roma Tre", "Roma Tre"),
    ("Napoli Federico II", "Naples Federico II"),
    ("Catanzaro", "Catanzaro"),
    ("Enna", "Enna"),
    ("Chieti-Pescara", "Chieti-Pescara"),
]
DE_CITIES = [
    ("München", "Munich"),
    ("Köln", "Cologne"),
    ("Berlin", "Berlin"),
    ("Hamburg", "Hamburg"),
    ("Frankfurt", "Frankfurt"),
    ("Stuttgart", "Stuttgart"),
    ("Düsseldorf", "Dusseldorf"),
    ("Dortmund", "Dortmund"),
    ("Essen", "Essen"),
    ("Leipzig", "Leipzig"),
    ("Bremen", "Bremen"),
    ("Dresden", "Dresden"),
    ("Hannover", "Hanover"),
    ("Nürnberg", "Nuremberg"),
    ("Bochum", "Bochum"),
    ("Bonn", "Bonn"),
    ("Münster", "Muenster"),
    ("Karlsruhe", "Karlsruhe"),
    ("Mannheim", "Mannheim"),
    ("Augsburg", "Augsburg"),
    ("Kiel", "Kiel"),
    ("Aachen", "Aachen"),
    ("Freiburg", "Freiburg"),
    ("Heidelberg", "Heidelberg"),
    ("Göttingen", "Gottingen"),
    ("Tübingen", "Tubingen"),
    ("Würzburg", "Wurzburg"),
    ("Regensburg", "Regensburg"),
    ("Jena", "Jena"),
    ("Rostock", "Rostock"),
    ("Kassel", "Kassel"),
    ("Darmstadt", "Darmstadt"),
    ("Ulm", "Ulm"),
    ("Bayreuth", "Bayreuth"),
    ("Konstanz", "Konstanz"),
    ("Mainz", "Mainz"),
    ("Potsdam", "Potsdam"),
]
DE_TYPES = [
    ("Universität {c}", "University of {e}"),
    ("Technische Universität {c}", "Technical University of {e}"),
    ("Hochschule {c}", "{e} University of Applied Sciences"),
    ("Universitätsklinikum {c}", "University Hospital {e}"),
]
MPI_SUBJECTS = [
    ("Astrophysics", "Astrophysik"),
    ("Biochemistry", "Biochemie"),
    ("Chemical Physics of Solids", "Chemische Physik fester Stoffe"),
    ("Dynamics and Self-Organization", "Dynamik und Selbstorganisation"),
    ("Evolutionary Anthropology", "evolutionäre Anthropologie"),
    ("Extraterrestrial Physics", "extraterrestrische Physik"),
    ("Gravitational Physics", "Gravitationsphysik"),
    ("Informatics", "Informatik"),
    ("Intelligent Systems", "Intelligente Systeme"),
    ("Iron Research", "Eisenforschung"),
    ("Mathematics", "Mathematik"),
    ("Medical Research", "medizinische Forschung"),
    ("Meteorology", "Meteorologie"),
    ("Molecular Genetics", "molekulare Genetik"),
    ("Nuclear Physics", "Kernphysik"),
    ("Plasma Physics", "Plasmaphysik"),
    ("Polymer Research", "Polymerforschung"),
    ("Quantum Optics", "Quantenoptik"),
    ("Radio Astronomy", "Radioastronomie"),
    ("Solar System Research", "Sonnensystemforschung"),
    ("Software Systems", "Softwaresysteme"),
    ("Security and Privacy", "Sicherheit und Privatsphäre"),
    ("Psychiatry", "Psychiatrie"),
    ("Neurobiology of Behavior", "Neurobiologie des Verhaltens"),
]
FR_CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nice",
    "Nantes",
    "Strasbourg",
    "Montpellier",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Reims",
    "Grenoble",
    "Dijon",
    "Angers",
    "Nîmes",
    "Tours",
    "Limoges",
    "Amiens",
    "Perpignan",
    "Metz",
    "Besançon",
    "Orléans",
    "Rouen",
    "Caen",
    "Nancy",
    "Poitiers",
    "Pau",
    "Brest",
    "La Rochelle",
]
RU_CITIES = [
    ("Tomsk", "Томский"),
    ("Novosibirsk", "Новосибирский"),
    ("Kazan", "Казанский"),
    ("Samara", "Самарский"),
    ("Saratov", "Саратовский"),
    ("Voronezh", "Воронежский"),
    ("Perm", "Пермский"),
    ("Omsk", "Омский"),
    ("Irkutsk", "Иркутский"),
    ("Tver", "Тверской"),
    ("Tula", "Тульский"),
    ("Kursk", "Курский"),
    ("Orenburg", "Оренбургский"),
    ("Penza", "Пензенский"),
    ("Ryazan", "Рязанский"),
    ("Yaroslavl", "Ярославский"),
    ("Vladimir", "Владимирский"),
    ("Ivanovo", "Ивановский"),
    ("Kemerovo", "Кемеровский"),
    ("Tyumen", "Тюменский"),
    ("Chelyabinsk", "Челябинский"),
    ("Astrakhan", "Астраханский"),
    ("Volgograd", "Волгоградский"),
    ("Belgorod", "Белгородский"),
    ("Bryansk", "Брянский"),
    ("Kaluga", "Калужский"),
    ("Smolensk", "Смоленский"),
    ("Petrozavodsk", "Петрозаводский"),
    ("Altai", "Алтайский"),
    ("Moscow", "Московский"),
]
RU_TYPES = [
    ("{c} State University", "{r} государственный университет"),
    ("{c} State Technical University", "{r} государственный технический университет"),
    ("{c} Polytechnic University", "{r} политехнический университет"),
    ("{c} State Medical University", "{r} государственный медицинский университет"),
    ("{c} State Pedagogical University", "{r} государственный педагогический университет"),
]
JP_CITIES = [
    ("Kyoto", "京都"),
    ("Osaka", "大阪"),
    ("Nagoya", "名古屋"),
    ("Kobe", "神戸"),
    ("Sapporo", "札幌"),
    ("Sendai", "仙台"),
    ("Fukuoka", "福岡"),
    ("Hiroshima", "広島"),
    ("Okayama", "岡山"),
    ("Kumamoto", "熊本"),
    ("Kanazawa", "金沢"),
    ("Niigata", "新潟"),
    ("Chiba", "千葉"),
    ("Yokohama", "横浜"),
    ("Nagasaki", "長崎"),
    ("Kagoshima", "鹿児島"),
    ("Shinshu", "信州"),
    ("Gifu", "岐阜"),
    ("Mie", "三重"),
    ("Yamaguchi", "山口"),
    ("Tokushima", "徳島"),
    ("Kochi", "高知"),
    ("Ehime", "愛媛"),
    ("Saga", "佐賀"),
    ("Akita", "秋田"),
]
JP_TYPES = [
    ("{c} University", "{k}大学"),
    ("{c} Institute of Technology", "{k}工業大学"),
    ("{c} Medical University", "{k}医科大学"),
    ("{c} University of Education", "{k}教育大学"),
]
IN_IIT = [
    "Bombay",
    "Delhi",
    "Madras",
    "Kanpur",
    "Kharagpur",
    "Roorkee",
    "Guwahati",
    "Hyderabad",
    "Indore",
    "Mandi",
    "Patna",
    "Ropar",
    "Jodhpur",
    "Gandhinagar",
    "Bhubaneswar",
    "Tirupati",
    "Palakkad",
    "Dharwad",
    "Goa",
    "Jammu",
    "Bhilai",
]
ES_CITIES = [
    "Madrid",
    "Barcelona",
    "Valencia",
    "Sevilla",
    "Zaragoza",
    "Málaga",
    "Murcia",
    "Granada",
    "Salamanca",
    "Oviedo",
    "Cantabria",
    "Navarra",
    "Córdoba",
    "Alicante",
    "Extremadura",
    "Valladolid",
    "Burgos",
    "León",
    "Jaén",
    "Almería",
    "Cádiz",
    "Huelva",
]
BR_STATES = [
    "Minas Gerais",
    "Rio de Janeiro",
    "Rio Grande do Sul",
    "Santa Catarina",
    "Paraná",
    "Bahia",
    "Pernambuco",
    "Ceará",
    "Goiás",
    "Pará",
    "Amazonas",
    "Espírito Santo",
    "São Paulo",
    "Sergipe",
    "Alagoas",
    "Paraíba",
    "Piauí",
    "Maranhão",
    "Tocantins",
]
GB_CITIES = [
    "Birmingham",
    "Manchester",
    "Leeds",
    "Sheffield",
    "Bristol",
    "Liverpool",
    "Nottingham",
    "Leicester",
    "Southampton",
    "Exeter",
    "York",
    "Durham",
    "Bath",
    "Warwick",
    "Sussex",
    "Kent",
    "Surrey",
    "Essex",
    "Reading",
    "Glasgow",
    "Edinburgh",
    "Aberdeen",
    "Dundee",
    "Stirling",
    "Cardiff",
    "Swansea",
    "Bangor",
    "Hull",
    "Lancaster",
]

# Real confusers of listed organisations, kept with their own (synthetic) ids.
HARD_NEGATIVES = [
    ("Northwestern University", "US", [], ["NU"], None),
    ("Northwest University", "CN", ["西北大学"], ["NWU"], None),
    ("Northwestern Polytechnic University", "US", [], ["NPU"], None),
    ("Northeast Normal University", "CN", ["东北师范大学"], ["NENU"], None),
    ("Northeast Forestry University", "CN", ["东北林业大学"], ["NEFU"], None),
    ("Harbin University", "CN", ["哈尔滨学院"], [], None),
    ("Nanjing Tech University", "CN", ["南京工业大学"], ["NJTech"], None),
    ("Tsinghua University Press", "CN", ["清华大学出版社"], [], None),
    ("Peking Union Medical College", "CN", ["北京协和医学院"], ["PUMC"], None),
    ("Tomsk State University", "RU", ["Томский государственный университет"], ["TSU"], None),
    ("Moscow State Technical University of Civil Aviation", "RU", [], [], None),
    ("Harbin Institute of Technology, Shenzhen", "CN", ["哈尔滨工业大学（深圳）"], [], "01yqg2h08"),
    ("Harbin Institute of Technology at Weihai", "CN", ["哈尔滨工业大学（威海）"], [], "01yqg2h08"),
    ("Beihang University Hangzhou Innovation Institute", "CN", [], [], "00wk2mp56"),
    ("University of Tokyo Hospital", "JP", ["東京大学医学部附属病院"], [], "057zh3y96"),
    ("Sichuan University West China Hospital", "CN", ["四川大学华西医院"], [], "011ashp19"),
]


def _ror_id(rng: random.Random, used: set[str]) -> str:
    while True:
        rid = "0" + "".join(rng.choice(ROR_CHARS) for _ in range(6)) + f"{rng.randrange(100):02d}"
        if rid not in used:
            used.add(rid)
            return rid


def _acronym(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[0].isupper()]
    return "".join(w[0] for w in words)[:6]


def generate(reserved: Iterable[tuple[str, str]] = (), seed: int = 1286) -> list[Entry]:
    """Synthetic registry entries; a name whose (key, country) is in ``reserved`` is skipped."""
    rng = random.Random(seed)
    reserved = set(reserved)
    used_ids: set[str] = set()
    seen: set[tuple[str, str]] = set()
    out: list[Entry] = []

    def add(
        name: str,
        country: str,
        aliases: Iterable[str] = (),
        native: Iterable[str] = (),
        acronyms: Iterable[str] | None = None,
        parent: str | None = None,
    ) -> None:
        aliases = [a for a in aliases if (name_key(a), country) not in reserved]
        native = [a for a in native if (name_key(a), country) not in reserved]
        key = name_key(name)
        if (key, country) in reserved or (key, country) in seen:
            return
        seen.add((key, country))
        rid = _ror_id(rng, used_ids)
        out.append(
            Entry(
                entry_id=rid,
                ror_id=rid,
                name=name,
                aliases=aliases,
                native_names=native,
                country=country,
                acronyms=list(acronyms) if acronyms is not None else [_acronym(name)],
                parent_ror_id=parent,
                attributes={"synthetic": True},
            )
        )

    for name, cc, native, acr, parent in HARD_NEGATIVES:
        add(name, cc, native=native, acronyms=acr, parent=parent)
    for city, zh in CN_CITIES:
        for en, zpat, py in CN_TYPES:
            add(
                en.format(c=city),
                "CN",
                aliases=[f"{city.replace(chr(39), '')} {py}"],
                native=[zpat.format(z=zh)],
            )
    add("Chinese Academy of Sciences", "CN", native=["中国科学院"], acronyms=["CAS"])
    cas = out[-1].entry_id
    for subj in CAS_SUBJECTS:
        add(
            f"Institute of {subj}, Chinese Academy of Sciences",
            "CN",
            aliases=[f"Institute of {subj}, CAS"],
            parent=cas,
        )
    for st in US_STATES:
        for pat in US_TYPES[:2] + US_TYPES[7:8]:
            add(pat.format(c=st), "US")
    for c in US_CITIES:
        for pat in US_TYPES:
            if "{c}" in pat and rng.random() < 0.6:
                add(pat.format(c=c), "US")
    for it, en in IT_CITIES:
        add(f"Università degli Studi di {it}", "IT", aliases=[f"University of {en}"])
    for it, en in [("Milano", "Milan"), ("Torino", "Turin"), ("Bari", "Bari")]:
        add(f"Politecnico di {it}", "IT", aliases=[f"Polytechnic University of {en}"])
    add("Sapienza Università di Roma", "IT", aliases=["Sapienza University of Rome"])
    add("Università per Stranieri di Siena", "IT", aliases=["University for Foreigners of Siena"])
    add("Università per Stranieri di Perugia", "IT")
    add("Università degli Studi della Campania Luigi Vanvitelli", "IT")
    for de, en in DE_CITIES:
        for dpat, epat in DE_TYPES:
            if rng.random() < 0.7:
                add(dpat.format(c=de), "DE", aliases=[epat.format(e=en)])
    mpg = "01hhn8329"
    for en, de in MPI_SUBJECTS:
        add(
            f"Max Planck Institute for {en}",
            "DE",
            aliases=[f"Max-Planck-Institut für {de}"],
            parent=mpg,
        )
    for c in FR_CITIES:
        add(f"Université de {c}", "FR", aliases=[f"University of {c}"])
        if rng.random() < 0.5:
            add(f"École Centrale de {c}", "FR")
        if rng.random() < 0.5:
            add(f"Centre Hospitalier Universitaire de {c}", "FR", aliases=[f"CHU de {c}"])
    for city, adj in RU_CITIES:
        for en, ru in RU_TYPES:
            add(en.format(c=city), "RU", native=[ru.format(r=adj)])
    for city, kanji in JP_CITIES:
        for en, ja in JP_TYPES:
            add(en.format(c=city), "JP", native=[ja.format(k=kanji)])
    for c in IN_IIT:
        add(f"Indian Institute of Technology {c}", "IN", aliases=[f"IIT {c}"])
        add(f"National Institute of Technology {c}", "IN")
    for c in ES_CITIES:
        add(f"Universidad de {c}", "ES", aliases=[f"University of {c}"])
        add(f"Hospital Universitario de {c}", "ES")
    for st in BR_STATES:
        add(f"Universidade Federal de {st}", "BR", aliases=[f"Federal University of {st}"])
        add(f"Universidade Estadual de {st}", "BR")
        add(f"Instituto Federal de {st}", "BR")
    for c in GB_CITIES:
        add(f"University of {c}", "GB")
        add(f"{c} Royal Infirmary", "GB")
        add(f"{c} College of Further Education", "GB")
    # Research institutes and companies in many places, to reach a ROR-sized name distribution.
    fields = [
        "Cancer Research",
        "Marine Biology",
        "Applied Physics",
        "Energy Research",
        "Public Health",
        "Materials Science",
        "Tropical Medicine",
        "Agricultural Research",
        "Economic Research",
        "Advanced Study",
        "Space Research",
        "Environmental Science",
        "Robotics",
        "Quantum Technology",
        "Water Research",
        "Forest Research",
    ]
    places = (
        [c for c, _ in CN_CITIES]
        + US_CITIES
        + [e for _, e in DE_CITIES]
        + FR_CITIES
        + [c for c, _ in RU_CITIES]
        + [c for c, _ in JP_CITIES]
        + ES_CITIES
        + GB_CITIES
    )
    country_of = {}
    for group, cc in ((CN_CITIES, "CN"), (RU_CITIES, "RU"), (JP_CITIES, "JP")):
        country_of.update({c: cc for c, _ in group})
    country_of.update(
        {c: "US" for c in US_CITIES}
        | {e: "DE" for _, e in DE_CITIES}
        | {c: "FR" for c in FR_CITIES}
        | {c: "ES" for c in ES_CITIES}
        | {c: "GB" for c in GB_CITIES}
    )
    for place in places:
        for fld in rng.sample(fields, 7):
            add(
                f"{place} Institute for {fld}",
                country_of[place],
                aliases=[f"{fld} Institute {place}"],
            )
        for kind in rng.sample(
            [
                "Instruments",
                "Biotech",
                "Semiconductor",
                "Aerospace",
                "Pharmaceutical",
                "Optics",
                "Software",
                "Materials",
            ],
            3,
        ):
            add(
                f"{place} {kind} Co., Ltd.",
                country_of[place],
                acronyms=[],
                aliases=[f"{place} {kind} Company"],
            )
    return out


def registry_info() -> ListInfo:
    return ListInfo(
        list_id="bench_ror",
        edition="synthetic-1",
        kind="registry",
        title="Synthetic ROR-like distractors (benchmark only; ids are not real)",
        licence="CC0 (generated)",
    )
