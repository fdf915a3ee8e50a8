"""British and American spellings of one word ("licences" / "licenses", "colour" / "color",
"organise" / "organize"), so that a question finds a corpus written in the other spelling.

The engine asks for a variant only for a question word the corpus never uses, and takes the
variant only when the corpus does use it (Assistant.in_corpus_spelling): the rules may propose
non-words ("doctour"); the corpus' own vocabulary decides. English orthography, not fitted to
any corpus.
"""

from __future__ import annotations

import re

# (pattern, replacement) pairs, each tried in both directions by listing both
_SUFFIX_RULES = (
    # colour/color, favourite/favorite, honourable/honorable, behaviours/behaviors
    (re.compile(r"(?<=\w\w)our(?=(s|ed|ing|ite|ites|able|ably|ful|ist|ists|er|ers|less)?$)"), "or"),
    (re.compile(r"(?<=\w\w[^aeiou])or(?=(s|ed|ing|ite|ites|able|ably|ful|ist|ists|less)?$)"),
     "our"),
    # organise/organize, organisation/organization, recognised/recognized
    (re.compile(r"is(?=(e|es|ed|ing|ation|ations|er|ers)$)"), "iz"),
    (re.compile(r"iz(?=(e|es|ed|ing|ation|ations|er|ers)$)"), "is"),
    # analyse/analyze, paralysed/paralyzed
    (re.compile(r"ys(?=(e|es|ed|ing)$)"), "yz"),
    (re.compile(r"yz(?=(e|es|ed|ing)$)"), "ys"),
    # centre/center, metres/meters, fibre/fiber, centred/centered
    (re.compile(r"(?<=[bcgtv])re(?=(s|d)?$)"), "er"),
    (re.compile(r"(?<=[bcgtv])er(?=(s|ed)?$)"), "re"),
    # licence/license, defence/defense, offences/offenses, licenced/licensed
    (re.compile(r"enc(?=(e|es|ed|ing)$)"), "ens"),
    (re.compile(r"ens(?=(e|es|ed|ing)$)"), "enc"),
    # travelled/traveled, modelling/modeling, cancellation/cancelation
    (re.compile(r"(?<=[aeiou])ll(?=(ed|ing|er|ers|ation)$)"), "l"),
    (re.compile(r"(?<=e)l(?=(ed|ing|er|ers)$)"), "ll"),
    # catalogue/catalog, dialogues/dialogs
    (re.compile(r"ogue(?=s?$)"), "og"),
    (re.compile(r"(?<=\w\w)og(?=s?$)"), "ogue"),
    # paediatric/pediatric, anaemia/anemia, oestrogen/estrogen, foetus/fetus
    (re.compile(r"(?<=\w)ae(?=\w)"), "e"),
    (re.compile(r"oe(?=\w)"), "e"),
)
# whole words whose spellings differ by more than an ending
_WORD_PAIRS = (
    ("programme", "program"), ("programmes", "programs"), ("grey", "gray"), ("tyre", "tire"),
    ("tyres", "tires"), ("plough", "plow"), ("sceptic", "skeptic"), ("sceptical", "skeptical"),
    ("mould", "mold"), ("aluminium", "aluminum"), ("cheque", "check"), ("cheques", "checks"),
    ("draught", "draft"), ("artefact", "artifact"), ("artefacts", "artifacts"),
    ("judgement", "judgment"), ("ageing", "aging"), ("enquiry", "inquiry"),
    ("enquiries", "inquiries"), ("pyjamas", "pajamas"), ("kerb", "curb"), ("manoeuvre", "maneuver"),
    ("manoeuvres", "maneuvers"), ("jewellery", "jewelry"), ("storey", "story"),
    ("storeys", "stories"), ("defence", "defense"), ("offence", "offense"),
)
_PAIRED = {a: b for a, b in _WORD_PAIRS} | {b: a for a, b in _WORD_PAIRS}


def spelling_variants(word: str) -> list[str]:
    """Other spellings of a lower-case word, the likeliest first; they need not be words."""
    found: list[str] = []
    if word in _PAIRED:
        found.append(_PAIRED[word])
    for pattern, replacement in _SUFFIX_RULES:
        variant = pattern.sub(replacement, word, count=1)
        if variant != word and variant not in found:
            found.append(variant)
    return found
