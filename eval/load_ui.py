"""Load test of the web chat: N simultaneous questions over loopback through gradio_client.

`.venv/bin/python eval/load_ui.py [--clients 20]` starts the app on a free 127.0.0.1 port,
fires the questions at once from N threads and prints p50/p95 latency and the error count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from assistant.config import Settings
from assistant.evaluation.golden import load_golden
from assistant.ingestion import ensure_corpus_indexed
from assistant.ui import free_port, launch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    port = free_port()
    settings = Settings.load(port=port)
    ensure_corpus_indexed(settings)
    demo = launch(settings, block=False)
    from gradio_client import Client

    url = f"http://127.0.0.1:{port}/"
    questions = [q.question for q in load_golden()][: args.clients]

    with ThreadPoolExecutor(max_workers=args.clients) as pool:  # connect first, then ask at once
        clients = list(pool.map(lambda _: Client(url, verbose=False), range(args.clients)))
    barrier = threading.Barrier(args.clients)

    def one(job: tuple[Client, str]) -> tuple[float, bool]:
        client, question = job
        barrier.wait()
        started = time.perf_counter()
        try:
            result = client.predict(question, [], api_name="/ask")
            ok = isinstance(result, dict) and not result.get("error")
        except Exception:  # noqa: BLE001 - counted as an error
            ok = False
        return (time.perf_counter() - started) * 1000, ok

    report = {"clients": args.clients}
    for round_name in ("cold", "warm"):  # cold: corpus sentences not yet embedded in this process
        barrier.reset()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(one, zip(clients, questions, strict=True)))
        latencies = [ms for ms, _ in results]
        report[round_name] = {
            "errors": sum(not ok for _, ok in results),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(statistics.quantiles(latencies, n=20)[-1], 1),
            "wall_s": round(time.perf_counter() - started, 2),
        }
    demo.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
