"""Shared fixtures: real Chroma on temp dirs, the real bundled embedding model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import assistant  # noqa: F401  (sets the offline environment first)
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.ingestion import ingest
from assistant.store import open_index

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def make_settings(index_dir: Path, **overrides) -> Settings:
    return Settings.load(config_file=None, env={}, index_dir=str(index_dir), **overrides)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The suite runs in the precision ASSISTANT_EMBEDDING_DTYPE names (auto when unset)."""
    dtype = os.environ.get("ASSISTANT_EMBEDDING_DTYPE", "auto")
    return Embedder(make_settings(Path("unused"), embedding_dtype=dtype))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for file in target.iterdir():
        file.chmod(0o644)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, embedder) -> Settings:
    """The seed corpus ingested once for the whole session (read-only for tests)."""
    settings = make_settings(tmp_path_factory.mktemp("seed-index"))
    report = ingest([CORPUS], settings, embedder, show_progress=False)
    assert not report.problems
    return settings


@pytest.fixture(scope="session")
def seed_assistant(seed_index, embedder) -> Assistant:
    bot = Assistant(seed_index, embedder)
    return bot


@pytest.fixture(scope="session")
def seed_texts(seed_index, embedder) -> dict[str, str]:
    """doc_id -> cleaned text of the seed index, to check citations are verbatim."""
    store = open_index(seed_index, embedder)
    texts = {d["doc_id"]: store.catalog.document_text(d["doc_id"])
             for d in store.catalog.documents()}
    store.close()
    return texts


def index_state(settings: Settings, embedder: Embedder) -> tuple[set[str], set[str], list[dict]]:
    """(chunk ids in the catalog, vector ids in Chroma, documents)."""
    store = open_index(settings, embedder)
    try:
        catalog_ids = store.catalog.all_chunk_ids()
        vector_ids = set(store.vectors.collection.get(include=[])["ids"])
        return catalog_ids, vector_ids, store.catalog.documents()
    finally:
        store.close()
