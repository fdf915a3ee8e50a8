"""Numbered catalog schema migrations, applied in order; the version lives in PRAGMA user_version.

Step N brings a catalog at version N-1 to version N. Never edit a step that has shipped: add the
next one. Catalogs written before versions were stored (user_version 0 with tables present) are
recognised by their shape (`legacy_version`) and then migrated like any other.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial: documents, chunks, FTS5 keyword index, vector journal", """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, content_hash TEXT NOT NULL,
    title TEXT, outlet TEXT, author TEXT, date TEXT, text TEXT NOT NULL,
    chunk_count INTEGER NOT NULL, ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL,
    position INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS pending_vectors (chunk_id TEXT PRIMARY KEY);
"""),
    Migration(2, "file size and mtime stamps: unchanged files are skipped unread", """
ALTER TABLE documents ADD COLUMN file_size INTEGER NOT NULL DEFAULT -1;
ALTER TABLE documents ADD COLUMN file_mtime_ns INTEGER NOT NULL DEFAULT -1;
"""),
    Migration(3, "chunk counter kept by the triggers (COUNT(*) scans every chunk)", """
CREATE TABLE chunk_total (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
INSERT INTO chunk_total(id, n) SELECT 1, COUNT(*) FROM chunks;
DROP TRIGGER chunks_ai;
DROP TRIGGER chunks_ad;
CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
    UPDATE chunk_total SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    UPDATE chunk_total SET n = n - 1 WHERE id = 1;
END;
"""),
    Migration(4, "page start offsets of paginated documents: PDF citations name their page", """
CREATE TABLE document_pages (
    doc_id TEXT NOT NULL, page INTEGER NOT NULL, start INTEGER NOT NULL,
    PRIMARY KEY (doc_id, page)
);
"""),
    Migration(5, "sentence vectors computed at ingest, keyed by a hash of the sentence text", """
CREATE TABLE IF NOT EXISTS sentence_vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunk_sentences (
    chunk_id TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (chunk_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chunk_sentences_by_key ON chunk_sentences(key);
CREATE TRIGGER IF NOT EXISTS chunk_sentences_ad AFTER DELETE ON chunks BEGIN
    DELETE FROM chunk_sentences WHERE chunk_id = old.chunk_id;
END;
CREATE TRIGGER IF NOT EXISTS sentence_vectors_unused AFTER DELETE ON chunk_sentences
WHEN NOT EXISTS (SELECT 1 FROM chunk_sentences WHERE key = old.key) BEGIN
    DELETE FROM sentence_vectors WHERE key = old.key;
END;
"""),
    Migration(6, "each stored sentence's cl100k token count: the answer's token budget is "
                 "checked without loading the tokenizer at question time (NULL: count then)", """
ALTER TABLE sentence_vectors ADD COLUMN tokens INTEGER;
INSERT OR REPLACE INTO meta(key, value)
    SELECT 'sentence_token_counts_pending', '1' WHERE EXISTS (SELECT 1 FROM sentence_vectors);
"""),
)

LATEST_VERSION = MIGRATIONS[-1].version


class SchemaTooNewError(Exception):
    """The catalog was written by a newer version of the assistant."""


def statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies hold inner semicolons)."""
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:80]}")
    return found


def legacy_version(db: sqlite3.Connection) -> int:
    """The version of a catalog that predates PRAGMA user_version, judged by its shape."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "documents" not in tables:
        return 0
    columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    if "file_size" not in columns:
        return 1
    if "chunk_total" not in tables:
        return 2
    if "document_pages" not in tables:
        return 3
    if "sentence_vectors" not in tables:
        return 4
    if "tokens" not in {row[1] for row in db.execute("PRAGMA table_info(sentence_vectors)")}:
        return 5
    return 6


def current_version(db: sqlite3.Connection) -> int:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    return version or legacy_version(db)


def _checked_version(db: sqlite3.Connection) -> int:
    version = current_version(db)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"catalog schema version {version} is newer than this version of the assistant "
            f"knows ({LATEST_VERSION})")
    return version


def migrate(db: sqlite3.Connection, target: int = LATEST_VERSION) -> tuple[int, int]:
    """Apply the missing steps up to `target` in one write transaction; (from, to) versions.

    `db` must be in autocommit mode (isolation_level=None). The version is read again under the
    write lock so that two processes opening an old catalog at once migrate it only once.
    """
    start = _checked_version(db)
    if start >= target:
        return start, start
    db.execute("BEGIN IMMEDIATE")
    try:
        start = _checked_version(db)
        if start >= target:  # another process migrated it meanwhile
            db.execute("COMMIT")
            return start, start
        for migration in MIGRATIONS:
            if start < migration.version <= target:
                for statement in statements(migration.sql):
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {int(target)}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return start, target
