"""Find corpus files, read them safely, clean them and extract their metadata."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.cleaning import clean_article_text, extract_metadata
from assistant.schema import SourceDocument

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
_HTML_SUFFIXES = {".html", ".htm"}
_DROP_HTML_TAGS = ["script", "style", "noscript", "nav", "footer", "header", "aside", "form",
                   "iframe", "svg", "button", "template"]


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
    """Expand files and folders (recursively, following no symlink loops) into supported files."""
    scan = CorpusScan()
    for given in paths:
        path = Path(given)
        if not path.exists():
            scan.problems.append(FileProblem(str(path), "no such file or directory"))
            continue
        scan.roots.append(path.resolve())
        if path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                scan.files.append(path)
            else:
                supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
                scan.problems.append(
                    FileProblem(str(path), f"unsupported file type {path.suffix!r} ({supported})")
                )
            continue
        found = list(_walk_supported(path, scan.problems))
        if not found:
            scan.problems.append(
                FileProblem(str(path), "directory holds no .txt, .md or .html files")
            )
        scan.files.extend(found)
    return scan


def _walk_supported(folder: Path, problems: list[FileProblem]) -> Iterator[Path]:
    seen_dirs: set[tuple[int, int]] = set()

    def on_error(error: OSError) -> None:
        problems.append(FileProblem(str(error.filename), f"cannot list directory: {error.strerror}"))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=on_error):
        try:
            stat = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in seen_dirs:  # symlink loop
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                yield Path(dirpath) / name


def read_text_file(path: Path, max_bytes: int) -> str:
    """Read a UTF-8 text file, refusing binaries, other encodings, empty and oversized files."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise UnreadableFileError(
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (max_file_bytes)"
            )
        data = path.read_bytes()
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


def html_to_text(html: str) -> tuple[str, str]:
    """Visible text of an HTML page, one block per line, and its <title>/<h1>."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_DROP_HTML_TAGS):
        tag.decompose()
    heading = soup.find("h1") or soup.find("title")
    title = heading.get_text(" ", strip=True) if heading else ""
    if soup.title is not None:
        soup.title.decompose()
    return soup.get_text("\n\n", strip=True), title


def _markdown_to_text(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            line = stripped.lstrip("#").strip()
        lines.append(line)
    return "\n".join(lines)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_document(path: Path, max_bytes: int) -> SourceDocument:
    raw = read_text_file(path, max_bytes)
    suffix = path.suffix.lower()
    html_title = ""
    if suffix in _HTML_SUFFIXES:
        raw, html_title = html_to_text(raw)
    elif suffix in {".md", ".markdown"}:
        raw = _markdown_to_text(raw)
    cleaned = clean_article_text(raw)
    if not cleaned.strip():
        raise UnreadableFileError("no article text left after removing boilerplate")
    meta = extract_metadata(raw, cleaned)
    return SourceDocument(
        doc_id=path.name,
        path=str(path.resolve()),
        text=cleaned,
        title=html_title or meta.title,
        outlet=meta.outlet,
        author=meta.author,
        date=meta.date,
        content_hash=content_hash(cleaned),
    )
