"""Which embedding precision may `auto` pick? Golden-set metrics and vector agreement per
precision, against float32.

`.venv/bin/python eval/embedding_check.py [--precisions float32 bfloat16 int8]` builds the seed
index once per precision (bf16 runs on torch, float32 and int8 on ONNX Runtime; questions always
on ONNX Runtime) and prints, as one JSON object, the engine's golden-set scores for each, the
largest drop of a retrieval or answer metric against float32 in points, and the cosine of each
precision's chunk vectors to float32's. A precision is faithful when no metric drops by more
than 1 point (the rule behind `Settings.embedding_int8`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assistant.chunking import split_document  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.corpus import load_document, scan_paths  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.evaluation.runner import evaluate  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402

COMPARED = ("hit_at_5", "mrr", "context_recall", "key_fact_accuracy", "abstention_recall",
            "false_abstention_rate", "faithfulness", "citation_recall")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--precisions", nargs="+", default=["float32", "bfloat16", "int8"])
    args = parser.parse_args()
    base = Settings.load(env={})
    texts = [c.text for p in scan_paths(list(base.corpus_paths)).files
             for c in split_document(load_document(p, 10**7), base.chunk_size,
                                     base.chunk_overlap)]
    result: dict = {"chunks": len(texts)}
    vectors = {}
    with tempfile.TemporaryDirectory() as work:
        for precision in ["float32", *[p for p in args.precisions if p != "float32"]]:
            settings = base.replace(index_dir=str(Path(work) / precision),
                                    embedding_dtype=precision)
            embedder = Embedder(settings)
            vectors[precision] = embedder.encode(texts)
            ingest(list(settings.corpus_paths), settings, embedder, show_progress=False)
            report = evaluate(settings, with_baseline=False, bot=Assistant(settings, embedder))
            scores = report["engine"]["scores"]
            result[precision] = {"precision_used": report["embedding_precision"],
                                 **{k: round(scores[k], 4) for k in COMPARED}}
    reference = result["float32"]
    for precision in args.precisions:
        if precision == "float32":
            continue
        drops = {k: (reference[k] - result[precision][k]) * 100 * (
            -1 if k == "false_abstention_rate" else 1) for k in COMPARED}
        cosines = np.sum(vectors[precision] * vectors["float32"], axis=1)
        result[precision]["largest_drop_points"] = round(max(drops.values()), 1)
        result[precision]["faithful"] = max(drops.values()) <= 1.0
        result[precision]["cosine_to_fp32"] = {"min": round(float(cosines.min()), 4),
                                               "mean": round(float(cosines.mean()), 4)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
