"""Scoring shared by every system: key facts, the cited source, length, abstention."""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

MAX_ANSWER_WORDS = 200

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Lower case, no punctuation, one space between words; '5,000' -> '5000', '4%' -> '4 %'."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    text = re.sub(r"(?<=\d)[,](?=\d{3}\b)", "", text)
    text = re.sub(r"([%$£€])", r" \1 ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # keep decimal points
    text = re.sub(r"[^\w%$£€.]+", " ", text)
    return " ".join(text.split())


def fact_present(answer: str, alternatives: list[str]) -> bool:
    padded = f" {normalise(answer)} "
    return any(f" {normalise(alt)} " in padded for alt in alternatives if normalise(alt))


def facts_present(answer: str, key_facts: list[list[str]]) -> bool:
    return all(fact_present(answer, group) for group in key_facts)


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def quote_in_body(quote: str, body: str) -> bool:
    """The cited quote occurs in the page's main text (spacing and punctuation ignored)."""
    quote = _letters(quote)
    return bool(quote) and quote in _letters(body)


@dataclass
class SystemAnswer:
    text: str
    abstained: bool
    sources: list[str] = field(default_factory=list)  # cited document ids, in order
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (source, cited sentence)
    latency_ms: float = 0.0
    error: str = ""


@dataclass
class Row:
    id: str
    split: str
    question: str
    answerable: bool
    answer: str
    abstained: bool
    sources: list[str]
    facts: bool
    right_source: bool
    short: bool
    correct: bool
    quotes_in_body: int = 0
    quotes_checked: int = 0
    latency_ms: float = 0.0
    error: str = ""


def score(question, answer: SystemAnswer, truth: dict[str, str] | None = None) -> Row:
    """correct = (answerable) every key fact, a right source cited, <= 200 words;
    (unanswerable) abstained."""
    words = len(answer.text.split())
    facts = not answer.abstained and facts_present(answer.text, question.key_facts)
    right_source = not answer.abstained and any(s in question.doc_ids for s in answer.sources)
    short = words <= MAX_ANSWER_WORDS
    correct = (facts and right_source and short) if question.answerable else answer.abstained
    row = Row(question.id, question.split, question.question, question.answerable, answer.text,
              answer.abstained, list(answer.sources), facts, right_source, short, correct,
              latency_ms=answer.latency_ms, error=answer.error)
    if truth and not answer.abstained:
        for source, quote in answer.quotes:
            body = truth.get(source.rsplit(".", 1)[0])
            if body is not None and quote.strip():
                row.quotes_checked += 1
                row.quotes_in_body += quote_in_body(quote, body)
    return row


def _share(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def aggregate(rows: list[Row], truth_available: bool) -> dict:
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    checked = sum(r.quotes_checked for r in rows)
    latencies = [r.latency_ms for r in rows]
    return {
        "questions": len(rows),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "score": _share([r.correct for r in rows]),
        "answerable_correct": _share([r.correct for r in answerable]),
        "key_facts": _share([r.facts for r in answerable]),
        "right_source": _share([r.right_source for r in answerable]),
        "abstention": _share([r.abstained for r in unanswerable]),
        "false_abstention": _share([r.abstained for r in answerable]),
        "in_body": (round(sum(r.quotes_in_body for r in rows) / checked, 4)
                    if truth_available and checked else None),
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "errors": sum(bool(r.error) for r in rows),
    }
