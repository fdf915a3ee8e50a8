"""The catalog: an SQLite file beside the vectors that is the source of truth for what is indexed.

It holds documents (cleaned text and metadata), chunks (text and offsets), an FTS5 full-text index
over chunks (BM25 keyword retrieval, updated incrementally by triggers), index metadata (embedding
model, chunking) and a journal of vector ids whose Chroma state may lag behind a crash.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from assistant.errors import IndexCorruptError
from assistant.migrations import SchemaTooNewError, migrate
from assistant.schema import Chunk, SourceDocument

CATALOG_FILE = "catalog.sqlite3"


_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def is_corruption(exc: BaseException) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file is damaged (not full, locked or unreadable)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    text = str(exc)
    return "malformed" in text or "not a database" in text


def catalog_damaged(path: Path, exc: Exception | str) -> IndexCorruptError:
    return IndexCorruptError(
        f"the catalog {path} is damaged ({exc}); rebuild the index with "
        "`assistant ingest --rebuild PATHS`")


def _typed_corruption(method):
    """Damage found by any catalog read or write surfaces as IndexCorruptError naming --rebuild."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                raise catalog_damaged(self.path, exc) from exc
            raise

    return wrapper


def _corruption_typed(cls):
    for name, method in list(vars(cls).items()):
        if callable(method) and not name.startswith("_") and name != "close":
            setattr(cls, name, _typed_corruption(method))
    return cls


_CHUNK_COLUMNS = "c.chunk_id, c.doc_id, c.text, c.start, c.end, c.position, d.title, d.outlet"


@_corruption_typed
class Catalog:
    def __init__(self, index_dir: Path, create: bool = False) -> None:
        self.path = Path(index_dir) / CATALOG_FILE
        if not create and not self.path.is_file():
            raise FileNotFoundError(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.isolation_level = None  # migrate() runs its own transaction
            self.schema_versions = migrate(self._db)
            self._db.isolation_level = "DEFERRED"  # the default, "" (plain BEGIN), named
        except SchemaTooNewError as exc:
            raise IndexCorruptError(
                f"{exc}: {self.path} was written by a newer assistant; upgrade, or rebuild the "
                "index with `assistant ingest --rebuild PATHS`") from exc
        except sqlite3.DatabaseError as exc:
            if is_corruption(exc):
                raise catalog_damaged(self.path, exc) from exc
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- metadata -------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, values: dict[str, str]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                list(values.items()),
            )

    def delete_meta(self, key: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM meta WHERE key=?", (key,))

    # --- documents ------------------------------------------------------------------------
    def document_hashes(self) -> dict[str, tuple[str, str]]:
        """doc_id -> (content_hash, path)."""
        with self._lock:
            rows = self._db.execute("SELECT doc_id, content_hash, path FROM documents").fetchall()
        return {doc_id: (digest, path) for doc_id, digest, path in rows}

    def file_stamps(self) -> dict[str, tuple[int, int]]:
        """path -> (size, mtime_ns) of the file as last ingested."""
        with self._lock:
            rows = self._db.execute(
                "SELECT path, file_size, file_mtime_ns FROM documents").fetchall()
        return {path: (size, mtime) for path, size, mtime in rows}

    def set_file_stamp(self, doc_id: str, size: int, mtime_ns: int) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE documents SET file_size=?, file_mtime_ns=? WHERE doc_id=?",
                             (size, mtime_ns, doc_id))

    def documents(self) -> list[dict]:
        with self._lock:
            cursor = self._db.execute(
                "SELECT doc_id, title, outlet, author, date, path, chunk_count FROM documents "
                "ORDER BY doc_id"
            )
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def page_at(self, doc_id: str, offset: int) -> int | None:
        """The 1-based page holding character `offset` of a paginated document, else None."""
        with self._lock:
            row = self._db.execute(
                "SELECT MAX(page) FROM document_pages WHERE doc_id=? AND start<=?",
                (doc_id, offset)).fetchone()
        return row[0] if row else None

    def document_text(self, doc_id: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def count_documents(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    def count_chunks(self) -> int:
        """Exact, O(1): kept by the insert/delete triggers (COUNT(*) scans every chunk)."""
        with self._lock:
            return self._db.execute("SELECT n FROM chunk_total WHERE id = 1").fetchone()[0]

    def consistency_counts(self) -> tuple[int, int, int]:
        """(chunks, keyword rows, pending vector ids) read in one snapshot."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                chunks = self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
                keyword = self._db.execute("SELECT COUNT(*) FROM chunks_fts_docsize").fetchone()[0]
                pending = self._db.execute("SELECT COUNT(*) FROM pending_vectors").fetchone()[0]
            finally:
                self._db.execute("COMMIT")
        return chunks, keyword, pending

    # --- chunks ---------------------------------------------------------------------------
    def chunk_ids_of(self, doc_id: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))
            return {r[0] for r in rows}

    def sample_chunk_ids(self, size: int) -> list[str]:
        """Up to `size` chunk ids spread over the table (O(size log n), no full scan)."""
        with self._lock:
            low, high = self._db.execute("SELECT MIN(rowid), MAX(rowid) FROM chunks").fetchone()
            if low is None:
                return []
            step = max(1, (high - low + 1) // max(1, size))
            picked = {self._db.execute(
                "SELECT chunk_id FROM chunks WHERE rowid >= ? ORDER BY rowid LIMIT 1",
                (point,)).fetchone()[0] for point in range(low, high + 1, step)}
        return sorted(picked)[:size] if len(picked) > size else sorted(picked)

    def check_integrity(self) -> None:
        """PRAGMA quick_check over every page: damage that open-time reads did not touch."""
        with self._lock:
            rows = [r[0] for r in self._db.execute("PRAGMA quick_check(5)")]
        if rows != ["ok"]:
            raise catalog_damaged(self.path, "; ".join(rows))

    def all_chunk_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._db.execute("SELECT chunk_id FROM chunks")}

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        with self._lock:
            for start in range(0, len(chunk_ids), 500):
                batch = list(chunk_ids[start : start + 500])
                marks = ",".join("?" * len(batch))
                rows = self._db.execute(
                    f"SELECT {_CHUNK_COLUMNS} FROM chunks c JOIN documents d USING(doc_id) "
                    f"WHERE c.chunk_id IN ({marks})",
                    batch,
                )
                for row in rows:
                    found[row[0]] = Chunk(row[0], row[1], row[2], row[3], row[4], row[5],
                                           title=row[6] or "", outlet=row[7] or "")
        return found

    def keyword_search(
        self, match_query: str, limit: int, sources: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, bm25 score: higher is better) for an FTS5 MATCH expression."""
        params: list = [match_query]
        source_filter = ""
        if sources:
            source_filter = f" AND c.doc_id IN ({','.join('?' * len(sources))})"
            params.extend(sources)
        params.append(limit)
        with self._lock:
            rows = self._db.execute(
                "SELECT c.chunk_id, -bm25(chunks_fts) FROM chunks_fts "
                "JOIN chunks c ON c.rowid = chunks_fts.rowid "
                f"WHERE chunks_fts MATCH ?{source_filter} ORDER BY bm25(chunks_fts) LIMIT ?",
                params,
            ).fetchall()
        return [(chunk_id, float(score)) for chunk_id, score in rows]

    def holds_word(self, word: str, doc_id: str, *, prefix: bool = False,
                   elsewhere: bool = False) -> bool:
        """Whether the document (`elsewhere`: any other document) holds the word, as the
        keyword index reads words: stemmed and case-folded; `prefix`: any word it begins."""
        phrase = '"' + word.replace('"', "") + '"' + ("*" if prefix else "")
        compare = "!=" if elsewhere else "="
        with self._lock:
            found = self._db.execute(
                "SELECT EXISTS(SELECT 1 FROM chunks_fts JOIN chunks c ON c.rowid = "
                f"chunks_fts.rowid WHERE chunks_fts MATCH ? AND c.doc_id {compare} ?)",
                (phrase, doc_id)).fetchone()[0]
        return bool(found)

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        terms = list(set(terms))
        if not terms:
            return {}
        with self._lock:
            rows = self._db.execute(
                f"SELECT term, doc FROM chunks_vocab WHERE term IN ({','.join('?' * len(terms))})",
                terms,
            ).fetchall()
        return dict(rows)

    # --- writes (each one transaction) ----------------------------------------------------
    def mark_pending(self, chunk_ids: Iterable[str]) -> None:
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO pending_vectors(chunk_id) VALUES(?)",
                [(cid,) for cid in chunk_ids],
            )

    def pending_orphans(self) -> list[str]:
        """Journalled vector ids that the catalog does not hold: they must leave Chroma."""
        with self._lock:
            rows = self._db.execute(
                "SELECT p.chunk_id FROM pending_vectors p "
                "LEFT JOIN chunks c ON c.chunk_id = p.chunk_id WHERE c.chunk_id IS NULL"
            )
            return [r[0] for r in rows]

    def clear_pending(self, chunk_ids: Iterable[str] | None = None) -> None:
        with self._lock, self._db:
            if chunk_ids is None:
                self._db.execute("DELETE FROM pending_vectors")
            else:
                self._db.executemany(
                    "DELETE FROM pending_vectors WHERE chunk_id=?", [(c,) for c in chunk_ids]
                )

    def replace_document(self, doc: SourceDocument, chunks: Sequence[Chunk]) -> list[str]:
        """Make `chunks` the document's chunks; return the ids that were removed.

        The removed ids are journalled in the same transaction so that their vectors are deleted
        from Chroma even if the process dies right after this commit.
        """
        keep = {c.chunk_id for c in chunks}
        with self._lock, self._db:
            old = {r[0] for r in self._db.execute(
                "SELECT chunk_id FROM chunks WHERE doc_id=?", (doc.doc_id,))}
            removed = sorted(old - keep)
            self._db.executemany("DELETE FROM chunks WHERE chunk_id=?", [(c,) for c in removed])
            self._db.executemany(
                "INSERT OR IGNORE INTO chunks(chunk_id, doc_id, position, start, end, text) "
                "VALUES(?, ?, ?, ?, ?, ?)",
                [(c.chunk_id, c.doc_id, c.position, c.start, c.end, c.text) for c in chunks],
            )
            # positions can shift when text is inserted before an unchanged chunk
            self._db.executemany(
                "UPDATE chunks SET position=?, start=?, end=? WHERE chunk_id=?",
                [(c.position, c.start, c.end, c.chunk_id) for c in chunks if c.chunk_id in old],
            )
            self._db.execute(
                "INSERT INTO documents(doc_id, path, content_hash, title, outlet, author, date, "
                "text, chunk_count, ingested_at) VALUES(?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT(doc_id) DO UPDATE SET path=excluded.path, "
                "content_hash=excluded.content_hash, title=excluded.title, "
                "outlet=excluded.outlet, author=excluded.author, date=excluded.date, "
                "text=excluded.text, chunk_count=excluded.chunk_count, "
                "ingested_at=excluded.ingested_at",
                (doc.doc_id, doc.path, doc.content_hash, doc.title, doc.outlet, doc.author,
                 doc.date, doc.text, len(chunks), time.time()),
            )
            self._db.execute("DELETE FROM document_pages WHERE doc_id=?", (doc.doc_id,))
            self._db.executemany(
                "INSERT INTO document_pages(doc_id, page, start) VALUES(?, ?, ?)",
                [(doc.doc_id, page, start) for page, start in enumerate(doc.page_starts, 1)],
            )
            self._db.executemany(
                "DELETE FROM pending_vectors WHERE chunk_id=?", [(c,) for c in keep]
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO pending_vectors(chunk_id) VALUES(?)",
                [(c,) for c in removed],
            )
        return removed

    def remove_document(self, doc_id: str) -> list[str]:
        with self._lock, self._db:
            removed = [r[0] for r in self._db.execute(
                "SELECT chunk_id FROM chunks WHERE doc_id=?", (doc_id,))]
            self._db.execute("DELETE FROM chunks WHERE doc_id=?", (doc_id,))
            self._db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            self._db.execute("DELETE FROM document_pages WHERE doc_id=?", (doc_id,))
            self._db.executemany(
                "INSERT OR IGNORE INTO pending_vectors(chunk_id) VALUES(?)",
                [(c,) for c in removed],
            )
        return removed

    # --- sentence vectors (computed at ingest, looked up at question time) ---------------
    def chunks_without_sentence_vectors(self, limit: int) -> list[tuple[str, str]]:
        """(chunk_id, text) of up to `limit` chunks whose sentences have no stored vectors."""
        with self._lock:
            return self._db.execute(
                "SELECT c.chunk_id, c.text FROM chunks c WHERE NOT EXISTS "
                "(SELECT 1 FROM chunk_sentences s WHERE s.chunk_id = c.chunk_id) LIMIT ?",
                (limit,)).fetchall()

    def sentence_vectors(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """key -> stored vector bytes, for the keys that have one."""
        return self._sentence_column("vector", keys)

    def sentence_token_counts(self, keys: Sequence[bytes]) -> dict[bytes, int]:
        """key -> stored token count, for the keys that have one."""
        return self._sentence_column("tokens", keys)

    def _sentence_column(self, column: Literal["vector", "tokens"],
                         keys: Sequence[bytes]) -> dict:
        """key -> the non-null `column` of sentence_vectors, 500 keys to a query (SQLite's
        default limit on bound parameters is 999)."""
        found: dict = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                batch = list(keys[start : start + 500])
                rows = self._db.execute(
                    f"SELECT key, {column} FROM sentence_vectors WHERE {column} IS NOT NULL "
                    f"AND key IN ({','.join('?' * len(batch))})", batch)
                found.update(rows)
        return found

    def add_sentence_vectors(self, vectors: dict[bytes, bytes],
                             chunk_keys: Iterable[tuple[str, bytes]],
                             token_counts: dict[bytes, int] | None = None) -> None:
        """Store new sentence vectors (with their token counts where given) and which chunks
        hold which sentences, in one transaction (links to chunks that are gone are skipped)."""
        token_counts = token_counts or {}
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR IGNORE INTO sentence_vectors(key, vector, tokens) VALUES(?, ?, ?)",
                [(key, vector, token_counts.get(key)) for key, vector in vectors.items()])
            self._db.executemany(
                "INSERT OR IGNORE INTO chunk_sentences(chunk_id, key) "
                "SELECT ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE chunk_id = ?)",
                [(chunk_id, key, chunk_id) for chunk_id, key in chunk_keys])

    def chunks_with_uncounted_sentences(self, limit: int) -> list[tuple[str, str]]:
        """(chunk_id, text) of up to `limit` chunks holding a stored sentence without a token
        count (stored before counts were)."""
        with self._lock:
            return self._db.execute(
                "SELECT DISTINCT c.chunk_id, c.text FROM sentence_vectors v "
                "JOIN chunk_sentences s ON s.key = v.key JOIN chunks c ON c.chunk_id = s.chunk_id "
                "WHERE v.tokens IS NULL LIMIT ?", (limit,)).fetchall()

    def set_sentence_token_counts(self, counts: dict[bytes, int]) -> None:
        """Fill in the token counts of stored sentences that have none."""
        with self._lock, self._db:
            self._db.executemany(
                "UPDATE sentence_vectors SET tokens = ? WHERE key = ? AND tokens IS NULL",
                [(count, key) for key, count in counts.items()])

    def drop_sentence_vectors(self) -> None:
        """Forget every stored sentence vector (the sentence segmenter changed)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM sentence_vectors")
            self._db.execute("DELETE FROM chunk_sentences")
