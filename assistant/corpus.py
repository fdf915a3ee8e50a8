"""Find corpus files, read them safely, clean them and extract their metadata."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.cleaning import clean_article_text, extract_metadata, remove_furniture_lines
from assistant.config import Settings
from assistant.schema import SourceDocument
from assistant.webpage import WebPage, extract_web_page

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
_HTML_SUFFIXES = {".html", ".htm"}
# raise when the text a file yields changes (extraction, cleaning): the next ingest reads every
# file again instead of skipping those whose size and time are unchanged, and re-indexes the
# ones whose text changed. 2: lines an HTML page's source wrapped are joined; 3: a web page
# loses its closing back matter (References, See also, External links ...); 4: preformatted text
# keeps its lines (a hard-wrapped document in a <pre> reads as plain text)
TEXT_EXTRACTION_VERSION = "4"
_MARKDOWN_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)


@dataclass(frozen=True)
class FileProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class CorpusScan:
    files: list[Path] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    roots: list[Path] = field(default_factory=list)


class UnreadableFileError(Exception):
    pass


def scan_paths(paths: Iterable[str | Path]) -> CorpusScan:
    """Expand files and folders (recursively) into supported files.

    Symbolic links are followed only while they stay inside the scanned roots (a given folder,
    or the folder of a given file): a link to /etc/passwd or to an outside folder is reported
    and skipped. Devices, FIFOs and sockets are never read.
    """
    scan = CorpusScan()
    given_paths = [Path(p) for p in paths]
    scan.roots = [p.resolve() for p in given_paths if p.exists()]
    folders = [root for root in scan.roots if root.is_dir()]
    for path in given_paths:
        if not path.exists():
            scan.problems.append(FileProblem(str(path), "no such file or directory"))
        elif path.is_dir():
            found = list(_walk_supported(path, folders, scan.problems))
            if not found:
                scan.problems.append(
                    FileProblem(str(path), "directory holds no .txt, .md, .html, .pdf or .docx files")
                )
            scan.files.extend(found)
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
            scan.problems.append(
                FileProblem(str(path), f"unsupported file type {path.suffix!r} ({supported})")
            )
        elif (problem := _entry_problem(path, [*folders, path.parent.resolve()])) is not None:
            scan.problems.append(FileProblem(str(path), problem))
        else:
            scan.files.append(path)
    return scan


def _inside(target: Path, roots: Sequence[Path]) -> bool:
    return any(target == root or target.is_relative_to(root) for root in roots)


def _entry_problem(path: Path, roots: Sequence[Path]) -> str | None:
    """Why a found file must not be read, or None: a link leaving the roots, not a regular file."""
    try:
        if path.is_symlink() and not _inside(path.resolve(), roots):
            return "symbolic link to a file outside the scanned folders; not followed"
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return "not a regular file (device, FIFO or socket); not read"
    return None


def _walk_supported(folder: Path, roots: Sequence[Path],
                    problems: list[FileProblem]) -> Iterator[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def on_error(error: OSError) -> None:
        problems.append(FileProblem(str(error.filename), f"cannot list directory: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=on_error):
        try:
            info = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:  # symlink loop
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        kept = []
        for name in sorted(d for d in dirnames if not d.startswith(".")):
            child = Path(dirpath) / name
            if child.is_symlink() and not _inside(child.resolve(), roots):
                problems.append(FileProblem(
                    str(child), "symbolic link to a folder outside the scanned folders; "
                    "not followed"))
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                candidate = Path(dirpath) / name
                problem = _entry_problem(candidate, roots)
                if problem is None:
                    yield candidate
                else:
                    problems.append(FileProblem(str(candidate), problem))


def read_text_file(path: Path, max_bytes: int) -> str:
    """Read a UTF-8 text file, refusing binaries, other encodings, empty and oversized files."""
    try:
        # O_NONBLOCK: opening a FIFO swapped in after the scan must not hang; fstat then refuses it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFileError("not a regular file (device, FIFO or socket); not read")
            if info.st_size > max_bytes:
                raise UnreadableFileError(
                    f"file is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit "
                    "(max_file_bytes)")
            data = handle.read(max_bytes + 1)
    except PermissionError as exc:
        raise UnreadableFileError("permission denied") from exc
    except FileNotFoundError as exc:
        raise UnreadableFileError("file disappeared before it could be read") from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError("is a directory") from exc
    except OSError as exc:
        raise UnreadableFileError(f"cannot read: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnreadableFileError("file is empty")
    if b"\x00" in data[:8192]:
        raise UnreadableFileError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            f"not valid UTF-8 (bad byte at offset {exc.start}); convert it to UTF-8 first"
        ) from exc


def read_html(html: str, settings: Settings) -> WebPage:
    """The article text and metadata of an HTML page (see assistant.webpage), less any furniture
    line the extractor kept ("Advertisement", "Share on X")."""
    page = extract_web_page(html, settings.html_extraction_mode, settings.html_include_tables)
    return replace(page, text=remove_furniture_lines(page.text))


def _markdown_to_text(text: str) -> str:
    """Heading marks ('## ') become spaces: the heading reads as text, offsets stay the file's."""
    return _MARKDOWN_HEADING.sub(lambda m: " " * len(m.group(0)), text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_document(path: Path, max_bytes: int, settings: Settings | None = None) -> SourceDocument:
    settings = settings or Settings()
    from assistant.documents import LOADERS  # PDF and Word: assistant/documents.py

    loader = LOADERS.get(path.suffix.lower())
    if loader is not None:
        return loader(path, max_bytes)
    raw = read_text_file(path, max_bytes)
    suffix = path.suffix.lower()
    page = WebPage(text="")
    if suffix in _HTML_SUFFIXES:
        page = read_html(raw, settings)
        if not page.text:
            raise UnreadableFileError("no article text found in the HTML page")
        raw = page.text
        cleaned = page.text
    else:
        if suffix in {".md", ".markdown"}:
            raw = _markdown_to_text(raw)
        cleaned = clean_article_text(raw)
    if not cleaned.strip():
        raise UnreadableFileError("no article text left after removing boilerplate")
    meta = extract_metadata(raw, cleaned)
    return SourceDocument(
        doc_id=path.name,
        path=str(path.resolve()),
        text=cleaned,
        title=page.title or meta.title,
        outlet=page.site_name or meta.outlet,
        author=page.author or meta.author,
        date=page.date or meta.date,
        content_hash=content_hash(cleaned),
    )
