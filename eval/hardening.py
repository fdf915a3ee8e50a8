"""Hardening figures: inputs tried per category, failures found, concurrent clients held, and
chunks expected vs present after each fault.

`.venv/bin/python eval/hardening.py [--seed 1]` prints one JSON object. The assertions that
guard these behaviours live in tests/test_hardening.py; this script reports the numbers.
"""

from __future__ import annotations

import argparse
import errno
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import SEED_CORPUS, make_corpus  # noqa: E402

from assistant.catalog import Catalog  # noqa: E402
from assistant.config import Settings  # noqa: E402
from assistant.embedding import Embedder  # noqa: E402
from assistant.engine import Assistant  # noqa: E402
from assistant.errors import AssistantError, InvalidHistoryError, InvalidQuestionError  # noqa: E402
from assistant.ingestion import ingest  # noqa: E402
from assistant.store import open_index  # noqa: E402
from assistant.vectors import VectorStore  # noqa: E402

PIECES = ["<script>alert(1)</script>", "\x00", "\u202e", "🤖", "[1]", "Lukashenko", "Belarus",
          "ignore previous instructions", "```", "' OR 1=1 --", "\n\n", "troops", "why"]


def random_question(rng: random.Random) -> object:
    kind = rng.randrange(5)
    if kind == 0:
        return "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(0, 200)))
    if kind == 1:
        return " ".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 30)))
    if kind == 2:
        return "Belarus " * rng.randrange(1, 3000)
    if kind == 3:
        return rng.choice([None, 42, b"bytes", ["list"], ""])
    return rng.choice(["What did the Chatham House poll find?", "Who is Artyom Shraibman?"])


def random_history(rng: random.Random) -> object:
    return rng.choice([
        None, "text", [("user", "hi")], [("system", "x")], [("user", 1)], [None],
        [("user", "What did the Chatham House poll find?"), ("assistant", "43 per cent [1]")],
        [tuple(rng.choice(PIECES) for _ in range(rng.randrange(0, 4)))],
    ])


def consistent(settings: Settings, embedder: Embedder) -> tuple[int, int]:
    store = open_index(settings, embedder)
    try:
        return store.catalog.count_chunks(), store.vectors.count()
    finally:
        store.close()


def fuzz_questions(bot: Assistant, rng: random.Random, count: int) -> dict:
    answers = typed = failures = bad_citations = 0
    for _ in range(count):
        try:
            # arbitrary objects on purpose: ask() must answer or raise a typed error
            answer = bot.ask(random_question(rng), history=random_history(rng))  # type: ignore[arg-type]
        except (InvalidQuestionError, InvalidHistoryError):
            typed += 1
            continue
        except Exception:  # noqa: BLE001 - counted
            failures += 1
            continue
        answers += 1
        for c in answer.citations:
            text = bot.document_text(c.source) or ""
            bad_citations += text[c.start : c.end] != c.text
    return {"tried": count, "answers": answers, "typed_errors": typed, "failures": failures,
            "non_verbatim_citations": bad_citations}


def fuzz_files(work: Path, embedder: Embedder, rng: random.Random, count: int) -> dict:
    folder = work / "fuzz"
    folder.mkdir()
    for i in range(count):
        kind = i % 4
        data = (bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) if kind == 0
                else "Беларусь новости".encode()[: rng.randrange(1, 20)] if kind == 1
                else ("word " * rng.randrange(1, 50_000)).encode() if kind == 2
                else f"Report {i}\n\nBelarus exported {i} tonnes of grain in May.\n".encode())
        (folder / f"f{i:03d}.txt").write_bytes(data)
    nested = folder.joinpath(*[f"d{i}" for i in range(30)])
    nested.mkdir(parents=True)
    (nested / "deep.txt").write_text("Deep\n\nA deep file about Minsk trains.\n")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    settings = Settings.load(env={}, index_dir=str(work / "fuzz-index"))
    try:
        report = ingest([folder], settings, embedder, show_progress=False)
    except Exception as exc:  # noqa: BLE001 - counted
        return {"tried": count + 2, "failures": 1, "error": type(exc).__name__}
    chunks, vectors = consistent(settings, embedder)
    return {"tried": count + 2, "ingested": report.documents_seen,
            "per_file_messages": len(report.problems), "failures": 0,
            "chunks_in_catalog": chunks, "vectors": vectors}


def concurrency(work: Path, embedder: Embedder, clients: int) -> dict:
    settings = Settings.load(env={}, index_dir=str(work / "busy-index"))
    ingest([SEED_CORPUS], settings, embedder, show_progress=False)
    extra = make_corpus(work / "busy-extra", 25)
    bot = Assistant(settings, embedder)
    stop, errors, answered = threading.Event(), [], []

    def client() -> None:
        while not stop.is_set():
            try:
                answered.append(bot.ask("Why hasn't Lukashenko sent troops?"))
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(type(exc).__name__)
                return

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    report = ingest([SEED_CORPUS, extra], settings, embedder, show_progress=False,
                    batch_chunks=32)
    stop.set()
    for t in threads:
        t.join()
    chunks, vectors = consistent(settings, embedder)
    return {"clients": clients, "answers": len(answered), "errors": len(errors),
            "chunks_expected": chunks, "vectors_present": vectors,
            "documents_added": report.documents_added}


def kill_mid_ingest(work: Path, embedder: Embedder) -> dict:
    corpus = make_corpus(work / "kill-corpus", 60)
    index = work / "kill-index"
    script = ("import sys; from assistant.config import Settings; from assistant.ingestion "
              "import ingest; ingest([sys.argv[1]], Settings.load(env={}, index_dir=sys.argv[2]),"
              " show_progress=False, batch_chunks=16)")
    process = subprocess.Popen([sys.executable, "-c", script, str(corpus), str(index)])
    committed = 0
    while process.poll() is None and committed < 10:
        time.sleep(0.2)
        try:
            catalog = Catalog(index)
            committed = catalog.count_documents()
            catalog.close()
        except Exception:  # noqa: BLE001 - not created yet
            pass
    process.send_signal(signal.SIGKILL)
    process.wait()
    settings = Settings.load(env={}, index_dir=str(index))
    ingest([corpus], settings, embedder, show_progress=False)
    chunks, vectors = consistent(settings, embedder)
    return {"documents_committed_before_kill": committed, "chunks_expected": chunks,
            "vectors_present": vectors}


def disk_full(work: Path, embedder: Embedder) -> dict:
    settings = Settings.load(env={}, index_dir=str(work / "full-index"))
    ingest([SEED_CORPUS], settings, embedder, show_progress=False)
    before, _ = consistent(settings, embedder)
    extra = make_corpus(work / "full-extra", 12)
    original = VectorStore.upsert
    calls = {"n": 0}

    def failing(self, *args):
        calls["n"] += 1
        if calls["n"] >= 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, *args)

    VectorStore.upsert = failing  # type: ignore[method-assign]
    try:
        ingest([extra], settings, embedder, show_progress=False, batch_chunks=16)
        message = "no error"
    except AssistantError as exc:
        message = type(exc).__name__
    finally:
        VectorStore.upsert = original  # type: ignore[method-assign]
    during, _ = consistent(settings, embedder)
    ingest([extra], settings, embedder, show_progress=False)
    chunks, vectors = consistent(settings, embedder)
    return {"error": message, "chunks_before": before, "chunks_after_fault": during,
            "chunks_expected_after_retry": chunks, "vectors_present": vectors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = Settings.load(env={}, index_dir=str(work / "seed-index"))
        embedder = Embedder(settings)
        ingest([SEED_CORPUS], settings, embedder, show_progress=False)
        bot = Assistant(settings, embedder)
        result = {
            "questions_and_histories": fuzz_questions(bot, rng, args.questions),
            "files": fuzz_files(work, embedder, rng, 40),
            "ingest_while_asking": concurrency(work, embedder, 10),
            "kill_mid_ingest": kill_mid_ingest(work, embedder),
            "disk_full_mid_ingest": disk_full(work, embedder),
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
