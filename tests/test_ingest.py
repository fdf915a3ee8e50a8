"""Ingestion against a real Chroma on temp dirs with the real bundled model."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.catalog import CATALOG_FILE, Catalog
from assistant.chunking import count_tokens
from assistant.errors import EmbeddingModelMismatchError, IndexBusyError
from assistant.ingestion import index_lock, ingest
from assistant.store import open_index
from tests.conftest import CORPUS, REPO, index_state, make_settings
from tests.test_cleaning import BOILERPLATE


def test_seed_corpus_chunks_metadata_and_offsets(seed_index, embedder):
    store = open_index(seed_index, embedder)
    docs = {d["doc_id"]: d for d in store.catalog.documents()}
    assert set(docs) == {p.name for p in CORPUS.iterdir()}
    assert docs["002_24c47c4952debea1.txt"]["outlet"] == "The Euro Weekly News"
    assert docs["000_aca9131ad47c8ed9.txt"]["author"] == "Lisa Haseldine"
    chunks = store.catalog.get_chunks(sorted(store.catalog.all_chunk_ids()))
    assert len(chunks) == store.vectors.count() >= 20
    for chunk in chunks.values():
        text = store.catalog.document_text(chunk.doc_id)
        assert text[chunk.start : chunk.end] == chunk.text  # offsets index the cleaned text
        assert count_tokens(chunk.text) <= seed_index.chunk_size
        assert not BOILERPLATE.search(chunk.text)
    store.close()


def test_reingest_is_idempotent_and_embeds_nothing(tmp_path, corpus_copy, embedder):
    settings = make_settings(tmp_path / "index")
    first = ingest([corpus_copy], settings, embedder, show_progress=False)
    before = index_state(settings, embedder)
    second = ingest([corpus_copy], settings, embedder, show_progress=False)
    after = index_state(settings, embedder)
    assert first.documents_added == 5 and first.embeddings_computed > 0
    assert second.embeddings_computed == 0 and second.documents_unchanged == 5
    assert before[0] == after[0] == after[1]


def test_a_new_text_extraction_rereads_unchanged_files_and_reindexes_changed_text(
        tmp_path, corpus_copy, embedder):
    import sqlite3

    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    # as if an older extractor had given this file another text: same size and time on disk
    with sqlite3.connect(settings.index_dir / CATALOG_FILE) as db:
        db.execute("UPDATE documents SET content_hash='older' WHERE doc_id=?",
                   ("003_12bf27ef89cc3537.txt",))
    skipped = ingest([corpus_copy], settings, embedder, show_progress=False)
    assert skipped.documents_unchanged == 5 and skipped.documents_updated == 0  # not read
    with sqlite3.connect(settings.index_dir / CATALOG_FILE) as db:
        db.execute("UPDATE meta SET value='1' WHERE key='text_extraction'")
    reread = ingest([corpus_copy], settings, embedder, show_progress=False)
    assert reread.documents_updated == 1 and reread.documents_unchanged == 4
    assert reread.embeddings_computed == 0  # the same chunks: their vectors are kept


def test_changed_file_replaces_its_chunks_and_removed_file_is_pruned(tmp_path, corpus_copy,
                                                                     embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    changed = corpus_copy / "003_12bf27ef89cc3537.txt"
    text = changed.read_text()
    marker = "The possibility of such direct involvement"
    changed.write_text(text.replace(marker, "A brand new paragraph about grain exports.\n\n" + marker))
    (corpus_copy / "004_8f9e010c70d96ada.txt").unlink()
    report = ingest([corpus_copy], settings, embedder, show_progress=False)
    catalog_ids, vector_ids, docs = index_state(settings, embedder)
    assert report.documents_updated == 1 and report.documents_removed == 1
    # only chunks whose text changed are embedded again; unchanged ones keep their vectors
    assert report.chunks_unchanged >= 1
    assert report.embeddings_computed == report.chunks_added > 0
    assert catalog_ids == vector_ids
    assert "004_8f9e010c70d96ada.txt" not in {d["doc_id"] for d in docs}
    assert not any(cid.startswith("004_") for cid in vector_ids)


def test_bad_inputs_get_specific_messages_and_the_rest_is_ingested(tmp_path, corpus_copy,
                                                                   embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_text("")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00" * 10)
    (bad / "latin1.txt").write_bytes("Caf\xe9 au lait in Minsk. ".encode("latin-1") * 5)
    (bad / "good.md").write_text("# Grain exports\n\nBelarus exported grain in May 2022.\n")
    locked = bad / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    empty_dir = tmp_path / "nothing-here"
    empty_dir.mkdir()
    (empty_dir / "image.png").write_bytes(b"png")
    report = ingest([bad, empty_dir, tmp_path / "missing"], settings, embedder,
                    show_progress=False)
    messages = {Path(p.path).name: p.message for p in report.problems}
    assert "empty" in messages["empty.txt"]
    assert "binary" in messages["binary.txt"]
    assert "UTF-8" in messages["latin1.txt"]
    if os.geteuid() != 0:  # root can read any file
        assert "permission" in messages["locked.txt"]
    assert "no .txt" in messages["nothing-here"]
    assert "no such file" in messages["missing"]
    _, _, docs = index_state(settings, embedder)
    assert {d["doc_id"] for d in docs} >= {p.name for p in CORPUS.iterdir()} | {"good.md"}


def test_cli_exit_code_reports_failures(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("   ")
    result = subprocess.run(
        [sys.executable, str(REPO / "ingest.py"), str(bad), "--index", str(tmp_path / "i"),
         "--quiet"], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "empty.txt: file is empty" in result.stderr


def test_html_is_read_without_scripts_or_navigation(tmp_path, embedder):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Grain deal</title><script>alert('x')</script></head><body>"
        "<nav>Home | World | Sport</nav><h1>Grain deal signed</h1>"
        "<p>Ukraine and Turkey signed a grain deal in Istanbul on 22 July 2022.</p>"
        "<footer>Copyright Example News</footer></body></html>"
    )
    settings = make_settings(tmp_path / "index")
    ingest([page], settings, embedder, show_progress=False)
    store = open_index(settings, embedder)
    text = store.catalog.document_text("page.html")
    store.close()
    assert "signed a grain deal in Istanbul" in text
    assert "alert" not in text and "Home | World" not in text


def test_other_embedding_model_is_refused(tmp_path, corpus_copy, embedder):
    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    catalog = Catalog(tmp_path / "index")
    catalog.set_meta({"embedding_model": "some-other-model@0123456789abcdef"})
    catalog.close()
    with pytest.raises(EmbeddingModelMismatchError, match="some-other-model"):
        ingest([corpus_copy], settings, embedder, show_progress=False)


def test_second_ingest_on_same_index_is_refused_while_locked(tmp_path, corpus_copy, embedder):
    settings = make_settings(tmp_path / "index")
    with index_lock(settings), pytest.raises(IndexBusyError, match="another ingest"):
        ingest([corpus_copy], settings, embedder, show_progress=False)


def _synthetic_corpus(folder: Path, count: int) -> None:
    rng = random.Random(7)
    sentences = [s for p in CORPUS.iterdir() for s in p.read_text().split(". ") if len(s) > 60]
    folder.mkdir()
    for number in range(count):
        body = ". ".join(rng.sample(sentences, 40))
        (folder / f"synthetic_{number:03d}.txt").write_text(f"Synthetic report {number}\n\n{body}.")


CRASH_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from assistant.config import Settings
    from assistant.ingestion import ingest
    from assistant.vectors import VectorStore

    real_upsert = VectorStore.upsert
    calls = []

    def upsert_then_die(self, ids, vectors, metadatas):
        real_upsert(self, ids, vectors, metadatas)
        calls.append(len(ids))
        if len(calls) == 2:  # vectors of the second group written, its catalog commit not yet
            os.kill(os.getpid(), signal.SIGKILL)

    VectorStore.upsert = upsert_then_die
    settings = Settings.load(config_file=None, env={}, index_dir=sys.argv[2])
    ingest([sys.argv[1]], settings, show_progress=False, batch_chunks=16)
""")


def test_kill_mid_ingest_then_resume_without_duplicates_or_gaps(tmp_path, embedder):
    """The writer dies at the worst moment, deterministically: after Chroma took a group's
    vectors and before the catalog commit that makes them visible (no timing involved)."""
    corpus = tmp_path / "big"
    _synthetic_corpus(corpus, 12)
    index = tmp_path / "index"
    process = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, str(corpus), str(index)],
                             timeout=600)
    assert process.returncode == -signal.SIGKILL

    settings = make_settings(index)
    catalog_ids, vector_ids, docs = index_state(settings, embedder)
    assert 0 < len(docs) < 12, "the first group is committed, the second is not"
    assert catalog_ids < vector_ids  # committed chunks have vectors; the dead group's wait
    from assistant.engine import Assistant

    bot = Assistant(settings, embedder)
    answer = bot.ask("What did the Chatham House poll find?")
    assert answer.citations
    assert all(c.source in {d["doc_id"] for d in docs} for c in answer.citations)

    report = ingest([corpus], settings, embedder, show_progress=False)
    catalog_ids, vector_ids, docs = index_state(settings, embedder)
    assert len(docs) == 12
    assert catalog_ids == vector_ids
    assert report.documents_unchanged == 12 - report.documents_added > 0
    assert report.orphan_vectors_removed > 0  # the dead group's journalled vectors


NO_NETWORK_SCRIPT = textwrap.dedent("""
    import socket, sys
    attempts = []
    real_connect = socket.socket.connect
    def guarded_connect(self, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and not str(host).startswith("/"):
            attempts.append(address)
            raise OSError("network disabled in test")
        return real_connect(self, address)
    socket.socket.connect = guarded_connect
    real_getaddrinfo = socket.getaddrinfo
    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in (None, "127.0.0.1", "::1", "localhost"):
            attempts.append(host)
            raise OSError("name resolution disabled in test")
        return real_getaddrinfo(host, *args, **kwargs)
    socket.getaddrinfo = guarded_getaddrinfo
    import os
    for key in ("HF_HUB_OFFLINE", "TIKTOKEN_CACHE_DIR", "ANONYMIZED_TELEMETRY"):
        os.environ.pop(key, None)
    from assistant import Assistant, Settings
    from assistant.ingestion import ingest
    settings = Settings.load(config_file=None, env={}, index_dir=sys.argv[2])
    ingest([sys.argv[1]], settings, show_progress=False)
    answer = Assistant(settings).ask("What did the Chatham House poll find?")
    assert answer.citations, answer
    print("ATTEMPTS", attempts)
""")


def test_no_outside_connection_during_ingest_and_query(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_SCRIPT, str(CORPUS), str(tmp_path / "index")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ATTEMPTS []" in result.stdout, result.stdout


def test_index_from_an_older_version_is_migrated(tmp_path, corpus_copy, embedder):
    """Catalogs written before the file stamps and the chunk counter still open and stay exact."""
    import sqlite3

    settings = make_settings(tmp_path / "index")
    ingest([corpus_copy], settings, embedder, show_progress=False)
    db = sqlite3.connect(tmp_path / "index" / "catalog.sqlite3")
    db.executescript("""
        DROP TRIGGER chunks_ai; DROP TRIGGER chunks_ad; DROP TABLE chunk_total;
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text); END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        ALTER TABLE documents DROP COLUMN file_size; ALTER TABLE documents DROP COLUMN file_mtime_ns;
        DROP TABLE document_pages;
        DROP TRIGGER chunk_sentences_ad; DROP TABLE chunk_sentences; DROP TABLE sentence_vectors;
        PRAGMA user_version = 0;
    """)  # as the first version wrote it (tests/test_migrations.py covers every version)
    db.close()
    (corpus_copy / "004_8f9e010c70d96ada.txt").unlink()
    report = ingest([corpus_copy], settings, embedder, show_progress=False)
    assert report.documents_removed == 1
    catalog = Catalog(tmp_path / "index")
    exact = catalog._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    assert catalog.count_chunks() == exact > 0
    catalog.close()
