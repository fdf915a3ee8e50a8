"""The golden question set (eval/golden.jsonl) and its integrity check."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import PROJECT_ROOT

GOLDEN_FILE = PROJECT_ROOT / "eval" / "golden.jsonl"
SHOULD_ABSTAIN = {"unanswerable", "injection"}


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    type: str
    question: str
    key_facts: list[list[str]] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    history: list[list[str]] = field(default_factory=list)
    split: str = "calibration"

    @property
    def should_abstain(self) -> bool:
        return self.type in SHOULD_ABSTAIN

    @property
    def history_turns(self) -> list[tuple[str, str]]:
        return [(role, text) for role, text in self.history]


def load_golden(path: Path = GOLDEN_FILE) -> list[GoldenQuestion]:
    with Path(path).open(encoding="utf-8") as handle:
        return [GoldenQuestion(**json.loads(line)) for line in handle if line.strip()]


def integrity_problems(questions: list[GoldenQuestion], documents: dict[str, str]) -> list[str]:
    """Every id unique, every doc id known, every evidence quote verbatim in its documents."""
    problems: list[str] = []
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            problems.append(f"{q.id}: duplicate id")
        seen.add(q.id)
        for doc_id in q.doc_ids:
            if doc_id not in documents:
                problems.append(f"{q.id}: unknown document {doc_id}")
        for quote in q.evidence:
            if not any(quote in documents.get(d, "") for d in q.doc_ids):
                problems.append(f"{q.id}: evidence not verbatim in {q.doc_ids}: {quote[:60]}")
        if not q.should_abstain and not (q.key_facts and q.evidence):
            problems.append(f"{q.id}: answerable question without key facts or evidence")
    return problems
