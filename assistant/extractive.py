"""The default answerer: pick the corpus sentences that answer the question and cite each one.

No generator is involved, so every sentence of an answer is verbatim corpus text followed by the
marker of the passage it was taken from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.abstention import AbstentionEvidence
from assistant.answer_fit import (
    AnswerKind,
    AskedKind,
    asked_kind,
    expected_kind,
    figure_missing,
    negation_flip,
    opposite_swap,
    role_swap,
)
from assistant.chunking import tokens_within
from assistant.config import Settings
from assistant.document_names import NamedDocuments
from assistant.schema import Answer, Citation, RetrievedChunk
from assistant.text import (
    content_stems,
    content_words,
    opens_mid_sentence,
    sentence_spans,
    stem,
    tokens,
    words,
)

Encoder = Callable[[list[str]], np.ndarray]
IdfLookup = Callable[[set[str]], dict[str, float]]
TokenCounts = Callable[[list[str]], dict[str, int]]

_COUNTING = re.compile(r"^\s*how (many|much)\b", re.I)
_WHY = re.compile(r"^\s*(why|how come)\b|\b(reasons?|because|explain why|motivat)", re.I)
_COMPARE = re.compile(
    r"\b(agree|disagree|differ|different|compare|contrast|versus|vs\.?|each (source|outlet)|"
    r"(sources|outlets|articles) say|do the (sources|articles|outlets))\b",
    re.I,
)
# general English markers of a reason or consequence (not topic words of any corpus)
_CAUSAL = re.compile(
    r"\b(because|since|as a result|due to|owing to|reasons?|so that|therefore|thus|hence|"
    r"in order to|caus(e|es|ed)|lead(s)? to|led to|consequences?|so as to|for fear|"
    # what keeps something from happening answers "why hasn't ...?"
    r"prevent(s|ed|ing)?|deter(s|red|ring)?|discourag(e|es|ed|ing)|reluctan(t|ce)|"
    r"unwilling(ness)?|would (rather|prefer)|prefers?|preferred)\b",
    re.I,
)
# text in a document that looks like our citation markers ("[23]", an encyclopedia's footnote
# reference) would forge citations in the answer: the answer's rendering leaves it out
_MARKER_LIKE = re.compile(r"\s*\[\s*(?:\d+|[a-z]|note \d{1,3}|citation needed)\s*\]")
_SENTENCE_END = ('.', '!', '"', '”', '’', "'", ')')
# a number answers these only when its sentence, or the best sentence it completes, names the
# thing asked about: "How much in damages is ZeniMax seeking?" is not answered by "$19 billion
# acquisition of WhatsApp", while "It's valued at $150,000." completes "Lupita Nyong'o's Oscar
# dress ... was stolen". Dev: 2 unanswerable questions refused, no answerable one.
_QUANTITIES = frozenset({AnswerKind.MONEY, AnswerKind.PERCENT, AnswerKind.COUNT,
                         AnswerKind.MEASURE})
# so does a colour ("What colour was the Hatter's hat?" is not answered by "Both changed
# colour, one looked white, the other red": dev +1 novel question, none lost)
_ABOUT_THE_FOCUS = _QUANTITIES | {AnswerKind.COLOUR}
# "What colour was the Hatter's hat?": the thing is named after the verb
_WHAT_COLOUR = re.compile(r"^\s*(?:what|which)\s+colou?rs?\s+(?:is|was|are|were)\s+"
                          r"(?P<phrase>[^?]+)", re.I)
# a sentence that asks or leaves open rather than states ("Now the question is whether ...")
_UNRESOLVED = re.compile(r"\?\s*[”\"’']?\s*$|\b(question is|remains? (to be seen|unclear)|"
                         r"unclear (whether|if)|it is not (known|clear))\b", re.I)
# the dots that lead a table of contents' entry to its page number ("Response codes......7")
_DOT_LEADER = re.compile(r"\.{5,}\s*\d|(?:\.\s){4,}")
# a sentence whose subject stands for something the sentence before names
_ANAPHORIC_OPENING = re.compile(r"^\W*(this|these|that|those|it|they|he|she|such)\b", re.I)
_FACTOID = re.compile(r"^\s*(who|whom|whose|when|where|which|what (percentage|share|number|year|"
                      r"date|day)|how (many|much|old|long|far))\b", re.I)


@dataclass
class Candidate:
    retrieved: RetrievedChunk
    local_start: int
    local_end: int
    text: str
    similarity: float = 0.0
    keyword: float = 0.0  # IDF share of the question's terms in the sentence
    context_keyword: float = 0.0  # ... in the sentence, its neighbours and the document title
    missing_specific: float = 0.0  # rarest question term absent from that context (IDF / max)
    answer_type: float = 1.0  # holds the kind of answer asked for (answer_fit.AskedKind.fit)
    focus: float = 1.0  # share of the words naming what is asked for ("How much RAM ...")
    score: float = 0.0
    vector: np.ndarray | None = None
    stems: frozenset[str] = frozenset()  # content stems of the sentence
    context_stems: frozenset[str] = frozenset()  # ... of it, its neighbours and the title
    # a sentence holding the kind of answer this one lacks (_kind_partner)
    kind_partner: Candidate | None = None

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
    ranked: tuple[Candidate, ...] = ()  # every scored candidate, best first (for abstention)


# the events of a life or an institution, each with the words that ask about it and, after the
# bar, more words that state it too: "Where was Grace Mugabe born?" is not answered by where she
# is now, nor "When did Augustus die?" or "How many soldiers have died?" by anything that does
# not mention a death; "Mozilla was created in 1998" states a founding, but "When was the file
# created?" asks about no founding
_EVENTS = ("born birth birthplace native",
           "die died dies death dead killed fatal fatalities toll"
           " | murdered executed slain assassinated perished drowned",
           "bury buried burial grave", "marry married marries marriage wedding wed",
           "founded founder founding establish established establishment"
           " | create created creation formed incorporated launched started began")
_ASKS_OF_EVENT = re.compile(r"^\s*(?:when|where|how (?:many|old|long)|"
                            r"in what (?:year|city|country|town|place))\b", re.I)


def _event_missing(question: str, context: frozenset[str]) -> bool:
    """Whether a when-, where-, how-many, how-old or how-long question asks about such an event
    and the answer's context states it in none of its words."""
    if not _ASKS_OF_EVENT.match(question):
        return False
    asked = {stem(t) for t in tokens(question)}
    return any(asked & asking and not context & (asking | stating)
               for asking, stating in _event_forms())


@lru_cache(maxsize=1)
def _event_forms() -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """(the stems that ask about an event, the further stems that state it) for each event."""
    forms = [event.partition("|")[::2] for event in _EVENTS]
    return tuple((frozenset(stem(w) for w in asking.split()),
                  frozenset(stem(w) for w in stating.split())) for asking, stating in forms)


def question_type(question: str) -> str:
    if _COMPARE.search(question):
        return "compare"
    if _COUNTING.search(question):  # "How many reasons ..." asks for a number, not the reasons
        return "factoid"
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


def _previous_sentence(candidate: Candidate) -> Candidate | None:
    """The sentence right before `candidate` in the same passage, if any."""
    before = [s for s in _sentences(candidate.retrieved) if s.local_end <= candidate.local_start]
    return before[-1] if before else None


def _next_sentence(candidate: Candidate) -> Candidate | None:
    """The sentence right after `candidate` in the same passage, if any."""
    return next((s for s in _sentences(candidate.retrieved)
                 if s.local_start >= candidate.local_end), None)


_FOCUS = re.compile(
    r"^\s*(?:(?:in|on|at|for|from|by|to|of|with|under|during|since)\s+)?"
    r"(?:what|which|how\s+(?:much|many|long|old|far|big|large|high|tall|heavy|fast))\s+"
    r"(?P<phrase>.+?)(?:\s+(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|"
    r"should|may|might|must)\b|[?]|$)", re.I)
_FOCUS_AFTER_BE = re.compile(r"^\s*(?:what|which)\s+(?:is|was|are|were)\s+(?P<phrase>[^?]+)", re.I)
_WHICH_THING = re.compile(r"^\s*(?:what|which)\b", re.I)
# "How long is the Rhine?": what is measured is the subject after the verb, so an answer states
# the measure of it, not of "this section" or of Lake Constance
_HOW_ADJECTIVE_BE = re.compile(r"^\s*how\s+(?:long|old|far|big|large|high|tall|heavy|fast|wide|"
                               r"deep|thick|small|short)\s+(?:is|was|are|were)\s+"
                               r"(?P<phrase>[^?]+)", re.I)
# focus words that only name the kind of answer; the answer-type check covers them
_ANSWER_KIND_WORDS = {"year", "date", "day", "month", "time", "number", "percentage", "percent",
                      "share", "proportion", "fraction", "range",
                      "amount", "age", "kind", "type", "sort", "name", "much", "many", "in",
                      "condition", "conditions", "circumstance", "circumstances", "case", "cases",
                      "reason", "reasons", "way", "ways", "manner", "extent"}


def question_focus(question: str) -> list[str]:
    """The words naming what is asked for: "How much RAM does ..." -> ["ram"], "What CVE
    identifier was ..." -> ["cve", "identifier"], "What was X's annual revenue?" -> ["x",
    "annual", "revenue"]. An answer has to say something about them."""
    colour = _WHAT_COLOUR.match(question)
    if colour:
        return content_words(colour.group("phrase"))[:4]
    match = _FOCUS.match(question)
    phrase = match.group("phrase") if match else ""
    # without an auxiliary verb the phrase runs on into the rest of the question
    limit = 4 if match and match.end() < len(question.rstrip(" ?")) else 2
    if not phrase or phrase.split()[0].lower() in {"is", "was", "are", "were"}:
        after_be = _FOCUS_AFTER_BE.match(question) or _HOW_ADJECTIVE_BE.match(question)
        phrase = after_be.group("phrase") if after_be else ""
        limit = 4
    focus = [w for w in content_words(phrase) if w not in _ANSWER_KIND_WORDS]
    if (match and len(phrase.split()) == 1 and limit == 4 and _WHICH_THING.match(question)
            and expected_kind(question) not in _QUANTITIES):
        # "Which issue did Obama name ...?": the noun is the kind of thing the answer is, and
        # a sentence about "the issue" rarely names it (dev: +1 news answer)
        return []
    return focus[:limit]


def _focus_coverage(focus: list[str], sentence: str) -> float:
    """Share of the focus words found in the sentence, a word counting when it occurs inside
    a sentence word ("pixel" in "megapixels"), shares its stem, or is the name of a people
    made from a place's name in the sentence ("Belarusians" from "Belarus")."""
    if not focus:
        return 1.0
    sentence_tokens = tokens(sentence)
    stems = {stem(w) for w in sentence_tokens}
    found = sum(1 for f in focus if stem(f) in stems or any(
        f in w or (len(w) >= 5 and f.startswith(w) and len(f) - len(w) <= 4)
        for w in sentence_tokens))
    return found / len(focus)


def name_like(question: str) -> list[str]:
    """Words of the question that name something: capitalised inside the sentence, acronyms,
    numbers. One the corpus never uses (GDP, 2022, Poland) is strong evidence that the corpus
    does not answer the question, unlike a plain word a paraphrase brought in."""
    return [w for i, w in enumerate(words(question))
            if any(ch.isdigit() for ch in w) or (w.isupper() and len(w) > 1)
            or (i > 0 and w[:1].isupper())]


def _is_heading(sentence: str) -> bool:
    """A short line without closing punctuation: a heading, caption or menu item. A sentence
    that introduces a list ends with a colon ("We currently envisage three kinds of
    triggers:"); a label does too ("Related:", "Photo credit:"), but in fewer words."""
    count = len(tokens(sentence))
    stripped = sentence.rstrip()
    if (stripped.endswith(":") and count >= _LIST_INTRODUCTION_WORDS
            and not _POINTS_AHEAD.search(stripped)):
        return False
    return not stripped.endswith(_SENTENCE_END) and count < 12


_LIST_INTRODUCTION_WORDS = 5
# an introduction that says nothing but that something follows ("a definition like the
# following:") stays out, as a heading does
_POINTS_AHEAD = re.compile(r"\b(?:the following|as follows|below|these|this|here)\s*:$", re.I)


def _too_short(sentence: str) -> bool:
    """Fewer than five words, unless a plain short statement ("About 23,000 die."): a short
    line that starts with a number or ends without a full stop is a list label or heading."""
    count = len(tokens(sentence))
    if count >= 5:
        return False
    text = sentence.strip()
    return count < 3 or not text[:1].isalpha() or text[-1:] not in ".!?"


def _candidates(retrieved: list[RetrievedChunk]) -> list[Candidate]:
    """Each usable sentence, with the stems of its context: itself, its neighbours in the
    passage and the document title (questions often name the topic only the title states)."""
    seen: set[tuple[str, int]] = set()
    found: list[Candidate] = []
    for item in retrieved:
        sentences = list(_sentences(item))
        stems = [frozenset(content_stems(c.text)) for c in sentences]
        title_stems = content_stems(item.chunk.title or "")
        for i, candidate in enumerate(sentences):
            sentence = candidate.text
            key = (candidate.doc_id, candidate.absolute_start)
            if (key in seen or _too_short(sentence) or _is_heading(sentence)
                    or _DOT_LEADER.search(sentence)  # a table of contents' entry
                    # "could reach is the maximum time to live ...": the tail of a sentence cut
                    # by a page break, not a statement of its own
                    or opens_mid_sentence(sentence)):
                continue
            seen.add(key)
            candidate.stems = stems[i]
            candidate.context_stems = stems[i].union(*stems[max(0, i - 1): i + 2], title_stems)
            found.append(candidate)
    return found


class ExtractiveAnswerer:
    def __init__(self, settings: Settings, encoder: Encoder, idf: IdfLookup,
                 templates: dict, token_counts: TokenCounts | None = None) -> None:
        """`token_counts`: sentence token counts stored at ingest (others are counted here)."""
        self.settings = settings
        self.encoder = encoder
        self.token_counts = token_counts
        self.idf = idf
        self.templates = templates

    # --- scoring ---------------------------------------------------------------------------
    def score_candidates(
        self, question: str, question_vector: np.ndarray, retrieved: list[RetrievedChunk],
        named: NamedDocuments | None = None,
    ) -> list[Candidate]:
        """`named`: the documents the question names ("gplv3" -> GPL-3.txt,
        assistant/document_names); the naming words count as found in those documents'
        sentences, as a word of the title does."""
        candidates = _candidates(retrieved)
        if not candidates:
            return []
        naming_stems = named.stems.items() if named else ()
        for candidate in candidates:
            naming = {s for s, docs in naming_stems if candidate.doc_id in docs}
            if naming:
                candidate.context_stems = candidate.context_stems | naming
        vectors = self.encoder([c.text for c in candidates])
        question_stems = content_stems(question)
        weights = self.idf(question_stems)
        total_weight = sum(weights.values()) or 1.0
        top_weight = max(weights.values(), default=1.0) or 1.0
        kind = question_type(question)
        focus = question_focus(question)
        asked = asked_kind(question)
        w_sim, w_key, w_context, w_type, w_focus, w_unresolved = self.settings.sentence_score_weights
        for candidate, vector in zip(candidates, vectors, strict=True):
            candidate.vector = vector
            candidate.similarity = float(vector @ question_vector)
            context = candidate.context_stems
            candidate.keyword = sum(weights[s] for s in question_stems & candidate.stems) / total_weight
            candidate.context_keyword = sum(weights[s] for s in question_stems & context) / total_weight
            missing = [weights[s] for s in question_stems - context]
            candidate.missing_specific = max(missing, default=0.0) / top_weight
            candidate.answer_type = asked.fit(candidate.text)
            candidate.focus = _focus_coverage(focus, candidate.text)
            candidate.score = (w_sim * candidate.similarity + w_key * candidate.keyword
                               + w_context * candidate.context_keyword
                               + w_type * (candidate.answer_type - 1.0)
                               + w_focus * (candidate.focus - 1.0))
            if _UNRESOLVED.search(candidate.text):
                candidate.score -= w_unresolved  # a question or open issue is not an answer
            if kind == "why" and _CAUSAL.search(candidate.text):
                candidate.score += self.settings.why_reason_bonus
        ranked = sorted(candidates, key=lambda c: -c.score)
        if asked.specific:
            ranked[0].kind_partner = self._kind_partner(asked, ranked)
        return ranked

    def _kind_partner(self, asked: AskedKind, ranked: list[Candidate]) -> Candidate | None:
        """For a best sentence without the asked kind of answer, the best-scoring sentence that
        has it, from the same document or from another whose context covers the question as
        well as the best one's: a fact often sits in a short sentence that names its subject
        only by a pronoun ("The dress is made of pearls. It's valued at $150,000."), or in
        another document on the same topic ("There are three reasons for this."). Only for
        answer kinds whose full fit is the answer itself (answer_fit.SPECIFIC_KINDS): a year
        elsewhere in a document, in a copyright line or a byline, is no evidence that the asked
        time is stated."""
        best = ranked[0]
        if not asked.lacks(best.answer_type):
            return None
        floor = best.score - self.settings.kind_partner_gap
        for candidate in ranked[1:]:
            if candidate.score < floor:
                return None
            if candidate.answer_type == 1.0 and (
                    candidate.doc_id == best.doc_id
                    or candidate.context_keyword >= best.context_keyword - 1e-9):
                return candidate
        return None

    def evidence(self, question: str, ranked: list[Candidate], frequencies: dict[str, int],
                 named: NamedDocuments | None = None) -> AbstentionEvidence | None:
        """What the abstention model weighs, for the best candidate (see assistant/abstention)."""
        if not ranked:
            return None
        best = ranked[0]
        answering = best.kind_partner or best  # the sentence that holds the answer's kind
        answer_type = answering.answer_type
        asked = asked_kind(question)
        question_stems = content_stems(question)
        weights = self.idf(question_stems)
        total_weight = sum(weights.values()) or 1.0
        unknown = sum(w for s, w in weights.items() if not frequencies.get(s))
        names = {stem(t) for w in name_like(question) for t in tokens(w)} & set(weights)
        unknown_names = sum(1 for s in names if not frequencies.get(s)) / len(names) if names else 0.0
        outright = named.documents if named else frozenset()  # documents the question names
        similarities = sorted(c.similarity for c in ranked)
        median = similarities[len(similarities) // 2]
        return AbstentionEvidence(
            similarity=best.similarity,
            similarity_margin=best.similarity - median,
            coverage=best.keyword,
            context_coverage=best.context_keyword,
            missing_specific=best.missing_specific,
            unknown_share=unknown / total_weight,
            answer_type=answer_type,
            focus=best.focus,
            unknown_names=unknown_names,
            negation_flip=negation_flip(question, best.text),
            opposite_swap=opposite_swap(question, best.text),
            role_swap=role_swap(question, best.text),
            figure_missing=figure_missing(
                question, f"{best.retrieved.chunk.title or ''}\n{best.retrieved.chunk.text}"),
            other_document=float(bool(outright) and best.doc_id not in outright),
            # the fit scored above, of the best sentence or of its kind partner
            kind_found=not asked.lacks(answer_type) and not (
                asked.kind in _ABOUT_THE_FOCUS and max(best.focus, answering.focus) == 0.0)
            and not _event_missing(question, best.context_stems | answering.context_stems),
        )

    # --- selection -------------------------------------------------------------------------
    def select(self, question: str, ranked: list[Candidate]) -> Selection:
        kind = question_type(question)
        if not ranked:
            return Selection([], 0.0, kind)
        best = ranked[0].score
        # (most sentences, how far below the best sentence's score a further one may be)
        limits = {"factoid": (2, 0.08), "default": (3, 0.10), "why": (5, 0.15),
                  "compare": (5, 0.15)}
        max_sentences, gap = limits[kind]
        max_sentences = min(max_sentences, self.settings.max_answer_sentences + 1)
        floor = best - gap * self.settings.selection_gap_scale
        chosen: list[Candidate] = []
        sources: set[str] = set()
        budget = self.settings.answer_token_budget
        pool = [c for c in ranked if c.score >= floor]
        if kind == "why":  # a reason is stated, not asked or left open
            pool = [c for c in pool if not _UNRESOLVED.search(c.text)] or pool[:1]
        while pool and len(chosen) < max_sentences:
            def gain(c: Candidate) -> float:
                novelty = 0.05 if kind in ("why", "compare") and c.doc_id not in sources else 0.0
                return c.score + novelty

            pick = max(pool, key=gain)
            pool.remove(pick)
            if pick.vector is not None and any(
                    float(pick.vector @ c.vector) > 0.85 for c in chosen if c.vector is not None):
                continue  # says the same thing as a sentence already chosen
            # the first sentence is taken whatever its length; a further one only while all
            # of them together stay within the budget
            if chosen and not tokens_within([*(c.text for c in chosen), pick.text], budget,
                                            self.token_counts):
                continue
            chosen.append(pick)
            sources.add(pick.doc_id)
        partner = ranked[0].kind_partner
        if partner is not None and partner not in chosen:
            chosen = [*chosen[:max_sentences - 1], partner]  # the part of the answer asked for
        chosen = self._with_antecedent(self._with_following_quotes(chosen))
        return Selection(self._with_completing_neighbour(question, chosen), best, kind,
                         tuple(ranked))

    def _with_completing_neighbour(self, question: str,
                                   chosen: list[Candidate]) -> list[Candidate]:
        """Add the sentence beside the best one that holds the question's words it lacks: an
        answer often runs over two sentences ("Every year, about 2 million people get sick from
        a superbug. | About 23,000 die.")."""
        if not chosen:
            return chosen
        question_stems = content_stems(question)
        lacking = question_stems - chosen[0].stems
        if not lacking:
            return chosen
        weights = self.idf(question_stems)

        def gain(neighbour: Candidate | None) -> float:
            if neighbour is None:
                return 0.0
            return sum(weights.get(s, 0.0) for s in lacking & content_stems(neighbour.text))

        pick = max((_previous_sentence(chosen[0]), _next_sentence(chosen[0])), key=gain)
        return self._with_beside(chosen, pick) if gain(pick) > 0.0 else chosen

    def _with_antecedent(self, chosen: list[Candidate]) -> list[Candidate]:
        """Add the sentence before the best one when that opens with a pronoun standing for
        what the sentence before names ("This solves the problem of sorting ..." after "... the
        sorting algorithm quicksort ..."): the answer is often the antecedent."""
        if not chosen or not _ANAPHORIC_OPENING.match(chosen[0].text):
            return chosen
        return self._with_beside(chosen, _previous_sentence(chosen[0]))

    def _with_beside(self, chosen: list[Candidate], extra: Candidate | None) -> list[Candidate]:
        """`chosen` plus a sentence beside the best one, unless it is taken already, a heading,
        or would run the answer over its token budget."""
        if (extra is None or _is_heading(extra.text)
                or any(c.doc_id == extra.doc_id and c.absolute_start == extra.absolute_start
                       for c in chosen)
                or not tokens_within([*(c.text for c in chosen), extra.text],
                                     self.settings.answer_token_budget, self.token_counts)):
            return chosen
        extra.score = chosen[0].score
        return [*chosen, extra]

    def _with_following_quotes(self, chosen: list[Candidate]) -> list[Candidate]:
        """Add the quotation that directly follows a chosen sentence when that sentence only
        leads into it ('He made a chilling statement on July 2.' -> 'According to BelTA, he
        commented, “The time has come ...”'), when the next sentence is a quotation answering
        it ('“Are we able ...?” he said.' -> '“No, we are not.”'), or when the chosen sentence
        introduces a list with a colon (the list's first item follows)."""
        extra: list[Candidate] = []
        taken = {(c.doc_id, c.absolute_start) for c in chosen}
        for candidate in chosen:
            follower = _next_sentence(candidate)
            if follower is None or (follower.doc_id, follower.absolute_start) in taken:
                continue
            starts_quoted = follower.text.startswith(_QUOTE_OPENERS)
            announces = (_SPEECH.search(candidate.text) and not _has_quote(candidate.text)
                         and _has_quote(follower.text))
            # "We currently envisage three kinds of triggers:" leads into its list
            introduces = candidate.text.rstrip().endswith(":")
            # the answer's token budget holds for what follows too (counted only for a sentence
            # that leads on): a legal clause that ends "... alleging that:" is followed by a
            # paragraph-long condition
            if ((starts_quoted or announces or introduces)
                    and not _UNRESOLVED.search(follower.text)
                    and tokens_within([*(c.text for c in [*chosen, *extra]), follower.text],
                                      self.settings.answer_token_budget, self.token_counts)):
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
        citations = [citation_for(n, c) for n, c in enumerate(ordered, start=1)]
        multi_source = len(order) > 1 and selection.question_type in ("why", "compare")
        if multi_source:
            text = self._attributed(ordered, citations, selection.question_type)
        else:
            text = " ".join(f"{_flowed(c.text)} [{cit.n}]" for c, cit in zip(ordered, citations,
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
            body = " ".join(f"{_flowed(c.text)} [{cit.n}]" for c, cit in pairs[:-1])
            last_candidate, last_citation = pairs[-1]
            sentence = f"{body} {_flowed(last_candidate.text)}".strip()
            lines.append(line_template.format(label=label, sentence=sentence,
                                              markers=f"[{last_citation.n}]"))
        return "\n".join(lines)


def _flowed(sentence: str) -> str:
    """The sentence as one line, without marker-like brackets or a leading list bullet: a
    hard-wrapped source breaks it across lines and indents it, an encyclopedia's footnote
    references ("donated US$1,000[23] in 2008") would read as this answer's citations, and a
    bullet ("* `charThreshold` ...") or a code fence ("```bash") means nothing inside a
    paragraph. The citation keeps the verbatim span; only the answer's rendering changes."""
    text = _CODE_FENCE.sub("", _LIST_BULLET.sub("", _MARKER_LIKE.sub("", sentence)))
    return " ".join(text.split())


_LIST_BULLET = re.compile(r"^\s*[*\-+•·◦▪]\s+")
# a Markdown code fence ("```bash"), which would open a code block in the middle of an answer
_CODE_FENCE = re.compile(r"(?:^|(?<=\s))(?:```|~~~)[\w+-]*")


def source_label(citation: Citation) -> str:
    if citation.outlet:
        return citation.outlet
    title = citation.title or citation.source
    return title if len(title) <= 60 else title[:57].rstrip() + "..."


def citation_for(n: int, candidate: Candidate) -> Citation:
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
