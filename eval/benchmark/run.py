"""Run the multi-corpus benchmark and write eval/reports/multicorpus-<stamp>.{md,json}.

    python -m eval.benchmark [--corpus seed,news] [--split test|dev|all]
                             [--systems engine,cairn,stock] [--out DIR] [--show-misses]

Every system answers the same questions of the same corpora in the same run. Reports show the
test half unless --split says otherwise; tune on --split dev only.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.config import PROJECT_ROOT, Settings

from .corpora import CORPORA, Corpus, integrity_problems, load_corpus
from .scoring import Row, aggregate, score

REPORTS_DIR = PROJECT_ROOT / "eval" / "reports"
SYSTEMS = ("engine", "cairn", "stock")
SYSTEM_LABELS = {
    "engine": "this project",
    "cairn": "cairn-assistant 0.3.0",
    "stock": "stock LlamaIndex top-2",
}
COLUMNS = [
    ("score", "score"), ("answerable_correct", "answerable"), ("key_facts", "key facts"),
    ("abstention", "abstention"), ("false_abstention", "false abst."),
    ("in_body", "in body"), ("latency_p50_ms", "p50 ms"),
]


def make_system(name: str, embedder, workdir: Path):
    from .systems import CairnSystem, EngineSystem, StockSystem

    if name == "engine":
        return EngineSystem(embedder, workdir)
    if name == "stock":
        return StockSystem(embedder)
    if name == "cairn":
        return CairnSystem(workdir)
    raise SystemExit(f"unknown system {name!r}; use {', '.join(SYSTEMS)}")


def halves(split: str) -> list[str]:
    """The halves a report shows: the one asked for, or test then dev for --split all."""
    return ["test", "dev"] if split == "all" else [split]


def run_corpus(corpus: Corpus, systems: list, split: str, progress: bool) -> dict:
    questions = corpus.select(split)
    result: dict[str, Any] = {"kind": corpus.kind, "systems": {}}
    for system in systems:
        if not getattr(system, "reads_html", True) and any(
                p.suffix.lower() in (".html", ".htm") for p in corpus.docs_dir.iterdir()):
            result["systems"][system.name] = {"not_run": "reads web pages only as raw markup"}
            continue
        started = time.perf_counter()
        system.load(corpus)
        load_s = time.perf_counter() - started
        rows: list[Row] = []
        for i, question in enumerate(questions, 1):
            rows.append(score(question, system.answer(question), corpus.truth))
            if progress:
                print(f"\r  {corpus.name:<9} {system.name:<7} {i}/{len(questions)}", end="",
                      file=sys.stderr, flush=True)
        if progress:
            print(file=sys.stderr)
        result["systems"][system.name] = {
            "metrics": {half: aggregate([r for r in rows if r.split == half], bool(corpus.truth))
                        for half in halves(split)},
            "load_s": round(load_s, 1), "rows": [asdict(r) for r in rows]}
    return result


def _cell(value, key: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if key == "latency_p50_ms" else f"{value:.2f}"


def _score(result: dict, half: str) -> str:
    return _cell(result["metrics"][half]["score"], "score") if "metrics" in result else "not run"


def _tables(report: dict, half: str) -> list[str]:
    corpora, systems = report["corpora"], report["systems"]
    lines = [f"## {half.capitalize()} half: overall score", "",
             "| corpus | questions (answerable / not) | "
             + " | ".join(SYSTEM_LABELS[s] for s in systems) + " |",
             "|---|---|" + "---|" * len(systems)]
    for name, result in corpora.items():
        first = next(r["metrics"][half] for r in result["systems"].values() if "metrics" in r)
        lines.append(f"| {name}: {result['kind']} | {first['questions']} "
                     f"({first['answerable']} / {first['unanswerable']}) | "
                     + " | ".join(_score(result["systems"][s], half) for s in systems) + " |")
    lines += ["", f"## {half.capitalize()} half: per corpus and system", "",
              "| corpus | system | " + " | ".join(label for _, label in COLUMNS) + " |",
              "|---|---|" + "---|" * len(COLUMNS)]
    for name, result in corpora.items():
        for s in systems:
            if "metrics" not in result["systems"][s]:
                lines.append(f"| {name} | {SYSTEM_LABELS[s]} | not run: "
                             f"{result['systems'][s]['not_run']} |" + " |" * (len(COLUMNS) - 1))
                continue
            m = result["systems"][s]["metrics"][half]
            lines.append(f"| {name} | {SYSTEM_LABELS[s]} | "
                         + " | ".join(_cell(m[key], key) for key, _ in COLUMNS) + " |")
    return lines + [""]


def markdown(report: dict) -> str:
    shown = halves(report["split"])
    lines = [f"# Multi-corpus benchmark, {' and '.join(shown)} {'halves' if len(shown) > 1 else 'half'}",
             "", f"Run {report['stamp']} on `{report['git']}`; `{report['command']}`.", "",
             "Correct = every key fact in the answer, a right source cited and at most 200 words; "
             "for a question the corpus cannot answer, correct = abstained. Tune on the dev half; "
             "judge on the test half.", ""]
    for half in shown:
        lines += _tables(report, half)
    lines += ["answerable = share of answerable questions answered correctly; key facts = "
              "share whose answer holds every key fact (source and length not checked); "
              "abstention = share of unanswerable questions abstained on; false abst. = share of "
              "answerable questions abstained on; in body = share of cited sentences found in the "
              "page's main text (readability's expected output; web pages only); p50 = median "
              "time per question in ms (cairn's includes starting its CLI)."]
    return "\n".join(lines) + "\n"


def misses(report: dict) -> str:
    out = []
    for name, result in report["corpora"].items():
        for system, data in result["systems"].items():
            for row in data.get("rows", []):
                if not row["correct"]:
                    why = ("answered" if not row["answerable"] else
                           "abstained" if row["abstained"] else
                           ",".join(k for k in ("facts", "right_source", "short") if not row[k]))
                    out.append(f"{name}/{system} {row['id']} [{why}] {row['question']}\n"
                               f"    -> {' '.join(row['answer'].split())[:300]}")
    return "\n".join(out)


def _git_head() -> str:
    import subprocess

    done = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default=",".join(CORPORA))
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--systems", default="engine")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR)
    parser.add_argument("--show-misses", action="store_true",
                        help="print every wrong answer (use with --split dev)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    from assistant.embedding import Embedder

    names = [n for n in args.corpus.split(",") if n]
    system_names = [s for s in args.systems.split(",") if s]
    corpora = {name: load_corpus(name) for name in names}
    for name, corpus in corpora.items():
        for problem in integrity_problems(corpus):
            print(f"warning: {name}: {problem}", file=sys.stderr)
    embedder = Embedder(Settings.load())
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    report = {"stamp": stamp, "git": _git_head(), "split": args.split,
              "command": "python -m eval.benchmark " + " ".join(argv if argv is not None
                                                                else sys.argv[1:]),
              "systems": system_names, "corpora": {}}
    with tempfile.TemporaryDirectory(prefix="benchmark-") as workdir:
        systems = [make_system(s, embedder, Path(workdir)) for s in system_names]
        for name, corpus in corpora.items():
            report["corpora"][name] = run_corpus(corpus, systems, args.split, not args.quiet)
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / f"multicorpus-{stamp}"
    base.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    text = markdown(report)
    base.with_suffix(".md").write_text(text)
    print(text)
    if args.show_misses:
        print(misses(report))
    print(f"wrote {base}.md and .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
