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
}
_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from nltk.corpus import stopwords as nltk_stopwords

    try:
        words = set(nltk_stopwords.words("english"))
    except LookupError:  # data missing: fall back to a minimal list rather than failing
        words = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "is", "are", "was"}
    return frozenset(words | _EXTRA_STOPWORDS)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem import PorterStemmer

    # the original algorithm matches SQLite FTS5's porter tokenizer, whose vocabulary gives IDF
    return PorterStemmer(mode=PorterStemmer.ORIGINAL_ALGORITHM)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stem(word.lower().replace("’", "'"))


def tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


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
    from nltk.tokenize.punkt import PunktTokenizer

    return PunktTokenizer("english")


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
            for start, end in line_spans:
                if line[start:end].strip():
                    spans.append((offset + start, offset + end))
        offset += len(line) + 1
    return spans
