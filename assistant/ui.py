"""The Gradio web chat. It calls the same Assistant as the Python API and the CLI."""

from __future__ import annotations

import contextlib
import html
import logging
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import AssistantError, IndexBusyError, InvalidQuestionError
from assistant.schema import Answer, Citation

log = logging.getLogger("assistant.ui")

EXAMPLES = [
    "Why hasn't Lukashenko sent troops?",
    "What did the Chatham House poll find?",
    "Do the sources agree on whether Belarus will join the war?",
    "Which missiles did Putin agree to deliver to Belarus?",
]
UPLOAD_SUFFIXES = {".txt", ".md", ".html", ".htm"}
_SAFE_NAME = re.compile(r"^[\w][\w .()-]{0,150}$")
CONTEXT_CHARS = 400
CSS = """
.citation summary { cursor: pointer; font-weight: 600; }
.citation { border-left: 3px solid #2a6; padding: 4px 8px; margin: 6px 0; }
.citation .passage { white-space: pre-wrap; font-size: 0.92em; }
.citation .context { color: #888; }
.citation mark { background: #fde68a; }
"""


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


def _remove_gradio_temp(path: Path) -> None:
    """Delete a refused upload from Gradio's upload folder (never a file outside it)."""
    try:
        from gradio.utils import get_upload_folder

        if path.resolve().is_relative_to(Path(get_upload_folder()).resolve()):
            path.unlink(missing_ok=True)
    except (ImportError, OSError):
        pass


def render_answer(answer: Answer) -> str:
    if answer.abstained:
        return f"> *{answer.text}*"
    return answer.text


def render_citations(answer: Answer | None, assistant: Assistant | None = None) -> str:
    if answer is None or not answer.citations:
        return "<p class='muted'>Citations appear here.</p>"
    return "\n".join(_citation_html(c, assistant) for c in answer.citations)


def _citation_html(citation: Citation, assistant: Assistant | None) -> str:
    label = html.escape(citation.outlet or citation.title or citation.source)
    title = html.escape(citation.title)
    before = after = ""
    if assistant is not None:
        document = assistant.document_text(citation.source) or ""
        before = document[max(0, citation.start - CONTEXT_CHARS) : citation.start]
        after = document[citation.end : citation.end + CONTEXT_CHARS]
    passage = citation.text
    quote_html = (
        html.escape(passage[: citation.highlight_start])
        + f"<mark>{html.escape(citation.quote)}</mark>"
        + html.escape(passage[citation.highlight_end :])
    )
    return (
        f"<details class='citation' id='citation-{citation.n}'>"
        f"<summary>[{citation.n}] {label} — <em>{html.escape(citation.quote[:90])}"
        f"{'…' if len(citation.quote) > 90 else ''}</em></summary>"
        f"<div><strong>{title}</strong> · <code>{html.escape(citation.source)}</code> "
        f"{f'· page {citation.page} ' if citation.page else ''}"
        f"· characters {citation.start}–{citation.end}</div>"
        f"<div class='passage'><span class='context'>…{html.escape(before)}</span>{quote_html}"
        f"<span class='context'>{html.escape(after)}…</span></div></details>"
    )


def stream_sentences(text: str) -> Iterator[str]:
    """Growing prefixes of the answer, one sentence (with its marker) at a time."""
    pieces = re.split(r"(?<=\])\s+|\n", text)
    shown = ""
    for piece in pieces:
        separator = "\n" if text[len(shown) : len(shown) + 1] == "\n" else " "
        shown = f"{shown}{separator}{piece}" if shown else piece
        yield shown
    if shown != text:
        yield text


# --- the app -------------------------------------------------------------------------------
class ChatApp:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings)
        self.upload_dir = Path(settings.index_dir) / "uploads"
        self._upload_lock = threading.Lock()
        self._upload_status = ""

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
        except InvalidQuestionError as exc:
            return f"⚠️ {exc}"
        except AssistantError as exc:
            return f"⚠️ {exc}"
        except Exception as exc:  # the chat must never die on one question
            log.exception("engine failure")
            return (f"⚠️ Something went wrong while answering ({type(exc).__name__}). "
                    "The app is still running; please try again.")

    def default_answerer(self) -> str:
        """The answerer the UI starts with: the configured one when it can run."""
        llm_ready = bool(self.settings.llm_model or self.settings.llm_model_path)
        return self.settings.answerer if llm_ready else "extractive"

    def respond(self, message: str, history: list, answerer: str, top_k: float,
                sources: list[str]):
        history = list(history or [])
        history.append({"role": "user", "content": message or ""})
        result = self.answer(message, history[:-1], answerer, int(top_k), sources)
        if isinstance(result, str):
            history.append({"role": "assistant", "content": result})
            yield history, "", render_citations(None)
            return
        citations_html = render_citations(result, self.assistant)
        history.append({"role": "assistant", "content": ""})
        for prefix in stream_sentences(render_answer(result)):
            history[-1] = {"role": "assistant", "content": prefix}
            yield history, "", citations_html
            time.sleep(0.02)

    def api_ask(self, message: str, history: list | None = None) -> dict:
        """Named endpoint /ask: (message, history) -> answer text with its citations."""
        result = self.answer(message, history or [])
        if isinstance(result, str):
            return {"answer": result, "abstained": False, "citations": [], "error": True}
        return {**result.to_dict(), "error": False}

    def documents_table(self) -> list[list]:
        try:
            docs = self.assistant.documents()
        except AssistantError:
            return []
        return [[d["doc_id"], d["title"], d["outlet"], d["author"], d["date"], d["chunk_count"]]
                for d in docs]

    def source_choices(self) -> list[str]:
        return [row[0] for row in self.documents_table()]

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
        known = {row[0] for row in self.documents_table()}
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
            with self._upload_turn(prefix, progress):
                def on_progress(stage: str, done: int, total: int, prefix=prefix) -> None:
                    self._upload_status = f"{prefix}: {stage} {done}/{total}"
                    if progress is not None and total:
                        progress(done / total, desc=self._upload_status)

                try:
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
        with self._upload_turn(f"delete {doc_id}", None):
            try:
                removed = self.assistant.delete_document(doc_id)
            except AssistantError as exc:
                return f"Not deleted: {exc}"
        return f"Deleted {doc_id} ({removed} passages)."

    def build(self):
        import gradio as gr

        llm_ready = bool(self.settings.llm_model or self.settings.llm_model_path)
        with gr.Blocks(title="News Assistant") as demo:
            gr.Markdown("## News Assistant\nAnswers come only from the indexed articles; every "
                        "sentence cites the passage it was taken from.")
            with gr.Tab("Chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="Chat", height=460, elem_id="chat",
                                             placeholder="Ask about the indexed news articles.")
                        question = gr.Textbox(label="Question", elem_id="question",
                                              placeholder="Why hasn't Lukashenko sent troops?",
                                              autofocus=True, submit_btn=True)
                        gr.Examples(EXAMPLES, inputs=question, label="Example questions")
                    with gr.Column(scale=2):
                        gr.Markdown("### Citations")
                        citations = gr.HTML(render_citations(None), elem_id="citations")
                with gr.Accordion("Settings", open=False):
                    answerer = gr.Radio(["extractive", "llm"] if llm_ready else ["extractive"],
                                        value=self.default_answerer(), label="Answerer")
                    top_k = gr.Slider(2, 20, value=self.settings.top_k, step=1,
                                      label="Passages retrieved")
                    sources = gr.Dropdown(choices=self.source_choices(), multiselect=True,
                                          label="Only these sources (empty: all)")
            with gr.Tab("Sources"):
                table = gr.Dataframe(
                    headers=["document", "title", "outlet", "author", "date", "chunks"],
                    value=self.documents_table(), interactive=False, elem_id="sources-table")
                refresh = gr.Button("Refresh")
                upload = gr.File(label="Add .txt, .md or .html files", file_count="multiple",
                                 file_types=sorted(UPLOAD_SUFFIXES))
                replace = gr.Checkbox(False, label="Replace uploads of the same name")
                add = gr.Button("Add to index", variant="primary")
                with gr.Row():
                    # custom values allowed: delete_document itself checks what may be deleted
                    doomed = gr.Dropdown(choices=self.upload_choices(), label="Uploaded document",
                                         allow_custom_value=True)
                    delete = gr.Button("Delete from index", variant="stop")
                status = gr.Markdown()

            question.submit(self.respond, [question, chatbot, answerer, top_k, sources],
                            [chatbot, question, citations], api_visibility="private")

            def add_and_refresh(files, replace_same, request: gr.Request,
                                progress=gr.Progress()):  # noqa: B008 - gradio idiom
                message = self.add_files(files, progress, replace=replace_same, request=request)
                return (message, self.documents_table(),
                        gr.Dropdown(choices=self.source_choices()),
                        gr.Dropdown(choices=self.upload_choices()))

            def delete_and_refresh(doc_id, request: gr.Request):
                message = self.delete_document(doc_id, request)
                return (message, self.documents_table(),
                        gr.Dropdown(choices=self.source_choices()),
                        gr.Dropdown(choices=self.upload_choices(), value=None))

            # real objects, not the postponed strings: Gradio injects the request by type hint
            for handler in (add_and_refresh, delete_and_refresh):
                handler.__annotations__["request"] = gr.Request
            add.click(add_and_refresh, [upload, replace], [status, table, sources, doomed],
                      api_name="add_documents", api_visibility="private")
            delete.click(delete_and_refresh, [doomed], [status, table, sources, doomed],
                         api_name="delete_document", api_visibility="private")
            refresh.click(lambda: (self.documents_table(),
                                   gr.Dropdown(choices=self.source_choices())),
                          None, [table, sources], api_visibility="private")
            gr.api(self.api_ask, api_name="ask")
        demo.queue(default_concurrency_limit=2, max_size=256)
        return demo


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
    `block=False` return the running server (`.close()` stops it)."""
    import gradio as gr

    from assistant.api import serve as serve_http

    app = ChatApp(settings, assistant)
    demo = app.build()
    auth = (settings.auth_user, settings.auth_password) if settings.auth_user else None
    warning = exposure_warning(settings)
    if warning:
        print(warning, file=sys.stderr)
    # max_file_size: Gradio refuses a larger upload while receiving it (HTTP 413), before it
    # is written to its temp folder
    return serve_http(settings, app.assistant, demo, block=block, auth=auth, css=CSS,
                      max_file_size=settings.max_upload_bytes,
                      theme=gr.themes.Soft(), footer_links=["api"], ssr_mode=False)


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
