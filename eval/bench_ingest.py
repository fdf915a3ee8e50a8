"""Ingest benchmark: raw model throughput per precision vs full ingest, unchanged re-ingest,
peak RSS.

`.venv/bin/python eval/bench_ingest.py [--docs 40]` prints one JSON object. All figures come
from one run on one machine: the raw throughputs are measured on the same chunks in alternation,
slice by slice (64 chunks; the encoders' order rotates from slice to slice; each slice's best
of `--passes` counts), so that load from other processes falls on every encoder alike and the
ratios are the headline numbers. "torch fp32" is how every
chunk was embedded before the ONNX path (sentence-transformers in float32); a full ingest now
also embeds every sentence of every new chunk, so that questions embed nothing but themselves.

Two ONNX fp32 variants that the product does not use are measured beside it, so that the choice
stays checkable: the same graph in batches of 32 (the product batches `onnx_batch_size`), and
the graph rewritten by ONNX Runtime's transformer optimizer (`onnxruntime.transformers.
optimizer.optimize_model`, fused Attention / SkipLayerNormalization / BiasGelu /
EmbedLayerNormalization). "min_cosine_to_torch_fp32" is over the chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_corpus  # noqa: E402

from assistant.chunking import split_document  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.corpus import load_document, scan_paths  # noqa: E402
from assistant.embedding import Embedder, cpu_supports_bf16, cpu_supports_vnni  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402
from assistant.onnx_embedding import OnnxSentenceEncoder  # noqa: E402


def fused_encoder(embedder: Embedder, folder: Path) -> OnnxSentenceEncoder:
    """The exported fp32 model after ONNX Runtime's BERT fusions (12 heads, hidden size 384)."""
    import json as json_module

    from onnxruntime.transformers.optimizer import optimize_model

    config = json_module.loads((Path(embedder.model_path) / "config.json").read_text())
    fused = folder / "fused.onnx"
    optimize_model(str(embedder.prepare_query_model()), model_type="bert",
                   num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"],
                   opt_level=0).save_model_to_file(str(fused))
    return OnnxSentenceEncoder(fused, embedder.model_path)


def interleaved_throughput(encoders: dict, texts: list[str], passes: int,
                           slice_size: int = 64) -> dict[str, float]:
    """texts/s per encoder: every slice is encoded by each encoder in turn (rotating order),
    each slice's fastest of `passes` counts."""
    slices = [texts[start : start + slice_size] for start in range(0, len(texts), slice_size)]
    names = list(encoders)
    best = {(name, i): float("inf") for name in names for i in range(len(slices))}
    for _ in range(passes):
        for i, part in enumerate(slices):
            for name in names[i % len(names):] + names[: i % len(names)]:
                started = time.perf_counter()
                encoders[name](part)
                best[name, i] = min(best[name, i], time.perf_counter() - started)
    return {name: len(texts) / sum(best[name, i] for i in range(len(slices)))
            for name in names}


def _torch_encoder(model: Any) -> Callable[[list[str]], Any]:
    """A sentence-transformers model as an encoder of one batch, normalised like the product's."""
    return lambda batch: model.encode(batch, batch_size=32, normalize_embeddings=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--passes", type=int, default=2, help="raw passes; best one counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        corpus = make_corpus(Path(work) / "corpus", args.docs)
        settings = Settings.load(index_dir=str(Path(work) / "index"))
        docs = [load_document(p, 10**7) for p in scan_paths([corpus]).files]
        texts = [c.text for d in docs for c in split_document(d, settings.chunk_size,
                                                              settings.chunk_overlap)]
        embedder = Embedder(settings)
        fp32 = Embedder(settings.replace(embedding_dtype="float32"))
        plain = fp32._onnx_encoder("float32")
        fused = fused_encoder(fp32, Path(work))
        paths = {
            "torch_fp32": Embedder(settings.replace(embedding_dtype="float32")).model,
            "torch_bf16": Embedder(settings.replace(embedding_dtype="bfloat16")).model,
            "onnx_fp32": Embedder(settings.replace(embedding_dtype="float32")),
            "onnx_int8": Embedder(settings.replace(embedding_dtype="int8")),
        }
        encoders: dict[str, Callable[[list[str]], Any]] = {
            name: _torch_encoder(model) if name.startswith("torch") else model.encode
            for name, model in paths.items()
        }
        encoders["onnx_fp32_batch32"] = lambda batch: plain.encode(batch, batch_size=32)
        encoders["onnx_fp32_fused"] = lambda batch: fused.encode(
            batch, batch_size=settings.onnx_batch_size)
        reference = encoders["torch_fp32"](texts)
        min_cosine = {name: round(float((encode(texts) * reference).sum(axis=1).min()), 5)
                      for name, encode in encoders.items() if "fp32" in name}
        for encode in encoders.values():
            encode(texts[:32])  # load and warm up
        raw = interleaved_throughput(encoders, texts, args.passes)
        started = time.perf_counter()
        first = ingest([corpus], settings, embedder, show_progress=False)
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest([corpus], settings, embedder, show_progress=False)
        reingest_seconds = time.perf_counter() - started
    chunks_per_s = first.chunks_added / ingest_seconds
    raw_used = raw["torch_bf16" if embedder.precision == "bfloat16" else
                   "onnx_int8" if embedder.precision == "int8" else "onnx_fp32"]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, bf16 units "
                   f"{cpu_supports_bf16()}, VNNI {cpu_supports_vnni()}, load average "
                   f"{os.getloadavg()[0]:.1f}",
        "documents": args.docs, "chunks": len(texts), "embedding_precision": embedder.precision,
        "raw_chunks_per_s": {name: round(value, 1) for name, value in raw.items()},
        "raw_ratio_to_torch_fp32": {name: round(value / raw["torch_fp32"], 2)
                                    for name, value in raw.items()},
        "min_cosine_to_torch_fp32": min_cosine,
        "batch_sizes": {"onnx": settings.onnx_batch_size, "torch": 32},
        "ingest_chunks_per_s": round(chunks_per_s, 1),
        "ingest_sentences_embedded": first.sentence_embeddings_computed,
        "ingest_to_raw_ratio": round(chunks_per_s / raw_used, 3),
        "ingest_to_torch_fp32_raw_ratio": round(chunks_per_s / raw["torch_fp32"], 3),
        "reingest_unchanged_s": round(reingest_seconds, 3),
        "reingest_embeddings": again.embeddings_computed + again.sentence_embeddings_computed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
