"""App benchmark: process start to ready, then the first answer and warm answers over HTTP.

`.venv/bin/python eval/bench_app.py [--runs 5]` ingests the seed corpus into a temporary index
(not timed), then starts `python app.py` `--runs` times on it. Each run measures the seconds
from process start until the chat page answers HTTP 200 ("ready"), the first `/ask` answer
through gradio_client, and the median of the next few answers ("warm"). Prints one JSON object
of medians over the runs, with the machine's load and the embedding precision.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = ["Why hasn't Lukashenko sent troops?", "What did the Chatham House poll find?",
             "Who is Artyom Shraibman?", "When was the poll conducted?",
             "How many Belarusians support sending troops?"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, limit_s: float = 300) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} not ready after {limit_s} s")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(env: dict[str, str]) -> dict:
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=REPO,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(url, process)
        ready = time.perf_counter() - started
        ready_cpu = process_cpu_s(process.pid)
        http_first = time.perf_counter()
        request = urllib.request.Request(
            url + "v1/chat/completions", method="POST",
            headers={"Content-Type": "application/json"},
            data=json.dumps({"messages": [{"role": "user", "content": QUESTIONS[0]}]}).encode())
        with urllib.request.urlopen(request, timeout=120) as response:
            assert json.loads(response.read())["choices"][0]["message"]["content"]
        http_first = time.perf_counter() - http_first
        client = Client(url, verbose=False)
        timings = []
        for question in QUESTIONS:
            asked = time.perf_counter()
            result = client.predict(question, [], api_name="/ask")
            timings.append(time.perf_counter() - asked)
            assert result["answer"], result
        return {"ready_s": ready, "ready_cpu_s": ready_cpu, "first_http_answer_s": http_first,
                "first_ui_answer_s": timings[0],
                "warm_answer_s": statistics.median(timings[1:])}
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from assistant.config import Settings
    from assistant.embedding import Embedder
    from assistant.ingestion import ingest

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(index_dir=str(Path(tmp) / "index"))
        embedder = Embedder(settings)
        ingest([REPO / "corpus"], settings, embedder, show_progress=False)
        env = {**os.environ, "PYTHONPATH": str(REPO), "ASSISTANT_INDEX_DIR": str(settings.index_dir),
               "ASSISTANT_CORPUS_PATHS": str(REPO / "corpus")}
        load_before = os.getloadavg()[0]
        runs = [one_run(env) for _ in range(args.runs)]
        load_after = os.getloadavg()[0]
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
                   f"{load_before:.1f} -> {load_after:.1f}",
        "runs": args.runs, "embedding_precision": embedder.precision,
        **{key: round(statistics.median(r[key] for r in runs), 3)
           for key in ("ready_s", "ready_cpu_s", "first_http_answer_s",
                                 "first_ui_answer_s", "warm_answer_s")},
        "ready_s_each": [round(r["ready_s"], 2) for r in runs],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
