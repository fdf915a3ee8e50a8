"""The benchmark corpora, their questions and the deterministic dev/test split."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import PROJECT_ROOT

from .prepare import DATA_DIR

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    # every group must appear in a correct answer; a group is satisfied by any one alternative
    key_facts: list[list[str]] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    history: list[list[str]] = field(default_factory=list)

    @property
    def split(self) -> str:
        return split_of(self.id)

    @property
    def history_turns(self) -> list[tuple[str, str]]:
        return [(role, text) for role, text in self.history]


@dataclass(frozen=True)
class Corpus:
    name: str
    kind: str
    docs_dir: Path
    questions: list[Question]
    # main-content ground truth per document id (web pages only), for the in-body share
    truth: dict[str, str] = field(default_factory=dict)

    def select(self, split: str) -> list[Question]:
        return [q for q in self.questions if split == "all" or q.split == split]


def split_of(question_id: str) -> str:
    """Half the questions by a hash of the id: stable across runs, machines and file order."""
    return SPLITS[int(hashlib.sha1(question_id.encode()).hexdigest()[:8], 16) % 2]


def parse_key_facts(raw: list) -> list[list[str]]:
    """Groups as lists of alternatives; a plain string group may separate them with '|'."""
    groups = []
    for group in raw:
        alternatives = group.split("|") if isinstance(group, str) else list(group)
        groups.append([alt.strip() for alt in alternatives if alt.strip()])
    return groups


def load_questions(path: Path) -> list[Question]:
    questions = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            questions.append(Question(
                id=row["id"], question=row["question"], answerable=bool(row["answerable"]),
                key_facts=parse_key_facts(row.get("key_facts", [])),
                doc_ids=list(row.get("doc_ids", [])), history=list(row.get("history", []))))
    return questions


def _truth(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def _require(folder: Path, name: str) -> Path:
    if not folder.is_dir() or not any(folder.iterdir()):
        raise SystemExit(f"{folder} is missing: run `python -m eval.benchmark.prepare --only "
                         f"{name}` first (see eval/benchmark/README.md)")
    return folder


def load_corpus(name: str, data_dir: Path = DATA_DIR) -> Corpus:
    base = data_dir / name
    if name == "seed":
        docs = base / "docs" if (base / "docs").is_dir() else PROJECT_ROOT / "corpus"
        return Corpus(name, "news articles (plain text), the seed set", docs,
                      load_questions(QUESTIONS_DIR / "seed.jsonl"))
    if name == "squad-probe":
        return Corpus(name, "the same articles, the SQuAD 2.0 questions `squad` leaves out",
                      _require(data_dir / "squad" / "docs", "squad"),
                      load_questions(data_dir / "squad" / "probe.jsonl"))
    docs = _require(base / "docs", name)
    if name == "news":
        return Corpus(name, "news web pages with boilerplate (HTML)", docs,
                      load_questions(QUESTIONS_DIR / "news.jsonl"), _truth(base / "truth"))
    if name == "licences":
        return Corpus(name, "licence texts (hard-wrapped plain text)", docs,
                      load_questions(QUESTIONS_DIR / "licences.jsonl"))
    if name == "legal":
        return Corpus(name, "more licence texts (hard-wrapped plain text)", docs,
                      load_questions(QUESTIONS_DIR / "legal.jsonl"))
    if name == "books":
        return Corpus(name, "public-domain novels (plain text)", docs,
                      load_questions(QUESTIONS_DIR / "books.jsonl"))
    if name == "squad":
        return Corpus(name, "encyclopedia articles, SQuAD 2.0 crowd questions", docs,
                      load_questions(base / "questions.jsonl"))
    raise SystemExit(f"unknown corpus {name!r}; use one of {', '.join(CORPORA + EXTRA_CORPORA)}")


CORPORA = ("seed", "news", "licences", "legal", "squad", "books")
# not in the default table: more questions on a corpus already there
EXTRA_CORPORA = ("squad-probe",)


def integrity_problems(corpus: Corpus) -> list[str]:
    """Ids unique, documents known, and every key fact of an answerable question present in one
    of its documents (web pages: in their main text)."""
    from .scoring import fact_present

    texts = {path.name: path.read_text(encoding="utf-8", errors="replace")
             for path in corpus.docs_dir.iterdir() if path.is_file()}
    for doc_id, body in corpus.truth.items():
        for name in texts:
            if name.rsplit(".", 1)[0] == doc_id:
                texts[name] = body
    problems, seen = [], set()
    for q in corpus.questions:
        if q.id in seen:
            problems.append(f"{q.id}: duplicate id")
        seen.add(q.id)
        unknown = [d for d in q.doc_ids if d not in texts]
        if unknown:
            problems.append(f"{q.id}: unknown documents {unknown}")
        for group in q.key_facts:
            if not any(fact_present(texts.get(d, ""), group) for d in q.doc_ids):
                problems.append(f"{q.id}: key fact {group} in none of {q.doc_ids}")
    return problems
