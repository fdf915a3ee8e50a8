"""How well one sentence fits what a question asks, beyond shared words: whether it holds the kind
of answer asked for, whether it flips the question's negation, and whether it swaps one of the
question's words for its opposite.

These are the usual ways a near-miss sentence shares a question's topic without answering it
("How much did he charge?" against a sentence with a date and a length; "What is *not*
contained in X?" against "L is contained in X"; "Who came *after* ...?" against "... before ...").
Every pattern here is general English (question words, units, currencies, negation, common
opposites), not vocabulary of any corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from assistant.text import (
    IRREGULAR_BASE_FORMS,
    base_form,
    content_words,
    proper_names,
    stem,
    stopwords,
    tokens,
    words,
)


class AnswerKind(Enum):
    MONEY = "money"
    PERCENT = "percent"
    COUNT = "count"  # how many
    MEASURE = "measure"  # how long / far / high / old ...: a number, with or without a unit
    TIME = "time"
    NAME = "name"  # who did it, which company, what is the name of ...
    PLACE = "place"
    CONDITION = "condition"  # under what conditions / circumstances ...
    FREQUENCY = "frequency"  # how often ...
    COLOUR = "colour"  # what colour ...
    ANY = "any"


_MONEY_VERBS = re.compile(
    r"\b(cost(s|ing)?|charg(e|es|ed|ing)|pa(y|ys|id|ying)|pric(e|es|ed|ing)|worth|sell(s|ing)?|"
    r"sold|spen(d|ds|t|ding)|earn(s|ed|ing)?|rais(e|es|ed|ing)|fund(s|ed|ing)?|fin(e|es|ed)|"
    r"fees?|fares?|salary|budget|revenue|valu(e|ed|ation))\b", re.I)
_HOW_MUCH = re.compile(r"^\s*how much\b", re.I)
_WORTH_END = re.compile(r"\bworth\W*$", re.I)  # "What is the painting worth?"
_HOW_MANY = re.compile(r"^\s*how many\b", re.I)
_HOW_MANY_MONEY = re.compile(r"^\s*how many (dollars|euros|pounds|yen|yuan|francs|rupees|cents)\b",
                             re.I)
# what comes before the question words: a scope ("Under GPLv3, how many ...") or a preposition
# ("Within how many days ...", "Up to how many ...")
_SCOPE_PREFIX = re.compile(
    r"^\s*(?:under|in|according to|for|per|by|with|within|on|from|of|to|at)\b[^,?]{0,80},\s*"
    r"(?=(?:what|which|who|whom|whose|when|where|why|how|up to|within|for|in|after|by|at)\b)",
    re.I)
_LEADING_PREPOSITION = re.compile(
    r"^\s*(?:up to|within|for|in|after|by|at|about|of|to|from|over|during)\s+(?=how\b)", re.I)
_HOW_MEASURE = re.compile(r"^\s*how (long|far|old|big|large|high|tall|heavy|fast|deep|wide)\b",
                          re.I)
_WHAT_PERCENT = re.compile(r"^\s*what (percentage|percent|proportion|share)\b", re.I)
_HOW_OFTEN = re.compile(r"^\s*how (often|frequently|many times a)\b", re.I)
_WHEN = re.compile(r"^\s*(when|since when|until when|how (early|late|soon)|in what year|"
                   r"on what (date|day)|"
                   r"(what|which) (year|date|day|month|century|decade|time))\b", re.I)
# "Who is Artyom Shraibman?" asks for a description; "Who is the defence minister?" and "Who was
# president of ...?" ask for the name of whoever holds a role
_WHO = re.compile(r"^\s*(who|whom|whose)\b(?!\s+(is|was|are|were)\b)|"
                  r"^\s*who\s+(is|was|are|were)\s+"
                  r"(?!(he|she|it|they|this|that|these|those|you|we|i)\b)(?-i:[a-z])", re.I)
# the people a who-question may be answered with when no name is given ("it was his mother",
# "the church was utilised by the dukes"): kinship, rank, office and trade nouns of English
_PERSON_NOUN_LIST = """
mother father sister brother son daughter wife husband parent parents uncle aunt cousin nephew
niece grandmother grandfather grandson granddaughter child children widow widower family
man woman men women boy girl boys girls people person friend friends neighbour neighbours
neighbor neighbors servant servants master mistress maid stranger strangers guest guests
king queen prince princess duke dukes duchess lord lords lady ladies emperor empress pope bishop
bishops priest priests monk monks abbot knight knights baron barons count earl noble nobles
president minister ministers chancellor governor mayor senator senators judge judges jury lawyer
lawyers police policeman officer officers soldier soldiers troops general commander captain
doctor doctors nurse nurses teacher teachers student students scientist scientists researcher
researchers engineer engineers author authors writer writers reporter reporters journalist
journalists government parliament council committee officials authorities voters citizens
residents workers employees staff users customers owner owners manager managers director
directors founder founders clerk boss landlord landlady tenant tenants lodger lodgers gentleman
gentlemen villagers farmers merchants rebels invaders settlers inhabitants natives crew sailors
"""
_PERSON_NOUNS = frozenset(_PERSON_NOUN_LIST.split())
_WHERE = re.compile(r"^\s*(where|from where|in what (country|city|town|state|region|place)|"
                    r"(what|which) (country|city|town|state|region|place|continent|island))\b",
                    re.I)
_WHICH_NAMED = re.compile(r"^\s*(what|which) (company|companies|firm|organi[sz]ation|group|team|"
                          r"party|agency|person|man|woman|newspaper|outlet|brand|band|author|"
                          r"king|queen|president|leader|store|chain|retailer|website|magazine|"
                          r"publication|journal|dictionary|university|college|airline|bank|"
                          r"network|channel|studio|label|club|player|artist|singer|writer|poet|"
                          r"novelist|scientist|politician|minister|emperor|pope|duke|prince|"
                          r"princess|dynasty|tribe|manufacturer|maker|designer|fashion house|"
                          r"publisher)\b|\bwhat (is|was) the name\b|"
                          r"\bname of\b", re.I)
# "What is the name of <the thing>": the words naming the thing, up to a preposition, a
# relative word, a participle or a name that starts a clause ("the patent portfolio Yahoo keeps")
_NAME_OF = re.compile(r"\bname of\s+(?:(?:the|a|an|his|her|its|their|this|that)\s+)?"
                      r"(?P<phrase>(?:[\w'’ -]|(?<=\b(?:Mr|Ms|Dr|St))\.|(?<=\bMrs)\.)+)", re.I)
# a sentence that names something outright: "known as the Pale", "a ship called Endeavour"
_NAMING = re.compile(r"\b(called|named|known as|dubbed|titled|entitled)\b", re.I)
# how near the thing a name stands to name it: "his nephew Tancred", "Tancred, Bohemond's
# nephew", "the gunman, John Houser,"; not "the Hursts have no horses" (dev: 4 -> 2 refused one
# more unanswerable novel question, no dev question lost)
_NAME_WINDOW = 2
# "How wide is ...?": the words a width (height, depth ...) is stated with; a number counts as
# the answer only beside one of them ("up to 40 km wide", "a width of 400 m")
_DIMENSIONS = {
    "wide": ("wide", "width", "broad", "breadth", "across"),
    "tall": ("tall", "height", "high"),
    "high": ("high", "height", "tall", "altitude", "elevation"),
    "deep": ("deep", "depth"),
    "thick": ("thick", "thickness"),
    # an age is stated beside its word ("67-year-old", "aged 67", "at the age of 67"): "three
    # little sisters" is a count
    "old": ("old", "aged", "age", "ages"),
}
# an age set off after a name: "Eloise Parry, 21, died", "Mr Mugabe (93) said"
_AGE_AFTER_NAME = re.compile(r"\b[A-Z][\w'’-]*,\s\d{1,3},|\b[A-Z][\w'’-]*\s\(\d{1,3}\)")
_HOW_DIMENSION = re.compile(rf"^\s*how ({'|'.join(_DIMENSIONS)})\s+(is|are|was|were)\b", re.I)
_DIMENSION_WINDOW = 3
# the units a duration or a length is stated in, which follow its number; "How long does it
# last?" asks for a duration only, "How long is it?" or "How long can it be?" for either
_TIME_UNITS = frozenset({
    "second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "night", "nights",
    "week", "weeks", "fortnight", "fortnights", "month", "months", "year", "years", "yr", "yrs",
    "decade", "decades", "century", "centuries", "millennium", "millennia"})
_LENGTH_UNITS = _TIME_UNITS | frozenset({
    "mm", "cm", "m", "km", "metre", "metres", "meter", "meters", "kilometre", "kilometres",
    "kilometer", "kilometers", "mile", "miles", "mi", "ft", "foot", "feet", "inch", "inches",
    "yard", "yards", "word", "words", "character", "characters", "page", "pages", "line",
    "lines", "letter", "letters", "chapter", "chapters", "long", "length"})
_HOW_LONG = re.compile(r"^\s*how long\s+(?P<verb>\w+)", re.I)
_BE = re.compile(r"\b(?:be|been)\b", re.I)  # "How long can it be?" asks for a length too
_DOING_VERBS = {"do", "does", "did", "will", "would", "can", "could", "has", "have", "had",
                "should", "must", "shall"}
_UNDER_CONDITION = re.compile(r"\b(under|in|on|with) (what|which) (conditions?|circumstances?|"
                              r"terms?|cases?)\b|^\s*in what case\b", re.I)
_CONDITIONAL = re.compile(r"\b(if|unless|provided|provided that|only when|as long as|so long as|"
                          r"on condition|subject to|in case|in the event|whenever|when)\b", re.I)
# nouns that name a measured quantity: "What child poverty rate ...", "What is the price of ..."
_MEASURE_NOUNS = {
    "money": ("price", "cost", "fee", "fare", "salary", "wage", "revenue", "budget", "worth",
              "valuation", "income", "profit", "fine"),
    "percent": ("rate", "percentage", "proportion", "share"),
    "count": ("population", "number", "amount", "total"),
    # a "value" is a number of any kind: "the minimum value for a correct header is 5"
    "measure": ("age", "length", "height", "width", "depth", "distance", "size", "weight",
                "speed", "temperature", "area", "duration", "capacity", "range", "value"),
}
_AUXILIARIES = {"be", "been", "being", "do", "get", "got", "may", "might", "must", "shall",
                "did", "does", "has", "have", "had", "will", "would", "can", "could", "should"}
_WHAT = re.compile(r"^\s*(?:what|which)\s+(?:(?:is|was|are|were)\s+)?(?:the\s+)?(?P<rest>.*)",
                   re.I)
_PHRASE_END = {"is", "was", "are", "were", "did", "does", "do", "has", "have", "had", "will",
               "would", "can", "could", "should", "of", "for", "in", "on", "at", "that", "which",
               "as", "to", "by", "with", "from"}

_MONEY_NUMBER_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                       r"fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
                       r"a|a few|several")
_CURRENCY = re.compile(
    r"[$€£¥₹₽]\s?\d|\d\s?[$€£¥₹₽]|\b\d[\d,.]*\s*(?:million|billion|trillion|m|bn|k)?\s*"
    r"(?:dollars?|euros?|pounds?|yen|yuan|rupees?|roubles?|rubles?|francs?|marks?|cents?|pence|"
    r"usd|eur|gbp|chf)\b|\b(?:dollars?|euros?|pounds?)\b|"
    # the money of older texts, and an income stated as so much a year ("four or five thousand
    # a year", "ten thousand a year", "5 thousand per annum")
    r"\b(?:shillings?|guineas?|sixpence|twopence|crowns?|sovereigns?|livres?|florins?|ducats?|"
    r"sous|pesos?|lire)\b|"
    rf"\b(?:\d[\d,]*|(?:{_MONEY_NUMBER_WORDS})(?:\s+or\s+(?:{_MONEY_NUMBER_WORDS}))?)"
    r"\s+(?:thousand|hundred)\s+(?:a|per)\s+(?:year|annum)\b", re.I)
_PERCENT_WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                  r"twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred")
_PERCENT_UNIT = r"(?:%|per ?cent\b|percent\b|percentage points?\b)"
_PERCENT = re.compile(rf"(?:\d|\b(?:{_PERCENT_WORDS}))\s?{_PERCENT_UNIT}", re.I)
# a whole percentage ("43 per cent", "12.5%"): a share, not a count
_PERCENT_AMOUNT = re.compile(rf"(?<![\w.])\d[\d,.]*\s?{_PERCENT_UNIT}|"
                             rf"\b(?:{_PERCENT_WORDS})\s?(?:per ?cent|percent)\b", re.I)
_DIGITS = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})$")
_CARDINALS = (
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|a dozen|a few|several|"
    r"single|both|no one|none|a pair|twice|"
    # "met once", not the conjunction ("once you pick it up") or an idiom ("every once in a
    # while", "at once", "once upon a time", "once again")
    r"(?<!\bat )(?<!\bevery )once(?!\s+(?:in a while|upon|more|again|and for all)\b)"
    r"(?!\s+(?:you|we|they|he|she|it|i|the|a|an|this|that|these|those|your|his|her|its|their|"
    r"our|my|there)\b)")
# an ordinal counts only beside the counted noun ("for the sixth time"): "the first released
# version" says nothing of how many
_ORDINALS = r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(st|nd|rd|th)"
# ... or in "for the sixth time", which counts occurrences whatever the question calls them
_CARDINAL_WORDS = re.compile(rf"\b({_CARDINALS})\b|\b({_ORDINALS})\s+time\b", re.I)
_COUNT_WORDS = re.compile(rf"\b({_CARDINALS}|{_ORDINALS})\b", re.I)
# "May" is a month only beside a number ("May 5", "5 May"); elsewhere it is the modal verb
_MONTHS = (r"january|february|march|april|june|july|august|september|october|november|"
           r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|may(?=\s+\d)|(?<=\d\s)may")
_STRONG_TIME = re.compile(
    rf"\b({_MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|"
    # "to-day", "to-morrow", "to-night": the older spelling of public-domain books
    r"to-?day|to-?morrow|to-?night|\d{1,2}(st|nd|rd|th) century|centur(y|ies)|decades?|\d{2,4}s|"
    r"(1[0-9]{3}|20[0-9]{2})|\d{1,2}:\d{2}|\d{1,2}\s?[ap]\.?m\b|bc|bce|ago|era|period|"
    # an era-marked date: "AD 14", "13,000 BP" (before present), "240 MBP"
    r"ad\s?\d{1,4}|\d[\d,.]*\s?(ad|ce|bp|mbp|mya)|"
    # a time of day in words: "four o'clock", "half past six", "at noon"
    r"o['’]clock|half past|quarter (past|to)|noon|midday|midnight|dawn|dusk|sunrise|sunset|"
    r"spring|summer|autumn|winter|morning|evening|night|weekend|"
    r"(last|next|this|that|previous|following) (week|month|year|day|season|time))\b", re.I)
# a clause that places an event relative to another: a when-answer in legal or technical text
# ("upon termination", "as of the date such litigation is filed", "within 30 days")
_RELATIVE_TIME = re.compile(
    r"\b(after|before|since|until|till|upon|during|within|once|whenever|as soon as|as of|"
    r"prior to|following|at the time|at the (start|end|beginning)|dated?|days?|weeks?|"
    r"months?|years?|hours?|minutes?|immediately|automatically|"
    # an exception tells when as well: "you won't have to water it unless the walls stop
    # misting" ("if" too was tried: the seed near-miss "When will the war end?" was then
    # answered from "... especially if Lukashenko ...")
    r"unless)\b", re.I)
# "In what year ...?" is answered by a year, a decade or a century, less so by a year told
# relative to another ("the following year"), and not by a month, a day or "a minute later"
_ASKS_YEAR = re.compile(r"^\s*(?:in\s+|during\s+)?(?:what|which)\s+(?:year|decade|century)\b",
                        re.I)
_YEAR_TIME = re.compile(r"\b((1[0-9]{3}|20[0-9]{2})s?|\d{1,2}(st|nd|rd|th) centur(y|ies)|"
                        r"centur(y|ies)|decades?|\d0s|(ad|bc|bce|ce)\s?\d{1,4}|"
                        r"\d{1,4}\s?(ad|bc|bce))\b", re.I)
_YEAR_RELATIVE = re.compile(r"\b(last|next|this|that|previous|following|same) year\b|"
                            r"\byears? (ago|earlier|later|before|after)\b", re.I)
_DURATION = re.compile(r"\b(since|for|over|throughout)\b.{0,40}?\b((1[0-9]{3}|20[0-9]{2})|decades?|"
                       r"centur(y|ies)|years?|months?|weeks?|days?|hours?|ages|long)\b", re.I)
# the colour terms of English (basic terms and common shades), which answer "what colour"
_ASKS_COLOUR = re.compile(r"^\s*(?:what|which)\s+colou?rs?\b", re.I)
_COLOUR = re.compile(
    r"\b(red|orange|yellow|green|blue|purple|violet|pink|brown|black|white|gr[ae]y|silver|"
    r"gold|golden|beige|crimson|scarlet|navy|turquoise|maroon|tan|ivory|cream|bronze|copper|"
    r"indigo|lilac|magenta|cyan|khaki|amber|emerald|ginger|blond|blonde|auburn|"
    r"(red|yellow|green|blue|purpl|pink|brown|black|whit|gre[ay])(dish|ish)|colou?rless)\b",
    re.I)
_FREQUENCY = re.compile(r"\b(hourly|daily|nightly|weekly|fortnightly|monthly|quarterly|yearly|"
                        r"annually|every|each|once|twice|thrice|times|always|usually|often|"
                        r"seldom|rarely|never|sometimes|occasionally|regularly|per (day|week|"
                        r"month|year))\b", re.I)
_NEGATION = re.compile(r"\b(not|never|no|none|nobody|nothing|neither|nor|without|cannot)\b|"
                       r"n['’]t\b", re.I)
# a negation inside a condition or an indirect question describes the case asked about, not the
# answer: "What may you do if the Library names no version number?", "Who asked whether any
# supporters were not angry?"
_CONDITION_CLAUSE = re.compile(r"\b(if|unless|whether|when|whenever|where|in case|provided)\b.*$",
                               re.I)
# "not" before an -ing form that no form of "be" governs negates a gerund phrase naming the
# topic ("How many reasons ... for Belarus not joining the war?"), not the question's own verb
# ("Which countries are not joining?")
_GERUND_NEGATION = re.compile(r"\b(?P<before>\w+)\s+not\s+\w+ing\b", re.I)
_BE_FORMS = frozenset({"is", "are", "was", "were", "be", "been", "being", "am"})
# the auxiliaries that may stand between a wh-word and its verb ("What was absorbed into ...")
# or open a yes-or-no question (_YES_NO)
_WH_AUXILIARIES = frozenset({"is", "are", "was", "were", "has", "have", "had", "do", "does",
                             "did", "can", "could", "may", "might", "must", "shall", "should",
                             "will", "would"})
_WHY = re.compile(r"^\s*(why|how come)\b", re.I)

# common English opposites (both directions); prefix negations (in-, un-, non-, dis-, im-, il-,
# ir-) are handled separately. Converse pairs (buy/sell, win/lose, import/export) are left out:
# "Verizon is buying Yahoo's business" answers "For how much is Yahoo selling it?"
_OPPOSITE_PAIRS = (
    ("most", "least"), ("more", "less"), ("more", "fewer"), ("first", "last"),
    ("before", "after"), ("left", "right"), ("north", "south"), ("east", "west"),
    ("northern", "southern"), ("eastern", "western"), ("upper", "lower"), ("above", "below"),
    ("increase", "decrease"), ("rise", "fall"), ("large", "small"), ("largest", "smallest"),
    ("larger", "smaller"), ("big", "small"), ("biggest", "smallest"), ("high", "low"),
    ("highest", "lowest"), ("higher", "lower"), ("early", "late"), ("earliest", "latest"),
    ("earlier", "later"), ("begin", "end"), ("start", "end"), ("open", "close"),
    ("accept", "reject"), ("allow", "forbid"),
    ("allow", "prohibit"), ("major", "minor"), ("maximum", "minimum"), ("inside", "outside"),
    ("inner", "outer"), ("public", "private"), ("old", "new"),
    ("old", "young"), ("oldest", "youngest"), ("strong", "weak"), ("positive", "negative"),
    ("hot", "cold"), ("warm", "cold"), ("wet", "dry"), ("long", "short"), ("longest", "shortest"),
    ("wide", "narrow"), ("ancient", "modern"), ("same", "different"), ("include", "exclude"),
    ("internal", "external"), ("top", "bottom"), ("gain", "loss"),
    ("success", "failure"), ("true", "false"), ("always", "never"), ("best", "worst"),
    ("better", "worse"), ("entered", "left"), ("arrive", "depart"), ("birth", "death"),
    ("born", "died"), ("lowest", "highest"), ("add", "remove"), ("added", "removed"),
    ("attack", "defend"), ("legal", "illegal"), ("common", "rare"),
    ("ally", "enemy"), ("support", "oppose"), ("supported", "opposed"),
    ("rich", "poor"), ("cheap", "expensive"), ("easy", "difficult"), ("simple", "complex"),
    ("male", "female"), ("father", "mother"), ("son", "daughter"), ("brother", "sister"),
    ("king", "queen"), ("upstream", "downstream"), ("majority", "minority"), ("deep", "shallow"),
    ("thick", "thin"), ("rural", "urban"), ("domestic", "foreign"), ("temporary", "permanent"),
    ("voluntary", "mandatory"), ("newest", "oldest"), ("newer", "older"),
    ("western", "eastern"), ("entrance", "exit"),
    ("simplicity", "complexity"), ("easy", "hard"), ("easier", "harder"), ("easiest", "hardest"),
    ("soft", "hard"), ("past", "future"), ("qualitative", "quantitative"),
    ("sparsely", "heavily"), ("sparse", "dense"), ("until", "after"), ("before", "since"),
    ("before", "onwards"), ("before", "onward"),
)
# prepositions of direction: after the same word they state opposite movements ("fled from
# Italy" / "fled to Italy", "runs out of the sea" / "runs into the sea")
_DIRECTION_PAIRS = (("from", "to"), ("from", "into"), ("out", "into"), ("up", "down"),
                    ("toward", "away"), ("towards", "away"), ("onto", "off"))
_DIRECTIONS = frozenset(word for pair in _DIRECTION_PAIRS for word in pair)
_PREFIXES = ("in", "un", "non", "dis", "im", "il", "ir")
# a negating prefix makes opposites of describing words ("indirectly", "unlimited", "illegal");
# on other words it is part of the stem ("information", "discover")
_DESCRIBING_ENDINGS = ("ly", "ed", "able", "ible", "al", "ive", "ent", "ant", "ful", "ic", "ous",
                       "ar", "ary", "ure")


def _direction_bigrams(text_tokens: list[str]) -> set[tuple[str, str]]:
    """(stem of a content word, the preposition of direction right after it). A "to" before
    a verb marks an infinitive, not a direction ("the licence to be ended")."""
    following = [*text_tokens[2:], "", ""]
    return {(stem(a), b) for a, b, c in zip(text_tokens, text_tokens[1:], following, strict=False)
            if b in _DIRECTIONS and a.isalpha() and a not in stopwords()
            and not (b == "to" and c in IRREGULAR_BASE_FORMS)}


def direction_swap(question_tokens: list[str], said_tokens: list[str]) -> bool:
    """Whether a word followed by a preposition of direction in the question is followed by
    the opposite one in the sentence, and never by the question's own. A preposition the
    question fronts ("From which manager can users import logins into Firefox?") is the one
    the answer stands after ("import logins from Keepass into Firefox")."""
    said = _direction_bigrams(said_tokens)
    fronted = question_tokens[0] if question_tokens else ""
    for word, preposition in _direction_bigrams(question_tokens) - said:
        opposite = {b if a == preposition else a for a, b in _DIRECTION_PAIRS
                    if preposition in (a, b)} - {fronted}
        if any((word, other) in said and not _from_to(said_tokens, word, preposition)
               for other in opposite):
            return True
    return False


# how far "from X to Y" may run: "a switch from https to SPDY" answers "a switch to what?"
_FROM_TO_REACH = 4


def _from_to(said_tokens: list[str], word: str, preposition: str) -> bool:
    """Whether the question's preposition also follows the word in the sentence, a few words
    on: "switch from https to SPDY" holds "switch ... to"."""
    for i, token in enumerate(said_tokens):
        if stem(token) == word and preposition in said_tokens[i + 2:i + 2 + _FROM_TO_REACH]:
            return True
    return False


@lru_cache(maxsize=1)
def _opposites() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for a, b in _OPPOSITE_PAIRS:
        table.setdefault(stem(a), set()).add(stem(b))
        table.setdefault(stem(b), set()).add(stem(a))
    return table


def _what_phrase_kind(question: str) -> AnswerKind | None:
    match = _WHAT.match(question)
    if not match:
        return None
    phrase: list[str] = []
    for word in tokens(match.group("rest"))[:4]:
        if word in _PHRASE_END:
            break
        phrase.append(word)
    for kind, nouns in _MEASURE_NOUNS.items():
        if any(word in nouns for word in phrase):
            return AnswerKind(kind)
    return None


def question_core(question: str) -> str:
    """The question from its question words on: "Under GPLv3, within how many days ...?" ->
    "how many days ...?"."""
    return _LEADING_PREPOSITION.sub("", _SCOPE_PREFIX.sub("", question, count=1), count=1)


def expected_kind(question: str) -> AnswerKind:
    """The kind of answer a question asks for, from its opening words."""
    question = question_core(question)
    if _UNDER_CONDITION.search(question):
        return AnswerKind.CONDITION
    if _HOW_MUCH.search(question) or _WORTH_END.search(question):
        return AnswerKind.MONEY if _MONEY_VERBS.search(question) else AnswerKind.MEASURE
    if _HOW_OFTEN.search(question):
        return AnswerKind.FREQUENCY
    if _ASKS_COLOUR.search(question):
        return AnswerKind.COLOUR
    if _HOW_MANY.search(question):
        return AnswerKind.MONEY if _HOW_MANY_MONEY.search(question) else AnswerKind.COUNT
    if _HOW_MEASURE.search(question):
        return AnswerKind.MEASURE
    if _WHEN.search(question):
        return AnswerKind.TIME
    if _WHAT_PERCENT.search(question):
        return AnswerKind.PERCENT
    if _WHERE.search(question):
        return AnswerKind.PLACE
    if _WHO.search(question) or _WHICH_NAMED.search(question):
        return AnswerKind.NAME
    if _ASKS_UNIT.search(question):
        return AnswerKind.ANY  # "What is content length measured in?": a unit, no number
    kind = _what_phrase_kind(question) or AnswerKind.ANY
    # "What was the value in dollars of ...?"
    if kind is AnswerKind.MEASURE and _IN_CURRENCY.search(question):
        return AnswerKind.MONEY
    return kind


# a question that asks in what a quantity is stated asks for a unit
_ASKS_UNIT = re.compile(r"\b(?:measured|expressed|given|stated|counted|quoted|priced) in\W*$|"
                        r"^\W*in (?:what|which) units?\b", re.I)
# a question that names the currency of its answer asks for money
_IN_CURRENCY = re.compile(r"\bin (?:us |u\.s\. )?(?:dollars|euros|pounds|yen|yuan|rupees|"
                          r"roubles|rubles|francs)\b", re.I)


# a number that names rather than counts: "version 2.1", "v. 2.0", "No. 10", "section 3"
_IDENTIFIER_NUMBER = re.compile(r"\b(?:versions?|v|rev|release|no|nos|number|section|sections|"
                                r"article|articles|chapter|clause|paragraph|rule|step|item|"
                                r"part|page|pages|figure|table)\.?\s*\d+(?:\.\d+)*\b", re.I)
# a web address, whose digits are a path or a date of filing, never the amount or time asked for
_WEB_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+", re.I)


# the numbers of a date or a clock time ("Dec. 1", "1 December", "8:51 p.m."), which do not
# answer "how many" or "how much"
_DATE_NUMBER = re.compile(
    rf"\b(?:{_MONTHS})\.?,?\s+\d{{1,2}}(?:st|nd|rd|th)?\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|"
    r"\b\d{1,2}:\d{2}\b|\b\d{1,2}\s?[ap]\.?m\b", re.I)


def _has_count(sentence: str) -> bool:
    numbers = [n for n in _DIGITS.findall(sentence) if not _YEAR.match(n)]
    return bool(numbers or _CARDINAL_WORDS.search(sentence))


# Kinds told reliably enough to refuse a sentence that holds none: a "who" or "where" is often
# answered by a description ("the losing party pays the costs"), which no rule can tell from a
# non-answer, so those only weigh in the model; except "What is the name of <the thing>", where
# the thing mentioned with no name beside it is certainly no answer (AskedKind.named).
DECISIVE_KINDS = frozenset({AnswerKind.MONEY, AnswerKind.PERCENT, AnswerKind.COUNT,
                            AnswerKind.MEASURE, AnswerKind.TIME, AnswerKind.CONDITION,
                            AnswerKind.FREQUENCY, AnswerKind.COLOUR})
# Kinds whose full fit is itself the answer (a currency amount, a percentage, a number beside
# the counted noun), unlike a year or a bare number, which headers, bylines and addresses are
# full of: only these may be taken from a sentence other than the one that names the subject.
# A measure joined them ("How high did the fares go?" / "... would charge a minimum of $100"):
# dev +1, no unanswerable question answered
SPECIFIC_KINDS = frozenset({AnswerKind.MONEY, AnswerKind.PERCENT, AnswerKind.COUNT,
                            AnswerKind.MEASURE})
_NUMERIC_KINDS = frozenset({AnswerKind.MONEY, AnswerKind.PERCENT, AnswerKind.COUNT,
                            AnswerKind.MEASURE, AnswerKind.TIME})


@dataclass(frozen=True)
class AskedKind:
    """What one question asks for, read once and then fitted against each candidate sentence."""

    kind: AnswerKind
    # the numbers the question already holds (a pattern), which cannot be the number asked for
    asked_numbers: re.Pattern[str] | None = None
    asked_stems: frozenset[str] = frozenset()  # for a name or colour: the question's own words
    # for "how many": the stems of the words that may name what is counted ("Belarusian
    # soldiers", "pearls decorated Lupita")
    counted: frozenset[str] = frozenset()
    # for "What is the name of <the thing>": the stem of the word naming the thing ("gunman",
    # "schooner"); a sentence that mentions the thing but names nothing beside it has no answer
    named: str = ""
    # for "How wide is ...?": the words a width is stated with (_DIMENSIONS)
    dimension: frozenset[str] = frozenset()
    year: bool = False  # "In what year ...?" (_ASKS_YEAR)
    # for "How much gas ...?": the stuff measured, whose amount stands beside it (_STUFF_BEFORE,
    # _STUFF_AFTER)
    stuff: frozenset[str] = frozenset()
    who: bool = False  # asked with "who": a person noun half answers it (_PERSON_NOUNS)
    # "How many years ago ...?": a point in time counted back from now is the answer asked for
    ago: bool = False
    # "How long ...?": the units of a duration or a length, whose number stands before one
    # ("six-month", "25 words", "86 km"); a span of time ("since 1994") half answers it
    long: frozenset[str] = frozenset()

    @property
    def decisive(self) -> bool:
        """Whether a sentence holding no answer of this kind is refused (DECISIVE_KINDS, and a
        question asking for the name of a thing)."""
        return self.kind in DECISIVE_KINDS or bool(self.named)

    @property
    def specific(self) -> bool:
        """Whether a full fit names the answer itself (SPECIFIC_KINDS)."""
        return self.kind in SPECIFIC_KINDS

    def fit(self, sentence: str) -> float:
        """1 when the sentence holds the kind of answer asked for, 0.5 when it holds only a
        weaker form of it (a relative time for 'when', any number for a money question), 0 when
        it holds none. Questions of no particular kind fit every sentence."""
        kind = self.kind
        if kind is AnswerKind.ANY:
            return 1.0
        if kind in _NUMERIC_KINDS:
            sentence = self._unasked(sentence)
        if kind is AnswerKind.MONEY:
            return 1.0 if _CURRENCY.search(sentence) else 0.5 if _has_count(sentence) else 0.0
        if kind is AnswerKind.PERCENT:
            return 1.0 if _PERCENT.search(sentence) else 0.5 if _has_count(sentence) else 0.0
        if kind is AnswerKind.COUNT:
            # a number beside what is counted ("23,000 soldiers", "a 28-year rule") fits best;
            # another number fits less, and a percentage is only a weak form of a count
            without_shares = _PERCENT_AMOUNT.sub(" ", sentence)
            if _has_count(without_shares):
                return 1.0 if self._counts(without_shares) else 0.75
            if self.counted and self._counts(without_shares):
                return 1.0
            return 0.5 if _has_count(sentence) else 0.0
        if kind is AnswerKind.MEASURE:
            if self.dimension:
                return 1.0 if self._measures(sentence) else 0.5 if _has_count(sentence) else 0.0
            if self.stuff:
                beside = _number_beside(sentence, lambda token: stem(token) in self.stuff,
                                        _STUFF_BEFORE, _STUFF_AFTER)
                return 1.0 if beside else 0.5 if _has_count(sentence) else 0.0
            if self.long:
                beside = _number_beside(sentence, lambda token: token in self.long,
                                        _DIMENSION_WINDOW, 0)
                return 1.0 if beside else 0.5 if _DURATION.search(sentence) else 0.0
            if _has_count(sentence):
                return 1.0
            # "How long has he ruled?" -> "since 1994", "for decades"
            return 0.5 if _DURATION.search(sentence) else 0.0
        if kind is AnswerKind.FREQUENCY:
            return 1.0 if _FREQUENCY.search(sentence) or _has_count(sentence) else 0.0
        if kind is AnswerKind.COLOUR:  # not one the question holds ("the White Rabbit")
            return 1.0 if any(stem(m.group(0)) not in self.asked_stems
                              for m in _COLOUR.finditer(sentence)) else 0.0
        if kind is AnswerKind.CONDITION:
            return 1.0 if _CONDITIONAL.search(sentence) else 0.0
        if kind is AnswerKind.TIME:
            if self.year:
                return (1.0 if _YEAR_TIME.search(sentence)
                        else 0.5 if _YEAR_RELATIVE.search(sentence) else 0.0)
            if _STRONG_TIME.search(sentence):
                return 1.0
            return 0.5 if _RELATIVE_TIME.search(sentence) else 0.0
        # NAME / PLACE: a name the question does not already contain
        if self.named:
            return self._names_the_thing(sentence)
        if proper_names(" " + sentence) - self.asked_stems:
            return 1.0
        return 0.5 if self.who and any(t in _PERSON_NOUNS and stem(t) not in self.asked_stems
                                       for t in tokens(sentence)) else 0.0

    def _names_the_thing(self, sentence: str) -> float:
        """1 when a name the question lacks stands within a few words of the thing asked about
        or the sentence names something outright ("called"); 0 when the thing is mentioned with
        no name beside it ("a gunman opened fire ...") or the sentence holds no new name at all;
        0.5 when the thing is not mentioned but another name is."""
        if _NAMING.search(sentence):
            return 1.0
        sentence_words = words(sentence)
        at = [i for i, w in enumerate(sentence_words) if stem(w.lower()) == self.named]
        if not at:
            return 0.5 if proper_names(" " + sentence) - self.asked_stems else 0.0
        for i in at:
            start = max(0, i - _NAME_WINDOW)
            # proper_names skips the first word, which opens the sentence only at start 0
            nearby = sentence_words[max(0, start - 1): i + _NAME_WINDOW + 1]
            if proper_names(" ".join(nearby)) - self.asked_stems:
                return 1.0
        return 0.0

    def missing(self, sentence: str) -> bool:
        """Whether the sentence certainly holds no answer of the kind asked for."""
        return self.lacks(self.fit(sentence))

    def lacks(self, fit: float) -> bool:
        """Whether a sentence of this fit holds no answer of the kind asked for, for a decisive
        kind. A sum of money is written with its currency: a bare number is another quantity,
        and a percentage alone answers no "how many"; whereas a relative time or a duration may
        itself answer "when" or "how long"."""
        if not self.decisive:
            return False
        if self.kind is AnswerKind.COUNT:  # a share alone is no count (dev: +1, none lost)
            return fit <= 0.5
        # so is a width: a number away from "wide" or "width" is another measure
        return (fit < 1.0 if self.kind is AnswerKind.MONEY or self.dimension or self.stuff
                else fit == 0.0)

    def _measures(self, sentence: str) -> bool:
        """Whether a number stands within a few words of a word the dimension is stated with,
        or, for an age, in the news style of a number set off after a name ("Eloise Parry,
        21, died")."""
        if "aged" in self.dimension and _AGE_AFTER_NAME.search(sentence):
            return True
        return _number_beside(sentence, lambda token: token in self.dimension,
                              _DIMENSION_WINDOW, _DIMENSION_WINDOW)

    def _counts(self, sentence: str) -> bool:
        """Whether a number stands within a few words before the counted noun."""
        if not self.counted:
            return True
        return _number_beside(sentence, lambda token: stem(token) in self.counted,
                              _COUNT_WINDOW, 0)

    def _unasked(self, sentence: str) -> str:
        """The sentence without the numbers the question already holds and without identifier
        numbers: neither can be the number asked for."""
        sentence = _IDENTIFIER_NUMBER.sub(" ", _WEB_ADDRESS.sub(" ", sentence))
        if self.kind is not AnswerKind.TIME:
            sentence = _DATE_NUMBER.sub(" ", sentence)
            if not self.ago:  # "from 22,000 years ago" says when, not how many years it took
                sentence = _POINT_IN_TIME.sub(" ", sentence)
        return self.asked_numbers.sub(" ", sentence) if self.asked_numbers else sentence


# a time counted back from now or from an era: "22,000 years ago", "13,000 BP", "AD 14"
_POINT_IN_TIME = re.compile(r"\b\d[\d,.]*\s*(?:(?:thousand|million|billion)\s+)?"
                            r"(?:years?|yrs?|months?|weeks?|days?|decades?|centuries|millennia)"
                            r"\s+(?:ago|earlier|before present)\b|"
                            r"\b\d[\d,.]*\s?(?:bp|mbp|mya|bc|bce)\b|\bad\s?\d{1,4}\b", re.I)
# a question that itself counts back ("How many years ago ...?"); "AD" is left out: as a word of
# a question it is more often an advert
_AGO = re.compile(r"\b(?:ago|earlier|before present|bp|bc|bce)\b", re.I)

_COUNT_WINDOW = 4  # "23,000 Russian soldiers", "tens of thousands of Russian soldiers"
_COUNT_WORD = re.compile(rf"^({_CARDINALS}|{_ORDINALS})$", re.I)  # one token of _COUNT_WORDS
_COUNTED_WORDS = 3
_HOW_MANY_PHRASE = re.compile(r"^\s*how many\s+(?P<phrase>[\w' -]+)", re.I)


def token_is_number(token: str) -> bool:
    """A count in one token: digits other than a year, or a number word."""
    return (token.isdigit() and not _YEAR.match(token)) or bool(_COUNT_WORD.match(token))


def _number_beside(sentence: str, is_anchor: Callable[[str], bool], before: int,
                   after: int) -> bool:
    """Whether a number stands at most `before` tokens before or `after` tokens after a token
    that `is_anchor` picks (the counted noun, the word a width is stated with)."""
    sentence_tokens = tokens(sentence)
    return any(
        is_anchor(token) and any(
            token_is_number(t) for t in
            [*sentence_tokens[max(0, i - before): i], *sentence_tokens[i + 1: i + after + 1]])
        for i, token in enumerate(sentence_tokens))


def _counted_words(question: str) -> frozenset[str]:
    """The stems of the words after "how many" that may name what is counted, up to the first
    auxiliary verb: "How many Belarusian soldiers have ..." -> {belarusian, soldier}; without
    a tagger the noun is not told from an adjective or a main verb ("pearls decorated")."""
    match = _HOW_MANY_PHRASE.match(question_core(question))
    if not match:
        return frozenset()
    phrase: list[str] = []
    content = set(content_words(match.group("phrase")))
    for word in tokens(match.group("phrase"))[:_COUNTED_WORDS]:
        if (word in _PHRASE_END or word in _AUXILIARIES or not word.isalpha()
                or word not in content):
            break
        phrase.append(stem(word))
    return frozenset(phrase)


def _named_thing(question: str) -> str:
    """The stem of the word naming the thing whose name is asked for: "What was the name of the
    gunman who opened fire?" -> "gunman", "... of Wade Bassi's halibut schooner?" -> "schooner"."""
    match = _NAME_OF.search(question)
    if not match:
        return ""
    phrase = match.group("phrase").split()
    # "Wade Bassi's halibut schooner": the owner before the possessive is not the thing
    owner = next((i for i, w in enumerate(phrase[:4]) if re.search(r"\w['’]s?$", w)), -1)
    head = ""
    for i, word in enumerate(phrase[owner + 1:]):
        bare = word.strip("'’-")
        lower = bare.lower()
        if (not bare or lower in _PHRASE_END or lower in _AUXILIARIES
                or lower in {"who", "whom", "whose", "where", "when", "why"}
                or (i > 0 and (lower.endswith(("ed", "ing")) or bare[:1].isupper())
                    and head)):
            break
        head = lower
    return stem(head) if head and head not in stopwords() else ""


# "20 billion cubic metres of gas", "gas imports of 20 bcm"
_STUFF_BEFORE, _STUFF_AFTER = 5, 3
_HOW_MUCH_STUFF = re.compile(r"^\s*how much\s+(?P<noun>[a-z]+)\b", re.I)


def _measured_stuff(question: str) -> frozenset[str]:
    """"How much gas does Belarus import?": the stuff measured, stated beside its amount like a
    width beside "wide" ("20 billion cubic metres of gas"); not a comparative ("How much lower
    ...?") or a verb's auxiliary ("How much does ...?")."""
    match = _HOW_MUCH_STUFF.match(question)
    if not match:
        return frozenset()
    noun = match.group("noun").lower()
    if noun in stopwords() or noun.endswith("er") or noun in {"time", "money", "longer"}:
        return frozenset()
    return frozenset(stem(form) for form in (noun, noun + "s", noun + "es"))


@lru_cache(maxsize=256)  # read once per question, though scoring and abstention both ask
def asked_kind(question: str) -> AskedKind:
    kind = expected_kind(question)
    if kind in _NUMERIC_KINDS:
        counted = _counted_words(question) if kind is AnswerKind.COUNT else frozenset()
        core = question_core(question)
        dimension = _HOW_DIMENSION.match(core)
        dimension_words = (frozenset(_DIMENSIONS[dimension.group(1).lower()]) if dimension
                           else frozenset())
        stuff = _measured_stuff(core) if kind is AnswerKind.MEASURE and not dimension else (
            frozenset())
        asked = set(_DIGITS.findall(question)) | {m.group(0).lower()
                                                  for m in _COUNT_WORDS.finditer(question)}
        year = kind is AnswerKind.TIME and bool(_ASKS_YEAR.match(core))
        ago = bool(_AGO.search(question))
        how_long = _HOW_LONG.match(core) if kind is AnswerKind.MEASURE and not stuff else None
        long = (frozenset() if not how_long else _TIME_UNITS
                if how_long.group("verb").lower() in _DOING_VERBS and not _BE.search(core)
                else _LENGTH_UNITS)
        if not asked:
            return AskedKind(kind, counted=counted, dimension=dimension_words, year=year,
                             stuff=stuff, ago=ago, long=long)
        pattern = "|".join(re.escape(a) for a in sorted(asked, key=len, reverse=True))
        return AskedKind(kind, re.compile(rf"(?<![\w.])(?:{pattern})(?![\w]|\.\d)", re.I),
                         counted=counted, dimension=dimension_words, year=year, stuff=stuff,
                         ago=ago, long=long)
    if kind in (AnswerKind.NAME, AnswerKind.PLACE, AnswerKind.COLOUR):
        return AskedKind(kind, asked_stems=frozenset(stem(t) for t in tokens(question)),
                         named=_named_thing(question) if kind is AnswerKind.NAME else "",
                         who=bool(_WHO.search(question_core(question))))
    return AskedKind(kind)


def kind_fit(question: str, sentence: str) -> float:
    """AskedKind.fit for one sentence."""
    return asked_kind(question).fit(sentence)


def kind_missing(question: str, sentence: str) -> bool:
    """AskedKind.missing for one sentence."""
    return asked_kind(question).missing(sentence)


# a number that names a version or a part rather than a time or a quantity: "GPL 2.1", "MPL
# 2.0", "Apache 2.0", "MS-04", "section 3"
_NAMING_NUMBER = re.compile(r"(?:\b[A-Z][A-Za-z]*[A-Z]\w*|\b[Ll]icen[cs]e)[\s-]*v?\d+(?:\.\d+)*\b|"
                            r"\b[A-Z][a-z]+\s+v?\d+\.\d+\b|\b[A-Za-z]+-\d+\b")


def asked_figures(question: str) -> list[str]:
    """The years and quantities a question names ("the 2020 protests", "between 1000 and
    1300"), leaving out version and part numbers."""
    text = _NAMING_NUMBER.sub(" ", _IDENTIFIER_NUMBER.sub(" ", question))
    return _DIGITS.findall(text)


# a ruler or pope named with a numeral: "Henry II", "Charles III", "Pius XII" (a lone I, V or X
# is too often a letter or a model name: "Xbox One X"; "World War II" is a war, often written
# "the Second World War")
_REGNAL_NAME = re.compile(r"\b(?!War\b)[A-Z][a-z]+\s+(?:II|III|IV|VI{1,3}|IX|XI{1,3})\b")


def figure_missing(question: str, passage: str) -> float:
    """1 when the question names a year or quantity that the passage holding the best sentence
    does not: the sentence is about another time or amount ("Who won the 2022 World Cup?");
    likewise a ruler's numbered name ("Henry II" against a passage on Henry III), and the term
    a question asks to have defined when the passage states it with one word swapped ("What is
    the graph isolation problem?" against a passage on the graph isomorphism problem)."""
    held = set(_DIGITS.findall(passage))
    if any(figure not in held for figure in asked_figures(question)):
        return 1.0
    held_names = {" ".join(m.split()) for m in _REGNAL_NAME.findall(passage)}
    if any(" ".join(m.split()) not in held_names for m in _REGNAL_NAME.findall(question)):
        return 1.0
    term = defined_term(question)
    return float(bool(term) and _term_swapped(tokens(passage), term))


# "What is the graph isomorphism problem?": a question that asks what a term of several words is
_WHAT_IS_TERM = re.compile(r"^\s*what\s+(?:is|are|was|were)\s+"
                           r"(?:the\s+(?:meaning|definition)\s+of\s+)?"
                           r"(?:(?:the|a|an)\s+)?(?P<term>[\w -]+?)\s*\?*\s*$|"
                           r"^\s*what\s+(?:does|do|did)\s+(?:the\s+)?(?P<meant>[\w -]+?)\s+"
                           r"(?:mean|stand\s+for)\s*\?*\s*$", re.I)
# words that make the question ask something other than what the term is ("What is the Rhine
# called in French?", "What is the dress worth?"): a verb form, a preposition or a pronoun
_NOT_A_TERM_WORD = re.compile(r"^(?:\w+ed|\w+ing|\w\w+est|called|known|worth|made|like|about|"
                              r"it|they|them|this|that|these|those)$", re.I)


_TERM_BREAKS = {"the", "a", "an", "and", "or", "not", "no", "some", "any", "all", "its", "their",
                "his", "her", "our", "your", "my", "who", "what", "when", "where", "why", "how",
                # words that describe rather than name: "What was the final score?" is answered
                # by "It ended 3-1", which need not say "final score"
                "other", "another", "main", "major", "minor", "final", "first", "last", "next",
                "new", "old", "current", "latest", "real", "key", "important", "primary",
                "actual", "exact", "total", "overall", "same", "different", "usual", "best",
                "worst", "most", "least", "more", "less", "many", "much", "few", "only"}


def defined_term(question: str) -> list[str]:
    """The stems of the term of several words that a "What is ...?" question asks about, or []:
    a single word ("What is TCP?") is left to the other evidence, as is a term with a possessive,
    a preposition or a verb in it, whose words need not stand together in an answer."""
    match = _WHAT_IS_TERM.match(question_core(question))
    if not match:
        return []
    term = (match.group("term") or match.group("meant")).split()
    if term and term[0].lower() in {"term", "word", "phrase", "expression"}:
        term = term[1:]  # "What does the term copyleft mean?"
    if len(term) < 2 or any(w.lower() in _PHRASE_END or w.lower() in _TERM_BREAKS
                            or _NOT_A_TERM_WORD.match(w) or _COUNT_WORD.match(w)
                            or any(ch.isdigit() for ch in w) for w in term):
        return []
    return [stem(t) for t in tokens(" ".join(term))]


def _term_swapped(passage_tokens: list[str], term: list[str]) -> bool:
    """Whether the passage never states the term but states one like it with one modifier
    swapped: "graph isomorphism problem" for "graph isolation problem", "polynomial-time
    reduction" for "polynomial-space reduction", the head word and another word kept. A term
    merely missing is left to the other evidence: "the default minContentLength" may be
    written "minContentLength (default 140)"."""
    width = len(term)
    if width < 3:  # of two words, the one beside the head may be any word before it
        return False
    stems = [stem(t) for t in passage_tokens]
    runs = [stems[i:i + width] for i in range(len(stems) - width + 1)]
    if term in runs:
        return False
    return any(run[-1] == term[-1]
               and sum(a != b for a, b in zip(run[:-1], term[:-1], strict=True)) == 1
               for run in runs)


def negation_flip(question: str, sentence: str) -> float:
    """1 when a question that is negated ("What is not contained in ...?") meets a sentence
    that is not: the sentence states the opposite of what is asked. Why-questions are exempt:
    "Why hasn't he sent troops?" is answered by reasons, which need no negation."""
    if _WHY.search(question):
        return 0.0
    main_clause = _GERUND_NEGATION.sub(
        lambda m: m.group(0) if m.group("before").lower() in _BE_FORMS else m.group("before"),
        _CONDITION_CLAUSE.sub(" ", question))
    if _NEGATION.search(main_clause):
        # "shaped not only by sedimentation" adds, and so does not deny
        return float(not _NEGATION.search(_NOT_ONLY.sub(" ", sentence)))
    if _YES_NO.match(main_clause):
        return 0.0  # "Is Creative Commons a party to it?" / "... is not a party": the answer
    return float(_denies_a_question_word(main_clause, sentence))


# a question that opens with an auxiliary, perhaps after a phrase that sets its scope ("Going by
# satellite imagery, does ...?"), asks yes or no, which a denial may answer
_YES_NO = re.compile(rf"^\W*(?:[^,?]{{0,80}},\s*)?(?:{'|'.join(sorted(_WH_AUXILIARIES))})\b", re.I)


# "not only", "not just", "not least" add to what is said instead of denying it
_NOT_A_DENIAL = frozenset({"only", "just", "merely", "simply", "least"})
_NOT_ONLY = re.compile(rf"\bnot\s+(?:{'|'.join(sorted(_NOT_A_DENIAL))})\b", re.I)
# how many small words may stand between a negation and the word it denies ("not yet been
# proven", "not officially recognised"): auxiliaries, adverbs and these
_DENIAL_REACH = 2
# a sentence that tells the reader not to do something
_ADVICE = re.compile(r"^\W*(?:don['’]t|do not)\s+\w", re.I)
_BETWEEN_NEGATION_AND_VERB = frozenset({"yet", "ever", "still", "always", "even"})


def _denies_a_question_word(question: str, sentence: str) -> bool:
    """Whether the sentence negates a word of a question's main clause that is not negated, at
    every place it uses it: "What are intended as a practical technology?" against "Turing
    machines are not intended as a practical technology". (A condition's words describe the
    case asked about: "What would happen if it does join?" / "He hoped it would not join". An
    instruction denies nothing: "Don't pick anything up" does not say that no one does.)"""
    if _ADVICE.match(sentence):
        return False
    written = words(question)
    asked = {stem(t) for w, t in zip(written, tokens(question), strict=True)
             if w[:1].islower() and t not in stopwords()}
    said = tokens(sentence)
    denied: set[str] = set()
    affirmed: set[str] = set()
    for i, token in enumerate(said):
        word = stem(token)
        if word not in asked:
            continue
        before = said[max(0, i - _DENIAL_REACH - 1):i]
        negated = False
        for k in range(len(before) - 1, -1, -1):
            if before[k] in {"not", "never", "cannot"} or before[k].endswith("n't"):
                negated = k + 1 >= len(before) or before[k + 1] not in _NOT_A_DENIAL
                break
            if not (before[k] in stopwords() or before[k] in _BETWEEN_NEGATION_AND_VERB
                    or before[k].endswith("ly")):
                break
        if negated and "but" in said[i + 1:]:
            # "not X but Y" denies X only: "is not taken in Minsk, but in Moscow" answers
            # "Where is it taken?"; "not intended as a practical technology, but as ..." still
            # denies "What is intended as a practical technology?"
            negated = bool({stem(t) for t in said[i + 1:said.index("but", i + 1)]} & asked)
        (denied if negated else affirmed).add(word)
    return bool(denied - affirmed)


_CARDINAL_VALUES = {"two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
                    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
                    "hundred": "100"}
# how far after a count its noun may stand: "three finite graphs"
_COUNTED_REACH = 2


def _counted(text_tokens: list[str]) -> dict[str, set[str]]:
    """The counts each word follows closely: "two finite graphs" -> {"finite": {"2"}, "graph":
    {"2"}} (stems)."""
    found: dict[str, set[str]] = {}
    for i, token in enumerate(text_tokens):
        value = token if token.isdigit() else _CARDINAL_VALUES.get(token)
        if value is None:
            continue
        for word in text_tokens[i + 1:i + 1 + _COUNTED_REACH]:
            if word.isalpha() and word not in stopwords():
                found.setdefault(stem(word), set()).add(value)
    return found


# a point of the compass in any of its forms: "north", "northern", "northward", "northwest"
_COMPASS = re.compile(r"^(?P<ns>north|south)?(?P<ew>east|west)?(?:ern|erly|wards?)?$")


def _compass_points(text_tokens: list[str]) -> set[str]:
    points = set()
    for token in text_tokens:
        match = _COMPASS.match(token)
        if match and (match.group("ns") or match.group("ew")):
            points.add((match.group("ns") or "") + (match.group("ew") or ""))
    return points


def _compass_swap(question_tokens: list[str], said_tokens: list[str]) -> bool:
    """Whether the question names a point of the compass that the sentence does not, while the
    sentence names others: "What is the delta delimited in the North by?" / "delimited in the
    West by ... and in the East by ..."."""
    asked, said = _compass_points(question_tokens), _compass_points(said_tokens)
    return bool(asked - said) and bool(said - asked)


_LEAST_WORDS = frozenset({"least", "fewest", "lowest", "smallest", "minimum", "minimal", "worst",
                          "weakest", "rarest", "last"})


def _asks_least(question_tokens: list[str]) -> bool:
    """Whether the question asks for the least of something ("the least dominant sectors"),
    not "at least"."""
    return any(t in ("least", "fewest") and (i == 0 or question_tokens[i - 1] != "at")
               for i, t in enumerate(question_tokens))


def _count_swap(question_tokens: list[str], said_tokens: list[str]) -> bool:
    """Whether a thing the question counts is counted otherwise in the sentence, and never as
    the question counts it: "if three finite graphs are isomorphic" / "whether two finite
    graphs are isomorphic"."""
    said = _counted(said_tokens)
    return any(word in said and not counts & said[word]
               for word, counts in _counted(question_tokens).items())


def opposite_swap(question: str, sentence: str) -> float:
    """1 when a question word is missing from the sentence while its opposite is there
    ("least used" against "most commonly used", "indirectly" against "directly"), or when
    a word is followed by the opposite preposition of direction ("fled from" / "fled to")."""
    table = _opposites()
    question_tokens = tokens(question)
    asked = {stem(t) for t in question_tokens}
    said_tokens = tokens(sentence)
    if direction_swap(question_tokens, said_tokens):  # tokens() are lower case already
        return 1.0
    said = {stem(t) for t in said_tokens}
    for word in asked - said:
        if table.get(word, set()) & said - asked:
            return 1.0
    for token in set(question_tokens) - set(said_tokens):
        if any(bare in said_tokens or stem(bare) in said - asked for bare in _unprefixed(token)):
            return 1.0
    # ... and the other way round: "an important solved problem" / "an important unsolved one"
    for token in set(said_tokens) - set(question_tokens):
        if any(bare in question_tokens and bare not in said_tokens for bare in _unprefixed(token)):
            return 1.0
    if _count_swap(question_tokens, said_tokens) or _compass_swap(question_tokens, said_tokens):
        return 1.0
    if _asks_least(question_tokens) and not (set(said_tokens) & _LEAST_WORDS):
        return 1.0  # "What are the least dominant sectors?" / "The dominant sectors are ..."
    return 0.0


def _unprefixed(token: str) -> list[str]:
    """The describing words a negating prefix stands before in `token`: "unsolved" ->
    ["solved"], "indirectly" -> ["directly"]; none for "information" or "discover"."""
    return [token[len(prefix):] for prefix in _PREFIXES
            if token.startswith(prefix) and len(token) - len(prefix) >= 4
            and token.endswith(_DESCRIBING_ENDINGS)]


# after "what" or "which" a verb is followed by its object or a preposition ("What forms Lake
# Constance", "What precedes the period"); a noun by another noun or an auxiliary ("What
# sanctions has Belarus ...", "Which company is Apple ...")
_AFTER_A_VERB = frozenset({"the", "a", "an", "his", "her", "its", "their", "into", "to", "from",
                           "in", "on", "with", "at", "over", "as"})
# how near its verb a name stands to be that verb's subject (before it) or object (after it)
_SUBJECT_REACH = 6
_OBJECT_REACH = 4


# how far after its verb a passive's "by" may stand ("is written and produced by John Gruber")
_BY_REACH = 3


def _participle(word: str) -> bool:
    """Whether a word after "is" or "was" may be a past participle ("absorbed", "written",
    "built"), which makes a passive, rather than an adverb or a noun ("always", "president")."""
    return word.endswith(("ed", "en")) or base_form(word) != word


def _passive(said_words: list[str], verb_at: int) -> bool:
    """Whether the verb at this place is passive: a form of "be" before it ("is written") or a
    "by" shortly after it ("replaced by")."""
    return ((verb_at > 0 and said_words[verb_at - 1] in _BE_FORMS)
            or "by" in said_words[verb_at + 1:verb_at + 1 + _BY_REACH])


def role_swap(question: str, sentence: str) -> float:
    """1 when the sentence gives a name of the question the other role beside the same verb:
    "Who replaced the Normans?" against "The Normans replaced the Anglo-Saxons" (the asked-for
    object is the sentence's subject); "When did King Harold conquer England?" against "William
    conquered England, killing King Harold" (the question's subject is the sentence's object), or
    "When did Richard II flee to Normandy?" against "Ethelred fled to Normandy" (another name
    does it). A "by" after the verb (a passive) is no swap."""
    written = words(question)
    lowered = tokens(question)
    said_written = words(sentence)
    said_words = tokens(sentence)
    said = [stem(t) for t in said_words]

    def is_name(i: int) -> bool:
        return i > 0 and written[i][:1].isupper() and lowered[i] not in stopwords()

    if len(written) < 3:
        return 0.0
    # "Who did Edgar marry?": the wh-word is the object and the name after "did" the subject
    asks_object = (lowered[0] in {"who", "whom", "what", "which"}
                   and lowered[1] in {"do", "does", "did"} and is_name(2))
    if lowered[0] in {"who", "what", "which"} and not asks_object:
        # the wh-word is the verb's subject
        verb_at = 2 if lowered[1] in _WH_AUXILIARIES else 1
        if verb_at >= len(written) - 1 or is_name(verb_at) or lowered[verb_at] in stopwords():
            return 0.0
        if lowered[1] in _BE_FORMS and not _participle(lowered[verb_at]):
            return 0.0  # "is" is the verb: "Who is always the woman to Sherlock Holmes?"
        if verb_at == 2 and lowered[verb_at].endswith("ing") and lowered[1] not in _BE_FORMS:
            return 0.0  # a gerund is a subject: "What would joining the fight mean for X?"
        if verb_at == 1 and lowered[0] != "who" and not (
                lowered[2] in _AFTER_A_VERB or is_name(2)):
            return 0.0
        verb = stem(lowered[verb_at])
        if verb not in said:
            return 0.0
        said_verb = said.index(verb)
        # an active question against a passive sentence swaps the roles back ("Who writes
        # X?" / "X is written by Y"); a passive question reads a passive sentence as it is
        if lowered[verb_at - 1] not in _BE_FORMS and _passive(said_words, said_verb):
            return 0.0
        object_name = next((i for i in range(verb_at + 1, len(written)) if is_name(i)), None)
        if object_name is None:
            return 0.0
        # the whole name ("the Anglo-Norman language", not the "Anglo-Saxon" one)
        end = object_name + 1
        while end < len(written) and is_name(end):
            end += 1
        name = [stem(t) for t in lowered[object_name:end]]
        places = [k for k in range(len(said) - len(name) + 1) if said[k:k + len(name)] == name]
        before = bool(places) and max(places) < said_verb
        return float(before and said_verb - max(places) <= _SUBJECT_REACH)
    if asks_object or (lowered[0] in {"when", "where", "why", "how"}
                       and lowered[1] in {"do", "does", "did"}):
        at = 2  # the subject's names, then its verb: "When did King Harold II conquer ..."
        names = []
        while at < len(written) and (is_name(at) or lowered[at] in {"the", "a", "an"}):
            if is_name(at):
                names.append(at)
            at += 1
        if not names or at >= len(written) or lowered[at] in stopwords():
            return 0.0
        verb = stem(lowered[at])
        if verb not in said:
            return 0.0
        said_verb = said.index(verb)
        named = [stem(lowered[i]) for i in names]
        if not any(name in said for name in named):
            if asks_object:
                return 0.0
            # another name does it: "When did Richard II flee?" / "... Ethelred fled to ..."
            doer = said_words[said_verb - 1] if said_verb > 1 else ""
            written_doer = said_written[said_verb - 1] if doer else ""
            return float(written_doer[:1].isupper() and doer not in lowered
                         and doer not in stopwords())
        for i in names:
            places = [k for k, s in enumerate(said) if s == stem(lowered[i])]
            if (places and min(places) > said_verb and min(places) - said_verb <= _OBJECT_REACH
                    and "by" not in said_words[said_verb:min(places)]):
                return 1.0
    return 0.0
