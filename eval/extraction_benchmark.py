"""Article-body extraction quality of the HTML path that ingest uses, on the public
scrapinghub/article-extraction-benchmark (181 news and blog pages with hand-checked bodies).

The benchmark is not part of this repository: fetch it and pass its folder (a checkout holding
html/*.html.gz and ground-truth.json, or a bare git directory, which is exported to a temporary
folder first):

    .venv/bin/python eval/extraction_benchmark.py /path/to/article-extraction-benchmark
    .venv/bin/python eval/extraction_benchmark.py PATH --mode precision --no-tables

Scoring follows the benchmark's evaluate.py: per page, 4-word shingles of the \\w+ tokens of the
predicted and true bodies are matched as multisets; the page's TP/FP/FN are normalised to sum to
1 so long pages weigh no more than short ones; precision and recall are the means over pages
(pages without predicted text count for recall only, pages without a true body count for
precision only), and F1 is their harmonic mean. Prints F1, precision, recall and ms per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from assistant.config import Settings
from assistant.corpus import read_html

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 4) -> Counter:
    words = _WORD.findall(text or "")
    # a text shorter than one shingle is one (short) shingle; an empty text has none
    return Counter(tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))
                   if words[i : i + size])


def page_counts(true: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to 1."""
    expected, found = shingles(true), shingles(predicted)
    tp = sum((expected & found).values())
    fp = sum((found - expected).values())
    fn = sum((expected - found).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean(_precision(*c) for c in counts if c[0] + c[1] > 0)
    recall = statistics.mean(_recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"f1": 2 * precision * recall / (precision + recall), "precision": precision,
            "recall": recall}


def benchmark_folder(path: Path, workdir: Path) -> Path:
    """A folder with html/ and ground-truth.json: `path` itself, or exported from a git dir."""
    if (path / "ground-truth.json").is_file():
        return path
    archive = subprocess.run(["git", "--git-dir", str(path), "archive", "HEAD", "html",
                              "ground-truth.json"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(workdir)], input=archive, check=True)
    return workdir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("benchmark", type=Path, help="fetched article-extraction-benchmark")
    parser.add_argument("--mode", choices=("balanced", "precision", "recall"), default=None,
                        help="override Settings.html_extraction_mode")
    parser.add_argument("--no-tables", action="store_true", help="leave tables out")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    args = parser.parse_args()
    settings = Settings.load()
    if args.mode:
        settings = settings.replace(html_extraction_mode=args.mode)
    if args.no_tables:
        settings = settings.replace(html_include_tables=False)
    with tempfile.TemporaryDirectory() as workdir:
        folder = benchmark_folder(args.benchmark.resolve(), Path(workdir))
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        counts, seconds, per_page = [], 0.0, []
        for key, item in sorted(truth.items()):
            with gzip.open(folder / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as handle:
                html = handle.read()
            started = time.perf_counter()
            text = read_html(html, settings).text
            seconds += time.perf_counter() - started
            counts.append(page_counts(item.get("articleBody", ""), text))
            per_page.append((_precision(*counts[-1]), _recall(*counts[-1]), key))
    result = scores(counts)
    result["ms_per_page"] = 1000 * seconds / len(counts)
    result["pages"] = len(counts)
    print(f"pages {result['pages']}  F1 {result['f1']:.3f}  precision {result['precision']:.3f}  "
          f"recall {result['recall']:.3f}  {result['ms_per_page']:.1f} ms/page "
          f"(mode={settings.html_extraction_mode}, tables={settings.html_include_tables})")
    for precision, recall, key in sorted(per_page, key=lambda p: min(p[0], p[1]))[: args.worst]:
        print(f"  {key[:16]}  precision {precision:.2f}  recall {recall:.2f}")
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
