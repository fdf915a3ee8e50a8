"""Metric functions: each takes plain values so that it can be tested on hand-made cases."""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.verify import ClaimVerifier, split_claims


def _normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).lower()


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator, or None ("n/a") when nothing was counted: an undefined ratio is
    never reported as a perfect or a zero score."""
    return numerator / denominator if denominator else None


def format_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def answer_relevance(question: str, answer_text: str, encoder) -> tuple[float, int] | None:
    """(summed relevance, sentences) of an answer: each of the answer's own sentences scores its
    cosine similarity to the question (RAGAS answer relevancy without an LLM). A verbatim dump of
    passages is fully "supported" by them, but most of its sentences are about something else,
    so it scores low here where a focused answer scores high. None for an empty answer."""
    claims = [c.text for c in split_claims(answer_text)]
    if not claims:
        return None
    vectors = encoder([question, *claims])
    similarities = np.clip(vectors[1:] @ vectors[0], 0.0, 1.0)
    return float(similarities.sum()), len(claims)


def key_fact_score(answer_text: str, key_facts: Sequence[Sequence[str]]) -> float:
    """Share of key-fact groups of which at least one alternative appears in the answer."""
    if not key_facts:
        return 1.0
    text = _normalise(answer_text)
    found = sum(any(_normalise(alt) in text for alt in group) for group in key_facts)
    return found / len(key_facts)


def passage_is_relevant(passage: str, quote: str) -> bool:
    """A passage is relevant to an evidence quote when it holds the quote or one half of it
    (a chunk boundary may cut a quote)."""
    passage, quote = _normalise(passage), _normalise(quote)
    if quote in passage:
        return True
    middle = len(quote) // 2
    return len(quote) >= 40 and (quote[:middle] in passage or quote[middle:] in passage)


@dataclass(frozen=True)
class RetrievalScores:
    hit_at_k: float
    reciprocal_rank: float
    context_precision: float
    context_recall: float


def retrieval_scores(passages: Sequence[str], evidence: Sequence[str], k: int) -> RetrievalScores:
    """passages: retrieved passage texts, best first; evidence: the verbatim evidence quotes."""
    top = list(passages[:k])
    relevant = [any(passage_is_relevant(p, q) for q in evidence) for p in top]
    first = next((rank for rank, ok in enumerate(relevant, start=1) if ok), None)
    covered = sum(any(passage_is_relevant(p, q) for p in top) for q in evidence)
    return RetrievalScores(
        hit_at_k=1.0 if first else 0.0,
        reciprocal_rank=1.0 / first if first else 0.0,
        context_precision=sum(relevant) / len(top) if top else 0.0,
        context_recall=covered / len(evidence) if evidence else 0.0,
    )


@dataclass(frozen=True)
class CitationScores:
    claims: int
    supported_claims: int  # faithfulness numerator: supported by the answer's cited passages
    cited_supported_claims: int  # citation recall numerator: supported by its own citations
    citations: int
    precise_citations: int
    verdicts: tuple[tuple[str, bool], ...] = ()

    @property
    def faithfulness(self) -> float | None:
        return ratio(self.supported_claims, self.claims)

    @property
    def citation_recall(self) -> float | None:
        return ratio(self.cited_supported_claims, self.claims)

    @property
    def citation_precision(self) -> float | None:
        return ratio(self.precise_citations, self.citations)


def citation_scores(answer_text: str, passages: dict[int, str],
                    verifier: ClaimVerifier) -> CitationScores:
    """RAGAS-style faithfulness and ALCE-style citation recall/precision, verified without an LLM.

    passages maps marker number -> cited passage text. A claim is faithful when the answer's cited
    passages support it; its citations recall when its own markers' passages support it; a
    citation is precise when it supports the claim alone or the claim loses support without it.
    """
    claims = split_claims(answer_text)
    all_passages = list(passages.values())
    supported = cited_supported = total_citations = precise = 0
    verdicts = []
    for claim in claims:
        ok = verifier.score(claim.text, all_passages).supported
        supported += ok
        verdicts.append((claim.text, ok))
        own = [passages[m] for m in claim.markers if m in passages]
        if own and verifier.score(claim.text, own).supported:
            cited_supported += 1
        for marker in claim.markers:
            total_citations += 1
            if marker not in passages:
                continue
            alone = verifier.score(claim.text, [passages[marker]]).supported
            others = [passages[m] for m in claim.markers if m != marker and m in passages]
            needed = bool(others) and not verifier.score(claim.text, others).supported
            precise += alone or needed
    return CitationScores(len(claims), supported, cited_supported, total_citations, precise,
                          tuple(verdicts))


def abstention_scores(should_abstain: Sequence[bool], abstained: Sequence[bool]) -> dict:
    pairs = list(zip(should_abstain, abstained, strict=True))
    true_pos = sum(s and a for s, a in pairs)
    predicted = sum(a for _, a in pairs)
    positives = sum(s for s, _ in pairs)
    answerable = len(pairs) - positives
    return {
        "abstention_precision": ratio(true_pos, predicted),
        "abstention_recall": ratio(true_pos, positives),
        "false_abstention_rate": ratio(sum(a and not s for s, a in pairs), answerable),
    }


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return float(values[0])
    return float(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1])
