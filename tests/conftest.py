"""Shared fixtures: real Chroma on temp dirs, the real bundled embedding model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import assistant  # noqa: F401  (sets the offline environment first)
from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.ingestion import ingest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


def make_settings(index_dir: Path, **overrides) -> Settings:
    return Settings.load(config_file=None, env={}, index_dir=str(index_dir), **overrides)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder(make_settings(Path("unused")))


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
    bot = Assistant(seed_index)
    bot.embedder = embedder
    bot.encode.embedder = embedder
    return bot
