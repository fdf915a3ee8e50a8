"""The Gradio web chat. It calls the same Assistant as the Python API and the CLI.

`ChatApp.build()` returns the Blocks (to launch, or to mount on another FastAPI app with
`ChatApp.launch_options()`); the views are plain HTML built in `assistant.chat_view`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.chat_view import (
    CSS,
    TRANSCRIPT_JS,
    answer_record,
    export_markdown,
    message_record,
    render_header,
    render_transcript,
)
from assistant.config import Settings
from assistant.conversations import Conversation, ConversationStore, Message
from assistant.engine import Assistant
from assistant.errors import AssistantError, IndexBusyError
from assistant.prompts import load_ui_texts
from assistant.schema import Answer
from assistant.store import ingest_running

log = logging.getLogger("assistant.ui")

UPLOAD_SUFFIXES = {".txt", ".md", ".html", ".htm"}
_SAFE_NAME = re.compile(r"^[\w][\w .()-]{0,150}$")
CONVERSATION_KEY = "news-assistant-conversation"
EXAMPLE_SLOTS = 4
DOCUMENT_HEADERS = ["title", "outlet", "author", "date", "chunks", "document"]
# how often an open page checks whether the index changed (upload, delete, another process)
INDEX_POLL_S = 2.0


# --- pure helpers (tested without a browser) ---------------------------------------------------
def history_to_turns(history: Any) -> list[tuple[str, str]]:
    """Gradio messages (dicts) or [role, text] pairs -> (role, text) turns of text only."""
    turns: list[tuple[str, str]] = []
    for item in history or []:
        if isinstance(item, dict):
            role, content = item.get("role"), item.get("content")
        elif isinstance(item, (list, tuple)) and len(item) == 2:
            role, content = item
        else:
            continue
        if isinstance(content, list):  # multimodal content parts
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        if role in ("user", "assistant") and isinstance(content, str):
            turns.append((role, strip_markup(content)))
    return turns


def strip_markup(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def safe_upload_name(name: str) -> str:
    """The bare file name of an upload, refusing anything that could leave the upload folder."""
    if "/" in name or "\\" in name or name in {"", ".", ".."}:
        raise ValueError(f"refused file name {name!r}: it must not contain a path")
    base = name
    if not _SAFE_NAME.match(base) or ".." in base:
        raise ValueError(f"refused file name {base!r}: use letters, digits, spaces, . _ - ( )")
    if Path(base).suffix.lower() not in UPLOAD_SUFFIXES:
        raise ValueError(f"{base}: only .txt, .md and .html files can be added")
    return base


def store_upload(source: Path, original_name: str, upload_dir: Path, max_bytes: int) -> Path:
    name = safe_upload_name(original_name)
    size = source.stat().st_size
    if size > max_bytes:
        raise ValueError(f"{name} is {size:,} bytes; the upload limit is {max_bytes:,} bytes")
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = (upload_dir / name).resolve()
    if target.parent != upload_dir.resolve():
        raise ValueError(f"refused file name {original_name!r}")
    shutil.copyfile(source, target)
    return target


_ABSOLUTE_PATH = re.compile(r"(?<![\w:/])/(?:[\w.-]+/)*[\w.-]+/?")


def without_paths(message: str, settings: Settings) -> str:
    """A message for the browser with the server's file system paths taken out."""
    for folder in {str(Path(settings.index_dir).resolve()), str(settings.index_dir)}:
        message = message.replace(folder, "the index folder")
    return _ABSOLUTE_PATH.sub("(server path)", message)


def _remove_gradio_temp(path: Path) -> None:
    """Delete a refused upload from Gradio's upload folder (never a file outside it)."""
    try:
        from gradio.utils import get_upload_folder

        if path.resolve().is_relative_to(Path(get_upload_folder()).resolve()):
            path.unlink(missing_ok=True)
    except (ImportError, OSError):
        pass


def example_candidates(documents: list[dict], template: str) -> list[str]:
    """Questions made from document titles, largest documents first, one per outlet first."""
    ranked = sorted(documents, key=lambda d: (-(d.get("chunk_count") or 0), d["doc_id"]))
    seen_outlets: set[str] = set()
    first: list[str] = []
    rest: list[str] = []
    for doc in ranked:
        title = " ".join((doc.get("title") or "").split())
        if not title or len(title) > 120:
            continue
        question = title if title.endswith("?") else template.format(title=title.rstrip(".!"))
        outlet = doc.get("outlet") or doc["doc_id"]
        (rest if outlet in seen_outlets else first).append(question)
        seen_outlets.add(outlet)
    return list(dict.fromkeys(first + rest))


# --- the app -------------------------------------------------------------------------------
class ChatApp:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.upload_dir = Path(settings.index_dir) / "uploads"
        self.conversations = ConversationStore(settings.index_dir)
        self.texts = load_ui_texts(settings.prompts_dir)
        self._answering: dict[str, threading.Lock] = {}
        self._answering_guard = threading.Lock()
        self._upload_lock = threading.Lock()
        self._upload_status = ""
        self._answerable: dict[str, bool] = {}
        self._examples_lock = threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="assistant-export-"))
        weakref.finalize(self, shutil.rmtree, self.export_dir, True)

    # --- answering -----------------------------------------------------------------------
    def answer(self, message: str, history: Any, answerer: str | None = None,
               top_k: int | None = None, sources: list[str] | None = None) -> Answer | str:
        """An Answer, or a readable message for the user when something is wrong.
        `answerer` None: the configured one (Settings.answerer), as for the CLI and Python API."""
        if not isinstance(message, str) or not message.strip():
            return "Please type a question about the articles."
        try:
            return self.assistant.ask(message, history_to_turns(history), answerer=answerer,
                                      top_k=int(top_k) if top_k else None,
                                      sources=sources or None)
        except AssistantError as exc:
            return f"⚠️ {without_paths(str(exc), self.settings)}"
        except Exception as exc:  # the chat must never die on one question
            log.exception("engine failure")
            return (f"⚠️ Something went wrong while answering ({type(exc).__name__}). "
                    "The app is still running; please try again.")

    def api_ask(self, message: str, history: list | None = None) -> dict:
        """Named endpoint /ask: (message, history) -> answer text with its citations."""
        result = self.answer(message, history or [])
        if isinstance(result, str):
            return {"answer": result, "abstained": False, "citations": [], "error": True}
        return {**result.to_dict(), "error": False}

    def default_answerer(self) -> str:
        """The answerer the UI starts with: the configured one when it can run."""
        llm_ready = bool(self.settings.llm_model or self.settings.llm_model_path)
        return self.settings.answerer if llm_ready else "extractive"

    def record_for(self, message: str, history: list[tuple[str, str]], answerer: str | None,
                   top_k: int | None, sources: list[str] | None) -> dict:
        """The stored record of one assistant turn: answer, citation cards, what was searched."""
        result = self.answer(message, history, answerer, top_k, sources)
        if isinstance(result, str):
            return message_record(result, "error")
        documents = self._documents_by_id()
        searched: dict[str, Any] = {}
        if result.abstained:  # the titles of a source filter, beside what the engine says
            searched = {"documents": len(documents), "top_k": top_k or self.settings.top_k,
                        "question": result.standalone_question or result.question}
            if sources:
                searched["source_titles"] = [
                    documents.get(s, {}).get("title") or s for s in sources]
        return answer_record(result, documents, self.assistant.document_text, searched)

    def _documents_by_id(self) -> dict[str, dict]:
        try:
            return {d["doc_id"]: d for d in self.assistant.documents()}
        except AssistantError:
            return {}

    # --- conversations ---------------------------------------------------------------------
    def current_conversation(self, conversation_id: str | None) -> str | None:
        """The page's conversation if it still exists, else the most recent one."""
        if self.conversations.exists(conversation_id):
            return conversation_id
        return self.conversations.latest()

    def enqueue(self, message: str, conversation_id: str | None) -> str | None:
        """Store a question as pending; returns its conversation (None: nothing to send)."""
        text = (message or "").strip()
        if not text:
            return None
        target = conversation_id if conversation_id and self.conversations.exists(
            conversation_id) else self.conversations.create()
        self.conversations.add_question(target, text)
        return target

    def answer_pending(self, conversation_id: str | None, answerer: str | None = None,
                       top_k: int | None = None, sources: list[str] | None = None) -> None:
        """Answer every pending question of a conversation, oldest first. Questions sent while
        one is being answered wait for it; a stopped question is not answered again."""
        if not conversation_id:
            return
        with self._answering_guard:
            lock = self._answering.setdefault(conversation_id, threading.Lock())
        with lock:
            while True:
                conversation = self.conversations.get(conversation_id)
                if conversation is None:
                    return
                pending = [m for m in conversation.messages if m.pending]
                if not pending:
                    return
                question = pending[0]
                history = _history_before(conversation, question)
                record = self.record_for(question.content, history, answerer, top_k, sources)
                self.conversations.add_answer(question.id, record["text"], record)

    def explain_last(self, conversation_id: str | None, answerer: str | None = None,
                     top_k: int | None = None, sources: list[str] | None = None) -> str:
        """Explain mode for the conversation's latest answered question: candidates and their
        scores, the abstention decision and its margin, the follow-up rewrite, stage verdicts.
        Plain text, shown in a text box, never as markup."""
        conversation = self.conversations.get(conversation_id) if conversation_id else None
        if conversation is None:
            return "Ask a question first; its explanation appears here."
        asked = [m for m in conversation.messages if m.role == "user" and not m.pending]
        if not asked:
            return "Ask a question first; its explanation appears here."
        question = asked[-1]
        history = _history_before(conversation, question)
        try:
            explanation = self.assistant.explain(question.content, history,
                                                 answerer=answerer or self.default_answerer(),
                                                 top_k=top_k, sources=sources or None)
        except AssistantError as exc:
            return without_paths(str(exc), self.settings)
        return explanation.to_text()

    def stop(self, conversation_id: str | None) -> None:
        if not conversation_id:
            return
        stopped = self.texts["messages"]["stopped"]
        for message in self.conversations.pending(conversation_id):
            self.conversations.add_answer(message.id, stopped, message_record(stopped, "stopped"))

    def transcript(self, conversation_id: str | None) -> str:
        return render_transcript(self.conversations.get(conversation_id))

    def export(self, conversation_id: str | None) -> Path | None:
        conversation = self.conversations.get(conversation_id)
        if conversation is None:
            return None
        slug = re.sub(r"[^\w-]+", "-", conversation.title).strip("-")[:40] or "conversation"
        path = self.export_dir / conversation.id / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(export_markdown(conversation), encoding="utf-8")
        return path

    # --- the index -------------------------------------------------------------------------
    def documents(self) -> list[dict]:
        try:
            return self.assistant.documents()
        except AssistantError:
            return []

    def index_signature(self, documents: list[dict] | None = None) -> str:
        """Changes whenever a document is added, changed or removed (by anyone)."""
        docs = self.documents() if documents is None else documents
        digest = hashlib.sha1()
        for d in docs:
            digest.update(f"{d['doc_id']}\0{d.get('chunk_count')}\0{d.get('title')}\n".encode())
        return f"{len(docs)}:{digest.hexdigest()[:16]}"

    def documents_table(self, documents: list[dict] | None = None) -> list[list]:
        docs = self.documents() if documents is None else documents
        return [[d["title"], d["outlet"], d["author"], d["date"], d["chunk_count"], d["doc_id"]]
                for d in docs]

    def source_choices(self, documents: list[dict] | None = None) -> list[str]:
        """The document ids of the index."""
        docs = self.documents() if documents is None else documents
        return [d["doc_id"] for d in docs]

    def source_options(self, documents: list[dict] | None = None) -> list[tuple[str, str]]:
        """(label, document id) pairs for pickers: titles, told apart by their file."""
        docs = self.documents() if documents is None else documents
        return [(f"{d['title'] or d['doc_id']} ({d['doc_id']})", d["doc_id"]) for d in docs]

    def example_questions(self, documents: list[dict] | None = None) -> list[str]:
        """Questions made from the index's own titles that the engine answers. Each candidate
        is asked once per process (a new document adds one), under a lock so that pages
        refreshing together share the work."""
        docs = self.documents() if documents is None else documents
        settings = self.texts["examples"]
        wanted = min(settings.get("count", EXAMPLE_SLOTS), EXAMPLE_SLOTS)
        chosen: list[str] = []
        with self._examples_lock:
            for question in example_candidates(docs, settings["from_title"])[:12]:
                if question not in self._answerable:
                    try:
                        self._answerable[question] = not self.assistant.ask(question).abstained
                    except AssistantError:
                        break
                if self._answerable[question]:
                    chosen.append(question)
                if len(chosen) >= wanted:
                    break
        return chosen

    def preview(self, doc_id: str | None) -> str:
        if not doc_id:
            return ""
        try:
            text = self.assistant.document_text(doc_id)
        except AssistantError:
            text = None
        if text is None:
            return f"{doc_id} is no longer in the index."
        return text

    def upload_choices(self) -> list[str]:
        return [doc_id for doc_id in self.source_choices() if doc_id.startswith("uploads/")]

    def add_files(self, files: list | None, progress=None, replace: bool = False,
                  request: Any = None) -> str:
        """Store and index uploads as `uploads/NAME` documents, one file per ingest so the
        index lock is held for seconds, never for a whole batch; a second caller waits in line
        and its progress says what it waits for. Replacing an upload is explicit (`replace`)
        and, with auth on, needs a signed-in user. Refused files are removed from disk."""
        from assistant.ingestion import UPLOAD_NAMESPACE, ingest

        if not files:
            return "Choose one or more .txt, .md or .html files first."
        if replace and (refusal := self._auth_refusal(request, "replace documents")):
            return refusal
        known = set(self.source_choices())
        lines: list[str] = []
        for number, file in enumerate(files, start=1):
            path = Path(getattr(file, "name", file))
            original = getattr(file, "orig_name", None) or path.name
            try:
                name = safe_upload_name(original)
                if UPLOAD_NAMESPACE + name in known and not replace:
                    raise ValueError(f"{UPLOAD_NAMESPACE}{name} is already in the index; delete "
                                     "it first or choose to replace it")
                stored = store_upload(path, name, self.upload_dir, self.settings.max_upload_bytes)
            except (ValueError, OSError) as exc:
                message = exc if isinstance(exc, ValueError) else "the file could not be read"
                lines.append(f"Refused: {message}")
                _remove_gradio_temp(path)
                continue
            prefix = f"{number}/{len(files)} {name}"

            def on_progress(stage: str, done: int, total: int, prefix=prefix) -> None:
                self._upload_status = f"{prefix}: {stage} {done}/{total}"
                if progress is not None and total:
                    progress(done / total, desc=self._upload_status)

            try:
                with self._upload_turn(prefix, progress):
                    report = ingest([stored], self.settings, self.assistant.embedder,
                                    lock_wait_s=self.settings.upload_queue_wait_s,
                                    show_progress=False, on_progress=on_progress, prune=False,
                                    namespace=UPLOAD_NAMESPACE)
            except IndexBusyError:
                stored.unlink(missing_ok=True)
                lines.append(f"Not added: {name}: the index stayed busy with another ingest; "
                             "try again in a few minutes")
                continue
            except AssistantError as exc:
                stored.unlink(missing_ok=True)
                lines.append(f"Not added: {name}: {type(exc).__name__}")
                log.error("upload ingest failed: %s", exc)
                continue
            self.assistant.reload()
            if report.problems:
                stored.unlink(missing_ok=True)
                lines += [f"Refused: {name}: {p.message}" for p in report.problems]
            else:
                known.add(UPLOAD_NAMESPACE + name)
                verb = "replaced" if report.documents_updated else (
                    "unchanged" if report.documents_unchanged else "added")
                lines.append(f"Added: {UPLOAD_NAMESPACE}{name} ({verb}, "
                             f"{report.chunks_added} new passages)")
        return "\n".join(lines)

    @contextlib.contextmanager
    def _upload_turn(self, what: str, progress) -> Iterator[None]:
        """One upload indexes at a time in this process; the others wait and are told why."""
        deadline = time.monotonic() + self.settings.upload_queue_wait_s
        while not self._upload_lock.acquire(timeout=0.5):
            if progress is not None:
                progress(0.0, desc=f"{what}: waiting for another upload "
                                   f"({self._upload_status or 'starting'})")
            if time.monotonic() > deadline:
                raise IndexBusyError("uploads are queued for too long")
        try:
            self._upload_status = f"{what}: starting"
            # an ingest by another process (`assistant ingest`, a second server) holds the lock
            while ingest_running(self.settings):
                if progress is not None:
                    progress(0.0, desc=f"{what}: waiting for an ingest run by another process")
                if time.monotonic() > deadline:
                    raise IndexBusyError("another process kept the index locked")
                time.sleep(0.5)
            yield
        finally:
            self._upload_status = ""
            self._upload_lock.release()

    def _auth_refusal(self, request: Any, action: str) -> str | None:
        """With auth on, changing documents needs the signed-in configured user."""
        if not self.settings.auth_user:
            return None
        if getattr(request, "username", None) != self.settings.auth_user:
            return f"Refused: sign in to {action}."
        return None

    def delete_document(self, doc_id: str, request: Any = None) -> str:
        """Delete an uploaded document (explicit action; with auth on, signed-in users only).
        Corpus documents are managed in the corpus folder and are not deleted from here."""
        from assistant.ingestion import UPLOAD_NAMESPACE

        if refusal := self._auth_refusal(request, "delete documents"):
            return refusal
        if not isinstance(doc_id, str) or not doc_id.startswith(UPLOAD_NAMESPACE):
            return ("Refused: only uploaded documents (uploads/…) can be deleted here; corpus "
                    "documents are managed in the corpus folder.")
        try:
            with self._upload_turn(f"delete {doc_id}", None):
                removed = self.assistant.delete_document(doc_id)
        except AssistantError as exc:
            return f"Not deleted: {without_paths(str(exc), self.settings)}"
        return f"Deleted {doc_id} ({removed} passages)."

    def reindex_document(self, doc_id: str | None, progress=None, request: Any = None) -> str:
        """Read a document's file again and bring the index in line with it."""
        from assistant.ingestion import UPLOAD_NAMESPACE, ingest

        if refusal := self._auth_refusal(request, "re-index documents"):
            return refusal
        documents = self._documents_by_id()
        if not doc_id or doc_id not in documents:
            return "Choose a document to re-index."
        path = Path(documents[doc_id].get("path") or "")
        if not path.is_file():
            return f"The file of {doc_id} is gone; delete the document instead."
        namespace = UPLOAD_NAMESPACE if doc_id.startswith(UPLOAD_NAMESPACE) else ""
        try:
            with self._upload_turn(f"re-index {doc_id}", progress):
                report = ingest([path], self.settings, self.assistant.embedder,
                                lock_wait_s=self.settings.upload_queue_wait_s,
                                show_progress=False, prune=False, namespace=namespace)
        except AssistantError as exc:
            return f"⚠️ {without_paths(str(exc), self.settings)}"
        finally:
            self.assistant.reload()
        return f"Re-indexed {doc_id}: {report.summary()}"

    # --- the page ----------------------------------------------------------------------------
    def launch_options(self) -> dict[str, Any]:
        """Keyword arguments for `Blocks.launch` and `gradio.mount_gradio_app` alike."""
        return {"css": CSS, "theme": theme(), "max_file_size": self.settings.max_upload_bytes,
                "allowed_paths": [str(self.export_dir)]}

    def build(self):
        import gradio as gr

        llm_ready = bool(self.settings.llm_model or self.settings.llm_model_path)
        with gr.Blocks(title="News Assistant", analytics_enabled=False) as demo:
            conversation = gr.BrowserState("", storage_key=CONVERSATION_KEY)
            signature = gr.State("")
            header = gr.HTML(render_header([]), elem_id="index-header")
            with gr.Tabs():
                with gr.Tab("Chat", id="chat-tab"):
                    with gr.Row(equal_height=True):
                        picker = gr.Dropdown(choices=[], label="Conversation", scale=4,
                                             elem_id="conversation-picker")
                        new = gr.Button("New conversation", scale=1, elem_id="new-conversation")
                    transcript = gr.HTML(render_transcript(None), elem_id="transcript",
                                         js_on_load=TRANSCRIPT_JS)
                    with gr.Row(equal_height=True, elem_id="input-row"):
                        question = gr.Textbox(label="Question", elem_id="question", scale=8,
                                              placeholder="Ask about the indexed articles",
                                              autofocus=True, max_lines=6)
                        send = gr.Button("Send", variant="primary", scale=1, elem_id="send",
                                         min_width=80)
                        stop = gr.Button("Stop", variant="stop", scale=1, elem_id="stop",
                                         min_width=80)
                    with gr.Row(elem_id="examples"):
                        examples = [gr.Button(visible=False, size="sm", elem_classes=["example"])
                                    for _ in range(EXAMPLE_SLOTS)]
                    with gr.Accordion("Answer settings", open=False):
                        answerer = gr.Radio(["extractive", "llm"] if llm_ready else ["extractive"],
                                            value=self.default_answerer(), label="Answerer")
                        top_k = gr.Slider(2, 20, value=self.settings.top_k, step=1,
                                          label="Passages retrieved")
                        sources = gr.Dropdown(choices=[], multiselect=True, elem_id="source-filter",
                                              label="Only these documents (empty: all)")
                    with gr.Accordion("Rename, export or delete this conversation", open=False,
                                      elem_id="conversation-tools"):
                        with gr.Row(equal_height=True):
                            new_title = gr.Textbox(label="New name", scale=3, elem_id="new-title")
                            rename = gr.Button("Rename", scale=1, elem_id="rename")
                        with gr.Row():
                            export = gr.Button("Export as Markdown", elem_id="export")
                            delete_conversation = gr.Button("Delete conversation",
                                                            variant="stop",
                                                            elem_id="delete-conversation")
                        exported = gr.File(label="Exported conversation", elem_id="exported",
                                           interactive=False)
                    with gr.Accordion("Explain the last answer", open=False,
                                      elem_id="explain-tools"):
                        explain = gr.Button("Explain", elem_id="explain")
                        explanation = gr.Textbox(label="Why this answer (or refusal)",
                                                 interactive=False, lines=16, max_lines=40,
                                                 elem_id="explanation")
                with gr.Tab("Documents", id="documents-tab"):
                    table = gr.Dataframe(headers=DOCUMENT_HEADERS, value=[], interactive=False,
                                         wrap=True, show_search="search", elem_id="documents",
                                         column_widths=["34%", "14%", "14%", "12%", "7%", "19%"])
                    with gr.Row(equal_height=True):
                        # custom values allowed: the actions check what may be changed
                        chosen = gr.Dropdown(choices=[], label="Document", scale=3,
                                             elem_id="document-picker", allow_custom_value=True)
                        show = gr.Button("Preview", scale=1, elem_id="preview")
                        reindex = gr.Button("Re-index", scale=1, elem_id="reindex")
                        delete = gr.Button("Delete", variant="stop", scale=1, elem_id="delete")
                    upload = gr.File(label="Add .txt, .md or .html files", file_count="multiple",
                                     file_types=sorted(UPLOAD_SUFFIXES), elem_id="upload")
                    replace = gr.Checkbox(False, label="Replace uploads of the same name")
                    add = gr.Button("Add to index", variant="primary", elem_id="add")
                    status = gr.Textbox(label="Status", interactive=False, elem_id="doc-status")
                    preview = gr.Textbox(label="Preview", interactive=False, lines=10,
                                         max_lines=20, elem_id="document-preview")
            timer = gr.Timer(INDEX_POLL_S)

            # --- index views: on load, after each change here, and when the index changed
            index_outputs = [signature, header, table, chosen, sources, *examples]

            def index_views(documents: list[dict], clear_choice: bool = False) -> list:
                """Views of the index; a page's picked document stays picked unless it is the
                one this page just deleted (another page's change must not undo a choice)."""
                choices = self.source_options(documents)
                picker = (gr.Dropdown(choices=choices, value=None) if clear_choice
                          else gr.Dropdown(choices=choices))
                questions = self.example_questions(documents)
                buttons = [gr.Button(value=questions[i], visible=True) if i < len(questions)
                           else gr.Button(visible=False) for i in range(EXAMPLE_SLOTS)]
                return [self.index_signature(documents), render_header(documents),
                        self.documents_table(documents), picker, gr.Dropdown(choices=choices),
                        *buttons]

            def refresh_if_changed(known: str):
                documents = self.documents()
                if self.index_signature(documents) == known:
                    return [gr.skip()] * len(index_outputs)
                return index_views(documents)

            def conversation_views(conversation_id: str | None) -> list:
                titles = [(title, cid) for cid, title in self.conversations.summaries()]
                return [conversation_id or "", gr.Dropdown(choices=titles, value=conversation_id),
                        self.transcript(conversation_id)]

            conversation_outputs = [conversation, picker, transcript]

            def on_load(conversation_id: str | None):
                current = self.current_conversation(conversation_id)
                return [*conversation_views(current), *index_views(self.documents())]

            demo.load(on_load, [conversation], [*conversation_outputs, *index_outputs],
                      api_visibility="private")
            timer.tick(refresh_if_changed, [signature], index_outputs, show_progress="hidden",
                       api_visibility="private")

            # --- asking: each send reads the box when it fires and a browser-side step clears
            # it at once, so a reply never erases what was typed after; questions queue up in
            # the conversation and are answered in order
            def send_question(message: str, conversation_id: str | None):
                current = self.enqueue(message, self.current_conversation(conversation_id)
                                       if conversation_id else None)
                if current is None:  # empty or blank: ignored, no bubble
                    return [gr.skip()] * len(conversation_outputs)
                return conversation_views(current)

            def answer_all(conversation_id, answerer_name, passages, only):
                self.answer_pending(conversation_id, answerer_name, int(passages), only)
                return conversation_views(conversation_id)

            asking = []
            sends = [(question.submit, question), (send.click, question)]
            sends += [(button.click, button) for button in examples]
            for trigger, source in sends:
                event = trigger(send_question, [source, conversation], conversation_outputs,
                                queue=False, trigger_mode="multiple", api_visibility="private")
                asking.append(event.then(answer_all, [conversation, answerer, top_k, sources],
                                         conversation_outputs, api_visibility="private",
                                         show_progress="hidden", trigger_mode="multiple"))
                if source is question:  # registered after the send, which has read the box
                    trigger(None, None, [question], js="() => ''", queue=False,
                            trigger_mode="multiple", api_visibility="private")

            def explain_last(conversation_id, answerer_name, passages, only):
                return self.explain_last(conversation_id, answerer_name, int(passages), only)

            explain.click(explain_last, [conversation, answerer, top_k, sources], [explanation],
                          api_visibility="private")

            def stop_answering(conversation_id):
                self.stop(conversation_id)
                return conversation_views(conversation_id)

            stop.click(stop_answering, [conversation], conversation_outputs, cancels=asking,
                       queue=False, api_visibility="private")

            # --- conversations
            picker.input(conversation_views, [picker], conversation_outputs, queue=False,
                         api_visibility="private")
            new.click(lambda: conversation_views(self.conversations.create()), None,
                      conversation_outputs, queue=False, api_visibility="private")

            def rename_conversation(conversation_id, title):
                if self.conversations.exists(conversation_id):
                    self.conversations.rename(conversation_id, title or "")
                return [*conversation_views(conversation_id), ""]

            rename.click(rename_conversation, [conversation, new_title],
                         [*conversation_outputs, new_title], queue=False,
                         api_visibility="private")

            def delete_current(conversation_id):
                if conversation_id:
                    self.conversations.delete(conversation_id)
                return [*conversation_views(self.conversations.latest()), None]

            delete_conversation.click(delete_current, [conversation],
                                      [*conversation_outputs, exported], queue=False,
                                      api_visibility="private")
            export.click(lambda cid: str(self.export(cid) or "") or None, [conversation], [exported],
                         api_visibility="private")

            # --- documents
            def after_change(message: str):
                return [message, *index_views(self.documents())]

            def add_files(files, replace_same, request: gr.Request,
                          progress=gr.Progress()):  # noqa: B008 - gradio idiom
                message = self.add_files(files, progress, replace=replace_same, request=request)
                return [*after_change(message), None]

            def delete_document(doc_id, request: gr.Request):
                if not doc_id:
                    return [*after_change("Choose a document to delete."), gr.skip()]
                message = self.delete_document(doc_id, request)
                return [message, *index_views(self.documents(), clear_choice=True), ""]

            def reindex_document(doc_id, request: gr.Request,
                                 progress=gr.Progress()):  # noqa: B008 - gradio idiom
                return after_change(self.reindex_document(doc_id, progress, request))

            # real objects, not the postponed strings: Gradio injects the request by type hint
            for handler in (add_files, delete_document, reindex_document):
                handler.__annotations__["request"] = gr.Request
            add.click(add_files, [upload, replace], [status, *index_outputs, upload],
                      api_name="add_documents", api_visibility="private")
            delete.click(delete_document, [chosen], [status, *index_outputs, preview],
                         api_name="delete_document", api_visibility="private")
            reindex.click(reindex_document, [chosen], [status, *index_outputs],
                          api_visibility="private")
            show.click(self.preview, [chosen], [preview], api_visibility="private")
            chosen.input(self.preview, [chosen], [preview], api_visibility="private")
            gr.api(self.api_ask, api_name="ask")
        demo.queue(default_concurrency_limit=2, max_size=256)
        return demo




def _history_before(conversation: Conversation, question: Message) -> list[tuple[str, str]]:
    """The turns before `question` that a follow-up may lean on: every user turn and the real
    answers (not stop or error notices)."""
    earlier = conversation.messages[: conversation.messages.index(question)]
    return [(m.role, m.content) for m in earlier if m.role == "user"
            or (m.data or {}).get("kind") in (None, "answer")]


def theme():
    """Gradio's Soft theme with label colours dark (light) or light (dark) enough for WCAG AA."""
    import gradio as gr

    return gr.themes.Soft().set(
        block_title_text_color="*primary_800", block_title_text_color_dark="*primary_100",
        block_label_text_color="*primary_800", block_label_text_color_dark="*primary_100",
        block_info_text_color="*neutral_700", block_info_text_color_dark="*neutral_300",
        body_text_color_subdued="*neutral_700", body_text_color_subdued_dark="*neutral_300",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_600",
        button_primary_background_fill_dark="*primary_600",
        button_primary_background_fill_hover_dark="*primary_700",
    )


def free_port() -> int:
    """A free TCP port on 127.0.0.1 (for tests, benchmarks and screenshots)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_loopback(host: str) -> bool:
    return host in {"127.0.0.1", "localhost", "::1"} or host.startswith("127.")


def exposure_warning(settings: Settings) -> str | None:
    if is_loopback(settings.host) or settings.auth_user:
        return None
    return (f"warning: serving on {settings.host} without authentication; anyone who can reach "
            "this address can read the corpus. Set ASSISTANT_AUTH_USER and "
            "ASSISTANT_AUTH_PASSWORD, or bind 127.0.0.1")


def launch(settings: Settings, assistant: Assistant | None = None, *, block: bool = True):
    """Serve the chat with the OpenAI-compatible /v1 API beside it (assistant/api.py); with
    `block=False` return the running server (`.close()` stops it, `.chat_app` is the app)."""
    from assistant.api import serve as serve_http

    app = ChatApp(settings, assistant)
    demo = app.build()
    auth = (settings.auth_user, settings.auth_password) if settings.auth_user else None
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    # max_file_size (in launch_options): Gradio refuses a larger upload while receiving it
    # (HTTP 413), before it is written to its temp folder
    running = serve_http(settings, app.assistant, demo, block=block, auth=auth,
                         footer_links=["api"], ssr_mode=False, **app.launch_options())
    if running is not None:
        running.chat_app = app  # type: ignore[attr-defined]
    return running


def serve(settings: Settings, ingest_if_missing: bool = True) -> None:
    from assistant.ingestion import ensure_corpus_indexed

    if ingest_if_missing:
        print(f"Checking the index in {settings.index_dir}/ against {', '.join(settings.corpus_paths)} ...",
              flush=True)
        report = ensure_corpus_indexed(
            settings, on_progress=lambda stage, done, total: print(
                f"  {stage} {done}/{total}", flush=True) if stage == "embedding" else None)
        print(f"Index ready: {report.summary()}", flush=True)
        for problem in report.problems:
            print(f"  skipped {problem}", file=sys.stderr)
    assistant = Assistant(settings)
    try:
        assistant.warm_up()
    except AssistantError as exc:
        print(f"warning: {exc}", file=sys.stderr)
    print(f"Chat on http://{settings.host}:{settings.port} "
          f"(OpenAI-compatible API: http://{settings.host}:{settings.port}/v1)", flush=True)
    launch(settings, assistant, block=True)
