"""CLI cold-question benchmark: `assistant ask` vs cairn-assistant on the same seed corpus.

`.venv/bin/python eval/bench_cli.py [--runs 5] [--cairn /work/cairn-venv/bin/cairn]` ingests the
seed corpus into a temporary index, writes the same articles as cairn's Markdown documents, then
runs each CLI `--runs` times on the same questions, alternating, and prints one JSON object:
median CPU seconds (user + system) and median peak RSS of the whole process, their ratios, and
the embedding precision the index was built with. Both CLIs share the machine in one run, so
the ratios hold under load even when the absolute figures do not.

cairn-assistant (PyPI, standard library only) installs in a side virtual environment:
`python3 -m venv /work/cairn-venv && /work/cairn-venv/bin/pip install cairn-assistant`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"  # GNU time (Debian package `time`)
QUESTIONS = ["Why hasn't Lukashenko sent troops?", "What did the Chatham House poll find?",
             "Who is Artyom Shraibman?"]


def run_child(command: list[str], env: dict[str, str], cwd: Path) -> dict:
    """CPU seconds, peak RSS (MB) and wall seconds of one child process, read by GNU time: a
    forked Python child would inherit this process's peak RSS as its own starting figure."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as figures:
        result = subprocess.run([TIME, "-o", figures.name, "-f", "%e %U %S %M", *command],
                                env=env, cwd=cwd, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{command[:3]} failed ({result.returncode}): "
                               f"{result.stderr[-1500:]}")
        wall, user, system, rss_kb = figures.read().split()[-4:]
    return {"cpu_s": float(user) + float(system), "rss_mb": int(rss_kb) / 1024,
            "wall_s": float(wall), "stdout": result.stdout}


def write_cairn_corpus(source: Path, target: Path) -> None:
    """The seed articles as cairn documents: front matter (id, title, lang), paragraphs."""
    from assistant.corpus import load_document

    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        doc = load_document(path, 10**7)
        doc_id = "doc-" + path.stem.replace("_", "-")
        title = (doc.title or path.stem).replace("\n", " ")
        body = "\n\n".join(line.strip() for line in doc.text.split("\n") if line.strip())
        (target / f"{doc_id}.md").write_text(
            f"---\nid: {doc_id}\ntitle: {title}\nlang: en\n---\n\n{body}\n", encoding="utf-8")


def median_of(runs: list[dict], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cairn", default="/work/cairn-venv/bin/cairn")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "PYTHONPATH": str(REPO), "ASSISTANT_INDEX_DIR": str(work / "index")}
        run_child([sys.executable, "-m", "assistant", "ingest", str(REPO / "corpus"), "--quiet"],
                  env, REPO)
        precision = sqlite3.connect(work / "index" / "catalog.sqlite3").execute(
            "SELECT value FROM meta WHERE key = 'embedding_precision'").fetchone()[0]
        ours = [sys.executable, "-m", "assistant", "ask"]
        cairn_dir = work / "cairn"
        write_cairn_corpus(REPO / "corpus", cairn_dir / "docs")
        (cairn_dir / "cairn.toml").write_text(
            '[corpus]\npath = "docs"\n\n[index]\npath = "index.json"\n', encoding="utf-8")
        has_cairn = shutil.which(args.cairn) is not None
        if has_cairn:
            run_child([args.cairn, "index"], os.environ.copy(), cairn_dir)
        run_child(ours + [QUESTIONS[0]], env, REPO)  # page cache warm for both, not measured
        assistant_runs, cairn_runs = [], []
        load_before = os.getloadavg()[0]
        for run in range(args.runs):
            question = QUESTIONS[run % len(QUESTIONS)]
            result = run_child(ours + [question], env, REPO)
            assert "[1]" in result["stdout"] or "don't" in result["stdout"], result["stdout"]
            assistant_runs.append(result)
            if has_cairn:
                cairn_runs.append(run_child([args.cairn, "ask", question], os.environ.copy(),
                                            cairn_dir))
        load_after = os.getloadavg()[0]
    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average "
                   f"{load_before:.1f} -> {load_after:.1f}",
        "runs": args.runs, "embedding_precision": precision,
        "assistant_cpu_s": median_of(assistant_runs, "cpu_s"),
        "assistant_peak_rss_mb": median_of(assistant_runs, "rss_mb"),
        "assistant_wall_s": median_of(assistant_runs, "wall_s"),
    }
    if cairn_runs:
        report.update({
            "cairn_cpu_s": median_of(cairn_runs, "cpu_s"),
            "cairn_peak_rss_mb": median_of(cairn_runs, "rss_mb"),
            "cairn_wall_s": median_of(cairn_runs, "wall_s"),
        })
        report["cpu_ratio_assistant_to_cairn"] = round(
            report["assistant_cpu_s"] / report["cairn_cpu_s"], 1)
        report["rss_ratio_assistant_to_cairn"] = round(
            report["assistant_peak_rss_mb"] / report["cairn_peak_rss_mb"], 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
