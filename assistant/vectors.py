"""Chroma: embedded PersistentClient under the index dir, or HttpClient against `chroma run`."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import (
    EmbeddingModelMismatchError,
    IndexNotReadyError,
    SettingsError,
    VectorStoreDamagedError,
)

CHROMA_SUBDIR = "chroma"
_UPSERT_BATCH = 1000
_PAGE = 5000


def chroma_client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if settings.uses_chroma_server:
        headers = {}
        if settings.chroma_token:
            headers["Authorization"] = f"Bearer {settings.chroma_token}"
        return chromadb.HttpClient(
            host=settings.chroma_host,
            port=settings.chroma_port,
            headers=headers,
            settings=ChromaSettings(anonymized_telemetry=False),
        )
    path = Path(settings.index_dir) / CHROMA_SUBDIR
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


class CollectionMissingError(IndexNotReadyError):
    """The vector store answers but has no collection for this index."""


def _classify_open_error(settings: Settings, exc: Exception) -> Exception:
    text = str(exc)
    if settings.uses_chroma_server and ("AuthError" in type(exc).__name__
                                        or text.strip() in ("Forbidden", "Unauthorized")):
        given = "was refused" if settings.chroma_token else "is required and none is set"
        return SettingsError(
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port} refused the "
            f"request: its token {given}; set ASSISTANT_CHROMA_TOKEN to the server's token")
    if settings.uses_chroma_server and "connect" in text.lower():
        return IndexNotReadyError(
            f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
            f"({type(exc).__name__}); is `chroma run` started?")
    if "does not exist" in text or "NotFound" in type(exc).__name__:
        return CollectionMissingError(
            f"no collection {settings.collection!r} in the vector store; run ingest first")
    return VectorStoreDamagedError(
        f"the vector store could not be opened ({text}); run `assistant ingest PATHS` (a plain "
        "ingest re-creates it from the catalog) or start over with "
        "`assistant ingest --rebuild PATHS`")


def forget_cached_clients() -> None:
    """Drop chromadb's per-process client cache: after another process rebuilt or repaired the
    index, a cached client still points at the old files."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


class VectorStore:
    """One cosine-space collection whose metadata records the embedding model."""

    def __init__(self, settings: Settings, model_identity: str, dimension: int, create: bool):
        self.settings = settings
        self.dimension = dimension
        name = settings.collection
        try:
            self.client = chroma_client(settings)
            if create:
                self.collection = self.client.get_or_create_collection(
                    name,
                    embedding_function=None,
                    metadata={
                        "hnsw:space": "cosine",
                        "embedding_model": model_identity,
                        "embedding_dimension": dimension,
                    },
                )
            else:
                self.collection = self.client.get_collection(name, embedding_function=None)
        except Exception as exc:  # chromadb raises its own error types
            raise _classify_open_error(settings, exc) from exc
        self._check_model(model_identity, dimension)

    def _check_model(self, model_identity: str, dimension: int) -> None:
        meta = self.collection.metadata or {}
        stored = meta.get("embedding_model")
        stored_dim = meta.get("embedding_dimension")
        if stored and (stored != model_identity or int(stored_dim or dimension) != dimension):
            raise EmbeddingModelMismatchError(
                f"the vector collection {self.settings.collection!r} was built with embedding "
                f"model {stored} ({stored_dim} dims) but the current model is {model_identity} "
                f"({dimension} dims); re-ingest into a new index dir or run "
                "`assistant ingest --rebuild PATHS`"
            )

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict]) -> None:
        for start in range(0, len(ids), _UPSERT_BATCH):
            end = start + _UPSERT_BATCH
            self.collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _UPSERT_BATCH):
            self.collection.delete(ids=list(ids[start : start + _UPSERT_BATCH]))

    def existing(self, ids: Sequence[str]) -> set[str]:
        """The ids among `ids` that have a vector."""
        found: set[str] = set()
        for start in range(0, len(ids), _UPSERT_BATCH):
            batch = list(ids[start : start + _UPSERT_BATCH])
            found.update(self.collection.get(ids=batch, include=[])["ids"])
        return found

    def all_ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            page = self.collection.get(include=[], limit=_PAGE, offset=offset)["ids"]
            found.update(page)
            if len(page) < _PAGE:
                return found
            offset += len(page)

    def count(self) -> int:
        return self.collection.count()

    def query(
        self, vector: np.ndarray, limit: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest chunks."""
        if limit <= 0:
            return []
        where = None
        if sources:
            where = {"doc_id": {"$in": list(sources)}}
        result = self.collection.query(
            query_embeddings=[vector.tolist()],
            n_results=limit,
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True)]

    def reset(self) -> None:
        with contextlib.suppress(Exception):  # absent collection is fine when resetting
            self.client.delete_collection(self.settings.collection)
