"""Deterministic synthetic corpora made from the seed articles (for benchmarks and load tests).

Each document shuffles sentences of the seed articles and substitutes names and numbers, so the
texts are distinct (no chunk is shared) but read like the real corpus.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from assistant.corpus import load_document

SEED_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_NAMES = ["Kowalski", "Novak", "Horvat", "Petrov", "Ivanova", "Muller", "Dubois", "Rossi",
          "Jensen", "Nagy", "Popescu", "Silva", "Andersson", "Kuznets", "Bauer", "Moreau"]


def seed_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted(SEED_CORPUS.iterdir()):
        text = load_document(path, 10**7).text
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40]
    return sentences


def make_corpus(folder: Path, documents: int, sentences_per_doc: int = 40, seed: int = 7) -> Path:
    rng = random.Random(seed)
    pool = seed_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(documents):
        chosen = rng.sample(pool, min(sentences_per_doc, len(pool)))
        name = rng.choice(_NAMES)
        body = " ".join(
            re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)),
                   s.replace("Lukashenko", name).replace("Lukashenka", name))
            for s in chosen)
        paragraphs = re.sub(r"(?<=\.) (?=[A-Z])", lambda m: "\n\n" if rng.random() < 0.2 else " ",
                            body)
        (folder / f"synthetic_{number:05d}.txt").write_text(
            f"Report {number}: {name} and the war\n\n{paragraphs}\n", encoding="utf-8")
    return folder
