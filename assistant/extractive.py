"""The default answerer: pick the corpus sentences that answer the question and cite each one.

No generator is involved, so every sentence of an answer is verbatim corpus text followed by the
marker of the passage it was taken from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from assistant.chunking import count_tokens
from assistant.config import Settings
from assistant.schema import Answer, Citation, RetrievedChunk
from assistant.text import content_stems, numbers, sentence_spans, tokens

Encoder = Callable[[list[str]], np.ndarray]
IdfLookup = Callable[[set[str]], dict[str, float]]

_WHY = re.compile(r"^\s*(why|how come)\b|\b(reasons?|because|explain why|motivat)", re.I)
_COMPARE = re.compile(
    r"\b(agree|disagree|differ|different|compare|contrast|versus|vs\.?|each (source|outlet)|"
    r"(sources|outlets|articles) say|do the (sources|articles|outlets))\b",
    re.I,
)
_CAUSAL = re.compile(
    r"\b(because|since|as a result|due to|reasons?|so that|therefore|thus|fear(s|ed)?|prefer(s|red)?|"
    r"would mean|consequences?|risk|afraid|against|given|in order to|motivated)\b",
    re.I,
)
# text in a document that looks like our citation markers would forge citations in the answer
_MARKER_LIKE = re.compile(r"\[\s*\d+\s*\]")
_SENTENCE_END = ('.', '!', '"', '”', '’', "'", ')')
# questions whose answer must contain a number or a date/time expression
_EXPECTS_NUMBER = re.compile(r"^\s*(how (many|much|old|long|far)|what (percentage|share|proportion|"
                             r"number|amount)|what per ?cent)\b", re.I)
_EXPECTS_TIME = re.compile(r"^\s*(when|what (year|date|day|month|time)|since when|in what year|"
                           r"on what (date|day))\b", re.I)
_TIME_WORDS = re.compile(
    r"\b(\d{4}|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"week|month|year|ago|since|decade|century|spring|summer|autumn|winter)s?\b", re.I)
_FACTOID = re.compile(r"^\s*(who|when|where|which|what (percentage|share|number|year|date|day)|"
                      r"how (many|much|old|long))\b", re.I)


@dataclass
class Candidate:
    retrieved: RetrievedChunk
    local_start: int
    local_end: int
    text: str
    similarity: float = 0.0
    keyword: float = 0.0
    score: float = 0.0
    vector: np.ndarray | None = None

    @property
    def doc_id(self) -> str:
        return self.retrieved.chunk.doc_id

    @property
    def absolute_start(self) -> int:
        return self.retrieved.chunk.start + self.local_start


@dataclass(frozen=True)
class Selection:
    candidates: list[Candidate]
    best_score: float
    question_type: str


def question_type(question: str) -> str:
    if _COMPARE.search(question):
        return "compare"
    if _WHY.search(question):
        return "why"
    if _FACTOID.search(question):
        return "factoid"
    return "default"


_QUOTE_OPENERS = ("“", '"', "‘")
_SPEECH = re.compile(r"\b(statement|said|says|comment(ed|s)?|remarks?|told|warned|claimed|"
                     r"declared|announced|added|stated|vowed)\b", re.I)


def _has_quote(text: str) -> bool:
    return any(mark in text for mark in ("“", "”", '"'))


def _sentences(item: RetrievedChunk) -> Iterator[Candidate]:
    """The passage's sentences as unscored candidates, offsets without surrounding blanks."""
    text = item.chunk.text
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        if sentence:
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            yield Candidate(item, start + lead, start + lead + len(sentence), sentence)


def _next_sentence(candidate: Candidate) -> Candidate | None:
    """The sentence right after `candidate` in the same passage, if any."""
    return next((s for s in _sentences(candidate.retrieved)
                 if s.local_start >= candidate.local_end), None)


def satisfies_answer_type(question: str, sentence: str) -> bool:
    """A sentence can only answer 'how many ...' with a number and 'when ...' with a time."""
    if _EXPECTS_NUMBER.search(question):
        return bool(numbers(sentence))
    if _EXPECTS_TIME.search(question):
        return bool(_TIME_WORDS.search(sentence))
    return True


def _candidates(retrieved: list[RetrievedChunk]) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    found: list[Candidate] = []
    for item in retrieved:
        for candidate in _sentences(item):
            sentence = candidate.text
            key = (candidate.doc_id, candidate.absolute_start)
            is_heading = not sentence.endswith(_SENTENCE_END)
            forged_marker = bool(_MARKER_LIKE.search(sentence))
            if key in seen or len(tokens(sentence)) < 5 or is_heading or forged_marker:
                continue
            seen.add(key)
            found.append(candidate)
    return found


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, encoder: Encoder, idf: IdfLookup,
                 templates: dict) -> None:
        self.settings = settings
        self.encoder = encoder
        self.idf = idf
        self.templates = templates

    # --- scoring ---------------------------------------------------------------------------
    def score_candidates(
        self, question: str, question_vector: np.ndarray, retrieved: list[RetrievedChunk]
    ) -> list[Candidate]:
        candidates = [c for c in _candidates(retrieved)
                      if satisfies_answer_type(question, c.text)]
        if not candidates:
            return []
        vectors = self.encoder([c.text for c in candidates])
        question_stems = content_stems(question)
        weights = self.idf(question_stems)
        total_weight = sum(weights.values()) or 1.0
        causal_bonus = 0.05 if question_type(question) == "why" else 0.0
        for candidate, vector in zip(candidates, vectors, strict=True):
            candidate.vector = vector
            candidate.similarity = float(vector @ question_vector)
            overlap = question_stems & content_stems(candidate.text)
            candidate.keyword = sum(weights[s] for s in overlap) / total_weight
            candidate.score = 0.6 * candidate.similarity + 0.4 * candidate.keyword
            if causal_bonus and _CAUSAL.search(candidate.text):
                candidate.score += causal_bonus
        return sorted(candidates, key=lambda c: -c.score)

    # --- selection -------------------------------------------------------------------------
    def select(self, question: str, ranked: list[Candidate]) -> Selection:
        kind = question_type(question)
        if not ranked:
            return Selection([], 0.0, kind)
        best = ranked[0].score
        limits = {"factoid": (2, 0.85), "default": (3, 0.8), "why": (5, 0.7), "compare": (5, 0.7)}
        max_sentences, relative = limits[kind]
        max_sentences = min(max_sentences, self.settings.max_answer_sentences + 1)
        floor = max(best * relative, self.settings.min_support_score)
        chosen: list[Candidate] = []
        sources: set[str] = set()
        budget = self.settings.answer_token_budget
        pool = [c for c in ranked if c.score >= floor]
        while pool and len(chosen) < max_sentences:
            def gain(c: Candidate) -> float:
                novelty = 0.05 if kind in ("why", "compare") and c.doc_id not in sources else 0.0
                return c.score + novelty

            pick = max(pool, key=gain)
            pool.remove(pick)
            if pick.vector is not None and any(
                    float(pick.vector @ c.vector) > 0.85 for c in chosen if c.vector is not None):
                continue  # says the same thing as a sentence already chosen
            cost = count_tokens(pick.text)
            if chosen and cost > budget:
                continue
            chosen.append(pick)
            sources.add(pick.doc_id)
            budget -= cost
        return Selection(self._with_following_quotes(chosen), best, kind)

    def _with_following_quotes(self, chosen: list[Candidate]) -> list[Candidate]:
        """Add the quotation that directly follows a chosen sentence when that sentence only
        leads into it ('He made a chilling statement on July 2.' -> 'According to BelTA, he
        commented, “The time has come ...”'), or when the next sentence is a quotation answering
        it ('“Are we able ...?” he said.' -> '“No, we are not.”')."""
        extra: list[Candidate] = []
        taken = {(c.doc_id, c.absolute_start) for c in chosen}
        for candidate in chosen:
            follower = _next_sentence(candidate)
            if follower is None or (follower.doc_id, follower.absolute_start) in taken:
                continue
            starts_quoted = follower.text.startswith(_QUOTE_OPENERS)
            announces = (_SPEECH.search(candidate.text) and not _has_quote(candidate.text)
                         and _has_quote(follower.text))
            if (starts_quoted or announces) and not _MARKER_LIKE.search(follower.text):
                follower.score = candidate.score
                extra.append(follower)
                taken.add((follower.doc_id, follower.absolute_start))
        return chosen + extra

    # --- composition -----------------------------------------------------------------------
    def compose(self, question: str, selection: Selection) -> Answer:
        order: dict[str, int] = {}
        for candidate in selection.candidates:  # sources in order of their best sentence
            order.setdefault(candidate.doc_id, len(order))
        ordered = sorted(selection.candidates,
                         key=lambda c: (order[c.doc_id], c.absolute_start))
        citations = [_citation(n, c) for n, c in enumerate(ordered, start=1)]
        multi_source = len(order) > 1 and selection.question_type in ("why", "compare")
        if multi_source:
            text = self._attributed(ordered, citations, selection.question_type)
        else:
            text = " ".join(f"{c.text} [{cit.n}]" for c, cit in zip(ordered, citations,
                                                                  strict=True))
        return Answer(text=text, citations=citations, question=question)

    def _attributed(self, ordered: list[Candidate], citations: list[Citation], kind: str) -> str:
        lines = []
        intro = self.templates["intro"].get(kind, "")
        if intro:
            lines.append(intro)
        line_template = self.templates["attribution"]["line"]
        by_source: dict[str, list[tuple[Candidate, Citation]]] = {}
        for candidate, citation in zip(ordered, citations, strict=True):
            by_source.setdefault(candidate.doc_id, []).append((candidate, citation))
        for pairs in by_source.values():
            label = source_label(pairs[0][1])
            body = " ".join(f"{c.text} [{cit.n}]" for c, cit in pairs[:-1])
            last_candidate, last_citation = pairs[-1]
            sentence = f"{body} {last_candidate.text}".strip()
            lines.append(line_template.format(label=label, sentence=sentence,
                                              markers=f"[{last_citation.n}]"))
        return "\n".join(lines)


def source_label(citation: Citation) -> str:
    if citation.outlet:
        return citation.outlet
    title = citation.title or citation.source
    return title if len(title) <= 60 else title[:57].rstrip() + "..."


def _citation(n: int, candidate: Candidate) -> Citation:
    chunk = candidate.retrieved.chunk
    return Citation(
        n=n,
        source=chunk.doc_id,
        title=chunk.title,
        text=chunk.text,
        start=chunk.start,
        end=chunk.end,
        score=round(candidate.score, 4),
        outlet=chunk.outlet,
        chunk_id=chunk.chunk_id,
        highlight_start=candidate.local_start,
        highlight_end=candidate.local_end,
    )
