"""Ingest: scan -> load and clean -> chunk -> embed only new chunks -> Chroma + catalog.

Consistency rule: the catalog is the source of truth. Vectors are written to Chroma *before* the
catalog commit that makes them visible, and every vector id whose Chroma state may disagree with
the catalog is journalled (pending_vectors) until Chroma has caught up. A run killed at any point
leaves an index that answers from committed documents only; the next run deletes orphan vectors
and finishes the job, and ids derived from content make re-writes idempotent.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from assistant import sentence_vectors
from assistant.catalog import CATALOG_FILE
from assistant.chunking import chunking_signature, split_document
from assistant.config import Settings
from assistant.corpus import (
    TEXT_EXTRACTION_VERSION,
    FileProblem,
    UnreadableFileError,
    load_document,
    scan_paths,
)
from assistant.embedding import Embedder
from assistant.errors import (
    AssistantError,
    DocumentNotFoundError,
    IndexBusyError,
    IngestWriteError,
    VectorStoreDamagedError,
)
from assistant.schema import Chunk, SourceDocument
from assistant.store import (
    INGEST_LOCK_FILE,
    IndexStore,
    bump_generation,
    open_index,
    uploads_dir,
)
from assistant.vectors import CHROMA_SUBDIR, forget_cached_clients

ProgressCallback = Callable[[str, int, int], None]
# documents added through the web UI get ids in their own namespace: corpus ids are bare file
# names, so an upload can never take the id (and the citations) of a corpus article
UPLOAD_NAMESPACE = "uploads/"


@dataclass
class IngestReport:
    documents_seen: int = 0
    documents_added: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_removed: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_unchanged: int = 0
    embeddings_computed: int = 0
    sentence_embeddings_computed: int = 0
    orphan_vectors_removed: int = 0
    vectors_reused: int = 0  # already in the vector store (e.g. after the catalog was lost)
    vectors_repaired: int = 0  # re-embedded from the catalog: missing from the vector store
    vector_store_recreated: bool = False
    seconds: float = 0.0
    problems: list[FileProblem] = field(default_factory=list)

    def merged(self, other: IngestReport) -> IngestReport:
        """This report plus another run's over the same index (the uploads pass)."""
        values: dict[str, Any] = {}
        for item in fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            values[item.name] = (mine or theirs if isinstance(mine, bool)
                                 else mine + theirs)
        return IngestReport(**values)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def summary(self) -> str:
        line = (
            f"{self.documents_seen} documents ({self.documents_added} added, "
            f"{self.documents_updated} updated, {self.documents_unchanged} unchanged, "
            f"{self.documents_removed} removed); chunks {self.chunks_added} added, "
            f"{self.chunks_removed} removed, {self.chunks_unchanged} unchanged; "
            f"{self.embeddings_computed} embeddings (+{self.sentence_embeddings_computed} "
            f"sentences); {self.seconds:.1f} s"
        )
        if self.vector_store_recreated:
            line += "; the damaged vector store was re-created"
        if self.vectors_repaired:
            line += f"; {self.vectors_repaired} missing vectors re-embedded from the catalog"
        if self.vectors_reused:
            line += f"; {self.vectors_reused} vectors reused from the vector store"
        if self.orphan_vectors_removed:
            line += f"; {self.orphan_vectors_removed} stray vectors removed"
        if self.problems:
            line += f"; {len(self.problems)} file(s) failed"
        return line


def index_lock(settings: Settings, wait_s: float = 0.0) -> FileLock:
    index_dir = Path(settings.index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(index_dir / INGEST_LOCK_FILE), timeout=wait_s)


def ingest(
    paths: Iterable[str | Path],
    settings: Settings,
    embedder: Embedder | None = None,
    *,
    rebuild: bool = False,
    prune: bool = True,
    lock_wait_s: float = 0.0,
    show_progress: bool | None = None,
    on_progress: ProgressCallback | None = None,
    batch_chunks: int = 256,
    namespace: str = "",
) -> IngestReport:
    """Bring the index in line with the files under `paths`; see the module docstring.
    `namespace` prefixes the document ids (UPLOAD_NAMESPACE for uploads)."""
    embedder = embedder or Embedder(settings)
    lock = index_lock(settings, lock_wait_s)
    try:
        lock.acquire()
    except Timeout as exc:
        raise IndexBusyError(
            f"another ingest is writing to {settings.index_dir}/ (lock {lock.lock_file}); "
            "wait for it to finish and run again"
        ) from exc
    try:
        if rebuild:
            _delete_index(settings)
        new_catalog = not (Path(settings.index_dir) / CATALOG_FILE).exists()
        store, recreated = _open_for_ingest(settings, embedder)
        if rebuild or new_catalog or recreated:
            bump_generation(settings)  # a running app must reopen: its files may be gone
        try:
            embedder.prepare_query_model()  # export for torch-free questions, once per machine
            job = _Ingestion(settings, embedder, store, show_progress, on_progress,
                             batch_chunks, namespace)
            job.report.vector_store_recreated = recreated
            report = job.run(paths, prune)
            uploads = uploads_dir(settings)
            if namespace != UPLOAD_NAMESPACE and uploads.is_dir():
                # documents added through the web chat belong to the index: a --rebuild or a
                # lost catalog brings them back with the corpus
                report = report.merged(_Ingestion(
                    settings, embedder, store, show_progress, on_progress, batch_chunks,
                    UPLOAD_NAMESPACE).run([uploads], prune))
            return report
        except AssistantError:
            raise
        except (OSError, sqlite3.Error) as exc:
            raise IngestWriteError(_write_error_message(settings, exc)) from exc
        except Exception as exc:
            # chromadb wraps disk errors in its own exception types
            if "disk" in str(exc).lower() or "space" in str(exc).lower():
                raise IngestWriteError(_write_error_message(settings, exc)) from exc
            raise
        finally:
            store.close()
    finally:
        lock.release()


def _open_for_ingest(settings: Settings, embedder: Embedder) -> tuple[IndexStore, bool]:
    """Open the index for writing; a damaged local vector store is derived data, so it is
    deleted and re-created (its vectors are re-embedded from the catalog). True when that
    happened."""
    try:
        store = open_index(settings, embedder, create=True)
        try:
            _probe_vectors(store)
        except BaseException:
            store.close()
            raise
        return store, False
    except VectorStoreDamagedError:
        if settings.uses_chroma_server:
            raise
    _delete_vector_store(settings)
    store = open_index(settings, embedder, create=True)
    return store, True


def _probe_vectors(store: IndexStore) -> None:
    """Load the vector segments once: some damage only shows when they are searched."""
    import numpy as np

    try:
        if store.vectors.count():
            store.vectors.query(np.zeros(store.vectors.dimension, np.float32), 1)
    except Exception as exc:
        raise VectorStoreDamagedError(
            f"the vector store cannot be searched ({type(exc).__name__}: {exc})") from exc


def _delete_vector_store(settings: Settings) -> None:
    shutil.rmtree(Path(settings.index_dir) / CHROMA_SUBDIR, ignore_errors=True)
    forget_cached_clients()


def _write_error_message(settings: Settings, exc: Exception) -> str:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return (f"writing the index in {settings.index_dir}/ failed ({reason}); documents committed "
            "before the failure are intact and searchable; free space or fix permissions and run "
            "ingest again to finish")


def _delete_index(settings: Settings) -> None:
    from assistant.vectors import chroma_client

    index_dir = Path(settings.index_dir)
    for name in (CATALOG_FILE, CATALOG_FILE + "-wal", CATALOG_FILE + "-shm"):
        (index_dir / name).unlink(missing_ok=True)
    if settings.uses_chroma_server:
        with contextlib.suppress(Exception):  # no collection: nothing to delete
            chroma_client(settings).delete_collection(settings.collection)
    else:
        _delete_vector_store(settings)


class _Ingestion:
    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        store: IndexStore,
        show_progress: bool | None,
        on_progress: ProgressCallback | None,
        batch_chunks: int,
        namespace: str = "",
    ) -> None:
        self.namespace = namespace
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.catalog = store.catalog
        self.report = IngestReport()
        self.show_progress = sys.stderr.isatty() if show_progress is None else show_progress
        self.on_progress = on_progress
        self.batch_chunks = max(1, batch_chunks)

    def run(self, paths: Iterable[str | Path], prune: bool) -> IngestReport:
        started = time.perf_counter()
        self.catalog.check_integrity()
        self._recover_orphans()
        scan = scan_paths(paths)
        self.report.problems.extend(scan.problems)
        signature = chunking_signature(self.settings.chunk_size, self.settings.chunk_overlap)
        rechunk_all = self.catalog.get_meta("chunking") not in (None, signature)
        reread_all = self.catalog.get_meta("text_extraction") != TEXT_EXTRACTION_VERSION
        known = self.catalog.document_hashes()
        changed = self._load_changed(scan.files, known, rechunk_all, reread_all)
        self._write(changed, known)
        self._record_stamps()
        if prune:
            self._prune_missing(scan.roots, {self.namespace + p.name for p in scan.files}, known)
        self._store_sentence_vectors()
        self.catalog.set_meta({"chunking": signature, "text_extraction": TEXT_EXTRACTION_VERSION})
        self._heal_vectors()
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _heal_vectors(self) -> None:
        """Compare the catalog with the vector store (counts, a sample of ids); on any
        difference, re-embed every passage whose vector is missing (from the catalog's text,
        no file is read) and remove vectors that no passage owns."""
        if self.store.vector_health().healthy:
            return
        passages = self.catalog.all_chunk_ids()
        vectors = self.store.vectors.all_ids()
        stray = sorted(vectors - passages)
        if stray:
            self.store.vectors.delete(stray)
            self.report.orphan_vectors_removed += len(stray)
        missing = sorted(passages - vectors)
        for start in range(0, len(missing), self.batch_chunks):
            found = self.catalog.get_chunks(missing[start : start + self.batch_chunks])
            chunks = list(found.values())
            self.store.vectors.upsert([c.chunk_id for c in chunks],
                                      self.embedder.encode([c.text for c in chunks]),
                                      [_vector_metadata(c) for c in chunks])
            self.report.embeddings_computed += len(chunks)
            self.report.vectors_repaired += len(chunks)

    def _store_sentence_vectors(self) -> None:
        """Embed the sentences of new chunks (and of chunks stored before sentence vectors
        existed) so that questions embed nothing but themselves."""
        total = self.catalog.count_chunks()
        done = 0

        def progress(chunks: int) -> None:
            nonlocal done
            done += chunks
            self._progress("sentences", min(done, total), total)

        self.report.sentence_embeddings_computed += sentence_vectors.store_missing(
            self.catalog, self.embedder.encode, self.batch_chunks, progress)
        sentence_vectors.count_missing_tokens(self.catalog, self.batch_chunks)

    def _record_stamps(self) -> None:
        for doc_id, (size, mtime_ns) in self._stamps.items():
            self.catalog.set_file_stamp(doc_id, size, mtime_ns)

    def _recover_orphans(self) -> None:
        orphans = self.catalog.pending_orphans()
        if orphans:
            self.store.vectors.delete(orphans)
            self.report.orphan_vectors_removed = len(orphans)
        self.catalog.clear_pending()

    def _load_changed(
        self, files: Sequence[Path], known: dict[str, tuple[str, str]], rechunk_all: bool,
        reread_all: bool = False,
    ) -> list[SourceDocument]:
        """The documents to (re)index. A file is read again unless its size and time are as
        when it was ingested; all are, after a change of chunking (`rechunk_all`: all are
        re-indexed too) or of text extraction (`reread_all`: those whose text changed are)."""
        from tqdm import tqdm

        changed: list[SourceDocument] = []
        seen_ids: dict[str, Path] = {}
        stamps = {} if rechunk_all or reread_all else self.catalog.file_stamps()
        self._stamps: dict[str, tuple[int, int]] = {}
        progress = tqdm(files, desc="documents", unit="doc", disable=not self.show_progress)
        for number, path in enumerate(progress, start=1):
            self._progress("reading", number, len(files))
            doc_id = self.namespace + path.name
            stamp = _file_stamp(path)
            if (doc_id not in seen_ids and stamp is not None
                    and stamps.get(str(path.resolve())) == stamp):
                # same size and modification time as when it was ingested: not read again
                seen_ids[doc_id] = path
                self.report.documents_seen += 1
                self.report.documents_unchanged += 1
                continue
            if doc_id in seen_ids:
                self.report.problems.append(FileProblem(
                    str(path), f"duplicate document id {doc_id!r} (also {seen_ids[doc_id]}); "
                    "file names are document ids and must be unique"))
                continue
            try:
                doc = load_document(path, self.settings.max_file_bytes, self.settings)
            except UnreadableFileError as exc:
                self.report.problems.append(FileProblem(str(path), str(exc)))
                continue
            if doc.doc_id != doc_id:
                doc = dataclasses.replace(doc, doc_id=doc_id)
            seen_ids[doc_id] = path
            self.report.documents_seen += 1
            if stamp is not None:
                self._stamps[doc.doc_id] = stamp
            previous = known.get(doc.doc_id)
            if previous and previous[0] == doc.content_hash and not rechunk_all:
                self.report.documents_unchanged += 1
                continue
            changed.append(doc)
        return changed

    def _write(self, docs: list[SourceDocument], known: dict[str, tuple[str, str]]) -> None:
        from tqdm import tqdm

        planned = []
        cap = self.settings.max_chunks_per_document
        for doc in docs:
            chunks = split_document(doc, self.settings.chunk_size, self.settings.chunk_overlap)
            if len(chunks) > cap:  # refused before any embedding or lock-holding work
                self.report.problems.append(FileProblem(doc.path, (
                    f"would make {len(chunks):,} passages, over the limit of {cap:,} per "
                    "document (max_chunks_per_document); split the file or raise the limit")))
                self.report.documents_seen -= 1
                self._stamps.pop(doc.doc_id, None)
                continue
            planned.append((doc, chunks))
        total_chunks = sum(len(chunks) for _, chunks in planned)
        bar = tqdm(total=total_chunks, desc="chunks", unit="chunk", disable=not self.show_progress)
        group: list[tuple[SourceDocument, list[Chunk]]] = []
        size = done = 0
        for doc, chunks in planned:
            group.append((doc, chunks))
            size += len(chunks)
            if size >= self.batch_chunks:
                self._write_group(group, known)
                done += size
                bar.update(size)
                self._progress("embedding", done, total_chunks)
                group, size = [], 0
        if group:
            self._write_group(group, known)
            bar.update(size)
            self._progress("embedding", total_chunks, total_chunks)
        bar.close()

    def _write_group(
        self, group: list[tuple[SourceDocument, list[Chunk]]], known: dict[str, tuple[str, str]]
    ) -> None:
        existing = set()
        for doc, _ in group:
            existing |= self.catalog.chunk_ids_of(doc.doc_id)
        new_chunks = [c for _, chunks in group for c in chunks if c.chunk_id not in existing]
        if new_chunks:
            new_ids = [c.chunk_id for c in new_chunks]
            self.catalog.mark_pending(new_ids)
            # ids name their content, so a vector already stored under one is still right
            # (the catalog was lost, or an earlier run died before its catalog commit)
            stored = self.store.vectors.existing(new_ids)
            to_embed = [c for c in new_chunks if c.chunk_id not in stored]
            self.report.vectors_reused += len(new_chunks) - len(to_embed)
            if to_embed:
                vectors = self.embedder.encode([c.text for c in to_embed])
                self.report.embeddings_computed += len(to_embed)
                self.store.vectors.upsert([c.chunk_id for c in to_embed], vectors,
                                          [_vector_metadata(c) for c in to_embed])
        for doc, chunks in group:
            removed = self.catalog.replace_document(doc, chunks)
            if removed:
                self.store.vectors.delete(removed)
                self.catalog.clear_pending(removed)
            self.report.chunks_removed += len(removed)
            if doc.doc_id in known:
                self.report.documents_updated += 1
            else:
                self.report.documents_added += 1
        self.report.chunks_added += len(new_chunks)
        self.report.chunks_unchanged += sum(len(c) for _, c in group) - len(new_chunks)

    def _prune_missing(
        self, roots: Sequence[Path], present: set[str], known: dict[str, tuple[str, str]]
    ) -> None:
        """Remove documents whose file lived under a scanned folder and is gone now."""
        folders = [root for root in roots if root.is_dir()]
        for doc_id, (_, stored_path) in known.items():
            path = Path(stored_path)
            under_scanned = any(path.is_relative_to(folder) for folder in folders)
            if under_scanned and doc_id not in present and not path.exists():
                removed = self.catalog.remove_document(doc_id)
                self.store.vectors.delete(removed)
                self.catalog.clear_pending(removed)
                self.report.documents_removed += 1
                self.report.chunks_removed += len(removed)

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, done, total)


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _vector_metadata(chunk: Chunk) -> dict:
    return {"doc_id": chunk.doc_id, "position": chunk.position, "start": chunk.start,
            "end": chunk.end}


def delete_document(settings: Settings, doc_id: str, embedder: Embedder | None = None,
                    lock_wait_s: float = 0.0) -> int:
    """Remove one document (its passages and vectors) from the index; returns the number of
    passages removed. A corpus document comes back at the next ingest of its folder unless its
    file is removed too; an uploaded document's stored file is deleted with it."""
    embedder = embedder or Embedder(settings)
    lock = index_lock(settings, lock_wait_s)
    try:
        lock.acquire()
    except Timeout as exc:
        raise IndexBusyError("another ingest is writing to the index; try again when it has "
                             "finished") from exc
    try:
        store = open_index(settings, embedder, create=False)
        try:
            known = store.catalog.document_hashes()
            if doc_id not in known:
                raise DocumentNotFoundError(f"no document {doc_id!r} in the index")
            removed = store.catalog.remove_document(doc_id)
            store.vectors.delete(removed)
            store.catalog.clear_pending(removed)
        finally:
            store.close()
        stored = Path(known[doc_id][1])
        upload_dir = (Path(settings.index_dir) / UPLOAD_NAMESPACE.rstrip("/")).resolve()
        if doc_id.startswith(UPLOAD_NAMESPACE) and stored.parent == upload_dir:
            stored.unlink(missing_ok=True)
        return len(removed)
    finally:
        lock.release()


def ensure_corpus_indexed(settings: Settings, embedder: Embedder | None = None,
                          on_progress: ProgressCallback | None = None) -> IngestReport:
    """Ingest the configured corpus paths: builds a missing index, refreshes a stale one, and
    costs well under a second (no embedding) when nothing changed."""
    return ingest(list(settings.corpus_paths), settings, embedder, lock_wait_s=600,
                  show_progress=False, on_progress=on_progress)
