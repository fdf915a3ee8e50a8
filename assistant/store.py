"""The index on disk: the catalog (source of truth, keyword index) plus the Chroma vectors."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import Catalog
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import (
    EmbeddingModelMismatchError,
    IndexCorruptError,
    IndexNotReadyError,
    VectorStoreDamagedError,
)
from assistant.vectors import CollectionMissingError, VectorStore, forget_cached_clients

UPLOADS_SUBDIR = "uploads"
GENERATION_FILE = "generation"
REPAIR_VECTORS = ("run `assistant ingest PATHS` (a plain ingest re-embeds missing vectors from the "
           "catalog) or start over with `assistant ingest --rebuild PATHS`")


def uploads_dir(settings: Settings) -> Path:
    """Documents added through the web chat; every ingest (and --rebuild) includes them."""
    return Path(settings.index_dir) / UPLOADS_SUBDIR


def read_generation(settings: Settings) -> str:
    """The index generation: changes whenever an ingest rebuilt or re-created part of the index,
    so that a running app knows to reopen the files (the old ones may be deleted)."""
    try:
        return (Path(settings.index_dir) / GENERATION_FILE).read_text().strip()
    except OSError:
        return ""


def bump_generation(settings: Settings) -> str:
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = secrets.token_hex(8)
    scratch = index_dir / f".{GENERATION_FILE}.{os.getpid()}"
    scratch.write_text(stamp + "\n")
    os.replace(scratch, index_dir / GENERATION_FILE)
    return stamp


@dataclass(frozen=True)
class VectorHealth:
    """The catalog compared with the vector store: counts and a sample of ids."""

    passages: int
    vectors: int
    pending: int
    sampled: int
    sample_missing: int

    @property
    def healthy(self) -> bool:
        # vectors journalled as pending may legitimately be extra (an interrupted ingest)
        return (self.sample_missing == 0
                and self.passages <= self.vectors <= self.passages + self.pending)

    def describe(self) -> str:
        text = (f"the vector store holds {self.vectors} vectors for {self.passages} passages "
                f"(+{self.pending} pending)")
        if self.sample_missing:
            text += f"; {self.sample_missing} of {self.sampled} sampled passages have no vector"
        return text


@dataclass
class IndexStore:
    catalog: Catalog
    vectors: VectorStore

    def close(self) -> None:
        self.catalog.close()

    def vector_health(self, sample_size: int = 64) -> VectorHealth:
        chunks, _, pending = self.catalog.consistency_counts()
        sample = self.catalog.sample_chunk_ids(sample_size)
        missing = len(sample) - len(self.vectors.existing(sample))
        return VectorHealth(chunks, self.vectors.count(), pending, len(sample), missing)

    def check_consistency(self) -> None:
        """Cheap checks at open: every committed chunk has a vector and a keyword entry.

        Vectors journalled as pending may legitimately be extra (an ingest was interrupted);
        anything else means the index was damaged or edited behind our back.
        """
        chunks, keyword_rows, _ = self.catalog.consistency_counts()
        if keyword_rows != chunks:
            raise IndexCorruptError(
                f"the keyword index holds {keyword_rows} passages but the catalog {chunks}; "
                "rebuild it with `assistant ingest --rebuild PATHS`")
        if ingest_running(self.vectors.settings):
            return  # vectors and catalog are legitimately apart while an ingest writes
        health = self.vector_health()
        if not health.healthy:
            raise VectorStoreDamagedError(f"{health.describe()}; {REPAIR_VECTORS}")


INGEST_LOCK_FILE = ".ingest.lock"


def ingest_running(settings: Settings) -> bool:
    """True when another process or thread holds the ingest lock of this index."""
    from filelock import FileLock, Timeout

    lock_path = Path(settings.index_dir) / INGEST_LOCK_FILE
    if not lock_path.exists():
        return False
    try:
        with FileLock(str(lock_path), timeout=0, is_singleton=False):
            return False
    except Timeout:
        return True


# chromadb keeps one client per path for the whole process. One cached before another process
# rebuilt the index reads the deleted files, and a small probe query can still pass while a
# real one fails ("Missing metadata segment"); so the generation each path's client was opened
# at is remembered here, beside chromadb's own per-process cache.
_client_generations: dict[str, str] = {}


def _forget_stale_client(settings: Settings) -> None:
    if settings.uses_chroma_server:
        return
    path = str(Path(settings.index_dir).resolve())
    generation = read_generation(settings)
    if _client_generations.get(path, generation) != generation:
        forget_cached_clients()
    _client_generations[path] = generation


def open_index(settings: Settings, embedder: Embedder, create: bool = False) -> IndexStore:
    """Open (or create) the index, refusing one built with another embedding model."""
    index_dir = Path(settings.index_dir)
    _forget_stale_client(settings)
    try:
        catalog = Catalog(index_dir, create=create)
    except FileNotFoundError as exc:
        raise IndexNotReadyError(
            f"no index in {index_dir}/; build it with `python ingest.py corpus/ --index "
            f"{index_dir}` (or `assistant ingest PATHS --index {index_dir}`)"
        ) from exc
    stored = catalog.get_meta("embedding_model")
    if stored is not None:
        try:
            embedder.use_index_precision(stored, catalog.get_meta("embedding_precision"))
        except EmbeddingModelMismatchError as exc:
            catalog.close()
            raise EmbeddingModelMismatchError(f"{index_dir}/: {exc}") from exc
    identity = embedder.identity
    if stored is not None and stored != identity:
        catalog.close()
        raise EmbeddingModelMismatchError(
            f"the index in {index_dir}/ was built with embedding model {stored}, but the "
            f"configured model is {identity}; vectors of different models cannot be mixed. "
            "Use another --index dir or rebuild with `assistant ingest --rebuild PATHS`."
        )
    dimension = int(catalog.get_meta("embedding_dimension") or 0) or embedder.dimension
    if stored is None and create:
        catalog.set_meta({"embedding_model": identity, "embedding_dimension": str(dimension),
                          "embedding_precision": embedder.precision})
    try:
        vectors = VectorStore(settings, identity, dimension, create=create)
    except CollectionMissingError as exc:
        has_passages = catalog.count_chunks() > 0
        catalog.close()
        if has_passages:
            raise VectorStoreDamagedError(
                f"the vector collection {settings.collection!r} is missing but the catalog "
                f"holds passages; {REPAIR_VECTORS}") from exc
        raise
    except BaseException:
        catalog.close()
        raise
    return IndexStore(catalog=catalog, vectors=vectors)

