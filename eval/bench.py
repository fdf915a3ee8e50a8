"""Scale benchmark: ingest, index size, start-to-ready, retrieval and answer latency, peak RSS at
growing corpus sizes.

`.venv/bin/python eval/bench.py [--sizes 1000 10000 50000 200000]` writes
eval/reports/bench-<date>.{json,md,png}.

Synthetic corpora come from eval/synthetic.py (seed sentences shuffled, names and numbers
substituted; deterministic). Embedding 200k chunks would take about 40 minutes on 2 cores, so the
real ingest path runs with a cached embedder: a pool of real embeddings of synthetic chunks is
computed once, and each chunk gets a pool vector plus small deterministic noise. The sentence
vectors stored at ingest (about six per chunk) come from the same cheap encoder, so at question
time the answerer looks them up from the catalog as in production, but their values are not
meaningful: the answers' latency is measured, not their quality. Questions are embedded by the
real model. Everything else (files, cleaning, chunking, catalog, sentence vectors and token
counts, FTS5, Chroma HNSW) is the product's own code; the measured raw embedding rate is
reported beside it to estimate a real ingest (chunks only: embedding the sentences as well
adds about 40 % on the seed-like synthetic corpus).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_corpus  # noqa: E402

from assistant.chunking import split_document  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.corpus import load_document, scan_paths  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402

REPORTS = Path(__file__).resolve().parent / "reports"
CACHE = Path(__file__).resolve().parent / ".bench-cache"
POOL_SIZE = 1500
SENTENCES_PER_DOC = 60  # about 10 chunks of 200 tokens per document


class CachedPoolEmbedder(Embedder):
    """Real model for questions; pool vectors (+ noise) for what ingest embeds (chunks and
    their sentences)."""

    def __init__(self, settings: Settings, pool: np.ndarray) -> None:
        super().__init__(settings)
        self.pool = pool

    def encode_chunks(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
            noise = np.random.default_rng(digest).normal(0, 0.02, self.pool.shape[1])
            vector = self.pool[digest % len(self.pool)] + noise
            rows.append(vector / np.linalg.norm(vector))
        return np.asarray(rows, dtype=np.float32)


def pool_vectors(settings: Settings, work: Path) -> tuple[np.ndarray, float]:
    """Real embeddings of POOL_SIZE synthetic chunks (cached), and the raw embedding rate."""
    CACHE.mkdir(exist_ok=True)
    embedder = Embedder(settings)
    path = CACHE / f"pool-{embedder.identity.replace('/', '_')}-{POOL_SIZE}.npy"
    corpus = make_corpus(work / "pool-corpus", POOL_SIZE // 8, SENTENCES_PER_DOC, seed=99)
    texts = [c.text for p in scan_paths([corpus]).files
             for c in split_document(load_document(p, 10**7), settings.chunk_size,
                                     settings.chunk_overlap)][:POOL_SIZE]
    sample = texts[:256]
    embedder.encode(sample[:32])
    started = time.perf_counter()
    embedder.encode(sample)
    rate = len(sample) / (time.perf_counter() - started)
    if path.exists():
        return np.load(path), rate
    vectors = embedder.encode(texts)
    np.save(path, vectors)
    return vectors, rate


QUERY_SCRIPT = r"""
import json, resource, statistics, sys, time
started = time.perf_counter()
from assistant import Assistant, Settings
from assistant.evaluation.golden import load_golden
bot = Assistant(Settings.load(index_dir=sys.argv[1]))
bot.warm_up()
ready = time.perf_counter() - started
questions = [q.question for q in load_golden()]
def timed(fn):
    out = []
    for q in questions:
        t = time.perf_counter(); fn(q); out.append((time.perf_counter() - t) * 1000)
    return out
vector = {q: bot.embedder.encode_queries([q])[0] for q in questions}
dense = timed(lambda q: bot.store.vectors.query(vector[q], 30))
keyword = timed(lambda q: bot.retriever.keyword(q, 30))
fused = timed(lambda q: bot.retriever.retrieve(q))
answer = timed(lambda q: bot.ask(q))
def p(values, q): return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)
print(json.dumps({"start_to_ready_s": round(ready, 2),
    "dense_p50_ms": p(dense, 50), "dense_p95_ms": p(dense, 95),
    "keyword_p50_ms": p(keyword, 50), "keyword_p95_ms": p(keyword, 95),
    "fused_p50_ms": p(fused, 50), "fused_p95_ms": p(fused, 95),
    "answer_p50_ms": p(answer, 50), "answer_p95_ms": p(answer, 95),
    "query_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def disk_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20, 1)


def bench_size(chunks: int, pool: np.ndarray, work: Path, raw_rate: float) -> dict:
    docs = max(1, chunks // 10)
    corpus = make_corpus(work / f"corpus-{chunks}", docs, SENTENCES_PER_DOC, seed=chunks)
    index = work / f"index-{chunks}"
    settings = Settings.load(env={}, index_dir=str(index))
    embedder = CachedPoolEmbedder(settings, pool)
    embedder.encode = embedder.encode_chunks  # type: ignore[method-assign,assignment]  # ingest embeds through this
    started = time.perf_counter()
    report = ingest([corpus], settings, embedder, show_progress=False, batch_chunks=2048)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    one_more = corpus / "one_more.txt"
    one_more.write_text("One more report\n\nBelarus opened a new border crossing in 2024.\n")
    ingest([corpus], settings, embedder, show_progress=False)
    one_file_s = time.perf_counter() - started
    query = subprocess.run([sys.executable, "-c", QUERY_SCRIPT, str(index)], capture_output=True,
                           text=True, check=True)
    return {
        "chunks": report.chunks_added, "documents": report.documents_added,
        "ingest_s_without_embedding": round(ingest_s, 1),
        "ingest_s_estimated_with_embedding": round(ingest_s + report.chunks_added / raw_rate, 1),
        "reingest_plus_one_file_s": round(one_file_s, 2),
        "index_mb": disk_mb(index),
        **json.loads(query.stdout.strip().splitlines()[-1]),
    }


def write_report(result: dict) -> list[Path]:
    REPORTS.mkdir(exist_ok=True)
    stem = REPORTS / f"bench-{date.today().isoformat()}"
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md"), stem.with_suffix(".png")]
    paths[0].write_text(json.dumps(result, indent=2))
    columns = ["chunks", "ingest_s_without_embedding", "ingest_s_estimated_with_embedding",
               "reingest_plus_one_file_s", "index_mb", "start_to_ready_s", "dense_p50_ms",
               "keyword_p50_ms", "fused_p50_ms", "fused_p95_ms", "answer_p50_ms",
               "answer_p95_ms", "query_peak_rss_mb"]
    lines = [f"# Scale benchmark {result['date']}", "",
             f"Machine: {result['machine']}; raw embedding {result['raw_embedding_chunks_per_s']}"
             f" chunks/s ({result['embedding_dtype']}). Command: `{result['command']}`", "",
             "| " + " | ".join(columns) + " |", "|" + "---:|" * len(columns)]
    for row in result["sizes"]:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    paths[1].write_text("\n".join(lines) + "\n")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["chunks"] for r in result["sizes"]]
    fig, ax = plt.subplots(figsize=(6.5, 3.6), dpi=90)
    for key, label in [("dense_p50_ms", "dense p50"), ("keyword_p50_ms", "keyword p50"),
                       ("fused_p50_ms", "fused retrieval p50"), ("answer_p50_ms", "answer p50")]:
        ax.plot(sizes, [r[key] for r in result["sizes"]], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the index")
    ax.set_ylabel("ms")
    ax.set_title("Query latency vs corpus size (2 CPU cores)", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(paths[2])
    plt.close(fig)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000, 200000])
    args = parser.parse_args()
    settings = Settings.load(env={})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pool, raw_rate = pool_vectors(settings, work)
        rows = []
        for size in args.sizes:
            rows.append(bench_size(size, pool, work, raw_rate))
            print(json.dumps(rows[-1]), flush=True)
    result = {"date": date.today().isoformat(),
              "machine": f"{platform.machine()}, {platform.system()}, 2 cores",
              "command": "python eval/bench.py --sizes " + " ".join(map(str, args.sizes)),
              "embedding_dtype": Embedder(settings).dtype_name,
              "raw_embedding_chunks_per_s": round(raw_rate, 1), "sizes": rows}
    for path in write_report(result):
        print(path)


if __name__ == "__main__":
    main()
