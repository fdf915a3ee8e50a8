"""Query benchmark on the seed corpus: retrieval and extractive answer latency, warm, plus the
first answer in a fresh process (after its imports) and a whole CLI question.

`.venv/bin/python eval/bench_query.py` (ingests corpus/ into index/ if needed) prints JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.evaluation.golden import load_golden
from assistant.ingestion import ensure_corpus_indexed

FRESH_PROCESS = """
import json, time
started = time.perf_counter()
from assistant import ask
imported = time.perf_counter()
answer = ask("Why hasn't Lukashenko sent troops?")
answered = time.perf_counter()
assert answer.citations
print(json.dumps({"import_s": round(imported - started, 2),
                  "first_answer_after_import_s": round(answered - imported, 2)}))
"""


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
    fresh = json.loads(subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True,
                                      text=True, check=True).stdout.strip().splitlines()[-1])
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
        "cli_question_wall_s": round(first_answer_s, 2),
        **fresh,
        "embedding_precision": bot.embedder.precision,
        "load_average": round(os.getloadavg()[0], 1),
    }, indent=2))


if __name__ == "__main__":
    main()
