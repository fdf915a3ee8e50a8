"""Fit the abstention model (assistant/abstention.py) on dev questions of several corpora.

    python eval/fit_abstention.py INDEX_DIR:QUESTIONS.jsonl [INDEX_DIR:QUESTIONS.jsonl ...]

Each questions file is JSON lines with `question` (or `q`), optional `history` ([[role, text],
...]) and an answerability flag: `answerable` (bool), or `type` ("unanswerable"/"injection" mean
no), or `facts`/`key_facts` null. Only dev halves may be passed: a record with `split` "test" or
"held_out" is skipped. Prints the fitted `abstention_weights` and `abstention_threshold` for
Settings; see the comment at the threshold search for how the threshold is chosen. Each corpus
weighs the same. Each corpus is also asked some of the other corpora's answerable questions as
off-topic ones (--off-topic-stride, --off-topic-weight).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import Assistant, Settings  # noqa: E402
from assistant.abstention import FEATURES, SIGNS  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402

TEST_SPLITS = {"test", "held_out"}


def answerable(record: dict) -> bool:
    if "answerable" in record:
        return bool(record["answerable"])
    if record.get("type") in {"unanswerable", "injection"}:
        return False
    for key in ("facts", "key_facts"):
        if key in record:
            return record[key] is not None and record[key] != []
    return True


def collect(bot: Assistant, records: list[dict]) -> tuple[list[list[float]], list[int]]:
    """The abstention evidence of each question, taken from the engine's own path (explain
    mode): the same guard, follow-up rewrite, retrieval and selection as `ask`."""
    rows, labels = [], []
    for record in records:
        question = record.get("question") or record["q"]
        history = [tuple(t) for t in record.get("history") or []]
        decision = bot.explain(question, history, answerer="extractive").trace.decision
        if decision is None or decision.evidence is None:
            continue  # refused before the model (the guard, the language check) or no passage
        rows.append(decision.evidence.vector())
        labels.append(int(answerable(record)))
    return rows, labels


def fit_logistic(x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray,
                 l2: float = 0.002, steps: int = 20000, rate: float = 1.0) -> np.ndarray:
    """Weighted, L2-regularised logistic regression by gradient descent: (bias, weights)."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    sw = sample_weight / sample_weight.sum()
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) + l2 * np.r_[0.0, w[1:]]
        w -= rate * grad
        w[1:] = np.where(np.array(SIGNS) * w[1:] < 0, 0.0, w[1:])  # keep the stated direction
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pairs", nargs="+", help="INDEX_DIR:QUESTIONS.jsonl")
    parser.add_argument("--max-false-abstention", type=float, default=0.08)
    parser.add_argument("--answer-accuracy", type=float, default=0.75)
    parser.add_argument("--l2", type=float, default=0.02,
                        help="ridge penalty: keeps correlated evidence (coverage in the sentence and "
                             "in its context) from taking opposite signs")
    parser.add_argument("--off-topic-stride", type=int, default=3,
                        help="ask every Nth answerable question of the other corpora as an "
                             "off-topic question")
    parser.add_argument("--off-topic-weight", type=float, default=0.5,
                        help="weight of a corpus's off-topic questions, relative to its own "
                             "unanswerable ones")
    parser.add_argument("--curve", action="store_true", help="print the trade-off per threshold")
    args = parser.parse_args()
    settings = Settings.load()
    embedder = Embedder(settings)
    xs, ys, ws, groups = [], [], [], []
    corpora = []
    for pair in args.pairs:
        index_dir, questions = pair.split(":", 1)
        records = [json.loads(line) for line in Path(questions).read_text().splitlines()
                   if line.strip()]
        corpora.append((index_dir, questions,
                        [r for r in records if r.get("split") not in TEST_SPLITS]))
    for group, (index_dir, questions, records) in enumerate(corpora):
        bot = Assistant(settings.replace(index_dir=index_dir), embedder=embedder)
        rows, labels = collect(bot, records)
        print(f"{questions}: {len(rows)} questions, {sum(labels)} answerable", file=sys.stderr)
        xs += rows
        ys += labels
        groups += [group] * len(rows)
        # every corpus and, within it, both classes weigh the same
        for label in labels:
            same = sum(1 for v in labels if v == label)
            ws.append(1.0 / (2 * max(same, 1)))
        # Off-topic questions: the other corpora's answerable questions, asked of this one. The
        # benchmark's unanswerable questions are near-misses on the corpus's own topic, so without
        # these the fit never sees a question about something else entirely and can learn to
        # answer one whose best sentence is barely related but of the asked kind.
        foreign = [dict(r, answerable=False) for k, (_, _, other) in enumerate(corpora)
                   if k != group for r in other if answerable(r)][::args.off_topic_stride]
        rows, labels = collect(bot, foreign)
        xs += rows
        ys += labels
        groups += [-1] * len(rows)  # fitted on, but not part of the threshold's benchmark score
        ws += [args.off_topic_weight / (2 * max(len(rows), 1))] * len(rows)
    x, y, w = np.array(xs), np.array(ys, dtype=float), np.array(ws)
    weights = fit_logistic(x, y, w, l2=args.l2)
    probabilities = 1.0 / (1.0 + np.exp(-(np.hstack([np.ones((len(x), 1)), x]) @ weights)))
    # The threshold that maximises the expected benchmark score averaged over corpora: a correct
    # refusal gains a point, a refused answerable question loses the point its answer would have
    # earned (--answer-accuracy, the share of answered questions answered right), subject to the
    # mean false-abstention rate staying under --max-false-abstention.
    g = np.array(groups)
    best = None
    for threshold in np.arange(0.05, 0.96, 0.01):
        answered = probabilities >= threshold
        per_corpus: list[tuple[float, float, float]] = []
        for k in sorted(set(groups) - {-1}):
            un, ans = (g == k) & (y == 0), (g == k) & (y == 1)
            abst = float(np.mean(~answered[un])) if un.any() else 0.0
            false = float(np.mean(~answered[ans])) if ans.any() else 0.0
            gain = float((abst * un.sum() - false * ans.sum() * args.answer_accuracy)
                         / (g == k).sum())
            per_corpus.append((abst, false, gain))
        abst, false, gain = (float(np.mean(c)) for c in zip(*per_corpus, strict=True))
        if false <= args.max_false_abstention + 1e-9 and (best is None or gain > best[3]):
            best = (threshold, abst, false, gain)
    if args.curve:
        for threshold in np.arange(0.1, 0.95, 0.05):
            answered = probabilities >= threshold
            g = np.array(groups)
            cells = [f"{np.mean(~answered[(g == k) & (y == 0)]):.2f}/"
                     f"{np.mean(~answered[(g == k) & (y == 1)]):.2f}"
                     for k in sorted(set(groups) - {-1})]
            off_topic = f"{np.mean(~answered[g == -1]):.2f}" if (g == -1).any() else "n/a"
            print(f"threshold {threshold:.2f}: abstention/false abstention per corpus", *cells,
                  f"off-topic abstention {off_topic}")
    print("features:", ", ".join(FEATURES))
    print("abstention_weights =", tuple(round(float(v), 3) for v in weights))
    if best:
        print(f"abstention_threshold = {best[0]:.2f}  # dev: abstention {best[1]:.3f}, "
              f"false abstention {best[2]:.3f} (mean over corpora)")
    else:
        print("no threshold keeps false abstentions under the limit")


if __name__ == "__main__":
    main()
