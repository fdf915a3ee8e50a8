"""Main text and metadata of an HTML page, through trafilatura.

trafilatura scores DOM blocks by text density and link density and keeps the article body; it
reads pages whose body sits inside a <form> (ASP.NET sites), joins inline tags into one paragraph
and leaves out menus, share bars, comments and teaser lists. The text keeps one block (paragraph,
heading, list item, table row) per paragraph, separated by blank lines.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

HTML_EXTRACTION_MODES = ("balanced", "precision", "recall")


@dataclass(frozen=True)
class WebPage:
    text: str
    title: str = ""
    author: str = ""
    date: str = ""
    site_name: str = ""


def extract_web_page(html: str, mode: str, include_tables: bool = True) -> WebPage:
    """The page's article text (blocks separated by blank lines) and its metadata."""
    import trafilatura
    from trafilatura.settings import Document

    if mode not in HTML_EXTRACTION_MODES:
        raise ValueError(f"html extraction mode must be one of {HTML_EXTRACTION_MODES}, not {mode!r}")
    # trafilatura logs every page it finds too short at WARNING: that is an answer, not a fault
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    document = trafilatura.bare_extraction(
        html,
        include_comments=False,
        include_tables=include_tables,
        include_images=False,
        include_links=False,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        with_metadata=True,
        deduplicate=False,
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        return WebPage(text="")
    return WebPage(
        text=_blocks(document.text or ""),
        title=_clean_field(document.title),
        author=_clean_field(document.author),
        date=_clean_field(document.date),
        site_name=_clean_field(document.sitename),
    )


def _blocks(text: str) -> str:
    """trafilatura writes one block per line; a blank line between blocks keeps a paragraph a
    paragraph for the sentence splitter, which reads a single line break as a wrapped line."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _clean_field(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()
