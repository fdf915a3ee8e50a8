"""The systems under comparison, each behind one small adapter: load(corpus), answer(question).

- engine: this project, ingested with its real ingest path into a temporary index, asked through
  `Assistant.ask`;
- cairn: cairn-assistant from PyPI in its own venv, driven through its CLI (`ask --json`), on the
  corpus converted to its Markdown front-matter format;
- stock: llama-index VectorStoreIndex, default chunking, the top-2 chunks as the answer
  (assistant/evaluation/baseline.py), same bundled embedding model.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.embedding import Embedder

from .corpora import Corpus, Question
from .scoring import SystemAnswer

if TYPE_CHECKING:
    from assistant.engine import Assistant
    from assistant.evaluation.baseline import StockLlamaIndexBaseline

DEFAULT_CAIRN = Path("/work/cairn-venv/bin/cairn")
READABLE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def corpus_files(corpus: Corpus) -> list[Path]:
    return sorted(p for p in corpus.docs_dir.rglob("*")
                  if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)


class EngineSystem:
    name = "engine"

    def __init__(self, embedder: Embedder, workdir: Path) -> None:
        self.embedder, self.workdir = embedder, workdir
        self.bot: Assistant | None = None

    def load(self, corpus: Corpus) -> None:
        from assistant.engine import Assistant
        from assistant.ingestion import ingest

        settings = Settings.load(index_dir=str(self.workdir / f"engine-{corpus.name}"))
        report = ingest([corpus.docs_dir], settings, self.embedder, rebuild=True,
                        show_progress=False)
        if report.failed:
            print(f"  engine ingest of {corpus.name}: {report.summary()}")
        self.bot = Assistant(settings, self.embedder)
        self.bot.warm_up()

    def answer(self, question: Question) -> SystemAnswer:
        started = time.perf_counter()
        assert self.bot is not None, "load() a corpus first"
        answer = self.bot.ask(question.question, question.history_turns)
        latency = (time.perf_counter() - started) * 1000
        return SystemAnswer(answer.text, answer.abstained,
                            [c.source for c in answer.citations],
                            [(c.source, c.quote) for c in answer.citations], latency)


class StockSystem:
    name = "stock"
    # Raw markup is what SimpleDirectoryReader would index, megabytes per page: embedding it
    # takes far longer than every other run together on a small CPU, so web pages are skipped.
    reads_html = False

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.baseline: StockLlamaIndexBaseline | None = None

    def load(self, corpus: Corpus) -> None:
        from assistant.evaluation.baseline import StockLlamaIndexBaseline

        # one in-memory Chroma per process: a collection per corpus keeps them apart
        self.baseline = StockLlamaIndexBaseline([str(corpus.docs_dir)], self.embedder,
                                                suffixes=READABLE_SUFFIXES,
                                                collection_name=f"stock-{corpus.name}")

    def answer(self, question: Question) -> SystemAnswer:
        started = time.perf_counter()
        assert self.baseline is not None, "load() a corpus first"
        answer = self.baseline.answer(question.question)
        latency = (time.perf_counter() - started) * 1000
        return SystemAnswer(answer.text, False, [source for source, _ in answer.passages],
                            list(answer.passages), latency)


class _TextOfPage(HTMLParser):
    """A plain tag strip: what a user without an extractor would hand cairn (it reads only
    Markdown). Scripts and styles dropped, block ends become paragraph breaks."""

    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
              "article", "blockquote", "header", "footer", "figcaption", "ul", "ol", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        paragraphs = (" ".join(block.split()) for block in "".join(self.parts).split("\n\n"))
        return "\n\n".join(p for p in paragraphs if p)


def page_text(markup: str) -> str:
    parser = _TextOfPage()
    parser.feed(markup)
    parser.close()
    return html.unescape(parser.text())


class CairnSystem:
    name = "cairn"

    def __init__(self, workdir: Path, executable: Path = DEFAULT_CAIRN) -> None:
        if not executable.exists():
            raise SystemExit(f"{executable} is missing: python3 -m venv /work/cairn-venv && "
                             "/work/cairn-venv/bin/pip install cairn-assistant==0.3.0")
        self.workdir, self.executable = workdir, executable
        self.config: Path | None = None
        self.doc_of: dict[str, str] = {}

    def load(self, corpus: Corpus) -> None:
        home = self.workdir / f"cairn-{corpus.name}"
        md = home / "md"
        md.mkdir(parents=True, exist_ok=True)
        self.doc_of = {}
        for path in corpus_files(corpus):
            cairn_id = "d-" + re.sub(r"[^A-Za-z0-9._:-]", "_", path.stem)
            self.doc_of[cairn_id] = path.name
            body = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix.lower() in (".html", ".htm"):
                body = page_text(body)
            title = " ".join(path.stem.replace("_", " ").split())
            (md / f"{cairn_id}.md").write_text(
                f"---\nid: {cairn_id}\ntitle: {title}\nlang: en\n---\n{body}\n", encoding="utf-8")
        self.config = home / "cairn.toml"
        self.config.write_text(f'[corpus]\npath = "{md}"\n[index]\npath = "{home / "index.json"}"\n')
        self._run("index")

    def _run(self, *args: str) -> str:
        done = subprocess.run([str(self.executable), "--config", str(self.config), *args],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"cairn {args[0]} failed ({done.returncode}): "
                               f"{done.stderr.strip()[-300:]}")
        return done.stdout

    def answer(self, question: Question) -> SystemAnswer:
        started = time.perf_counter()
        try:
            record = json.loads(self._run("ask", "--json", question.question))
        except (RuntimeError, json.JSONDecodeError, subprocess.TimeoutExpired) as exc:
            return SystemAnswer("", True, latency_ms=(time.perf_counter() - started) * 1000,
                                error=str(exc)[:300])
        latency = (time.perf_counter() - started) * 1000
        sources = [self.doc_of.get(s["id"].split("#")[0], s["id"])
                   for s in record.get("sources", [])]
        quotes = [(self.doc_of.get(s["id"].split("#")[0], s["id"]), s.get("text", ""))
                  for s in record.get("sources", [])]
        grounded = bool(record.get("grounded"))
        return SystemAnswer(record.get("text", "") if grounded else "", not grounded,
                            sources if grounded else [], quotes if grounded else [], latency)
