"""Shared text helpers: content words, stems, numbers, names and sentence spans with offsets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_EXTRA_STOPWORDS = {
    "said", "says", "would", "could", "also", "one", "may", "might", "according", "mr", "ms",
    "many", "much", "per", "cent", "us", "tell", "give", "say", "did", "does", "anything",
    "something",
    # words that refer to the indexed collection itself rather than to any topic in it
    "article", "articles", "source", "sources", "document", "documents", "outlet", "outlets",
}
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "once": "1", "twice": "2", "thrice": "3", "first": "1", "second": "2", "third": "3",
    "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9",
    "tenth": "10", "dozen": "12",
}
# English irregular past forms -> base form, so that "sent" finds "send"/"sending" (the Porter
# stemmer only strips regular endings). Language morphology, not fitted to any corpus.
_IRREGULAR_VERBS = {
    past: base
    for base, forms in {
        "be": "was were been", "become": "became", "begin": "began begun", "break": "broke broken",
        "bring": "brought", "build": "built", "buy": "bought", "catch": "caught",
        "choose": "chose chosen", "come": "came", "cost": "cost", "deal": "dealt",
        "do": "did done", "draw": "drew drawn", "drive": "drove driven", "eat": "ate eaten",
        "fall": "fell fallen", "feel": "felt", "fight": "fought", "find": "found", "flee": "fled",
        "fly": "flew flown", "forbid": "forbade forbidden", "forget": "forgot forgotten",
        "freeze": "froze frozen", "get": "got gotten", "give": "gave given", "go": "went gone",
        "grow": "grew grown", "have": "had", "hear": "heard", "hide": "hid hidden",
        "hold": "held", "keep": "kept", "know": "knew known", "lay": "laid", "lead": "led",
        "lend": "lent", "lose": "lost", "make": "made", "mean": "meant",
        "meet": "met", "pay": "paid", "ride": "rode ridden", "rise": "rose risen", "run": "ran",
        "say": "said", "see": "saw seen", "seek": "sought", "sell": "sold", "send": "sent",
        "shake": "shook shaken", "shoot": "shot", "sing": "sang sung", "sink": "sank sunk",
        "sit": "sat", "sleep": "slept", "speak": "spoke spoken", "spend": "spent",
        "stand": "stood", "steal": "stole stolen", "strike": "struck", "swear": "swore sworn",
        "take": "took taken", "teach": "taught", "tear": "tore torn", "tell": "told",
        "think": "thought", "throw": "threw thrown", "understand": "understood",
        "wake": "woke woken", "wear": "wore worn", "win": "won", "write": "wrote written",
        # more of English's irregular verbs; forms that are common words of their own are left
        # out ("left", "bound", "ground", "wound", "bore", "lit", "rang")
        "arise": "arose arisen", "awake": "awoke awoken", "bear": "borne", "beat": "beaten",
        "bend": "bent", "bite": "bitten", "bleed": "bled", "blow": "blew blown",
        "breed": "bred", "cling": "clung", "creep": "crept", "dig": "dug", "drink": "drank drunk",
        "dwell": "dwelt", "feed": "fed", "fling": "flung", "forgive": "forgave forgiven",
        "forsake": "forsook forsaken", "hang": "hung", "kneel": "knelt", "leap": "leapt",
        "mistake": "mistook mistaken", "overcome": "overcame", "overtake": "overtook overtaken",
        "shine": "shone", "shrink": "shrank shrunk", "slay": "slew slain", "slide": "slid",
        "smite": "smote smitten", "spin": "spun", "spring": "sprang sprung", "sting": "stung",
        "stride": "strode stridden", "strive": "strove striven", "sweep": "swept",
        "swim": "swam swum", "swing": "swung", "tread": "trod trodden",
        "undertake": "undertook undertaken", "weave": "wove woven", "weep": "wept",
        "withdraw": "withdrew withdrawn",
    }.items()
    for past in forms.split()
}
# the base forms of those verbs ("be", "have", "take" ...): after "to", an infinitive
IRREGULAR_BASE_FORMS = frozenset(_IRREGULAR_VERBS.values())
_ATTRIBUTION = re.compile(r"^[^!?]{0,60}?\b(said|says|told|added|asked|replied|wrote|stated)\b")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from assistant.nltk_parts import stopwords as nltk_stopwords

    try:
        listed = set(nltk_stopwords("english"))
    except LookupError:  # data missing: fall back to a minimal list rather than failing
        listed = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "is", "are", "was"}
    return frozenset(listed | _EXTRA_STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer():
    from assistant.nltk_parts import porter_stemmer

    # stems must be those of SQLite FTS5's porter tokenizer, whose vocabulary gives the passage
    # frequencies (IDF, words unknown to the corpus): that is Martin Porter's revised algorithm
    # ("technology" -> technolog, "possibly" -> possibl), which the original one is not
    return porter_stemmer("MARTIN_EXTENSIONS")


def _without_diacritics(word: str) -> str:
    """"Māori" -> "maori", as the keyword index reads it (unicode61 remove_diacritics 2)."""
    if word.isascii():
        return word
    return "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not unicodedata.combining(ch))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    lowered = _without_diacritics(word.lower().replace("’", "'"))
    return _stemmer().stem(base_form(lowered))


def base_form(word: str) -> str:
    """The base form of an irregular English verb form ("sent" -> "send"), the participle an
    adverb is made from ("repeatedly" -> "repeated", "increasingly" -> "increasing"), else the
    word. The Porter stemmer leaves such adverbs apart from their verb ("repeatedli")."""
    if word.endswith(("edly", "ingly")) and len(word) > 7:
        return word[:-2]
    return _IRREGULAR_VERBS.get(word, word)


def words(text: str) -> list[str]:
    """The words of a text as written (case and apostrophes kept)."""
    return _TOKEN.findall(text)


def _token(word: str) -> str:
    token = word.lower().replace("’", "'")
    return token[:-2] if token.endswith("'s") else token


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; a possessive 's is dropped, as the FTS5 tokenizer splits it off."""
    return [_token(word) for word in words(text)]


def content_words(text: str) -> list[str]:
    """The words that carry content. A capital letter standing alone is a name ("the classes L
    and P", "vitamin C", "Plan B"); other single letters are not."""
    stops = stopwords()
    found = ((word, _token(word)) for word in words(text))
    return [token for word, token in found
            if token not in stops and (len(token) > 1 or token.isdigit() or word.isupper())]


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def numbers(text: str) -> set[str]:
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {_NUMBER_WORDS[t] for t in tokens(text) if t in _NUMBER_WORDS}
    return found


def proper_names(text: str) -> set[str]:
    """Capitalised words that do not open a sentence: a cheap named-entity proxy."""
    names: set[str] = set()
    for sentence in re.split(r"(?<=[.!?:;“\"])\s+|\n+", text):
        for word in words(sentence)[1:]:
            if word[:1].isupper() and word.lower() not in stopwords():
                # "Putin’s" and "Putin's" are the name Putin, as tokens() reads them
                word = word.replace("’", "'")
                names.add(stem(word[:-2] if word.lower().endswith("'s") else word))
    return names


# Abbreviations Punkt's English model lacks (titles, ranks, Latin), added to its parameters.
_EXTRA_ABBREVIATIONS = {
    "gov", "govs", "sen", "sens", "reps", "capt", "sgt", "cpl", "cmdr", "adm", "gens", "pres",
    "supt", "hon", "rev", "fr", "mt", "e.g", "i.e", "cf", "viz", "al", "approx", "dept", "univ",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# Abbreviations that only abbreviate before a number ("No. 10", "Fig. 3", "pp. 12"): elsewhere
# they are words ("he said no.", "a fig.").
_BEFORE_NUMBER = re.compile(r"\b(?:No|Nos|Fig|Figs|Vol|Vols|Art|Arts|Sec|Ch|pp?|para)\.$",
                            re.IGNORECASE)
# A title before a name never ends a sentence, though Punkt splits after one when the name is
# also a common word it has seen in lower case ("Mr. | Darling used to boast", "Mrs. | Long").
_TITLE_END = re.compile(r"\b(?:Mr|Mrs|Ms|Mx|Messrs|Mme|Mlle|Dr|Prof|Rev|Capt|Lt|Col|Gen|Sgt|Gov|"
                        r"Sen|Rep|Hon|Fr|Mt|St)\.$")
# A hard-wrapped paragraph is set at a fixed column; wrappers keep it between about 60 and 100
# characters. A block whose longest line is shorter is a list or a heading block, not a wrap.
_MIN_WRAP_WIDTH = 40
_MAX_WRAP_WIDTH = 120
# Hand-wrapped text leaves a ragged right edge: a line this close to the wrap column continues.
_WRAP_SLACK = 8
_BULLET = re.compile(r"[-*•·▪‣◦–—](?=\s)")
# A section or list number standing alone before its heading: "3.1." "0." "(a)" "iv."
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)]")
_SENTENCE_FINAL = frozenset('.!?:;"”’)]')
# a lower-case word opening a piece of text, unless it is a list numeral ("iv.") or a name
# written in lower case ("iPhone", "eBay")
_LOWER_OPENING = re.compile(r"^(?![ivxlc]+[.)])[a-z]{2,}\b(?![-'’]?[A-Z])")
# footnote reference markers of encyclopedia text: "[1]", "[12][13]", "[note 2]", "[a]"
_FOOTNOTE = r"\[(?:\d{1,3}|[a-z]|note \d{1,3}|citation needed)\]"
_LEADING_FOOTNOTES = re.compile(rf"\s*(?:{_FOOTNOTE}\s*)*")
_TRAILING_FOOTNOTES = re.compile(rf"(?<=[.!?\"”’)])(?:\s*{_FOOTNOTE})+\s*$")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n|\f")


@lru_cache(maxsize=1)
def _punkt():
    from assistant.nltk_parts import punkt_tokenizer

    tokenizer = punkt_tokenizer("english")
    tokenizer._params.abbrev_types.update(_EXTRA_ABBREVIATIONS)
    return tokenizer


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, stripped of surrounding whitespace.

    Blank lines, bullets and short lines (headings, list items, captions) end a sentence; a line
    break inside a hard-wrapped paragraph does not, so a sentence can span lines and its span is
    still one contiguous piece of `text`. Inside each block Punkt finds the sentence ends.
    Retrieved passages recur from question to question, so their spans are kept.
    """
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for start, end in _blocks(text):
        block = text[start:end].replace("\n", " ").replace("\r", " ")
        try:
            block_spans = list(_punkt().span_tokenize(block))
        except LookupError:  # Punkt data missing: split after sentence-final punctuation
            block_spans = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]*", block)]
        for s, e in _merge_fragments(block, block_spans):
            piece = block[s:e]
            # footnote markers ("France.[1] They ...") belong to no sentence: Punkt puts them at
            # the start of the next one, and a sentence is cited without them
            lead_match = _LEADING_FOOTNOTES.match(piece)
            trail_match = _TRAILING_FOOTNOTES.search(piece)
            lead = lead_match.end() if lead_match else 0
            stop = trail_match.start() if trail_match else len(piece.rstrip())
            if piece[lead:stop].strip():
                spans.append((start + s + lead, start + s + stop))
    return tuple(spans)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that may hold sentences running across line breaks."""
    blocks: list[tuple[int, int]] = []
    cursor = 0
    for match in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        for start, stop in _unwrapped_runs(text, cursor, end):
            # a page break (its furniture blanked) inside a sentence: the block before stops
            # mid-sentence and the one after opens with a lower-case word
            if (blocks and text[blocks[-1][1] - 1] not in _SENTENCE_FINAL
                    and opens_mid_sentence(text[start:stop])):
                blocks[-1] = (blocks[-1][0], stop)
            else:
                blocks.append((start, stop))
        cursor = match.end() if match else len(text)
    return blocks


def _unwrapped_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a paragraph at its line breaks, except where a hard-wrapped line continues."""
    lines: list[tuple[int, int]] = []
    position = start
    for line in text[start:end].split("\n"):
        if line.strip():
            lines.append((position, position + len(line.rstrip())))
        position += len(line) + 1
    if not lines:
        return []
    widths = [e - s for s, e in lines if e - s <= _MAX_WRAP_WIDTH]
    column = max(widths, default=0)
    runs = [lines[0]]
    for (previous_start, previous_end), (s, e) in zip(lines, lines[1:], strict=False):
        following = text[s:e].lstrip()
        first_word = following.split(None, 1)[0]
        previous_width = previous_end - previous_start
        wraps = (
            column >= _MIN_WRAP_WIDTH
            and previous_width <= column
            and e - s <= column  # both lines fit the column: a 400-character line is no wrap
            and previous_width + 1 + len(first_word) > column - _WRAP_SLACK
            and not _BULLET.match(following)
        )
        if wraps:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def opens_mid_sentence(text: str) -> bool:
    """Whether the text opens with a lower-case word, as the tail of a cut sentence does."""
    return bool(_LOWER_OPENING.match(text.lstrip()))


def _merge_fragments(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join '“Are we able ...?” Mr. X said in December.': Punkt ends a sentence after a
    quoted question or exclamation even when the attribution continues it; and re-join
    'No. | 10 Downing Street' where an abbreviation stands before a number, and 'Mr. | Darling'
    after a title."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            previous = line[merged[-1][0] : merged[-1][1]].strip()
            current = line[start:end].lstrip()
            ends_quoted = previous.endswith(("?”", "!”", '?"', '!"', "?’", "!’"))
            continues = (current[:1].islower() or current[:1] in ",;:)"
                         or bool(_ATTRIBUTION.match(current)))
            before_number = bool(_BEFORE_NUMBER.search(previous)) and current[:1].isdigit()
            after_title = bool(_TITLE_END.search(previous)) and current[:1].isupper()
            closes = current[:1] in "”’)]"  # Punkt split before the closing quote
            # a sentence does not open with a lower-case word: the full stop before one was an
            # abbreviation's ("... in Remain Co. | are worth about $28 billion"), and neither
            # did an exclamation or a question end one ("thump! thump! | down she came")
            before_lower_case = (previous.endswith((".", "!", "?"))
                                 and opens_mid_sentence(current))
            if ((ends_quoted and continues) or closes or before_number or after_title
                    or before_lower_case
                    or _ENUMERATOR.fullmatch(previous)):
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged
