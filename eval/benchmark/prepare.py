"""Build the benchmark corpora under eval/data/<corpus>/ (ignored by git) from public sources.

    python -m eval.benchmark.prepare [--mirror /work/.mirror] [--only news,squad]

Sources (nothing fetched is committed; see eval/benchmark/README.md for how to fetch):
- seed: the five articles in corpus/;
- news: real news web pages with their boilerplate, mozilla/readability's test pages
  (`source.html`), with the main-content ground truth from its `expected.html`;
- licences: hard-wrapped licence texts from /usr/share/common-licenses (Debian base-files);
- books: two public-domain novels from Project Gutenberg, in the small public repositories
  clocasto/HaikuGenerator and Axios-HQ/alice-count (BOOKS);
- squad: SQuAD 2.0 dev articles with their crowd-written questions (answerable and adversarial
  unanswerable) from the small copy in appcoreopc/squad2controlled.

Each corpus folder gets docs/ (the files to ingest), and where the source has them, truth/ (the
main text of each page, one .txt per document) and questions.jsonl (fetched questions).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from assistant.config import PROJECT_ROOT

DATA_DIR = PROJECT_ROOT / "eval" / "data"
DEFAULT_MIRROR = Path("/work/.mirror")
LICENCE_DIR = Path("/usr/share/common-licenses")

NEWS_REPO = "mozilla+readability"
# English news and magazine articles among readability's test pages (not the
# scrapinghub article-extraction-benchmark pages, which are kept for extraction scoring).
NEWS_PAGES = [
    "aclu", "ars-1", "bbc-1", "breitbart", "buzzfeed-1", "citylab-1", "cnet", "cnn", "engadget",
    "guardian-1", "herald-sun-1", "lwn-1", "medicalnewstoday", "msn", "nytimes-1", "nytimes-2",
    "nytimes-3", "nytimes-4", "quanta-1", "salon-1", "seattletimes-1", "simplyfound-1",
    "spiceworks", "telegraph", "theverge", "tmz-1", "wapo-1", "wapo-2", "webmd-1", "webmd-2",
    "yahoo-1", "yahoo-2", "yahoo-3",
]
LICENCES = ["GPL-3", "GPL-2", "LGPL-2.1", "Apache-2.0", "MPL-2.0", "GFDL-1.3", "Artistic"]
# a second set of licence texts with questions written for it: same kind, other documents
MORE_LICENCES = ["LGPL-3", "CC0-1.0", "BSD", "MPL-1.1", "GPL-1"]
# public-domain books (Project Gutenberg plain text) kept in small public repositories:
# (mirror, path in it, file name here). Pride and Prejudice is hard-wrapped dialogue;
# Alice's Adventures in Wonderland has a paragraph a line and keeps the Gutenberg start line.
BOOKS = [("clocasto+HaikuGenerator", "pg1342.txt", "pride_and_prejudice.txt"),
         ("Axios-HQ+alice-count", "alice_in_wonderland.txt", "alice_in_wonderland.txt")]
SQUAD_REPO = "appcoreopc+squad2controlled"
SQUAD_FILES = ["dev-v2.0.json", "train-v2.0.json"]  # both hold SQuAD 2.0 dev-set articles
SQUAD_PER_ARTICLE = 100  # questions kept per article (those with the smallest id hashes);
# was 40: 60 questions a half left dev tuning and test reports within a few questions of noise


def git_show(repo_dir: Path, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo_dir), "show", f"HEAD:{path}"],
                          check=True, capture_output=True).stdout


def mirror_repo(mirror: Path, name: str) -> Path:
    repo = mirror / name / "repo"
    if not repo.exists():
        owner_repo = name.replace("+", "/")
        raise SystemExit(f"{repo} is missing: fetch github:{owner_repo} first "
                         "(see eval/benchmark/README.md)")
    return repo


def html_to_text(markup: str) -> str:
    """Visible text of a small, clean HTML fragment (readability's expected output)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|blockquote|figcaption|tr)>", "\n", markup)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def prepare_seed(out: Path, _mirror: Path) -> int:
    docs = _fresh(out / "docs")
    files = sorted((PROJECT_ROOT / "corpus").glob("*.txt"))
    for path in files:
        shutil.copy(path, docs / path.name)
    return len(files)


def prepare_news(out: Path, mirror: Path) -> int:
    repo = mirror_repo(mirror, NEWS_REPO)
    docs, truth = _fresh(out / "docs"), _fresh(out / "truth")
    for name in NEWS_PAGES:
        base = f"test/test-pages/{name}"
        (docs / f"{name}.html").write_bytes(git_show(repo, f"{base}/source.html"))
        expected = git_show(repo, f"{base}/expected.html").decode("utf-8", "replace")
        (truth / f"{name}.txt").write_text(html_to_text(expected), encoding="utf-8")
    return len(NEWS_PAGES)


def prepare_licences(out: Path, _mirror: Path) -> int:
    docs = _fresh(out / "docs")
    for name in LICENCES:
        shutil.copy(LICENCE_DIR / name, docs / f"{name}.txt")
    return len(LICENCES)


def prepare_legal(out: Path, _mirror: Path) -> int:
    docs = _fresh(out / "docs")
    for name in MORE_LICENCES:
        shutil.copy(LICENCE_DIR / name, docs / f"{name}.txt")
    return len(MORE_LICENCES)


def prepare_books(out: Path, mirror: Path) -> int:
    docs = _fresh(out / "docs")
    for repo_name, path, name in BOOKS:
        (docs / name).write_bytes(git_show(mirror_repo(mirror, repo_name), path))
    return len(BOOKS)


def squad_slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")


def prepare_squad(out: Path, mirror: Path, per_article: int = SQUAD_PER_ARTICLE) -> int:
    """One document per SQuAD article (title, then its paragraphs); a fixed sample of its
    questions, verbatim."""
    repo = mirror_repo(mirror, SQUAD_REPO)
    docs = _fresh(out / "docs")
    articles: dict[str, dict] = {}
    for name in SQUAD_FILES:
        for article in json.loads(git_show(repo, name))["data"]:
            articles.setdefault(article["title"], article)
    # the articles' other questions go to probe.jsonl: the `squad-probe` corpus, a larger
    # sample of the same kind that the benchmark table leaves out
    questions: list[dict] = []
    probe: list[dict] = []
    for title, article in sorted(articles.items()):
        doc_id = f"{squad_slug(title)}.txt"
        paragraphs = [p["context"].strip() for p in article["paragraphs"]]
        (docs / doc_id).write_text(title.replace("_", " ") + "\n\n" + "\n\n".join(paragraphs)
                                   + "\n", encoding="utf-8")
        qas = sorted((qa for p in article["paragraphs"] for qa in p["qas"]),
                     key=lambda qa: hashlib.sha1(qa["id"].encode()).hexdigest())
        for n, qa in enumerate(qas):
            answers = sorted({a["text"].strip() for a in qa.get("answers", [])
                              if a["text"].strip()})
            impossible = bool(qa.get("is_impossible")) or not answers
            (questions if n < per_article else probe).append({
                "id": f"squad-{qa['id']}", "question": qa["question"].strip(),
                "answerable": not impossible, "key_facts": [] if impossible else [answers],
                "doc_ids": [doc_id], "kind": "crowd",
            })
    for name, rows in (("questions.jsonl", questions), ("probe.jsonl", probe)):
        with (out / name).open("w", encoding="utf-8") as handle:
            for q in rows:
                handle.write(json.dumps(q, ensure_ascii=False) + "\n")
    return len(articles)


PREPARERS = {"seed": prepare_seed, "news": prepare_news, "licences": prepare_licences,
             "squad": prepare_squad, "legal": prepare_legal, "books": prepare_books}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", type=Path, default=DEFAULT_MIRROR,
                        help="folder holding fetched snapshots (owner+name/repo)")
    parser.add_argument("--only", default=",".join(PREPARERS),
                        help="comma-separated corpora to build")
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    for name in args.only.split(","):
        count = PREPARERS[name](args.out / name, args.mirror)
        print(f"{name}: {count} documents -> {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
