"""Score the claim verifier on hand-written adversarial claim/passage pairs.

`python eval/verifier_eval.py [--pairs eval/verifier_pairs.jsonl] [--misses]` prints, for the
verifier with and without its meaning checks (assistant/meaning.py): how many unsupported claims
are caught (recall), how many of the claims it flags are really unsupported (precision) and how
many supported claims it keeps. The pairs (half supported) are negations, antonyms, swapped
numbers and roles, markup and links, wrong numbers/names/quantifiers, and paraphrases that must
survive; the passages are written in the style of the seed corpus. Split "dev" (60 pairs) was in
view while the meaning checks were written; "heldout" (20 pairs) was written afterwards and
never used to change them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.verify import ClaimVerifier

PAIRS = Path(__file__).resolve().parent / "verifier_pairs.jsonl"


@dataclass(frozen=True)
class Scores:
    caught: int
    unsupported: int
    false_alarms: int
    kept: int
    supported: int
    misses: tuple[str, ...]

    @property
    def recall(self) -> float:  # unsupported claims caught
        return self.caught / self.unsupported

    @property
    def precision(self) -> float:  # flagged claims that are really unsupported
        flagged = self.caught + self.false_alarms
        return self.caught / flagged if flagged else 1.0

    @property
    def keep_rate(self) -> float:  # supported claims kept
        return self.kept / self.supported


def cached(encode: Callable[[list[str]], np.ndarray]) -> Callable[[list[str]], np.ndarray]:
    """The encoder with a memory: passages recur across pairs and verifier variants."""
    memory: dict[str, np.ndarray] = {}

    def encode_cached(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in memory]
        if missing:
            memory.update(zip(missing, encode(missing), strict=True))
        return np.stack([memory[t] for t in texts])

    return encode_cached


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def evaluate(verifier: ClaimVerifier, pairs: list[dict]) -> Scores:
    caught = false_alarms = kept = 0
    misses = []
    for pair in pairs:
        verdict = verifier.score(pair["claim"], [pair["passage"]])
        if pair["supported"]:
            kept += verdict.supported
            false_alarms += not verdict.supported
        else:
            caught += not verdict.supported
        if verdict.supported != pair["supported"]:
            misses.append(f"{pair['id']} [{pair['kind']}] supported={pair['supported']} "
                          f"score={verdict.score:.3f} checks={list(verdict.contradictions)}: "
                          f"{pair['claim']}")
    unsupported = sum(not p["supported"] for p in pairs)
    return Scores(caught, unsupported, false_alarms, kept, len(pairs) - unsupported,
                  tuple(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--misses", action="store_true", help="list the pairs judged wrongly")
    args = parser.parse_args(argv)
    settings = Settings.load()
    encoder = cached(Embedder(settings).encode)
    pairs = load_pairs(args.pairs)
    print(f"{len(pairs)} pairs ({sum(p['supported'] for p in pairs)} supported), "
          f"threshold {settings.verifier_threshold}")
    print("| verifier | pairs | unsupported caught (recall) | precision of 'unsupported' | "
          "supported kept |")
    print("|---|---|---:|---:|---:|")
    splits = [("dev", [p for p in pairs if p.get("split") == "dev"]),
              ("held-out", [p for p in pairs if p.get("split") == "heldout"]), ("all", pairs)]
    for label, checks in (("words + embeddings only", False), ("with meaning checks", True)):
        verifier = ClaimVerifier(encoder, settings.verifier_threshold, checks)
        for split, subset in splits:
            if not subset:
                continue
            scores = evaluate(verifier, subset)
            print(f"| {label} | {split} ({len(subset)}) | {scores.recall:.3f} "
                  f"({scores.caught}/{scores.unsupported}) | {scores.precision:.3f} | "
                  f"{scores.keep_rate:.3f} ({scores.kept}/{scores.supported}) |")
            if args.misses and split == "all":
                for miss in scores.misses:
                    print(f"    {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
