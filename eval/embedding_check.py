"""Fast embedding path vs the fp32 torch path: speed, vector agreement and retrieval quality.

`.venv/bin/python eval/embedding_check.py` builds the seed index once per dtype and prints
hit@5/MRR on the golden set for each, the cosine between the two paths' vectors, and raw
throughput per batch size on synthetic chunks.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_corpus  # noqa: E402

from assistant.chunking import split_document  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.conversation import rewrite_standalone  # noqa: E402
from assistant.corpus import load_document, scan_paths  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.evaluation.golden import load_golden  # noqa: E402
from assistant.evaluation.metrics import retrieval_scores  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402


def retrieval_quality(dtype: str, work: Path) -> dict:
    settings = Settings.load(env={}, index_dir=str(work / f"index-{dtype}"),
                             embedding_dtype=dtype)
    embedder = Embedder(settings)
    ingest(list(settings.corpus_paths), settings, embedder, show_progress=False)
    bot = Assistant(settings, embedder)
    questions = [q for q in load_golden() if not q.should_abstain]
    hits = rr = 0.0
    for q in questions:
        chunks = bot.retriever.retrieve(rewrite_standalone(q.question, q.history_turns)).chunks
        s = retrieval_scores([c.chunk.text for c in chunks], q.evidence, 5)
        hits, rr = hits + s.hit_at_k, rr + s.reciprocal_rank
    return {"hit_at_5": round(hits / len(questions), 4), "mrr": round(rr / len(questions), 4)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = make_corpus(work / "corpus", 30)
        base = Settings.load(env={})
        texts = [c.text for p in scan_paths([corpus]).files
                 for c in split_document(load_document(p, 10**7), base.chunk_size,
                                         base.chunk_overlap)]
        result: dict = {"chunks": len(texts)}
        vectors = {}
        for dtype in ("float32", "bfloat16"):
            embedder = Embedder(base.replace(embedding_dtype=dtype))
            embedder.encode(texts[:16])
            speeds = {}
            for batch in (16, 32, 64, 128):
                started = time.perf_counter()
                vectors[dtype] = embedder.encode(texts, batch_size=batch)
                speeds[str(batch)] = round(len(texts) / (time.perf_counter() - started), 1)
            result[dtype] = {"chunks_per_s_by_batch": speeds,
                             **retrieval_quality(dtype, work)}
        cosines = np.sum(vectors["float32"] * vectors["bfloat16"], axis=1)
        result["cosine_bf16_vs_fp32"] = {"min": round(float(cosines.min()), 5),
                                         "mean": round(float(cosines.mean()), 5)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
