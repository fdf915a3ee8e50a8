"""Catalog schema migrations: every earlier version, versioned or from before versions were
stored, opens and is brought to the current schema with its data intact and its counters exact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.catalog import CATALOG_FILE, Catalog
from assistant.errors import IndexCorruptError
from assistant.migrations import LATEST_VERSION, MIGRATIONS, legacy_version, migrate, statements
from assistant.schema import Chunk, SourceDocument

EARLIER = [m.version for m in MIGRATIONS if m.version < LATEST_VERSION]


def _catalog_at(path: Path, version: int, stored_version: bool) -> None:
    """A catalog at `version` holding two documents and three chunks, written the way that
    version wrote them (without PRAGMA user_version when `stored_version` is False)."""
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, target=version)
    db.executescript("""
        INSERT INTO documents(doc_id, path, content_hash, title, text, chunk_count, ingested_at)
            VALUES ('a.txt', '/c/a.txt', 'h1', 'Potash', 'Potash exports rose. Rail opened.', 2, 0),
                   ('b.txt', '/c/b.txt', 'h2', 'Poll', 'The poll found 43 per cent.', 1, 0);
        INSERT INTO chunks(chunk_id, doc_id, position, start, end, text) VALUES
            ('a.txt#1', 'a.txt', 0, 0, 20, 'Potash exports rose.'),
            ('a.txt#2', 'a.txt', 1, 21, 33, 'Rail opened.'),
            ('b.txt#1', 'b.txt', 0, 0, 27, 'The poll found 43 per cent.');
        INSERT INTO meta(key, value) VALUES ('embedding_model', 'm@1');
    """)
    if not stored_version:
        db.execute("PRAGMA user_version = 0")
    db.close()


def _schema(path: Path) -> set[tuple[str, str]]:
    db = sqlite3.connect(path)
    rows = db.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    shape = {(kind, name) for kind, name, _ in rows}
    columns = {("column", f"{table}.{r[1]}") for table in ("documents", "sentence_vectors")
               for r in db.execute(f"PRAGMA table_info({table})")}
    db.close()
    return shape | columns


@pytest.fixture
def fresh_schema(tmp_path) -> set[tuple[str, str]]:
    Catalog(tmp_path / "fresh", create=True).close()
    return _schema(tmp_path / "fresh" / CATALOG_FILE)


@pytest.mark.parametrize("stored_version", [True, False], ids=["versioned", "unversioned"])
@pytest.mark.parametrize("version", EARLIER)
def test_every_earlier_version_migrates_to_the_current_schema(tmp_path, fresh_schema, version,
                                                               stored_version):
    path = tmp_path / CATALOG_FILE
    _catalog_at(path, version, stored_version)
    probe = sqlite3.connect(path)
    assert legacy_version(probe) == version  # the shape really is that version's
    probe.close()

    catalog = Catalog(tmp_path)
    assert catalog.schema_versions == (version, LATEST_VERSION)
    assert catalog._db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert _schema(path) == fresh_schema
    assert catalog.count_documents() == 2
    assert catalog.count_chunks() == 3  # the counter starts from the rows already there
    assert catalog.get_meta("embedding_model") == "m@1"
    assert catalog.keyword_search("potash", 5)[0][0] == "a.txt#1"
    assert catalog.file_stamps()["/c/a.txt"] == (-1, -1)  # unknown stamp: the file is re-read

    # the migrated triggers keep the counter and the keyword index exact on writes
    doc = SourceDocument("b.txt", "/c/b.txt", "Rail freight doubled.", "Poll", content_hash="h3")
    catalog.replace_document(doc, [Chunk("b.txt#9", "b.txt", "Rail freight doubled.", 0, 21, 0)])
    assert catalog.count_chunks() == 3
    assert {cid for cid, _ in catalog.keyword_search("rail", 5)} == {"a.txt#2", "b.txt#9"}
    assert catalog.keyword_search("poll", 5) == []
    catalog.remove_document("a.txt")
    assert catalog.count_chunks() == 1
    catalog.close()

    reopened = Catalog(tmp_path)  # already current: nothing is applied twice
    assert reopened.schema_versions == (LATEST_VERSION, LATEST_VERSION)
    reopened.close()


def test_a_new_catalog_is_created_at_the_latest_version(tmp_path):
    catalog = Catalog(tmp_path, create=True)
    assert catalog.schema_versions == (0, LATEST_VERSION)
    assert catalog._db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert catalog.count_chunks() == 0
    catalog.close()


def test_a_catalog_from_a_newer_version_is_refused(tmp_path):
    Catalog(tmp_path, create=True).close()
    db = sqlite3.connect(tmp_path / CATALOG_FILE)
    db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    db.close()
    with pytest.raises(IndexCorruptError, match="newer.*--rebuild"):
        Catalog(tmp_path)


def test_a_failing_step_leaves_the_catalog_at_its_old_version(tmp_path, monkeypatch):
    from assistant import migrations

    path = tmp_path / CATALOG_FILE
    _catalog_at(path, 1, stored_version=True)
    broken = (*MIGRATIONS[:-1],
              migrations.Migration(LATEST_VERSION, "broken", "ALTER TABLE nowhere ADD x INT;"))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    db = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1  # step 2 rolled back too
    assert "file_size" not in {r[1] for r in db.execute("PRAGMA table_info(documents)")}
    db.close()


def test_versions_are_numbered_in_order_and_statements_split_at_trigger_ends():
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    parts = statements(MIGRATIONS[2].sql)
    assert any(p.startswith("CREATE TRIGGER chunks_ai") and p.endswith("END;") for p in parts)
