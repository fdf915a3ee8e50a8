"""Retrieval sweep over chunking and fusion settings on the golden set (hit@5, MRR, recall).

`python eval/sweep.py` ingests the corpus once per chunking setting into temp dirs and prints
one row per (chunk_size, overlap, rrf_k). Used to choose the defaults recorded in the README.
"""

from __future__ import annotations

import sys
import tempfile

from assistant.config import Settings
from assistant.conversation import rewrite_standalone
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.evaluation.golden import load_golden
from assistant.evaluation.metrics import retrieval_scores
from assistant.ingestion import ingest


def sweep(chunkings, rrf_ks, split: str = "all") -> list[dict]:
    questions = [q for q in load_golden() if not q.should_abstain and split in ("all", q.split)]
    embedder = Embedder(Settings.load())
    rows = []
    for chunk_size, overlap in chunkings:
        with tempfile.TemporaryDirectory() as index_dir:
            base = Settings.load(index_dir=index_dir, chunk_size=chunk_size,
                                 chunk_overlap=overlap)
            ingest(list(base.corpus_paths), base, embedder, show_progress=False)
            for rrf_k in rrf_ks:
                bot = Assistant(base.replace(rrf_k=rrf_k), embedder)
                hits = rr = recall = 0.0
                for q in questions:
                    standalone = rewrite_standalone(q.question, q.history_turns)
                    chunks = bot.retriever.retrieve(standalone).chunks
                    s = retrieval_scores([c.chunk.text for c in chunks], q.evidence, 5)
                    hits, rr, recall = hits + s.hit_at_k, rr + s.reciprocal_rank, recall + s.context_recall
                n = len(questions)
                rows.append({"chunk_size": chunk_size, "overlap": overlap, "rrf_k": rrf_k,
                             "hit@5": round(hits / n, 3), "mrr": round(rr / n, 3),
                             "recall@5": round(recall / n, 3)})
                print(rows[-1], flush=True)
                bot.reload()
    return rows


if __name__ == "__main__":
    split = sys.argv[1] if len(sys.argv) > 1 else "all"
    sweep([(96, 16), (128, 24), (160, 32), (200, 40), (256, 48)], [5, 10, 20, 60], split)
