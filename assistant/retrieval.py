"""Hybrid retrieval: dense (Chroma) + keyword (FTS5 BM25) fused by reciprocal rank, then a
per-source cap so that questions spanning outlets see each of them.

llama-index's QueryFusionRetriever does RRF too, but it keeps only the fused score; the answer
engine needs each passage's dense similarity and ranks to calibrate abstention, so fusion is the
few lines below.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.schema import RetrievedChunk
from assistant.store import IndexStore
from assistant.text import base_form, content_words, stem


@dataclass
class RetrievalResult:
    chunks: list[RetrievedChunk]
    question_vector: np.ndarray
    dense: list[tuple[str, float]]
    keyword: list[tuple[str, float]]


COMMON_TERM_SHARE = 0.1


def fts_query(question: str, frequencies: dict[str, int] | None = None,
              total: int = 0) -> str:
    """An FTS5 MATCH expression: any of the question's content words, each quoted.

    With document frequencies, words found in more than COMMON_TERM_SHARE of all passages are
    left out while rarer words remain: they add almost nothing to BM25 but make it score most
    of the index, which grows with the corpus.
    """
    words = [w for w in dict.fromkeys(base_form(w).replace('"', "")
                                      for w in content_words(question)) if w]
    if frequencies is not None and total > 0:
        # words no passage contains cannot match; keep the others unless very common
        known = [w for w in words if frequencies.get(stem(w), 0) > 0] or words
        rare = [w for w in known if frequencies.get(stem(w), 0) <= COMMON_TERM_SHARE * total]
        words = rare or known
    return " OR ".join(f'"{w}"' for w in words)


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], k: int, weights: Sequence[float] | None = None
) -> dict[str, float]:
    weights = weights or [1.0] * len(rankings)
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def cap_per_source(ranked: list[RetrievedChunk], top_k: int, cap: int) -> list[RetrievedChunk]:
    """Take the best `top_k`, at most `cap` from one source while others still have passages."""
    chosen: list[RetrievedChunk] = []
    per_source: Counter[str] = Counter()
    leftovers: list[RetrievedChunk] = []
    for item in ranked:
        if per_source[item.chunk.doc_id] < cap:
            chosen.append(item)
            per_source[item.chunk.doc_id] += 1
        else:
            leftovers.append(item)
        if len(chosen) == top_k:
            return chosen
    return (chosen + leftovers)[:top_k]


FrequencyLookup = Callable[[frozenset[str]], dict[str, int]]


class HybridRetriever:
    def __init__(self, settings: Settings, store: IndexStore, embedder: Embedder,
                 frequencies: FrequencyLookup | None = None) -> None:
        """`frequencies`: passage frequencies of stems; the engine passes its per-question
        cache so that retrieval and answering look them up once."""
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.frequencies = frequencies or (
            lambda stems: store.catalog.document_frequencies(stems))

    def keyword(self, question: str, limit: int,
                sources: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """BM25 over the FTS5 index, without the words most passages contain."""
        catalog = self.store.catalog
        stems = frozenset(stem(w) for w in content_words(question))
        match = fts_query(question, self.frequencies(stems), catalog.count_chunks())
        return catalog.keyword_search(match, limit, sources) if match else []

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        sources: Sequence[str] | None = None,
        question_vector: np.ndarray | None = None,
    ) -> RetrievalResult:
        top_k = top_k or self.settings.top_k
        limit = max(self.settings.candidates_per_retriever, top_k)
        if question_vector is None:
            question_vector = self.embedder.encode_queries([question])[0]
        dense = self.store.vectors.query(question_vector, limit, sources)
        keyword = self.keyword(question, limit, sources)
        fused = reciprocal_rank_fusion(
            [[cid for cid, _ in dense], [cid for cid, _ in keyword]], k=self.settings.rrf_k
        )
        chunks = self.store.catalog.get_chunks(list(fused))  # drops uncommitted vectors
        dense_similarity = dict(dense)
        dense_rank = {cid: rank for rank, (cid, _) in enumerate(dense, start=1)}
        keyword_rank = {cid: rank for rank, (cid, _) in enumerate(keyword, start=1)}
        ranked = [
            RetrievedChunk(
                chunk=chunks[cid],
                score=score,
                dense_similarity=dense_similarity.get(cid, 0.0),
                dense_rank=dense_rank.get(cid),
                keyword_rank=keyword_rank.get(cid),
            )
            for cid, score in sorted(fused.items(), key=lambda kv: -kv[1])
            if cid in chunks
        ]
        capped = cap_per_source(ranked, top_k, self.settings.per_source_cap)
        return RetrievalResult(capped, question_vector, dense, keyword)
