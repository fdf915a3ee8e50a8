"""Offline question answering over news articles with verbatim, per-sentence citations."""

from assistant import offline as _offline  # noqa: F401  (must run before heavy imports)
from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    EmbeddingModelMismatchError,
    IndexBusyError,
    IndexCorruptError,
    IndexNotReadyError,
    InvalidHistoryError,
    InvalidQuestionError,
    LLMBackendError,
)
from assistant.schema import Answer, Chunk, Citation

__all__ = [
    "Answer", "Assistant", "AssistantError", "Chunk", "Citation", "EmbeddingModelMismatchError",
    "IndexBusyError", "IndexCorruptError", "IndexNotReadyError", "InvalidHistoryError",
    "InvalidQuestionError", "LLMBackendError", "Settings", "ask",
]


def __getattr__(name: str):
    # the engine pulls in torch and chromadb: import it only when asked for
    if name in {"Assistant", "ask"}:
        from assistant import engine

        return getattr(engine, name)
    raise AttributeError(name)
