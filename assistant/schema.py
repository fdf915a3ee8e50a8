"""Values that cross stages: documents, chunks, retrieved passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceDocument:
    """A cleaned corpus document. `doc_id` is the file name, used in citations."""

    doc_id: str
    path: str
    text: str
    title: str
    outlet: str = ""
    author: str = ""
    date: str = ""
    content_hash: str = ""
    # paginated sources (PDF): offset in `text` where page 1, 2, ... begins; empty otherwise
    page_starts: tuple[int, ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A token-bounded span of a cleaned document; `start`/`end` index into the cleaned text."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    position: int
    title: str = ""
    outlet: str = ""


@dataclass(frozen=True)
class RetrievedChunk:
    chunk: Chunk
    score: float  # fused score used for ranking
    dense_similarity: float = 0.0  # cosine similarity of the question to the chunk
    keyword_rank: int | None = None
    dense_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    source: str
    title: str
    text: str  # verbatim passage from the cleaned corpus
    start: int
    end: int
    score: float
    outlet: str = ""
    chunk_id: str = ""
    # the cited sentence inside `text`, as offsets relative to `text`
    highlight_start: int = 0
    highlight_end: int = 0
    # page of the cited sentence in a paginated source (PDF), 1-based; None for other files
    page: int | None = None

    @property
    def quote(self) -> str:
        """The cited sentence, verbatim."""
        return self.text[self.highlight_start : self.highlight_end]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "quote": self.quote}


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    question: str = ""
    standalone_question: str = ""
    answerer: str = "extractive"
    notes: list[str] = field(default_factory=list)
    # what was searched (question as searched, source filter, passages looked at); set on
    # every extractive answer, so that a refusal can say what it covered
    searched: dict[str, Any] = field(default_factory=dict)
    # on a refusal: the closest passages found, "closest, not an answer"
    nearest: list[Citation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answer": self.text,
            "abstained": self.abstained,
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answerer": self.answerer,
            "citations": [c.to_dict() for c in self.citations],
            "notes": list(self.notes),
            "searched": dict(self.searched),
            "nearest": [c.to_dict() for c in self.nearest],
        }
