"""Compare PDF text extractors for ingestion: reading order, hyphenation, headers and footers.

    .venv/bin/python eval/pdf_libraries.py [--real DIR] [--probes FILE]

Every library's page texts go through the same cleaning as ingestion
(`assistant.documents.clean_pages`), so the figures say what the index would hold.

Generated reports (eval/sample_documents.py: 2 and 3 columns, a running header, a "Page n of N"
footer and words hyphenated at line ends; the text is known), per library:
- sentences intact: share of the report's sentences found verbatim in the cleaned text
  (a sentence broken by a column jump or a header is not);
- in order: share of consecutive intact sentences that come out in reading order;
- hyphenated words joined: share of words split at a line end that come out whole;
- header/footer lines left: running header and footer lines still in the cleaned text;
(raw): the same two in the library's own output, before cleaning.
Real PDFs (`--real DIR`, any *.pdf there; not committed): milliseconds per page, and with
`--probes FILE` (JSON: file name -> phrases that run across line breaks inside one column) the
share of phrases found intact.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.documents import clean_pages  # noqa: E402
from eval.sample_documents import REPORT_PAGES, make_report_pdf  # noqa: E402

LICENCES = {"pypdf": "BSD-3-Clause", "pdfplumber": "MIT (pdfminer.six: MIT)",
            "pypdfium2": "Apache-2.0 / BSD-3-Clause (PDFium)"}


def pages_pypdf(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages]


def pages_pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def pages_pypdfium2(path: Path) -> list[str]:
    from assistant.documents import extract_pdf_pages

    return extract_pdf_pages(path)[0]


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pypdf": pages_pypdf, "pdfplumber": pages_pdfplumber, "pypdfium2": pages_pypdfium2}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def sentences(paragraphs: list[str]) -> list[str]:
    return [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", p)]


def score_generated(extract: Callable[[Path], list[str]], pdf) -> dict[str, float]:
    pages = extract(pdf.path)
    raw = squash(" ".join(pages))
    raw_words = set(re.findall(r"\w+", raw.lower().replace("\ufffe", "")))
    cleaned = squash(clean_pages(pages).text)
    truth = sentences([p for n in sorted(pdf.pages) for p in pdf.pages[n]])
    positions = [cleaned.find(squash(s)) for s in truth]
    found = [p for p in positions if p >= 0]
    in_order = sum(b > a for a, b in zip(found, found[1:], strict=False))
    words = set(re.findall(r"\w+", cleaned.lower()))
    left = cleaned.count(pdf.header) + sum(cleaned.count(f) for f in pdf.footers)
    return {
        "sentences": len(found) / len(truth),
        "order": in_order / max(1, len(found) - 1),
        "hyphens": sum(w.lower() in words for w in pdf.hyphenated_words)
        / max(1, len(pdf.hyphenated_words)),
        "furniture": left,
        "raw_hyphens": sum(w.lower() in raw_words for w in pdf.hyphenated_words)
        / max(1, len(pdf.hyphenated_words)),
        "raw_furniture": raw.count(pdf.header) + sum(raw.count(f) for f in pdf.footers),
    }


def score_real(extract: Callable[[Path], list[str]], path: Path,
               probes: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    pages = extract(path)
    seconds = time.perf_counter() - started
    cleaned = squash(clean_pages(pages).text)
    found = sum(squash(p) in cleaned for p in probes)
    return {"ms_per_page": 1000 * seconds / max(1, len(pages)), "probes": found,
            "probe_total": len(probes), "chars": len(cleaned)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", type=Path, help="folder of real PDFs (not committed)")
    parser.add_argument("--probes", type=Path, help="JSON: file name -> phrases")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        generated = [make_report_pdf(Path(work) / f"report-{n}col.pdf", REPORT_PAGES, columns=n)
                     for n in (2, 3)]
        print("Generated reports (2 and 3 columns; header, footer, hyphenation), after cleaning:")
        print("| library | licence | sentences intact | in order | hyphenated words joined "
              "(raw) | header/footer lines left (raw) |")
        print("|---|---|---:|---:|---:|---:|")
        for name, extract in EXTRACTORS.items():
            scores = [score_generated(extract, pdf) for pdf in generated]
            mean = {k: statistics.mean(s[k] for s in scores) for k in scores[0]}
            print(f"| {name} | {LICENCES[name]} | {mean['sentences']:.2f} | {mean['order']:.2f} "
                  f"| {mean['hyphens']:.2f} ({mean['raw_hyphens']:.2f}) "
                  f"| {sum(s['furniture'] for s in scores):.0f} "
                  f"({sum(s['raw_furniture'] for s in scores):.0f}) |")
    if args.real:
        probes = json.loads(args.probes.read_text()) if args.probes else {}
        files = sorted(args.real.glob("*.pdf"))
        print(f"\nReal PDFs ({len(files)} files in {args.real}):")
        print("| library | ms per page (mean over files) | probe phrases intact |")
        print("|---|---:|---:|")
        for name, extract in EXTRACTORS.items():
            rows = [score_real(extract, f, probes.get(f.name, [])) for f in files]
            hits = sum(r["probes"] for r in rows)
            total = sum(r["probe_total"] for r in rows)
            ms = statistics.mean(r["ms_per_page"] for r in rows) if rows else 0.0
            probe_text = f"{hits}/{total}" if total else "—"
            print(f"| {name} | {ms:.1f} | {probe_text} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
