"""Typed errors of the public surface. Every message says what is wrong and what to do."""


class AssistantError(Exception):
    """Base class of every error the assistant raises on purpose."""


class SettingsError(AssistantError):
    pass


class InvalidQuestionError(AssistantError, ValueError):
    """Empty, whitespace-only or over-long question."""


class InvalidArgumentError(AssistantError, ValueError):
    """An option of a call (top_k, sources, answerer) has the wrong type or an impossible value."""


class InvalidHistoryError(AssistantError, TypeError):
    """History is not a sequence of (role, text) pairs of strings."""


class IndexNotReadyError(AssistantError):
    """The index is missing or empty: run ingest first."""


class IndexCorruptError(AssistantError):
    """The index cannot be read consistently: rebuild it."""


class VectorStoreDamagedError(IndexCorruptError):
    """The vector store is missing, unreadable or lacks vectors: a plain ingest re-embeds them
    from the catalog."""


class EmbeddingModelMismatchError(AssistantError):
    """The index was built with another embedding model."""


class IngestWriteError(AssistantError):
    """Writing the index failed (disk full, permissions); what was committed before is intact."""


class DocumentNotFoundError(AssistantError, KeyError):
    """No document with that id in the index."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class IndexBusyError(AssistantError):
    """Another ingest holds the index lock."""


class LLMBackendError(AssistantError):
    """The configured LLM backend failed or is not installed."""
