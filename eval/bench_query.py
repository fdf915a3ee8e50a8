"""Query benchmark on the seed corpus: retrieval and extractive answer latency, warm, plus the
first answer after process start.

`.venv/bin/python eval/bench_query.py` (ingests corpus/ into index/ if needed) prints JSON.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.evaluation.golden import load_golden
from assistant.ingestion import ensure_corpus_indexed


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    settings = Settings.load()
    ensure_corpus_indexed(settings)
    started = time.perf_counter()
    first = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "Why hasn't Lukashenko sent troops?"],
        capture_output=True, text=True, check=True)
    first_answer_s = time.perf_counter() - started
    assert "[1]" in first.stdout
    bot = Assistant(settings)
    bot.warm_up()
    questions = [q for q in load_golden()]
    retrieval, answers = [], []
    for _ in range(3):
        for q in questions:
            t = time.perf_counter()
            bot.retriever.retrieve(q.question)
            retrieval.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            bot.ask(q.question, q.history_turns)
            answers.append((time.perf_counter() - t) * 1000)
    print(json.dumps({
        "questions": len(questions), "runs": 3,
        "retrieval_p50_ms": round(percentile(retrieval, 50), 1),
        "retrieval_p95_ms": round(percentile(retrieval, 95), 1),
        "answer_p50_ms": round(percentile(answers, 50), 1),
        "answer_p95_ms": round(percentile(answers, 95), 1),
        "first_answer_after_start_s": round(first_answer_s, 2),
    }, indent=2))


if __name__ == "__main__":
    main()
