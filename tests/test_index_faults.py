"""Every file of the index deleted, truncated and overwritten with random bytes: what `ask` says
and what a plain ingest does (the README's fault table is this table), plus uploads surviving
--rebuild and a running assistant following a rebuild made by another process."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.catalog import CATALOG_FILE
from assistant.engine import Assistant
from assistant.errors import (
    IndexCorruptError,
    IndexNotReadyError,
    VectorStoreDamagedError,
)
from assistant.ingestion import UPLOAD_NAMESPACE, ingest
from assistant.store import UPLOADS_SUBDIR, read_generation
from assistant.vectors import CHROMA_SUBDIR, forget_cached_clients
from tests.conftest import CORPUS, REPO, index_state, make_settings

QUESTION = "What did the Chatham House poll find?"
FACT = "43 per cent"
SEGMENT = "<segment>"  # Chroma's HNSW folder, named by a uuid

# file -> damage -> (what ask does, what a plain ingest does)
#   ask: "answers" | "not ready" (IndexNotReadyError, run ingest) | "vectors damaged"
#        (VectorStoreDamagedError: run ingest) | "catalog damaged" (IndexCorruptError: --rebuild)
#   ingest: "heals, reuses vectors" | "heals, re-embeds" | "nothing to do" | "refuses: --rebuild"
CATALOG_DAMAGED = ("catalog damaged", "refuses: --rebuild")
VECTORS_REBUILT = ("vectors damaged", "heals, re-embeds")
HARMLESS = ("answers", "nothing to do")  # Chroma re-reads its HNSW files from its own log
FAULTS = {
    CATALOG_FILE: {"deleted": ("not ready", "heals, reuses vectors"),
                   "truncated": CATALOG_DAMAGED, "overwritten": CATALOG_DAMAGED},
    f"{CHROMA_SUBDIR}/chroma.sqlite3": {"deleted": VECTORS_REBUILT, "truncated": VECTORS_REBUILT,
                                        "overwritten": VECTORS_REBUILT},
    **{f"{CHROMA_SUBDIR}/{SEGMENT}/{name}": dict.fromkeys(
        ("deleted", "truncated", "overwritten"), HARMLESS)
       for name in ("header.bin", "data_level0.bin", "length.bin", "link_lists.bin")},
}
CASES = [(file, damage) for file, damages in FAULTS.items() for damage in damages]


@pytest.fixture(scope="module")
def pristine_index(tmp_path_factory, embedder) -> Path:
    index = tmp_path_factory.mktemp("pristine") / "index"
    ingest([CORPUS], make_settings(index), embedder, show_progress=False)
    forget_cached_clients()
    assert not Path(str(index / CATALOG_FILE) + "-wal").exists()  # every page in the main file
    return index


def _resolve(index: Path, file: str) -> Path:
    if SEGMENT in file:
        segments = [p for p in (index / CHROMA_SUBDIR).iterdir() if p.is_dir()]
        assert len(segments) == 1
        return segments[0] / Path(file).name
    return index / file


def _damage(path: Path, damage: str) -> None:
    assert path.is_file(), path
    if damage == "deleted":
        path.unlink()
    elif damage == "truncated":
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 3)
    else:
        path.write_bytes(random.Random(path.name).randbytes(max(path.stat().st_size, 4096)))


def _ask_outcome(settings, embedder) -> str:
    try:
        answer = Assistant(settings, embedder).ask(QUESTION)
    except IndexNotReadyError as exc:
        assert "ingest" in str(exc)
        return "not ready"
    except VectorStoreDamagedError as exc:
        assert "assistant ingest PATHS" in str(exc) and "--rebuild" in str(exc)
        return "vectors damaged"
    except IndexCorruptError as exc:
        assert "--rebuild" in str(exc)
        assert "free space" not in str(exc)
        return "catalog damaged"
    assert FACT in answer.text
    return "answers"


@pytest.mark.parametrize(("file", "damage"), CASES)
def test_fault_table(file, damage, pristine_index, tmp_path, embedder):
    expected_ask, expected_ingest = FAULTS[file][damage]
    index = tmp_path / "index"
    shutil.copytree(pristine_index, index)
    forget_cached_clients()
    passages = len(index_state(make_settings(index), embedder)[0])
    forget_cached_clients()
    _damage(_resolve(index, file), damage)
    settings = make_settings(index)

    assert _ask_outcome(settings, embedder) == expected_ask

    if expected_ingest == "refuses: --rebuild":
        with pytest.raises(IndexCorruptError, match="--rebuild") as refused:
            ingest([CORPUS], settings, embedder, show_progress=False)
        assert "free space" not in str(refused.value)
        report = ingest([CORPUS], settings, embedder, rebuild=True, show_progress=False)
        assert report.embeddings_computed == passages
    else:
        report = ingest([CORPUS], settings, embedder, show_progress=False)
        assert report.documents_seen == 5 and not report.problems
        if expected_ingest == "heals, reuses vectors":
            assert report.documents_added == 5
            assert (report.vectors_reused, report.embeddings_computed) == (passages, 0)
        elif expected_ingest == "heals, re-embeds":
            assert report.documents_unchanged == 5  # files not read again: the catalog has them
            assert report.vectors_repaired == report.embeddings_computed == passages
        else:
            assert report.embeddings_computed == 0 and report.vectors_repaired == 0
    catalog_ids, vector_ids, _ = index_state(settings, embedder)
    assert catalog_ids == vector_ids and len(catalog_ids) == passages
    assert _ask_outcome(settings, embedder) == "answers"


def test_missing_vectors_found_by_the_sample_are_re_embedded(pristine_index, tmp_path, embedder):
    """Same count, wrong ids (vectors swapped for strays): only the id sample can see it."""
    index = tmp_path / "index"
    shutil.copytree(pristine_index, index)
    forget_cached_clients()
    settings = make_settings(index)
    bot = Assistant(settings, embedder)
    vectors = bot.store.vectors
    victims = sorted(bot.store.catalog.all_chunk_ids())
    got = vectors.collection.get(ids=victims, include=["embeddings"])
    vectors.delete(victims)
    vectors.upsert([f"stray#{i}" for i in range(len(victims))], np.asarray(got["embeddings"]),
                   [{"doc_id": "stray"}] * len(victims))
    bot.reload()
    assert vectors.count() == len(victims)  # the counts agree
    with pytest.raises(VectorStoreDamagedError, match="sampled passages have no vector"):
        _ = bot.store
    report = ingest([CORPUS], settings, embedder, show_progress=False)
    assert report.vectors_repaired == len(victims)
    assert report.orphan_vectors_removed == len(victims)
    assert FACT in Assistant(settings, embedder).ask(QUESTION).text


def _upload(index: Path, name: str, text: str) -> None:
    folder = index / UPLOADS_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)


UPLOADED = ("Tractor output report\n\nThe Minsk tractor works built 31,415 tractors in the "
            "first half of the year, a plant spokesman said.\n")


def test_rebuild_and_a_lost_catalog_keep_the_uploads(tmp_path, embedder):
    settings = make_settings(tmp_path / "index")
    ingest([CORPUS], settings, embedder, show_progress=False)
    _upload(tmp_path / "index", "upload_tractors.txt", UPLOADED)
    ingest([tmp_path / "index" / UPLOADS_SUBDIR / "upload_tractors.txt"], settings, embedder,
           show_progress=False, prune=False, namespace=UPLOAD_NAMESPACE)  # as the web chat does

    report = ingest([CORPUS], settings, embedder, rebuild=True, show_progress=False)
    assert report.documents_added == 6
    docs = {d["doc_id"] for d in index_state(settings, embedder)[2]}
    assert UPLOAD_NAMESPACE + "upload_tractors.txt" in docs

    forget_cached_clients()
    (tmp_path / "index" / CATALOG_FILE).unlink()
    ingest([CORPUS], settings, embedder, show_progress=False)
    answer = Assistant(settings, embedder).ask("How many tractors did the Minsk works build?")
    assert "31,415" in answer.text
    assert answer.citations[0].source == UPLOAD_NAMESPACE + "upload_tractors.txt"


def test_a_running_assistant_follows_a_rebuild_by_another_process(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = make_settings(tmp_path / "index")
    ingest([corpus], settings, embedder, show_progress=False)
    bot = Assistant(settings, embedder)
    assert FACT in bot.ask(QUESTION).text
    before = read_generation(settings)

    (corpus / "005_tractors.txt").write_text(UPLOADED)
    rebuilt = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", "--rebuild", str(corpus), "--index",
         str(tmp_path / "index"), "--quiet"], capture_output=True, text=True, timeout=600,
        cwd=REPO)
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    assert read_generation(settings) not in ("", before)

    # without reopening, the assistant would read the deleted catalog: 5 documents, no tractors
    assert "005_tractors.txt" in {d["doc_id"] for d in bot.documents()}
    answer = bot.ask("How many tractors did the Minsk works build?")
    assert "31,415" in answer.text
    assert FACT in bot.ask(QUESTION).text
