"""Sentence vectors computed at ingest and stored in the catalog, so that answering a question
embeds only the question.

A vector is keyed by a hash of the sentence text (as the answerer and the verifier see it:
`text.sentence_spans` of a passage, stripped), so a lookup needs no offsets and a change of the
sentence segmenter only means missing keys: those sentences are embedded at question time until
the next ingest, which notices the new segmenter and recomputes the vectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator

import numpy as np

from assistant.catalog import Catalog
from assistant.chunking import count_tokens
from assistant.text import sentence_spans

SEGMENTER_META_KEY = "sentence_segmenter"
# set by migration 6 when a catalog already held sentence vectors without token counts
TOKEN_COUNTS_PENDING_META_KEY = "sentence_token_counts_pending"
# texts on which segmenters tend to differ: abbreviations, quotations, numbers, line breaks
_SEGMENTER_PROBE = (
    "Mr. Smith met Dr. Jones at 3 p.m. on Jan. 5. “Are we able to win?” he asked. “No.”\n"
    "Headline without a stop\nThe U.S. economy grew 2.5% in 2020, officials said. It was "
    "slow! Why? Because (as noted) demand fell... Prices rose; wages did not. It fell, thump! "
    "down it came."
)
Encode = Callable[[list[str]], np.ndarray]


def sentence_key(text: str) -> bytes:
    return hashlib.blake2b(text.strip().encode("utf-8"), digest_size=16).digest()


def passage_sentences(text: str) -> list[str]:
    found = (text[start:end].strip() for start, end in sentence_spans(text))
    return [sentence for sentence in found if sentence]


def segmenter_signature() -> str:
    spans = sentence_spans(_SEGMENTER_PROBE)
    return hashlib.sha256(repr(spans).encode()).hexdigest()[:16]


def pack(vector: np.ndarray) -> bytes:
    # float16 halves the catalog's size; cosine to the float32 vector stays above 0.9999
    return np.asarray(vector, dtype=np.float16).tobytes()


def unpack(blob: bytes) -> np.ndarray:
    vector = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def store_missing(catalog: Catalog, encode: Encode, batch_chunks: int = 256,
                  on_batch: Callable[[int], None] | None = None) -> int:
    """Embed the sentences of every chunk that has no stored sentence vectors; returns how many
    sentences were embedded. Each batch is one transaction, so a killed run resumes."""
    signature = segmenter_signature()
    if catalog.get_meta(SEGMENTER_META_KEY) != signature:
        catalog.drop_sentence_vectors()
        catalog.set_meta({SEGMENTER_META_KEY: signature})
    embedded = 0
    for chunks in _batches(catalog.chunks_without_sentence_vectors, batch_chunks):
        links: list[tuple[str, bytes]] = []
        texts: dict[bytes, str] = {}
        for chunk_id, text in chunks:
            for sentence in passage_sentences(text) or [text]:
                key = sentence_key(sentence)
                links.append((chunk_id, key))
                texts.setdefault(key, sentence)
        known = catalog.sentence_vectors(list(texts))
        missing = [key for key in texts if key not in known]
        vectors = encode([texts[key] for key in missing]) if missing else np.zeros((0, 0))
        catalog.add_sentence_vectors(
            {key: pack(vector) for key, vector in zip(missing, vectors, strict=True)}, links,
            {key: count_tokens(texts[key]) for key in missing})
        embedded += len(missing)
        if on_batch is not None:
            on_batch(len(chunks))
    return embedded


def count_missing_tokens(catalog: Catalog, batch_chunks: int = 256) -> int:
    """Count the tokens of the sentences stored before token counts were (once, after
    migration 6; nothing is embedded again); returns how many sentences were counted."""
    if catalog.get_meta(TOKEN_COUNTS_PENDING_META_KEY) is None:
        return 0
    counted = 0
    for chunks in _batches(catalog.chunks_with_uncounted_sentences, batch_chunks):
        counts = {sentence_key(sentence): count_tokens(sentence)
                  for _, text in chunks for sentence in passage_sentences(text) or [text]}
        catalog.set_sentence_token_counts(counts)
        counted += len(counts)
    catalog.delete_meta(TOKEN_COUNTS_PENDING_META_KEY)
    return counted


def _batches(pending: Callable[[int], list[tuple[str, str]]],
             size: int) -> Iterator[list[tuple[str, str]]]:
    """Batches of (chunk_id, text) from `pending` until it has none left that this run has not
    handled: all done, or chunks deleted under us (then the next ingest)."""
    done: set[str] = set()
    while True:
        chunks = [(chunk_id, text) for chunk_id, text in pending(size) if chunk_id not in done]
        if not chunks:
            return
        done.update(chunk_id for chunk_id, _ in chunks)
        yield chunks


def lookup(catalog: Catalog, texts: list[str]) -> dict[str, np.ndarray]:
    """text -> stored vector for the texts the index holds vectors for."""
    keys = {sentence_key(text): text for text in texts}
    return {keys[key]: unpack(blob) for key, blob in catalog.sentence_vectors(list(keys)).items()}


def token_counts(catalog: Catalog, texts: list[str]) -> dict[str, int]:
    """text -> cl100k token count stored at ingest, for the texts the index holds one for."""
    keys = {sentence_key(text): text for text in texts}
    return {keys[key]: count for key, count in catalog.sentence_token_counts(list(keys)).items()}
