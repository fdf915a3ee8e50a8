"""Explain mode: why an answer was given or refused, stage by stage.

`Assistant.explain()` runs the same path as `ask()` while recording a `Trace`; `Explanation`
turns it into candidates with their scores, the abstention decision with its margin, the
follow-up rewrite and a verdict for each stage (`assistant ask --explain`, the UI's explain view).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.abstention import FEATURES, AbstentionDecision
from assistant.answer_fit import expected_kind
from assistant.schema import Answer


@dataclass
class Trace:
    """What one question went through; filled in by the engine as it goes."""

    question: str
    standalone_question: str = ""
    follow_up: bool = False
    off_task: bool = False
    unreadable_language: bool = False
    sources: list[str] | None = None
    passages: list[Any] = field(default_factory=list)  # RetrievedChunk, fused order
    sentences: list[Any] = field(default_factory=list)  # extractive Candidate, best first
    decision: AbstentionDecision | None = None
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Verdict:
    stage: str
    status: str  # "ok", "FAILED" or "skipped"
    detail: str

    def line(self) -> str:
        return f"{self.stage}: {self.status}, {self.detail}"


@dataclass
class Explanation:
    trace: Trace
    answer: Answer
    verdicts: list[Verdict]

    def to_dict(self) -> dict[str, Any]:
        t = self.trace
        decision = t.decision
        return {
            "question": t.question,
            "standalone_question": t.standalone_question,
            "follow_up": t.follow_up,
            "sources": t.sources,
            "passages": [_passage_row(p) for p in t.passages],
            "sentences": [_sentence_row(c) for c in t.sentences[:10]],
            "abstention": None if decision is None else {
                "answerable": decision.answerable,
                "probability": round(decision.probability, 4),
                "threshold": decision.threshold,
                "margin": round(decision.margin, 4),
                "kind_missing": decision.kind_missing,
                "contradicted": decision.contradicted,
                "figure_missing": decision.figure_missing,
                "other_document": decision.other_document,
                "name_elsewhere": decision.name_elsewhere,
                "evidence": decision.evidence.as_dict() if decision.evidence else None,
                "contributions": _contributions(decision, t.weights),
            },
            "verdicts": [v.__dict__ for v in self.verdicts],
            "answer": self.answer.to_dict(),
        }

    def to_text(self) -> str:
        t = self.trace
        lines = [f"question: {t.question}"]
        if t.standalone_question and t.standalone_question != t.question:
            lines.append(f"rewritten as a follow-up: {t.standalone_question}")
        if t.passages:
            lines.append("passages (fused rank; dense similarity and rank; keyword rank):")
            for rank, p in enumerate(t.passages, start=1):
                row = _passage_row(p)
                lines.append(
                    f"  {rank}. {row['chunk_id']}  fused {row['fused']:.4f}  dense "
                    f"{row['dense_similarity']:.3f} (#{row['dense_rank'] or '-'})  keyword "
                    f"#{row['keyword_rank'] or '-'}")
        if t.sentences:
            lines.append("best sentences (score = similarity, term coverage, context "
                         "coverage, answer type):")
            for c in t.sentences[:5]:
                row = _sentence_row(c)
                lines.append(
                    f"  {row['score']:.3f}  sim {row['similarity']:.3f}  cov "
                    f"{row['coverage']:.2f}  ctx {row['context_coverage']:.2f}  type "
                    f"{row['answer_type']:.2g}  [{row['doc_id']}] {row['text'][:90]}")
        if t.decision and t.decision.evidence:
            parts = ", ".join(f"{k} {v:+.2f}"
                              for k, v in _contributions(t.decision, t.weights).items())
            lines.append(f"abstention evidence (weight x value): {parts}")
        lines.append("verdicts:")
        lines += [f"  {v.line()}" for v in self.verdicts]
        lines.append("answer:")
        lines.append("  " + self.answer.text.replace("\n", "\n  "))
        return "\n".join(lines)


def explain(trace: Trace, answer: Answer) -> Explanation:
    return Explanation(trace, answer, verdicts(trace, answer))


def verdicts(t: Trace, answer: Answer) -> list[Verdict]:
    found: list[Verdict] = []
    if t.off_task:
        found.append(Verdict("guard", "FAILED", "the request asks to leave the documents or do "
                                               "another task; refused before any search"))
        return found
    found.append(Verdict("guard", "ok", "an on-task question"))
    if t.follow_up:
        found.append(Verdict("follow-up", "ok", f"rewritten with the conversation's topic as "
                                                f"“{t.standalone_question}”"))
    else:
        found.append(Verdict("follow-up", "skipped", "the question stands on its own"))
    if t.unreadable_language:
        found.append(Verdict("language", "FAILED", "none of the question's words is an English "
                                                   "function word or occurs in the documents"))
        return found
    scope = f" within {', '.join(t.sources)}" if t.sources else ""
    if not t.passages:
        found.append(Verdict("retrieval", "FAILED", f"no passage found{scope}"))
        return found
    best = t.passages[0]
    found.append(Verdict("retrieval", "ok",
                         f"{len(t.passages)} passages{scope}; best from {best.chunk.doc_id} "
                         f"(dense similarity {best.dense_similarity:.3f})"))
    if not t.sentences:
        found.append(Verdict("selection", "FAILED", "the passages hold no usable sentence"))
        return found
    top = t.sentences[0]
    found.append(Verdict("selection", "ok", f"best sentence scores {top.score:.3f} "
                                            f"(similarity {top.similarity:.3f}, coverage "
                                            f"{top.keyword:.2f})"))
    decision = t.decision
    if decision is not None:
        if decision.answerable:
            found.append(Verdict("abstention", "ok",
                                 f"answered: probability {decision.probability:.3f} ≥ threshold "
                                 f"{decision.threshold} (margin {decision.margin:+.3f})"))
        else:
            found.append(Verdict("abstention", "FAILED",
                                 "refused: " + "; ".join(_refusal_reasons(t, decision))))
    found.append(Verdict("answer", "ok" if not answer.abstained else "FAILED",
                         f"{len(answer.citations)} cited sentence(s) from "
                         f"{len({c.source for c in answer.citations})} source(s)"
                         if not answer.abstained else "the documents don't say"))
    return found


def _refusal_reasons(t: Any, decision: AbstentionDecision) -> list[str]:
    """Every cause of a refusal: the rules that fired (assistant/abstention.decide) and the
    model when it refused on its own."""
    reasons = []
    if decision.kind_missing:
        kind = expected_kind(t.standalone_question or t.question).value
        reasons.append(f"the best sentence holds no answer of the kind asked for ({kind})")
    if decision.contradicted:
        reasons.append("the best sentence states the opposite of what is asked (a negation "
                       "dropped, a word swapped for its opposite, or a name in the other role "
                       "beside the same verb)")
    if decision.other_document:
        reasons.append("the question names a document and the best sentence comes from "
                       "another one")
    if decision.name_elsewhere:
        reasons.append("the question names something that other documents hold and the best "
                       "sentence's document does not")
    if decision.figure_missing:
        reasons.append("the question names a year or number (or a numbered name such as "
                       "Henry II) that the best sentence's passage does not hold, or a term "
                       "that the passage states with one word swapped")
    if decision.margin < 0 or not reasons:
        weakest = min(_contributions(decision, t.weights).items(), key=lambda kv: kv[1],
                      default=("", 0.0))
        reasons.append(f"probability {decision.probability:.3f} < threshold "
                       f"{decision.threshold}, short by {-decision.margin:.3f}; the strongest "
                       f"evidence against: {weakest[0]}")
    return reasons


def _contributions(decision: AbstentionDecision, weights: tuple[float, ...]) -> dict[str, float]:
    if decision.evidence is None or len(weights) != len(FEATURES) + 1:
        return {}
    return {name: round(w * x, 3) for name, w, x in
            zip(FEATURES, weights[1:], decision.evidence.vector(), strict=True)}


def _passage_row(p: Any) -> dict[str, Any]:
    return {"doc_id": p.chunk.doc_id, "chunk_id": p.chunk.chunk_id, "fused": p.score,
            "dense_similarity": round(p.dense_similarity, 4), "dense_rank": p.dense_rank,
            "keyword_rank": p.keyword_rank}


def _sentence_row(c: Any) -> dict[str, Any]:
    return {"doc_id": c.doc_id, "text": c.text, "score": round(c.score, 4),
            "similarity": round(c.similarity, 4), "coverage": round(c.keyword, 4),
            "context_coverage": round(c.context_keyword, 4), "answer_type": c.answer_type}
