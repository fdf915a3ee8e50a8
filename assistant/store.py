"""The index on disk: the catalog (source of truth, keyword index) plus the Chroma vectors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.catalog import Catalog
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.errors import EmbeddingModelMismatchError, IndexCorruptError, IndexNotReadyError
from assistant.vectors import VectorStore


@dataclass
class IndexStore:
    catalog: Catalog
    vectors: VectorStore

    def close(self) -> None:
        self.catalog.close()

    def check_consistency(self) -> None:
        """Cheap checks at open: every committed chunk has a vector and a keyword entry.

        Vectors journalled as pending may legitimately be extra (an ingest was interrupted);
        anything else means the index was damaged or edited behind our back.
        """
        chunks, keyword_rows, pending = self.catalog.consistency_counts()
        recovery = "rebuild it with `assistant ingest --rebuild PATHS`"
        if keyword_rows != chunks:
            raise IndexCorruptError(
                f"the keyword index holds {keyword_rows} passages but the catalog {chunks}; "
                f"{recovery}")
        if ingest_running(self.vectors.settings):
            return  # vectors and catalog are legitimately apart while an ingest writes
        vectors = self.vectors.count()
        if not chunks <= vectors <= chunks + pending:
            raise IndexCorruptError(
                f"the vector store holds {vectors} vectors but the catalog {chunks} passages "
                f"(+{pending} pending); {recovery}")


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


def open_index(settings: Settings, embedder: Embedder, create: bool = False) -> IndexStore:
    """Open (or create) the index, refusing one built with another embedding model."""
    index_dir = Path(settings.index_dir)
    try:
        catalog = Catalog(index_dir, create=create)
    except FileNotFoundError as exc:
        raise IndexNotReadyError(
            f"no index in {index_dir}/; build it with `python ingest.py corpus/ --index "
            f"{index_dir}` (or `assistant ingest PATHS --index {index_dir}`)"
        ) from exc
    identity = embedder.identity
    stored = catalog.get_meta("embedding_model")
    if stored is not None and stored != identity:
        catalog.close()
        raise EmbeddingModelMismatchError(
            f"the index in {index_dir}/ was built with embedding model {stored}, but the "
            f"configured model is {identity}; vectors of different models cannot be mixed. "
            "Use another --index dir or rebuild with `assistant ingest --rebuild PATHS`."
        )
    dimension = int(catalog.get_meta("embedding_dimension") or 0) or embedder.dimension
    if stored is None and create:
        catalog.set_meta({"embedding_model": identity, "embedding_dimension": str(dimension)})
    vectors = VectorStore(settings, identity, dimension, create=create)
    return IndexStore(catalog=catalog, vectors=vectors)
