"""Shared text helpers: content words, stems, numbers, names and sentence spans with offsets."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_EXTRA_STOPWORDS = {
    "said", "says", "would", "could", "also", "one", "may", "might", "according", "mr", "ms",
    "many", "much", "per", "cent", "us", "tell", "give", "say", "did", "does", "anything",
    "something", "article", "articles", "source", "sources", "text",
    # words about the documents or the comparison asked for, not about the topic
    "blog", "post", "posts", "outlet", "outlets", "newspaper", "piece", "pieces", "differ",
    "different", "agree", "disagree", "compare", "contrast", "mention", "mentioned", "describe",
    "described", "report", "reported", "reports",
}
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
    "once": "1", "twice": "2", "thrice": "3", "first": "1", "second": "2", "third": "3",
    "fourth": "4", "fifth": "5", "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9",
    "tenth": "10", "dozen": "12",
}
_ATTRIBUTION = re.compile(r"^[^!?]{0,60}?\b(said|says|told|added|asked|replied|wrote|stated)\b")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from assistant.nltk_parts import stopwords as nltk_stopwords

    try:
        words = set(nltk_stopwords("english"))
    except LookupError:  # data missing: fall back to a minimal list rather than failing
        words = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "is", "are", "was"}
    return frozenset(words | _EXTRA_STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer():
    from assistant.nltk_parts import porter_stemmer

    # the original algorithm matches SQLite FTS5's porter tokenizer, whose vocabulary gives IDF
    return porter_stemmer("ORIGINAL_ALGORITHM")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stem(word.lower().replace("’", "'"))


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; a possessive 's is dropped, as the FTS5 tokenizer splits it off."""
    found = (t.lower().replace("’", "'") for t in _TOKEN.findall(text))
    return [t[:-2] if t.endswith("'s") else t for t in found]


def content_words(text: str) -> list[str]:
    stops = stopwords()
    return [t for t in tokens(text) if t not in stops and (len(t) > 1 or t.isdigit())]


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
        words = _TOKEN.findall(sentence)
        for word in words[1:]:
            if word[:1].isupper() and word.lower() not in stopwords():
                names.add(stem(word))
    return names


@lru_cache(maxsize=1)
def _punkt():
    from assistant.nltk_parts import punkt_tokenizer

    return punkt_tokenizer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; line breaks always end a sentence (headings, captions)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            try:
                line_spans = list(_punkt().span_tokenize(line))
            except LookupError:
                line_spans = [(m.start(), m.end()) for m in re.finditer(r"[^.!?]+[.!?]*", line)]
            for start, end in _merge_quote_fragments(line, line_spans):
                if line[start:end].strip():
                    spans.append((offset + start, offset + end))
        offset += len(line) + 1
    return spans


def _merge_quote_fragments(line: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Re-join '“Are we able ...?” Mr. X said in December.': Punkt ends a sentence after a
    quoted question or exclamation even when the attribution continues it."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged:
            previous = line[merged[-1][0] : merged[-1][1]].rstrip()
            current = line[start:end]
            ends_quoted = previous.endswith(("?”", "!”", '?"', '!"', "?’", "!’"))
            continues = current[:1].islower() or bool(_ATTRIBUTION.match(current))
            if ends_quoted and continues:
                merged[-1] = (merged[-1][0], end)
                continue
        merged.append((start, end))
    return merged
