"""HTML and Markdown views of conversations, answers and the index, built as text.

Everything that comes from documents (titles, passages, answer sentences) is escaped; the only
markup added to an answer is the app's own: [n] markers that name one of that answer's
citations become links, **bold** / *italic* from the app's templates become emphasis, and
"- " lines become list items. Nothing a document says can become a tag, a link or an image.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.conversations import Conversation, Message
from assistant.schema import Answer, Citation

CONTEXT_CHARS = 300
NEAREST_LABEL = "closest, not an answer"
_MARKER = re.compile(r"\[(\d{1,3})\]")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")

CSS = """
#transcript { padding: 4px; }
#input-row { position: sticky; bottom: 0; z-index: 5; background: var(--background-fill-primary);
  padding: 6px 0; }
.turn { margin: 10px 0; }
.turn .bubble { padding: 10px 12px; border-radius: 10px; line-height: 1.5;
  color: #111827; background: #f3f4f6; }
.turn.user .bubble { background: #dbeafe; color: #0b1f44; margin-left: 15%; }
.turn.bot .bubble { background: #ffffff; border: 1px solid #d1d5db; }
.turn.bot.refusal .bubble { background: #f9fafb; color: #374151; }
.turn.pending .bubble { color: #374151; font-style: italic; }
.turn .bubble ul { margin: 4px 0 4px 1.2em; padding: 0; }
.turn a.cite { color: #1d4ed8; font-weight: 600; text-decoration: underline; cursor: pointer; }
.sources { margin: 6px 0 0 0; }
.sources h4 { margin: 8px 0 4px; font-size: 0.9em; color: #374151; }
.card { border-left: 4px solid #047857; background: #ffffff; color: #111827;
  margin: 4px 0; padding: 4px 8px; border-radius: 4px; }
.card.nearest { border-left-color: #6b7280; }
.card summary { cursor: pointer; font-weight: 600; color: #111827; }
.card .meta { font-weight: 400; color: #374151; font-size: 0.9em; }
.card .passage { white-space: pre-wrap; font-size: 0.93em; color: #111827; margin: 6px 0; }
.card .context { color: #4b5563; }
.card mark { background: #fde68a; color: #111827; padding: 0 1px; }
.card .location { font-size: 0.85em; color: #374151; }
.card .location code { color: #111827; background: #f3f4f6; }
.card.flash { outline: 3px solid #1d4ed8; }
.searched { font-size: 0.9em; color: #374151; margin-top: 6px; }
#index-header .summary { color: #374151; margin: 0; }
#index-header h1 { font-size: 1.4em; margin: 0 0 2px; color: #111827; }
button[role="tab"][aria-selected="true"] { color: #3730a3 !important; }
/* Gradio scopes custom CSS per selector: one selector per dark rule (lists lose all but one) */
.dark button[role="tab"][aria-selected="true"] { color: #c7d2fe !important; }
.dark .turn .bubble { color: #f3f4f6; background: #1f2937; }
.dark .turn.user .bubble { background: #1e3a8a; color: #f8fafc; }
.dark .turn.bot .bubble { background: #111827; border-color: #4b5563; }
.dark .turn.bot.refusal .bubble { background: #1f2937; color: #e5e7eb; }
.dark .turn.pending .bubble { color: #e5e7eb; }
.dark .turn a.cite { color: #93c5fd; }
.dark .sources h4 { color: #d1d5db; }
.dark .searched { color: #d1d5db; }
.dark #index-header .summary { color: #d1d5db; }
.dark #index-header h1 { color: #f9fafb; }
.dark .card { background: #111827; color: #f3f4f6; border-left-color: #34d399; }
.dark .card.nearest { border-left-color: #9ca3af; }
.dark .card summary { color: #f3f4f6; }
.dark .card .passage { color: #f3f4f6; }
.dark .card .meta { color: #d1d5db; }
.dark .card .location { color: #d1d5db; }
.dark .card .context { color: #cbd5e1; }
.dark .card mark { background: #854d0e; color: #ffffff; }
.dark .card .location code { color: #f3f4f6; background: #1f2937; }
.dark .card.flash { outline-color: #93c5fd; }
@media (max-width: 640px) {
  .turn.user .bubble { margin-left: 8%; }
}
"""

# Runs once when the transcript mounts: [n] links open their card; new answers scroll into view.
TRANSCRIPT_JS = """
element.addEventListener('click', (event) => {
  const link = event.target.closest('a.cite');
  if (!link) return;
  event.preventDefault();
  const card = element.querySelector('#' + CSS.escape(link.dataset.target));
  if (!card) return;
  card.open = true;
  element.querySelectorAll('.card.flash').forEach((c) => c.classList.remove('flash'));
  card.classList.add('flash');
  card.scrollIntoView({block: 'nearest'});
  card.querySelector('summary').focus();
});
let shown = '';
new MutationObserver(() => {
  const turns = element.querySelectorAll('.turn.bot');
  const last = turns[turns.length - 1];
  if (!last || last.id === shown) return;
  shown = last.id;
  last.scrollIntoView({block: 'start'});
}).observe(element, {childList: true, subtree: true});
"""


def escape(text: Any) -> str:
    return html.escape(str(text or ""), quote=True)


# --- records: what is stored for one assistant turn -------------------------------------------
def citation_card(citation: Citation, documents: dict[str, dict],
                  document_text: Callable[[str], str | None]) -> dict[str, Any]:
    meta = documents.get(citation.source, {})
    text = document_text(citation.source) or ""
    return {
        "n": citation.n, "source": citation.source,
        "title": citation.title or meta.get("title", ""),
        "outlet": citation.outlet or meta.get("outlet", ""),
        "author": meta.get("author", ""), "date": meta.get("date", ""),
        "location": display_location(meta.get("path", ""), citation.source),
        "start": citation.start, "end": citation.end, "page": citation.page,
        "score": round(float(citation.score), 3),
        "passage": citation.text,
        "highlight": [citation.highlight_start, citation.highlight_end],
        "before": text[max(0, citation.start - CONTEXT_CHARS): citation.start] if text else "",
        "after": text[citation.end: citation.end + CONTEXT_CHARS] if text else "",
    }


def display_location(path: str, doc_id: str) -> str:
    """Where the original file is, relative to the working folder when it lies inside it."""
    if not path:
        return doc_id
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return doc_id


def answer_record(answer: Answer, documents: dict[str, dict],
                  document_text: Callable[[str], str | None],
                  searched: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "refusal" if answer.abstained else "answer",
        "text": answer.text,
        "question": answer.question,
        "standalone": answer.standalone_question,
        "answerer": answer.answerer,
        "citations": [citation_card(c, documents, document_text) for c in answer.citations],
        "nearest": [citation_card(c, documents, document_text)
                    for c in answer.nearest],
        "searched": {**searched, **answer.searched},
    }


def message_record(text: str, kind: str = "message") -> dict[str, Any]:
    """A turn that is not an engine answer: an error, a language notice, a stopped question."""
    return {"kind": kind, "text": text, "citations": [], "nearest": [], "searched": {}}


# --- HTML ------------------------------------------------------------------------------------
def render_answer_text(text: str, numbers: set[int], anchor: str) -> str:
    """Escaped answer text with the app's own markup only (see the module docstring)."""
    lines_html: list[str] = []
    items: list[str] = []

    def inline(line: str) -> str:
        out = escape(line)
        out = _BOLD.sub(r"<strong>\1</strong>", out)
        out = _ITALIC.sub(r"<em>\1</em>", out)

        def marker(match: re.Match) -> str:
            n = int(match.group(1))
            if n not in numbers:
                return match.group(0)
            return (f"<a class='cite' href='#{anchor}-{n}' data-target='{anchor}-{n}' "
                    f"title='Open source {n}'>[{n}]</a>")

        return _MARKER.sub(marker, out)

    def flush_items() -> None:
        if items:
            lines_html.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("> "):
            line = line[2:]
        if line.startswith("- "):
            items.append(inline(line[2:]))
            continue
        flush_items()
        if line:
            lines_html.append(f"<p>{inline(line)}</p>")
    flush_items()
    return "".join(lines_html)


def render_card(card: dict[str, Any], anchor: str, nearest: bool = False) -> str:
    meta = [card.get("outlet"), card.get("author"), card.get("date")]
    meta_text = " · ".join(escape(m) for m in meta if m)
    relevance = f"relevance {card.get('score', 0):.2f}"
    meta_text = f"{meta_text} · {relevance}" if meta_text else relevance
    passage = card.get("passage", "")
    start, end = card.get("highlight", [0, 0])
    quote_html = (escape(passage[:start]) + f"<mark>{escape(passage[start:end])}</mark>"
                  + escape(passage[end:]))
    before = f"<span class='context'>…{escape(card['before'])}</span>" if card.get("before") else ""
    after = f"<span class='context'>{escape(card['after'])}…</span>" if card.get("after") else ""
    label = f"{NEAREST_LABEL}: " if nearest else f"[{card['n']}] "
    page = f"page {int(card['page'])}, " if card.get("page") else ""
    return (
        f"<details class='card{' nearest' if nearest else ''}' id='{anchor}-{card['n']}'>"
        f"<summary>{escape(label)}{escape(card.get('title') or card.get('source'))} "
        f"<span class='meta'>{meta_text}</span></summary>"
        f"<div class='passage'>{before}{quote_html}{after}</div>"
        f"<div class='location'>File <code>{escape(card.get('location'))}</code>, "
        f"{page}characters "
        f"{card.get('start')}–{card.get('end')}</div></details>"
    )


def render_searched(searched: dict[str, Any]) -> str:
    if not searched:
        return ""
    parts = []
    titles = searched.get("source_titles") or searched.get("sources") or []
    if titles:
        shown = ", ".join(f"“{escape(t)}”" for t in titles[:5])
        more = f" and {len(titles) - 5} more" if len(titles) > 5 else ""
        parts.append(f"only {len(titles)} selected document(s): {shown}{more} "
                     "(source filter; clear it to search everything)")
    elif searched.get("documents") is not None:
        parts.append(f"all {searched['documents']} indexed documents")
    if searched.get("top_k"):
        parts.append(f"the {escape(searched['top_k'])} best passages")
    if searched.get("question"):
        parts.append(f"for “{escape(searched['question'])}”")
    extra = {k: v for k, v in searched.items()
             if k not in {"source_titles", "sources", "documents", "top_k", "question"}}
    parts += [f"{escape(k)}: {escape(v)}" for k, v in extra.items()]
    return f"<div class='searched'><strong>Searched:</strong> {'; '.join(parts)}.</div>"


def render_turn(message: Message, question: str = "") -> str:
    if message.role == "user":
        return f"<div class='turn user' id='q{message.id}'><div class='bubble'>" \
               f"{escape(message.content)}</div></div>"
    record = message.data or message_record(message.content)
    anchor = f"c{message.id}"
    citations = record.get("citations", [])
    numbers = {int(c["n"]) for c in citations}
    kind = record.get("kind", "answer")
    body = render_answer_text(record.get("text", message.content), numbers, anchor)
    extra = ""
    if kind == "refusal":
        extra += render_searched(record.get("searched", {}))
    if citations:
        extra += ("<div class='sources'><h4>Sources</h4>"
                  + "".join(render_card(c, anchor) for c in citations) + "</div>")
    nearest = record.get("nearest", [])
    if nearest:
        extra += (f"<div class='sources nearest'><h4>Nearest passages ({NEAREST_LABEL})</h4>"
                  + "".join(render_card(c, f"{anchor}n", nearest=True) for c in nearest)
                  + "</div>")
    css_kind = "refusal" if kind != "answer" else "answer"
    return (f"<div class='turn bot {css_kind}' id='a{message.id}'>"
            f"<div class='bubble'>{body}{extra}</div></div>")


def render_transcript(conversation: Conversation | None) -> str:
    if conversation is None or not conversation.messages:
        return ("<div class='turn bot empty' id='a0'><div class='bubble'>Ask a question about "
                "the indexed articles. Every sentence of an answer links to the passage it "
                "comes from.</div></div>")
    answers = {m.id: m for m in conversation.messages if m.role == "assistant"}
    parts = []
    for message in conversation.messages:
        if message.role == "assistant":
            continue  # drawn right after the question it answers
        parts.append(render_turn(message))
        if message.answered_by in answers:
            parts.append(render_turn(answers.pop(message.answered_by)))
        elif message.pending:
            parts.append(f"<div class='turn bot pending' id='p{message.id}' aria-busy='true'>"
                         "<div class='bubble'>Searching the articles…</div></div>")
    parts += [render_turn(m) for m in answers.values()]
    return "".join(parts)


def render_header(documents: list[dict]) -> str:
    outlets = sorted({str(d["outlet"]) for d in documents if d.get("outlet")})
    dates = sorted(filter(None, (parse_date(d.get("date", "")) for d in documents)))
    if not documents:
        summary = "No documents are indexed yet: add some in the Documents tab."
    else:
        summary = (f"{len(documents)} document{'s' if len(documents) != 1 else ''}"
                   f" from {len(outlets)} named outlet{'s' if len(outlets) != 1 else ''}")
        if outlets:
            summary += f" ({escape(', '.join(outlets[:4]))}{', …' if len(outlets) > 4 else ''})"
        if dates:
            first, last = dates[0].strftime("%-d %b %Y"), dates[-1].strftime("%-d %b %Y")
            span = first if first == last else f"{first} to {last}"
            undated = len(documents) - len(dates)
            summary += f", dated {span}" + (f" ({undated} undated)" if undated else "")
        else:
            summary += ", undated"
        summary += ". Answers quote these documents only."
    return (f"<h1>News Assistant</h1><p class='summary' id='index-summary'>{summary}</p>")


def parse_date(text: str):
    if not text:
        return None
    from dateutil import parser

    try:
        return parser.parse(text, fuzzy=True, default=None).date()
    except (ValueError, OverflowError, TypeError):
        return None


# --- Markdown export ---------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()<>!#|])")


def md_text(text: str) -> str:
    """Document text made inert in Markdown: no link, image or HTML can come from it."""
    return _MD_SPECIAL.sub(r"\\\1", str(text or ""))


def export_markdown(conversation: Conversation) -> str:
    lines = [f"# {md_text(conversation.title)}", ""]
    for message in conversation.messages:
        if message.role == "user":
            lines += [f"**Question:** {md_text(message.content)}", ""]
            continue
        record = message.data or message_record(message.content)
        text = md_text(record.get("text", message.content))
        text = re.sub(r"\\\[(\d{1,3})\\\]", r"[\1]", text)  # the app's own markers stay readable
        lines += [f"**Answer:** {text}", ""]
        for card in record.get("citations", []):
            meta = ", ".join(md_text(m) for m in (card.get("outlet"), card.get("author"),
                                                   card.get("date")) if m)
            start, end = card.get("highlight", [0, 0])
            quote = card.get("passage", "")[start:end]
            location = str(card.get("location")).replace("`", "'")
            lines.append(f"- [{card['n']}] {md_text(card.get('title') or card.get('source'))}"
                         f"{' — ' + meta if meta else ''} (`{location}`, "
                         f"{'page ' + str(card['page']) + ', ' if card.get('page') else ''}characters "
                         f"{card.get('start')}–{card.get('end')}): “{md_text(quote)}”")
        if record.get("citations"):
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
