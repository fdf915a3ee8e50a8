"""PDF and Word (.docx) files as corpus documents.

PDF text comes from pypdfium2 (PDFium, Apache-2.0/BSD-3; chosen over pypdf and pdfplumber by
`eval/pdf_libraries.py`, see eval/pdf_libraries.md): it follows the reading order of columns
and marks the hyphens it breaks words at. Page by page, running headers and footers (lines that
repeat at the top or bottom of most pages, digits aside) are dropped, words hyphenated across
line ends are joined, and lines are reflowed into paragraphs, because a line break ends a
sentence downstream. The offset where each page starts in the cleaned text is kept, so that a
citation can name its page.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus import UnreadableFileError, content_hash
from assistant.schema import SourceDocument

# a running header/footer is a line found near the top or bottom of at least this share of the
# pages (and of two pages at least); measured on the generated report and four public PDFs
FURNITURE_PAGE_SHARE = 0.5
FURNITURE_ZONE_LINES = 3  # lines at each end of a page that may be header or footer
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st",
                            "ﬆ": "st"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PAGE_NUMBER = re.compile(r"^(page\s*)?[-–—\s]*#[-–—\s]*((of|/)\s*#)?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]$")
_HYPHEN_END = re.compile(r"(\w+)[-‐]$")
_TITLE_JUNK = re.compile(r"^(microsoft\s+(word|powerpoint)\s+-|untitled\b)|\.(docx?|pdf|tex)$",
                         re.IGNORECASE)


@dataclass(frozen=True)
class PagedText:
    text: str
    page_starts: tuple[int, ...]  # offset in `text` where page 1, 2, ... begins


# --- cleaning page text (library-independent; eval/pdf_libraries.py measures it too) ---------
def normalise_page(raw: str) -> list[str]:
    """The lines of one page's extracted text: soft hyphens joined, ligatures and whitespace
    normalised, control characters removed."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    # PDFium marks a hyphen it recognised at a line end with U+FFFE and keeps the word whole
    text = re.sub("\ufffe\n?", "", text)
    text = re.sub("\u00ad\n", "", text).replace("\u00ad", "")
    text = _CONTROL.sub(" ", text.translate(_LIGATURES))
    return [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]


def furniture_key(line: str) -> str:
    """A line with its numbers masked; a page number at either end (recto/verso headers put it
    left or right) is dropped."""
    key = re.sub(r"\d+", "#", line.lower()).strip()
    return re.sub(r"^#\s+|\s+#$", "", key) or key


def remove_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers and footers: lines near the top or bottom of a page whose text,
    digits aside, recurs there on most pages; and bare page numbers."""
    zones = []
    for lines in pages:
        content = [i for i, line in enumerate(lines) if line]
        zones.append(set(content[:FURNITURE_ZONE_LINES] + content[-FURNITURE_ZONE_LINES:]))
    counts: Counter[str] = Counter()
    for lines, zone in zip(pages, zones, strict=True):
        counts.update({furniture_key(lines[i]) for i in zone})
    needed = max(2, FURNITURE_PAGE_SHARE * len(pages))
    repeated = {key for key, n in counts.items() if n >= needed}
    cleaned = []
    for lines, zone in zip(pages, zones, strict=True):
        cleaned.append([
            line for i, line in enumerate(lines)
            if not (i in zone and (furniture_key(line) in repeated
                                   or _PAGE_NUMBER.match(furniture_key(line))))])
    return cleaned


def join_hyphenated(lines: list[str], document_words: set[str]) -> list[str]:
    """Join a word hyphenated across a line end ("moni-" + "toring"). The hyphen stays when the
    hyphenated form occurs elsewhere in the document ("cast-" + "iron" where "cast-iron" is
    written on one line) and the joined form does not."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        match = _HYPHEN_END.search(previous)
        if match and line[:1].islower():
            head = match.group(1)
            tail = re.match(r"\w+", line)
            tail_word = tail.group(0) if tail else ""
            joined = (head + tail_word).lower()
            keep_hyphen = (f"{head}-{tail_word}".lower() in document_words
                           and joined not in document_words)
            out[-1] = previous[: match.end(1)] + ("-" if keep_hyphen else "") + line
        else:
            out.append(line)
    return out


def reflow(lines: list[str]) -> list[str]:
    """Lines -> paragraphs. A line ends its paragraph when it is blank-separated from the next,
    or noticeably shorter than a full line of the page and either ends a sentence or is followed
    by a line that starts like a new one (headings, list items)."""
    lengths = [len(line) for line in lines if line]
    if not lengths:
        return []
    # a full line: most lines of a column run to its edge; headings and paragraph ends are short
    typical = statistics.quantiles(lengths, n=4)[2] if len(lengths) > 1 else lengths[0]
    paragraphs: list[str] = []
    current = ""
    for index, line in enumerate(lines):
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = f"{current} {line}" if current else line
        following = next((n for n in lines[index + 1:] if n), "")
        short = len(line) < 0.8 * typical
        starts_new = following[:1].isupper() or following[:1].isdigit() or \
            following[:1] in "•·▪–—-*(\"“"
        if short and (_SENTENCE_END.search(line) or starts_new):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def clean_pages(raw_pages: list[str]) -> PagedText:
    """Extracted page texts -> one cleaned text with the offset of each page."""
    pages = remove_furniture([normalise_page(raw) for raw in raw_pages])
    words = {w.lower() for lines in pages for line in lines for w in re.findall(r"\w+(?:-\w+)*",
                                                                              line)}
    texts = ["\n".join(reflow(join_hyphenated(lines, words))) for lines in pages]
    starts: list[int] = []
    text = ""
    for page_text in texts:
        if text and page_text:
            text += "\n\n"
        starts.append(len(text))
        text += page_text
    return PagedText(text, tuple(starts))


# --- PDF ------------------------------------------------------------------------------------
def extract_pdf_pages(path: Path) -> tuple[list[str], dict[str, str]]:
    """(text of each page, document metadata) with PDFium."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise UnreadableFileError(
                "PDF is encrypted (password-protected); save an unprotected copy") from exc
        raise UnreadableFileError(f"not a readable PDF ({exc})") from exc
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        metadata = {k: str(v) for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
    finally:
        pdf.close()
    return pages, metadata


def load_pdf(path: Path, max_bytes: int) -> SourceDocument:
    _check_size(path, max_bytes)
    raw_pages, metadata = extract_pdf_pages(path)
    paged = clean_pages(raw_pages)
    if not paged.text.strip():
        count = len(raw_pages)
        raise UnreadableFileError(
            f"PDF has no text layer on any of its {count} page{'s' if count != 1 else ''} "
            "(a scan or images only); run OCR first (e.g. `ocrmypdf in.pdf out.pdf`) and "
            "ingest the result")
    title = metadata.get("Title", "").strip()
    if not title or _TITLE_JUNK.search(title):
        title = paged.text.split("\n", 1)[0][:200]
    return SourceDocument(
        doc_id=path.name, path=str(path.resolve()), text=paged.text, title=title,
        author=metadata.get("Author", "").strip(), date=_pdf_date(metadata.get("CreationDate")),
        content_hash=content_hash(paged.text), page_starts=paged.page_starts)


def _pdf_date(value: str | None) -> str:
    match = re.match(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


# --- Word -----------------------------------------------------------------------------------
def docx_blocks(path: Path) -> tuple[list[str], dict[str, str]]:
    """Paragraphs and table rows in document order, and the core properties."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except PermissionError as exc:
        raise UnreadableFileError("permission denied") from exc
    # a damaged package fails in the zip reader, the XML parser or python-docx itself
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, SyntaxError) as exc:
        raise UnreadableFileError(f"not a readable .docx file ({type(exc).__name__})") from exc
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                blocks.append(" | ".join(cells))
    properties = document.core_properties
    created = properties.created
    meta = {"title": properties.title or "", "author": properties.author or "",
            "date": created.date().isoformat() if isinstance(created, dt.datetime) else ""}
    return blocks, meta


def load_docx(path: Path, max_bytes: int) -> SourceDocument:
    _check_size(path, max_bytes)
    blocks, meta = docx_blocks(path)
    lines = [re.sub(r"\s+", " ", block).strip() for block in blocks]
    text = "\n".join(line for line in lines if line)
    if not text:
        raise UnreadableFileError(".docx file holds no text")
    return SourceDocument(
        doc_id=path.name, path=str(path.resolve()), text=text,
        title=meta["title"].strip() or text.split("\n", 1)[0][:200],
        author=meta["author"].strip(), date=meta["date"], content_hash=content_hash(text))


def _check_size(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise UnreadableFileError("file disappeared before it could be read") from exc
    except OSError as exc:
        raise UnreadableFileError(f"cannot read: {exc.strerror or exc}") from exc
    if size == 0:
        raise UnreadableFileError("file is empty")
    if size > max_bytes:
        raise UnreadableFileError(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (max_file_bytes)")


# suffix -> loader, for the formats that are not plain text (corpus.load_document dispatches)
LOADERS: dict[str, Callable[[Path, int], SourceDocument]] = {".pdf": load_pdf,
                                                             ".docx": load_docx}
