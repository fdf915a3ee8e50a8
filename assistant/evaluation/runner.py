"""Run the golden set through the engine and the stock baseline; print, save and gate the scores.

`assistant eval [--split calibration|held_out] [--no-baseline] [--check] [--out DIR]`
(also `python -m eval`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assistant.config import PROJECT_ROOT, Settings
from assistant.evaluation.golden import GoldenQuestion, load_golden
from assistant.evaluation.metrics import (
    abstention_scores,
    answer_relevance,
    citation_scores,
    format_score,
    key_fact_score,
    percentile,
    ratio,
    retrieval_scores,
)

REPORTS_DIR = PROJECT_ROOT / "eval" / "reports"
THRESHOLDS_FILE = PROJECT_ROOT / "eval" / "thresholds.toml"
RETRIEVAL_K = 5
METRICS = [
    "hit_at_5", "mrr", "context_precision", "context_recall", "key_fact_accuracy",
    "abstention_precision", "abstention_recall", "false_abstention_rate", "faithfulness",
    "answer_relevance", "citation_precision", "citation_recall", "latency_p50_ms",
    "latency_p95_ms",
]


@dataclass
class QuestionResult:
    id: str
    type: str
    split: str
    question: str
    answer: str
    abstained: bool
    should_abstain: bool
    citations: list[dict] = field(default_factory=list)
    key_facts: float = 0.0
    hit: float = 0.0
    reciprocal_rank: float = 0.0
    context_precision: float = 0.0
    context_recall: float = 0.0
    claims: int = 0
    supported_claims: int = 0
    cited_supported_claims: int = 0
    citation_count: int = 0
    precise_citations: int = 0
    verdicts: list = field(default_factory=list)
    relevance_sum: float = 0.0  # summed similarity of the answer's sentences to the question
    relevance_sentences: int = 0
    latency_ms: float = 0.0
    llm_faithfulness: float | None = None


def _score_answer(result: QuestionResult, q: GoldenQuestion, passages_ranked: list[str],
                  cited: dict[int, str], verifier, question: str) -> None:
    """`question`: the standalone question the answer must address (for relevance)."""
    if not q.should_abstain:
        result.key_facts = key_fact_score(result.answer if not result.abstained else "",
                                          q.key_facts)
        r = retrieval_scores(passages_ranked, q.evidence, RETRIEVAL_K)
        result.hit, result.reciprocal_rank = r.hit_at_k, r.reciprocal_rank
        result.context_precision, result.context_recall = r.context_precision, r.context_recall
    if not result.abstained:
        c = citation_scores(result.answer, cited, verifier)
        result.claims, result.supported_claims = c.claims, c.supported_claims
        result.cited_supported_claims = c.cited_supported_claims
        result.citation_count, result.precise_citations = c.citations, c.precise_citations
        result.verdicts = [list(v) for v in c.verdicts]
        relevance = answer_relevance(question, result.answer, verifier.encoder)
        if relevance is not None:
            result.relevance_sum, result.relevance_sentences = relevance


def judge_rows(judge, rows: list[QuestionResult], cited: dict[str, list[str]]) -> None:
    for row in rows:
        if not row.abstained:
            row.llm_faithfulness = judge.faithfulness(row.answer, cited.get(row.id, []))


def run_engine(bot, questions: list[GoldenQuestion], progress: bool,
               cited: dict[str, list[str]] | None = None) -> list[QuestionResult]:
    from tqdm import tqdm

    results = []
    for q in tqdm(questions, desc="engine", disable=not progress):
        started = time.perf_counter()
        answer = bot.ask(q.question, q.history_turns)
        latency = (time.perf_counter() - started) * 1000
        standalone = answer.standalone_question or q.question
        ranked = [] if q.should_abstain else [
            r.chunk.text for r in bot.retriever.retrieve(standalone).chunks]
        result = QuestionResult(
            q.id, q.type, q.split, q.question, answer.text, answer.abstained, q.should_abstain,
            citations=[{"n": c.n, "source": c.source, "quote": c.quote} for c in answer.citations],
            latency_ms=latency,
        )
        _score_answer(result, q, ranked, {c.n: c.text for c in answer.citations}, bot.verifier,
                      standalone)
        if cited is not None:
            cited[q.id] = [c.text for c in answer.citations]
        results.append(result)
    return results


def run_baseline(baseline, verifier, questions: list[GoldenQuestion], progress: bool,
                 cited: dict[str, list[str]] | None = None) -> list[QuestionResult]:
    from tqdm import tqdm

    results = []
    for q in tqdm(questions, desc="stock baseline", disable=not progress):
        started = time.perf_counter()
        answer = baseline.answer(q.question, q.history_turns)
        latency = (time.perf_counter() - started) * 1000
        ranked = [] if q.should_abstain else baseline.ranked_passages(q.question,
                                                                      q.history_turns)
        result = QuestionResult(
            q.id, q.type, q.split, q.question, answer.text, False, q.should_abstain,
            citations=[{"n": i, "source": s} for i, (s, _) in enumerate(answer.passages, 1)],
            latency_ms=latency,
        )
        passages = {i: text for i, (_, text) in enumerate(answer.passages, 1)}
        _score_answer(result, q, ranked, passages, verifier,
                      baseline.query_text(q.question, q.history_turns))
        if cited is not None:
            cited[q.id] = list(passages.values())
        results.append(result)
    return results


def aggregate(results: list[QuestionResult]) -> dict[str, float | None]:
    """Scores over the rows; a ratio with nothing to count is None (printed "n/a")."""
    answerable = [r for r in results if not r.should_abstain]
    answered = [r for r in results if not r.abstained]
    claims = sum(r.claims for r in answered)
    latencies = [r.latency_ms for r in results]

    def mean(values: list[float]) -> float | None:
        return statistics.fmean(values) if values else None

    scores: dict[str, float | None] = {
        "hit_at_5": mean([r.hit for r in answerable]),
        "mrr": mean([r.reciprocal_rank for r in answerable]),
        "context_precision": mean([r.context_precision for r in answerable]),
        "context_recall": mean([r.context_recall for r in answerable]),
        "key_fact_accuracy": mean([r.key_facts for r in answerable]),
        "faithfulness": ratio(sum(r.supported_claims for r in answered), claims),
        "answer_relevance": ratio(sum(r.relevance_sum for r in answered),
                                  sum(r.relevance_sentences for r in answered)),
        "citation_recall": ratio(sum(r.cited_supported_claims for r in answered), claims),
        "citation_precision": ratio(sum(r.precise_citations for r in answered),
                                    sum(r.citation_count for r in answered)),
        "latency_p50_ms": percentile(latencies, 50) if latencies else None,
        "latency_p95_ms": percentile(latencies, 95) if latencies else None,
    }
    scores.update(abstention_scores([r.should_abstain for r in results],
                                    [r.abstained for r in results]))
    judged = [r.llm_faithfulness for r in answered if r.llm_faithfulness is not None]
    if judged:
        scores["llm_faithfulness"] = mean(judged)
    return {k: None if v is None else round(v, 4) for k, v in scores.items()}


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)["extractive"]


def gate_bound(gate: float | dict, ceiling: bool) -> float:
    """A gate is {measured, margin}: the floor sits `margin` below what was measured (the
    ceiling above), so that another CPU or precision moving one question does not fail CI."""
    if isinstance(gate, dict):
        return gate["measured"] + gate["margin"] if ceiling else gate["measured"] - gate["margin"]
    return float(gate)


def gate_failures(scores: dict, thresholds: dict, baseline: dict | None = None) -> list[str]:
    """Floors and `_max` ceilings on the engine's scores, and `vs_stock`: engine >= stock +
    margin, both measured in this run (skipped when the run has no baseline)."""
    failures = []
    for name, gate in thresholds.items():
        if name == "vs_stock":
            continue
        ceiling = name.endswith("_max")
        metric = name[: -len("_max")] if ceiling else name
        bound = gate_bound(gate, ceiling)
        value = scores.get(metric)
        if value is None:
            failures.append(f"{metric} is n/a (nothing to count)")
        elif ceiling and value > bound:
            failures.append(f"{metric} = {value:.3f} > {bound:.3f}")
        elif not ceiling and value < bound:
            failures.append(f"{metric} = {value:.3f} < {bound:.3f}")
    comparisons = thresholds.get("vs_stock", {}) if baseline is not None else {}
    for metric, margin in comparisons.items():
        engine, stock = scores.get(metric), (baseline or {}).get(metric)
        if engine is None or stock is None or engine < stock + margin:
            failures.append(f"{metric} = {format_score(engine)} does not beat the stock "
                            f"baseline's {format_score(stock)} by {margin}")
    return failures


def format_table(engine: dict, baseline: dict | None) -> str:
    header = f"{'metric':<24}{'engine':>10}" + (f"{'stock':>10}" if baseline else "")
    lines = [header, "-" * len(header)]
    for name in METRICS + (["llm_faithfulness"] if "llm_faithfulness" in engine else []):
        row = f"{name:<24}{format_score(engine.get(name)):>10}"
        if baseline:
            row += f"{format_score(baseline.get(name)):>10}"
        lines.append(row)
    return "\n".join(lines)


def runtime_info(embedder) -> dict:
    """What actually ran: the embedding precisions and device chosen, the runtimes, and the CPU
    flags that decide them (a setting of "auto" says none of this). Torch is reported only when
    something already imported it: the question path runs without it."""
    import os
    import platform
    import sys

    from assistant.embedding import _cpu_flags

    shown = ("avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16",
             "amx_tile", "amx_bf16", "amx_int8")
    flags = _cpu_flags()
    info: dict = {
        "embedding_dtype": embedder.precision,
        "query_precision": embedder.query_precision,
        "embedding_device": embedder.device,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "cpu_flags": [flag for flag in shown if flag in flags],
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    onnxruntime = sys.modules.get("onnxruntime")
    if onnxruntime is not None:
        info["onnxruntime"] = onnxruntime.__version__
    return info


def write_reports(report: dict, out_dir: Path, stamp: str) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / f"{stamp}.json", "markdown": out_dir / f"{stamp}.md",
             "chart": out_dir / f"{stamp}.png"}
    paths["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False))
    paths["markdown"].write_text(_markdown(report))
    _chart(report, paths["chart"])
    return paths


def _markdown(report: dict) -> str:
    engine, stock = report["engine"]["scores"], report.get("baseline", {}).get("scores")
    lines = [f"# Eval report {report['created']}", "",
             f"Questions: {report['questions']} (split: {report['split']}); settings: "
             f"chunk {report['settings']['chunk_size']}/{report['settings']['chunk_overlap']}, "
             f"top_k {report['settings']['top_k']}; run time {report['seconds']:.1f} s", "",
             "Runtime: " + ", ".join(f"{k} {v}" for k, v in report.get("runtime", {}).items()),
             "",
             "| metric | engine | stock llama-index |", "|---|---:|---:|"]
    for name in METRICS:
        other = format_score(stock.get(name)) if stock else "-"
        lines.append(f"| {name} | {format_score(engine.get(name))} | {other} |")
    lines += ["", "## Per question (engine)", "",
              "| id | type | abstained | key facts | faithful claims | answer | citations |",
              "|---|---|---|---:|---:|---|---|"]
    for row in report["engine"]["rows"]:
        answer = row["answer"].replace("\n", " ").replace("|", "\\|")[:300]
        cites = "; ".join(f"[{c['n']}] {c['source']}" for c in row["citations"])
        lines.append(f"| {row['id']} | {row['type']} | {row['abstained']} | "
                     f"{row['key_facts']:.2f} | {row['supported_claims']}/{row['claims']} | "
                     f"{answer} | {cites} |")
    return "\n".join(lines) + "\n"


def _chart(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [m for m in METRICS if not m.startswith("latency")]
    def heights(scores: dict) -> list[float]:
        return [float("nan") if scores.get(m) is None else scores[m] for m in names]

    engine = heights(report["engine"]["scores"])
    fig, ax = plt.subplots(figsize=(9, 3.6), dpi=90)
    x = range(len(names))
    if "baseline" in report:
        stock = heights(report["baseline"]["scores"])
        ax.bar([i + 0.2 for i in x], stock, width=0.4, label="stock llama-index", color="#bbb")
        ax.bar([i - 0.2 for i in x], engine, width=0.4, label="engine", color="#2a6")
    else:
        ax.bar(list(x), engine, width=0.6, label="engine", color="#2a6")
    ax.set_xticks(list(x))
    ax.set_xticklabels(names, rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8)
    ax.set_title("Golden-set metrics (higher is better; false_abstention_rate: lower)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def evaluate(settings: Settings, split: str | None = None, with_baseline: bool = True,
             progress: bool = False, limit: int | None = None, bot=None, judge=None) -> dict:
    """Score the engine (and the stock baseline) on the golden set. With an LLM configured, or a
    `judge` given, an LLM-judge faithfulness is reported beside the verifier-based one."""
    from assistant.engine import Assistant
    from assistant.evaluation.judge import judge_if_configured

    started = time.perf_counter()
    questions = [q for q in load_golden() if split in (None, "all", q.split)][:limit]
    bot = bot or Assistant(settings)
    bot.warm_up()
    judge = judge or judge_if_configured(settings)
    engine_cited: dict[str, list[str]] = {}
    engine_rows = run_engine(bot, questions, progress, engine_cited)
    if judge is not None:
        judge_rows(judge, engine_rows, engine_cited)
    report = {
        "llm_judge": judge is not None,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "split": split or "all", "questions": len(questions),
        "settings": {k: v for k, v in asdict(settings).items()
                     if k in ("chunk_size", "chunk_overlap", "top_k", "per_source_cap",
                              "abstention_weights", "abstention_threshold", "answerer",
                              "embedding_dtype")},
        "embedding_precision": bot.embedder.precision,  # what "auto" resolved to
        "runtime": runtime_info(bot.embedder),
        "engine": {"scores": aggregate(engine_rows), "rows": [asdict(r) for r in engine_rows]},
    }
    if with_baseline:
        from assistant.evaluation.baseline import StockLlamaIndexBaseline

        baseline = StockLlamaIndexBaseline(list(settings.corpus_paths), bot.embedder)
        baseline_cited: dict[str, list[str]] = {}
        rows = run_baseline(baseline, bot.verifier, questions, progress, baseline_cited)
        if judge is not None:
            judge_rows(judge, rows, baseline_cited)
        report["baseline"] = {"scores": aggregate(rows), "rows": [asdict(r) for r in rows]}
    report["seconds"] = round(time.perf_counter() - started, 2)
    return report


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="assistant eval")
    parser.add_argument("--split", choices=["all", "calibration", "held_out"], default="all")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a metric is below eval/thresholds.toml")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR)
    args = parser.parse_args(argv)
    settings = settings or Settings.load()
    from assistant.ingestion import ensure_corpus_indexed

    ensure_corpus_indexed(settings)
    report = evaluate(settings, args.split, not args.no_baseline, sys.stderr.isatty(), args.limit)
    print(format_table(report["engine"]["scores"], report.get("baseline", {}).get("scores")))
    print("runtime: " + ", ".join(f"{k} {v}" for k, v in report["runtime"].items()))
    stamp = report["created"].replace(":", "").replace("-", "")
    paths = write_reports(report, args.out, stamp)
    print(f"\n{report['questions']} questions in {report['seconds']:.1f} s; reports: "
          + ", ".join(str(p) for p in paths.values()))
    if args.check:
        failures = gate_failures(report["engine"]["scores"], load_thresholds(),
                                 report.get("baseline", {}).get("scores"))
        for failure in failures:
            print(f"below threshold: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0
