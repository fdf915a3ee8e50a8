"""Sentence segmenters compared on the hand-labelled cases of eval/segmenter_cases.py (accuracy)
and on the seed articles plus a hard-wrapped licence (speed).

    .venv/bin/python eval/segmenter_benchmark.py [--repeat 3]

Accuracy: share of cases segmented exactly right, and sentence-level F1 (a predicted sentence
counts when it equals a labelled one, whitespace collapsed). Each segmenter gets the raw text;
"assistant" is assistant.text.sentence_spans, which reads the line structure first (blank lines,
headings, list items break; a wrapped line does not) and runs Punkt inside each block.
Speed: best of --repeat passes over the speed texts, as sentences per second (counting the
sentences the assistant finds, so every segmenter is charged for the same text) and as the cost of
splitting the 8 retrieved chunks of one question (about 7,200 characters).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from assistant import text as text_module
from assistant.text import sentence_spans
from eval.segmenter_cases import CASES

REPO = Path(__file__).resolve().parent.parent
Spans = list[tuple[int, int]]


def _locate(text: str, pieces: list[str]) -> Spans:
    """Offsets of segmenter output that does not report them, found in order."""
    spans, cursor = [], 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:
            start = cursor  # the segmenter changed the text: count what it returned
        spans.append((start, start + len(piece)))
        cursor = start + len(piece)
    return spans


def punkt() -> Callable[[str], Spans]:
    from nltk.tokenize.punkt import PunktTokenizer

    tokenizer = PunktTokenizer("english")
    return lambda text: list(tokenizer.span_tokenize(text))


def punkt_per_line() -> Callable[[str], Spans]:
    """The project's segmenter before this benchmark: every line break ends a sentence."""
    from nltk.tokenize.punkt import PunktTokenizer

    tokenizer = PunktTokenizer("english")

    def split(text: str) -> Spans:
        spans, offset = [], 0
        for line in text.split("\n"):
            spans += [(offset + s, offset + e) for s, e in tokenizer.span_tokenize(line)]
            offset += len(line) + 1
        return spans

    return split


def pysbd_segmenter() -> Callable[[str], Spans]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)
    return lambda text: _locate(text, segmenter.segment(text))


def syntok_segmenter() -> Callable[[str], Spans]:
    from syntok import segmenter

    def split(text: str) -> Spans:
        spans = []
        for paragraph in segmenter.analyze(text):
            for sentence in paragraph:
                tokens = [t for t in sentence if t.value]
                if tokens:
                    spans.append((tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)))
        return spans

    return split


def blingfire_segmenter() -> Callable[[str], Spans]:
    import blingfire

    def split(text: str) -> Spans:
        _, offsets = blingfire.text_to_sentences_and_offsets(text)
        return [(s, e) for s, e in offsets]

    return split


def structure_with_blingfire() -> Callable[[str], Spans]:
    """The assistant's line-structure pass with blingfire inside each block instead of Punkt."""
    import blingfire

    from assistant.text import _blocks, _merge_fragments

    def split(text: str) -> Spans:
        spans = []
        for start, end in _blocks(text):
            block = text[start:end].replace("\n", " ")
            _, offsets = blingfire.text_to_sentences_and_offsets(block)
            spans += [(start + s, start + e) for s, e in _merge_fragments(block, list(offsets))]
        return spans

    return split


SEGMENTERS: dict[str, Callable[[], Callable[[str], Spans]]] = {
    # uncached: passages recurring across questions are cached in the product, not measured here
    "assistant (line structure + punkt)": lambda: lambda text: list(
        text_module._sentence_spans.__wrapped__(text)),
    "line structure + blingfire": structure_with_blingfire,
    "punkt": punkt,
    "punkt per line (before)": punkt_per_line,
    "pysbd": pysbd_segmenter,
    "syntok": syntok_segmenter,
    "blingfire": blingfire_segmenter,
}


def _normal(sentence: str) -> str:
    return re.sub(r"\s+", " ", sentence).strip()


def accuracy(split: Callable[[str], Spans]) -> tuple[float, float, list[str]]:
    exact, true_positive, predicted_total, gold_total, wrong = 0, 0, 0, 0, []
    for text, gold in CASES:
        predicted = [_normal(text[s:e]) for s, e in split(text) if text[s:e].strip()]
        expected = [_normal(g) for g in gold]
        exact += predicted == expected
        true_positive += sum((Counter(predicted) & Counter(expected)).values())
        predicted_total += len(predicted)
        gold_total += len(expected)
        if predicted != expected:
            wrong.append(text[:60].replace("\n", "⏎"))
    precision = true_positive / max(predicted_total, 1)
    recall = true_positive / max(gold_total, 1)
    return exact / len(CASES), 2 * precision * recall / max(precision + recall, 1e-9), wrong


def speed_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "corpus").glob("*.txt"))]
    licence = Path("/usr/share/common-licenses/GPL-3")
    if licence.is_file():
        texts.append(licence.read_text(encoding="utf-8"))
    return texts


def seconds(split: Callable[[str], Spans], texts: list[str], repeat: int) -> float:
    """Best of `repeat` passes over the texts (the machine is shared: the best is the cost)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            split(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args()
    texts = speed_texts()
    characters = sum(map(len, texts))
    reference = sum(len(sentence_spans(text)) for text in texts)
    print(f"{len(CASES)} labelled cases; speed over {len(texts)} texts ({characters:,} characters, "
          f"{reference:,} sentences as the assistant splits them)")
    print("| segmenter | cases exactly right | sentence F1 | sentences/s | ms per 8 retrieved "
          "chunks (7,200 characters) |")
    print("|---|---|---|---|---|")
    for name, build in SEGMENTERS.items():
        try:
            split = build()
        except ImportError as exc:
            print(f"| {name} | not installed ({exc.name}) | | |")
            continue
        exact, f1, wrong = accuracy(split)
        elapsed = seconds(split, texts, args.repeat)
        print(f"| {name} | {exact:.3f} | {f1:.3f} | {reference / elapsed:,.0f} | "
              f"{1000 * elapsed * 7200 / characters:.1f} |")
        if args.show_wrong:
            for text in wrong:
                print(f"    wrong: {text}")


if __name__ == "__main__":
    main()
