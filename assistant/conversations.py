"""Chat conversations kept in SQLite beside the index (`conversations.sqlite3`), so that they
survive reloads and restarts. A user message without an answer yet is a pending question."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONVERSATIONS_FILE = "conversations.sqlite3"
NEW_TITLE = "New conversation"
TITLE_CHARS = 60
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    data TEXT,              -- assistant turns: the answer record the transcript is drawn from
    answered_by INTEGER,    -- user turns: the assistant message answering it; NULL while pending
    created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_conversation ON messages(conversation_id, id);
"""


@dataclass
class Message:
    id: int
    role: str
    content: str
    data: dict[str, Any] = field(default_factory=dict)
    answered_by: int | None = None

    @property
    def pending(self) -> bool:
        return self.role == "user" and self.answered_by is None


@dataclass
class Conversation:
    id: str
    title: str
    messages: list[Message] = field(default_factory=list)


class ConversationStore:
    def __init__(self, index_dir: Path | str) -> None:
        folder = Path(index_dir)
        self.path = folder / CONVERSATIONS_FILE
        self._lock = threading.RLock()
        self._connection: sqlite3.Connection | None = None

    @property
    def _db(self) -> sqlite3.Connection:
        """Opened (and the file created) on first use: an app nobody chats with writes nothing."""
        with self._lock:
            if self._connection is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._connection = sqlite3.connect(self.path, check_same_thread=False)
                self._connection.execute("PRAGMA busy_timeout = 5000")
                self._connection.executescript(_SCHEMA)
            return self._connection

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            if self._connection is None and not self.path.exists():
                return []
            return self._db.execute(sql, params).fetchall()

    def _write(self, sql: str, params: tuple = ()) -> None:
        with self._lock, self._db:
            self._db.execute(sql, params)

    # --- conversations -----------------------------------------------------------------------
    def create(self, title: str = NEW_TITLE) -> str:
        conversation_id = uuid.uuid4().hex[:16]
        now = time.time()
        self._write("INSERT INTO conversations(id, title, created, updated) VALUES (?,?,?,?)",
                    (conversation_id, title, now, now))
        return conversation_id

    def exists(self, conversation_id: str | None) -> bool:
        return bool(conversation_id) and bool(
            self._query("SELECT 1 FROM conversations WHERE id=?", (conversation_id,)))

    def summaries(self) -> list[tuple[str, str]]:
        """(id, title), most recently used first."""
        return [(r[0], r[1]) for r in self._query(
            "SELECT id, title FROM conversations ORDER BY updated DESC, created DESC, id")]

    def latest(self) -> str | None:
        found = self.summaries()
        return found[0][0] if found else None

    def rename(self, conversation_id: str, title: str) -> None:
        title = " ".join(title.split())[:200]
        if title:
            self._write("UPDATE conversations SET title=? WHERE id=?", (title, conversation_id))

    def delete(self, conversation_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM messages WHERE conversation_id=?", (conversation_id,))
            self._db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    def get(self, conversation_id: str | None) -> Conversation | None:
        rows = self._query("SELECT id, title FROM conversations WHERE id=?",
                           (conversation_id or "",))
        if not rows:
            return None
        messages = [
            Message(id=r[0], role=r[1], content=r[2], data=json.loads(r[3]) if r[3] else {},
                    answered_by=r[4])
            for r in self._query(
                "SELECT id, role, content, data, answered_by FROM messages "
                "WHERE conversation_id=? ORDER BY id", (conversation_id,))]
        return Conversation(id=rows[0][0], title=rows[0][1], messages=messages)

    # --- messages ----------------------------------------------------------------------------
    def add_question(self, conversation_id: str, text: str) -> int:
        now = time.time()
        title = text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO messages(conversation_id, role, content, created) "
                "VALUES (?, 'user', ?, ?)", (conversation_id, text, now))
            # a new conversation is named after its first question until renamed
            self._db.execute("UPDATE conversations SET title=? WHERE id=? AND title=?",
                             (title, conversation_id, NEW_TITLE))
            self._db.execute("UPDATE conversations SET updated=? WHERE id=?",
                             (now, conversation_id))
        return int(cursor.lastrowid or 0)

    def pending(self, conversation_id: str) -> list[Message]:
        conversation = self.get(conversation_id)
        return [m for m in conversation.messages if m.pending] if conversation else []

    def add_answer(self, question_id: int, content: str, data: dict[str, Any]) -> bool:
        """Record the answer to a pending question; False when it was answered (or stopped)
        meanwhile, so that a question never gets two answers."""
        now = time.time()
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT conversation_id FROM messages WHERE id=? AND role='user' AND "
                "answered_by IS NULL", (question_id,)).fetchone()
            if row is None:
                return False
            cursor = self._db.execute(
                "INSERT INTO messages(conversation_id, role, content, data, created) "
                "VALUES (?, 'assistant', ?, ?, ?)", (row[0], content, json.dumps(data), now))
            self._db.execute("UPDATE messages SET answered_by=? WHERE id=?",
                             (cursor.lastrowid, question_id))
            self._db.execute("UPDATE conversations SET updated=? WHERE id=?", (now, row[0]))
        return True
