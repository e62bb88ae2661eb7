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
# "Chinese students", "Iranians", "[Ii]ranian": the word however a literal or pattern spells it
_CASE_PAIR = re.compile(r"\[([^\W\d_])([^\W\d_])\]")
_NOT_A_LETTER = re.compile(r"[^\w'-]+")


def nationality_words_in(literal: str) -> list[str]:
    """The nationality or ethnic-group words ``literal`` (a text, or a pattern) names."""
    text = _CASE_PAIR.sub(
        lambda m: m.group(1) if m.group(1).casefold() == m.group(2).casefold() else " ", literal
    )
    text = re.sub(r"\(\?[a-z]+\)", " ", text)  # inline flags: (?i)
    found = []
    for word in _NOT_A_LETTER.split(text.casefold()):
        word = word.strip("'-")
        for form in (word, word.removesuffix("s"), word.removesuffix("es")):
            if form in NATIONALITY_WORDS:
                found.append(form)
                break
    return list(dict.fromkeys(found))
