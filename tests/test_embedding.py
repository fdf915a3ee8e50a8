"""The two embedding paths agree, questions never import torch, sentence vectors come from the
index, and an index is only ever queried in the precision family it was built with."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import numpy as np
import pytest

from assistant.catalog import Catalog
from assistant.chunking import count_tokens
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.errors import EmbeddingModelMismatchError
from assistant.ingestion import ingest
from assistant.onnx_embedding import ensure_exported, onnx_model_file
from assistant.sentence_vectors import (
    SEGMENTER_META_KEY,
    TOKEN_COUNTS_PENDING_META_KEY,
    passage_sentences,
)
from tests.conftest import REPO, make_settings

TEXTS = [
    "Lukashenko has not sent troops to Ukraine.",
    "A poll by Chatham House found that 43 per cent of Belarusians disapproved of the war.",
    "Short.",
    "The grain deal was signed in Istanbul " * 40,  # past the 256-wordpiece window
]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def test_onnx_question_path_matches_sentence_transformers_fp32(tmp_path):
    from sentence_transformers import SentenceTransformer

    settings = make_settings(tmp_path / "unused", embedding_dtype="float32")
    onnx_vectors = Embedder(settings).encode_queries(TEXTS)
    model = SentenceTransformer(settings.embedding_model_path, device="cpu",
                                local_files_only=True)
    reference = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert onnx_vectors.shape == reference.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-3)
    assert _cosines(onnx_vectors, reference).min() >= 0.999


def test_int8_vectors_stay_close_to_fp32(tmp_path):
    settings = make_settings(tmp_path / "unused", embedding_dtype="int8")
    int8 = Embedder(settings).encode(TEXTS)
    fp32 = Embedder(settings.replace(embedding_dtype="float32")).encode(TEXTS)
    assert 0.97 <= _cosines(int8, fp32).min() < 0.99999  # close, but really quantised


def test_export_is_cached_per_fingerprint(tmp_path, embedder):
    identity = embedder.model_identity
    fp32 = ensure_exported(embedder.model_path, identity, "float32", tmp_path)
    stamp = fp32.stat().st_mtime_ns
    assert ensure_exported(embedder.model_path, identity, "float32", tmp_path) == fp32
    assert fp32.stat().st_mtime_ns == stamp  # not exported again
    int8 = onnx_model_file(tmp_path, identity, "int8")
    assert int8 != fp32 and onnx_model_file(tmp_path, "other-model@1", "float32") != fp32
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [fp32.name, fp32.name + ".data", fp32.name + ".lock"])  # no leftovers of the export


ASK_SCRIPT = """
import json, sys
from assistant import ask
answer = ask("What did the Chatham House poll find?")
heavy = sorted(m for m in ("torch", "sentence_transformers", "transformers", "scipy", "sklearn")
               if m in sys.modules)
print(json.dumps({"heavy": heavy, "text": answer.text}))
"""


def test_asking_imports_neither_torch_nor_sentence_transformers(seed_index):
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(seed_index.index_dir),
           "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", ASK_SCRIPT], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["heavy"] == []
    assert "43 per cent" in report["text"]


TOKENIZER_SCRIPT = """
import json, sys
from assistant import ask
answer = ask("Why hasn't Lukashenko sent troops to Ukraine?",
             history=[("user", "Who leads Belarus?"), ("assistant", "Lukashenko [1].")])
print(json.dumps({"tiktoken": "tiktoken" in sys.modules,
                  "quote_bytes": [len(c.quote.encode()) for c in answer.citations]}))
"""


def test_answering_needs_no_tokenizer_tables(seed_index):
    """Question length, history and the answer's token budget are checked by the byte bound
    and the token counts stored at ingest, so the cl100k tables are never loaded."""
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(seed_index.index_dir),
           "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", TOKENIZER_SCRIPT], capture_output=True,
                            text=True, env=env, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # several sentences, longer in bytes than the budget: the stored counts decided
    assert sum(report["quote_bytes"]) > seed_index.answer_token_budget
    assert report["tiktoken"] is False


def test_sentence_token_counts_are_stored_at_ingest(seed_index, embedder):
    bot = Assistant(seed_index, embedder)
    answer = bot.ask("Why hasn't Lukashenko sent troops?")
    quotes = [c.quote for c in answer.citations]
    assert quotes and bot._stored_token_counts(quotes) == {q: count_tokens(q) for q in quotes}


def test_an_index_from_before_token_counts_gets_them_at_the_next_ingest(tmp_path, corpus_copy,
                                                                        embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    db = sqlite3.connect(tmp_path / "index" / "catalog.sqlite3")
    db.executescript("ALTER TABLE sentence_vectors DROP COLUMN tokens; PRAGMA user_version = 5;")
    db.close()
    catalog = Catalog(tmp_path / "index")  # migrated: the counts are missing, and known to be
    keys = [row[0] for row in catalog._db.execute("SELECT key FROM sentence_vectors")]
    assert keys and catalog.sentence_token_counts(keys) == {}
    assert catalog.get_meta(TOKEN_COUNTS_PENDING_META_KEY) == "1"
    catalog.close()

    report = ingest([corpus_copy], settings, embedder, show_progress=False)
    assert report.embeddings_computed == report.sentence_embeddings_computed == 0
    bot = Assistant(settings, embedder)
    quotes = [c.quote for c in bot.ask("Why hasn't Lukashenko sent troops?").citations]
    assert quotes and bot._stored_token_counts(quotes) == {q: count_tokens(q) for q in quotes}
    assert len(bot.store.catalog.sentence_token_counts(keys)) == len(keys)
    assert bot.store.catalog.get_meta(TOKEN_COUNTS_PENDING_META_KEY) is None


def test_help_imports_no_model_or_store():
    script = ("import sys\nfrom assistant.cli import build_parser\nbuild_parser().format_help()\n"
              "print(sorted(m for m in ('torch', 'onnxruntime', 'chromadb', 'nltk', 'tiktoken') "
              "if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_sentence_vectors_are_stored_at_ingest_and_looked_up(seed_index, embedder):
    bot = Assistant(seed_index, embedder)
    answer = bot.ask("Why hasn't Lukashenko sent troops?")
    assert answer.citations and not answer.abstained
    assert bot.encode.embedded == 0  # only the question was embedded
    stored = bot.store.catalog._db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0]
    passage = answer.citations[0].text
    assert stored >= len(passage_sentences(passage)) > 0
    # the stored (float16) vector of a sentence is the vector the model gives it
    sentence = answer.citations[0].quote
    looked_up = bot.encode([sentence])
    assert _cosines(looked_up, embedder.encode_queries([sentence]))[0] >= 0.999


def test_unknown_sentences_fall_back_to_encoding_and_a_new_segmenter_is_recomputed(
        tmp_path, corpus_copy, embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    catalog = Catalog(tmp_path / "index")
    catalog.drop_sentence_vectors()  # as if the segmenter had split every sentence differently
    catalog.set_meta({SEGMENTER_META_KEY: "an older segmenter"})
    catalog.close()
    bot = Assistant(settings, embedder)
    answer = bot.ask("Why hasn't Lukashenko sent troops?")
    assert answer.citations and bot.encode.embedded > 0
    bot.reload()
    report = ingest([corpus_copy], settings, embedder, show_progress=False)
    assert report.embeddings_computed == 0 and report.sentence_embeddings_computed > 0
    fresh = Assistant(settings, embedder)
    assert fresh.ask("Why hasn't Lukashenko sent troops?").text == answer.text
    assert fresh.encode.embedded == 0


def test_removed_chunks_take_their_sentence_vectors_along(tmp_path, corpus_copy, embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    (corpus_copy / "004_8f9e010c70d96ada.txt").unlink()
    ingest([corpus_copy], settings, embedder, show_progress=False)
    db = Catalog(tmp_path / "index")._db
    linked = db.execute("SELECT COUNT(*) FROM sentence_vectors WHERE key NOT IN "
                        "(SELECT key FROM chunk_sentences)").fetchone()[0]
    dangling = db.execute("SELECT COUNT(*) FROM chunk_sentences WHERE chunk_id NOT IN "
                          "(SELECT chunk_id FROM chunks)").fetchone()[0]
    assert linked == dangling == 0
    assert db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0] > 0


def test_index_in_another_precision_family_is_refused(tmp_path, corpus_copy):
    int8 = make_settings(tmp_path / "index", embedding_dtype="int8")
    ingest([corpus_copy], int8, Embedder(int8), show_progress=False)
    catalog = Catalog(tmp_path / "index")
    assert catalog.get_meta("embedding_precision") == "int8"
    catalog.close()
    explicit_fp32 = int8.replace(embedding_dtype="float32")
    with pytest.raises(EmbeddingModelMismatchError, match="int8"):
        Assistant(explicit_fp32).ask("What did the Chatham House poll find?")
    follows = Assistant(int8.replace(embedding_dtype="auto"))
    assert "43 per cent" in follows.ask("What did the Chatham House poll find?").text
    assert follows.embedder.precision == "int8"
