"""Claim verifier: is a sentence supported by the passages it cites?

Support combines lexical evidence (share of the claim's content words found in the passage, and
every number and proper name of the claim present there) with the best embedding similarity of
the claim to one sentence of the passage. A verbatim quote is fully supported. The eval harness
uses the same functions, so the product and its scores agree on what "supported" means.

Word overlap and embeddings cannot tell "approved" from "did not approve", so meaning checks
(assistant/meaning.py) veto a claim that flips the polarity of the passage, attaches a number or
an action to the wrong thing, adds a quantifier, or carries markup or a link the passage lacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.meaning import contradictions, same_name
from assistant.text import content_stems, numbers, proper_names, sentence_spans

Encoder = Callable[[list[str]], np.ndarray]
MARKER = re.compile(r"\s*\[(\d+)\]")
_BULLET_LABEL = re.compile(r"^\s*(?:[-*•]\s+)?(?:\*\*[^*]{1,80}\*\*:\s*)?")


@dataclass(frozen=True)
class Claim:
    text: str  # the sentence without markers or list/label decoration
    markers: tuple[int, ...]


@dataclass(frozen=True)
class Verdict:
    score: float
    supported: bool
    missing_numbers: tuple[str, ...] = ()
    missing_names: tuple[str, ...] = ()
    # meaning checks that failed: "negation", "number context", "roles", "quantifier", "markup"
    contradictions: tuple[str, ...] = ()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def split_claims(answer_text: str) -> list[Claim]:
    """Sentences of an answer with their [n] markers; connective lines ending in ':' are skipped."""
    claims: list[Claim] = []
    # "claim [1]." -> "claim. [1]": punctuation after the markers still ends the claim
    answer_text = re.sub(r"((?:\s*\[\d+\])+)\s*([.!?])", r"\2\1", answer_text)
    for line in answer_text.split("\n"):
        line = _BULLET_LABEL.sub("", line)
        # markers follow the sentence they support: attach each run of markers to the text before
        pieces = re.split(r"((?:\s*\[\d+\])+)", line)
        pending = ""
        for piece in pieces:
            if MARKER.match(piece or "") and piece.strip().startswith("["):
                marks = tuple(int(m) for m in MARKER.findall(piece))
                claims.extend(_sentences_with_markers(pending, marks))
                pending = ""
            else:
                pending += piece
        claims.extend(_sentences_with_markers(pending, ()))
    return [c for c in claims if re.search(r"\w", c.text) and not c.text.endswith(":")]


def _sentences_with_markers(text: str, markers: tuple[int, ...]) -> list[Claim]:
    spans = sentence_spans(text)
    if not spans:
        return []
    sentences = [text[s:e].strip() for s, e in spans]
    # the markers belong to the last sentence before them
    return [Claim(s, markers if i == len(sentences) - 1 else ()) for i, s in enumerate(sentences)]


def _missing_names(names: set[str], passage_stems: set[str]) -> set[str]:
    """Names of the claim the passage lacks; a name and its demonym or a longer form of it
    ("Ukraine"/"Ukrainian", "Belarus"/"Belarusian") count as the same (shared 5-letter stem)."""
    return {name for name in names if same_name(name, passage_stems) is None}


def _bare(text: str) -> str:
    return re.sub(r"^[\W_]+|[\W_]+$", "", text)


def _is_whole_sentence(claim_squashed: str, passages: Sequence[str]) -> bool:
    claim = _bare(claim_squashed)
    return bool(claim) and any(_bare(_squash(p[s:e])) == claim
                               for p in passages for s, e in sentence_spans(p))


class ClaimVerifier:
    def __init__(self, encoder: Encoder | None, threshold: float,
                 meaning_checks: bool = True, min_claim_words: int = 3) -> None:
        """`meaning_checks=False` scores word and embedding support only (for comparison)."""
        self.encoder = encoder
        self.threshold = threshold
        self.meaning_checks = meaning_checks
        self.min_claim_words = min_claim_words

    def score(self, claim: str, passages: Sequence[str]) -> Verdict:
        if not passages:
            return Verdict(0.0, False)
        claim_squashed = _squash(claim)
        claim_stems = content_stems(claim)
        # a few words lifted out of a passage ("PWNED", echoing an injected order) state
        # nothing: only a whole sentence or a statement of several content words counts
        substantial = len(claim_stems) >= self.min_claim_words
        if any(claim_squashed and claim_squashed in _squash(p) for p in passages) and (
                substantial or _is_whole_sentence(claim_squashed, passages)):
            return Verdict(1.0, True)
        if not substantial:
            return Verdict(0.0, False)
        joined = "\n".join(passages)
        coverage = (
            len(claim_stems & content_stems(joined)) / len(claim_stems) if claim_stems else 0.0
        )
        missing_numbers = tuple(sorted(numbers(claim) - numbers(joined)))
        missing_names = tuple(sorted(_missing_names(proper_names(claim), content_stems(joined))))
        semantic = self._best_similarity(claim, joined) if self.encoder else coverage
        score = 0.5 * coverage + 0.5 * semantic
        if missing_numbers or missing_names:
            score *= 0.5
        failed = contradictions(claim, joined) if self.meaning_checks else ()
        if failed:
            score *= 0.5
        supported = score >= self.threshold and not failed
        return Verdict(round(score, 4), supported, missing_numbers, missing_names, failed)

    def _best_similarity(self, claim: str, passage: str) -> float:
        assert self.encoder is not None
        sentences = [passage[s:e] for s, e in sentence_spans(passage)] or [passage]
        vectors = self.encoder([claim, *sentences])
        return float(max(0.0, np.max(vectors[1:] @ vectors[0])))
