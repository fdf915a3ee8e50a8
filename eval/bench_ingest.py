"""Ingest benchmark: raw embedding throughput vs full ingest, unchanged re-ingest, peak RSS.

`.venv/bin/python eval/bench_ingest.py [--docs 40]` prints one JSON object; all figures come
from one run on one machine, so the ratios are the headline numbers.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_corpus  # noqa: E402

from assistant.chunking import split_document  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.corpus import load_document, scan_paths  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402


def raw_throughput(embedder: Embedder, texts: list[str]) -> float:
    embedder.encode(texts[:32])  # warm up
    started = time.perf_counter()
    embedder.encode(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        corpus = make_corpus(Path(work) / "corpus", args.docs)
        settings = Settings.load(index_dir=str(Path(work) / "index"))
        docs = [load_document(p, 10**7) for p in scan_paths([corpus]).files]
        texts = [c.text for d in docs for c in split_document(d, settings.chunk_size,
                                                              settings.chunk_overlap)]
        started = time.perf_counter()
        import chromadb  # noqa: F401  - one-time import cost, reported apart from throughput

        import_seconds = time.perf_counter() - started
        embedder = Embedder(settings)
        raw = raw_throughput(embedder, texts)
        fp32 = raw_throughput(Embedder(settings.replace(embedding_dtype="float32")), texts)
        started = time.perf_counter()
        first = ingest([corpus], settings, embedder, show_progress=False)
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest([corpus], settings, embedder, show_progress=False)
        reingest_seconds = time.perf_counter() - started
    result = {
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()}",
        "documents": args.docs, "chunks": len(texts), "embedding_dtype": embedder.dtype_name,
        "raw_embedding_chunks_per_s": round(raw, 1),
        "raw_embedding_fp32_chunks_per_s": round(fp32, 1),
        "ingest_chunks_per_s": round(first.chunks_added / ingest_seconds, 1),
        "ingest_to_raw_ratio": round(first.chunks_added / ingest_seconds / raw, 3),
        "reingest_unchanged_s": round(reingest_seconds, 3),
        "store_import_s": round(import_seconds, 2),
        "reingest_embeddings": again.embeddings_computed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
