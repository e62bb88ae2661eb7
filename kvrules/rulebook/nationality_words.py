"""Words that name a nationality or an ethnic group ("Iranian", "Chinese", "Uyghur"): a rule
comparing a project's or output's free text (its title, its keywords) with one would screen
people by who they are, which ``legal_basis`` alone may justify (``kvrules.rulebook.condition``,
the guard beside ``visit.purpose``'s). Country names are not here: "Iran nuclear programme" in
a title says what a project is about.

The demonyms of the UN member and observer states and of territories that publish research,
in English, with the Dutch forms of the usual ones (the shipped rulebooks' jurisdiction), and
ethnic groups that appear in research-security reporting. Written for kvrules; a word missing
here is a word the guard misses, not a rule that goes through unreviewed: rulebook review
still applies.
"""

from __future__ import annotations

import re

NATIONALITY_WORDS = frozenset(
    """
    afghan albanian algerian american andorran angolan antiguan argentine argentinian armenian
    australian austrian azerbaijani azeri bahamian bahraini bangladeshi barbadian belarusian
    belgian belizean beninese bhutanese bolivian bosnian botswanan brazilian british bruneian
    bulgarian burkinabe burmese burundian cambodian cameroonian canadian cape-verdean chadian
    chilean chinese colombian comoran congolese costa-rican croatian cuban cypriot czech danish
    djiboutian dominican dutch ecuadorian egyptian emirati english equatoguinean eritrean
    estonian ethiopian fijian filipino finnish french gabonese gambian georgian german
    ghanaian greek grenadian guatemalan guinean guyanese haitian honduran hungarian icelandic
    indian indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian
    kazakh kazakhstani kenyan kiribati korean kosovar kuwaiti kyrgyz lao laotian latvian
    lebanese liberian libyan liechtensteiner lithuanian luxembourgish macedonian malagasy
    malawian malaysian maldivian malian maltese marshallese mauritanian mauritian mexican
    micronesian moldovan monegasque mongolian montenegrin moroccan mozambican namibian
    nauruan nepalese nepali zealander nicaraguan nigerian nigerien norwegian omani pakistani
    palauan palestinian panamanian papuan paraguayan persian peruvian philippine polish
    portuguese qatari romanian russian rwandan salvadoran samoan sammarinese saudi scottish
    senegalese serbian seychellois sierra-leonean singaporean slovak slovakian slovenian
    somali south-african spanish sri-lankan sudanese surinamese swazi swedish swiss
    syrian taiwanese tajik tajikistani tanzanian thai timorese togolese tongan trinidadian
    tunisian turkish turkmen tuvaluan ugandan ukrainian uruguayan uzbek uzbekistani vanuatuan
    venezuelan vietnamese welsh yemeni zambian zimbabwean hongkonger macanese
    afghaans amerikaans belgisch brits chinees duits egyptisch frans grieks iraans iraaks
    israëlisch italiaans japans koreaans marokkaans noord-koreaans oekraïens pakistaans pools
    russisch saoedisch spaans syrisch turks vietnamees
    uyghur uighur tibetan hui kurdish kurd baloch baluch pashtun hazara tamil sikh
    romani sinti jewish arab berber amazigh rohingya chechen tatar circassian druze yazidi
    mizrahi ashkenazi bedouin
    """.split()  # noqa: SIM905 (a word list reads as words, not 230 quoted items)
)
# Names of organisations, places and technical terms that begin with a nationality word but
# say nothing of a person's nationality: a rule may name them. Whole phrases only, folded;
# "Chinese students" or "Iranian-born" beside one is still found. Where each comes from:
ALLOWED_PHRASES = frozenset(
    [
        # cell lines and diseases, as MeSH names them (NLM MeSH 2025: "CHO Cells" D016466,
        # "Encephalitis Virus, Japanese" D004664, "Medicine, Chinese Traditional" D008516)
        "chinese hamster ovary",
        "japanese encephalitis",
        "chinese traditional medicine",
        "traditional chinese medicine",
        # seas and regions, as the IHO's "Limits of Oceans and Seas" (S-23) names them
        "indian ocean",
        "arabian sea",
        # organisations, by their registered or usual English names (their own sites; several
        # are on export-control lists a rule may well need to name)
        "turkish aerospace industries",
        "turkish aerospace",
        "saudi aramco",
        "chinese academy of sciences",
        "chinese academy of engineering",
        "russian academy of sciences",
        "indian institute of technology",
        "indian institute of science",
        "indian space research organisation",
        "korean air",
        "iranian space agency",
    ]
)
# A nationality word followed directly by a phrase naming a state body or a state's weapons
# programme ("Iranian nuclear programme", "Russian defence ministry", "Chinese army", "North
# Korean regime") names the state, not people: what sanctions and export-control lists
# designate (ministries, armed forces, state programmes, the Revolutionary Guard) and a rule
# may need to name. Only these phrases, right after the word: a bare "programme", "military"
# or "state" also ends "Chinese doctoral programme", "Chinese military students" and "Chinese
# state scholarship council", which select people. And the word after the phrase is read too:
# "Chinese army officers", "Iranian government scholarship" still name people.
STATE_BODY_PHRASES = (
    "nuclear programme",
    "nuclear programmes",
    "nuclear program",
    "nuclear programs",
    "nuclear weapons programme",
    "nuclear weapons program",
    "missile programme",
    "missile programmes",
    "missile program",
    "missile programs",
    "ballistic missile programme",
    "ballistic missile program",
    "space programme",
    "space program",
    "weapons programme",
    "weapons program",
    "defence ministry",
    "defense ministry",
    "ministry of defence",
    "ministry of defense",
    "foreign ministry",
    "government",
    "state council",
    "regime",
    "army",
    "navy",
    "air force",
    "armed forces",
    "military",
    "revolutionary guard",
    "revolutionary guards",
    "intelligence service",
    "intelligence services",
    "security service",
    "security services",
)
PEOPLE_WORDS = frozenset(
    """
    researcher researchers scientist scientists scholar scholars student students national
    nationals citizen citizens visitor visitors people person persons staff employee employees
    worker workers engineer engineers academic academics author authors phd postdoc postdocs
    fellow fellows applicant applicants candidate candidates resident residents immigrant
    immigrants diaspora origin descent born passport passports nationality ethnicity exchange
    member members team teams group groups family families man men woman women
    speaker speakers officer officers soldier soldiers personnel veteran veterans cadet cadets
    recruit recruits trainee trainees alumni talent talents spouse spouses child children
    """.split()  # noqa: SIM905
)
# Words of education and of grants to people: after a nationality word and a state-body
# phrase ("Chinese military academy students", "Iranian government scholarship") they name a
# programme for people, not the state.
EDUCATION_WORDS = frozenset(
    """
    doctoral doctorate graduate graduates undergraduate undergraduates postgraduate
    postgraduates scholarship scholarships fellowship fellowships studentship studentships
    stipend stipends training education educational school schools college colleges
    university universities academy academies visiting recruitment study studies
    """.split()  # noqa: SIM905
)
_NATIONALITY_ALTERNATIVES = "|".join(
    re.escape(w) for w in sorted(NATIONALITY_WORDS, key=len, reverse=True)
)
_STATE_BODY_ALTERNATIVES = "|".join(
    r"\s+".join(map(re.escape, phrase.split()))
    for phrase in sorted(STATE_BODY_PHRASES, key=len, reverse=True)
)
_STATE_BODY = re.compile(
    rf"(?<![\w-])(?:{_NATIONALITY_ALTERNATIVES})\s+(?:{_STATE_BODY_ALTERNATIVES})(?![\w-])"
    r"(?=\s+([\w'-]+))?"
)


def _names_people(word: str) -> bool:
    word = word.strip("'-")
    return any(form in PEOPLE_WORDS or form in EDUCATION_WORDS for form in (word, *word.split("-")))


def _without_state_bodies(text: str) -> str:
    """``text`` (folded) with each "nationality word + state-body phrase" taken out, unless
    the word after it names people or their education."""

    def taken_out(m: re.Match[str]) -> str:
        if m.group(1) is not None and _names_people(m.group(1)):
            return m.group(0)
        return " "

    return _STATE_BODY.sub(taken_out, text)


# "Chinese students", "Iranians", "[Ii]ranian": the word however a literal or pattern spells it
_CASE_PAIR = re.compile(r"\[([^\W\d_])([^\W\d_])\]")
_NOT_A_LETTER = re.compile(r"[^\w'-]+")
# A pattern's word with a wildcard inside it ("Chin.se", "Iran\w+n"): matched against the list
_WILDCARD_WORD = re.compile(r"[\w\\.\[\]?+*{}'-]*[\\.\[?][\w\\.\[\]?+*{}'-]*")


def _without_allowed(text: str) -> str:
    """``text`` (folded) with each allowed phrase taken out, spacing of any width between
    its words ("Saudi  Aramco")."""
    for phrase in ALLOWED_PHRASES:
        text = re.sub(r"\s+".join(map(re.escape, phrase.split())), " ", text)
    return text


def _wildcard_words(text: str) -> list[str]:
    """The list's words a pattern word with a wildcard inside it matches ("chin.se")."""
    found = []
    for token in _WILDCARD_WORD.findall(text):
        token = token.strip(".*+?")
        if not token or not re.search(r"\w", token):
            continue
        try:
            pattern = re.compile(token)
        except re.error:
            continue
        found += sorted(w for w in NATIONALITY_WORDS if pattern.fullmatch(w))
    return found


def nationality_words_in(literal: str) -> list[str]:
    """The nationality or ethnic-group words ``literal`` (a text, or a pattern) names: each
    part of a hyphenated word too ("Iranian-born"), a pattern's wildcard spelling too
    ("Chin.se"); not inside an allowed phrase ("Indian Ocean", ``ALLOWED_PHRASES``) nor
    naming a state body ("Iranian nuclear programme", ``STATE_BODY_PHRASES``)."""
    text = _CASE_PAIR.sub(
        lambda m: m.group(1) if m.group(1).casefold() == m.group(2).casefold() else " ", literal
    )
    text = re.sub(r"\(\?[a-z]+\)", " ", text)  # inline flags: (?i)
    text = re.sub(r"\\s[+*]?", " ", text)  # a pattern's space: "Iranian\s+nuclear programme"
    text = _without_state_bodies(_without_allowed(text.casefold()))
    found = []
    for word in _NOT_A_LETTER.split(text):
        word = word.strip("'-")
        for part in (word, *word.split("-")) if "-" in word else (word,):
            for form in (part, part.removesuffix("s"), part.removesuffix("es")):
                if form in NATIONALITY_WORDS:
                    found.append(form)
                    break
    found += _wildcard_words(text)
    return list(dict.fromkeys(found))
