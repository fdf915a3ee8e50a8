"""The per-source cap on the passages handed to the answerer."""

from __future__ import annotations

from assistant.retrieval import cap_per_source
from assistant.schema import Chunk, RetrievedChunk


def _ranked(*sources_and_scores: tuple[str, float]) -> list[RetrievedChunk]:
    return [RetrievedChunk(Chunk(f"{doc}#{n}", doc, "text", 0, 4, n), score)
            for n, (doc, score) in enumerate(sources_and_scores)]


def _sources(chunks: list[RetrievedChunk]) -> list[str]:
    return [c.chunk.doc_id for c in chunks]


# a novel's passages, strong, and two of another book's, weak (found by one keyword each)
NOVEL_AND_STRAY = _ranked(("novel", 0.17), ("novel", 0.14), ("novel", 0.11), ("stray", 0.06),
                          ("novel", 0.10), ("stray", 0.03))


def test_without_overflow_every_other_source_comes_before_a_fourth_passage_of_one():
    assert _sources(cap_per_source(NOVEL_AND_STRAY, 4, 2)) == ["novel", "novel", "stray", "stray"]


def test_a_passage_over_the_cap_outranks_much_weaker_passages_of_other_sources():
    chosen = cap_per_source(NOVEL_AND_STRAY, 4, 2, overflow_weight=0.7)
    # 0.11 and 0.10 weigh 0.077 and 0.07 over the cap: more than the stray 0.06 and 0.03
    assert _sources(chosen) == ["novel", "novel", "novel", "novel"]
    assert [c.score for c in chosen] == [0.17, 0.14, 0.11, 0.10]


def test_other_sources_of_comparable_score_keep_their_places():
    ranked = _ranked(("a", 0.17), ("a", 0.16), ("a", 0.15), ("b", 0.14), ("c", 0.13))
    assert _sources(cap_per_source(ranked, 4, 2, overflow_weight=0.7)) == ["a", "a", "b", "c"]
