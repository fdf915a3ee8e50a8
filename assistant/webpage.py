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
from typing import Any

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
    from trafilatura.xml import xmltotxt

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
    text = document.text or ""
    preformatted: dict[str, str] = {}
    if document.body is not None:
        _drop_back_matter(document.body)
        preformatted = _set_aside_preformatted(document.body)
        _unwrap_source_lines(document.body)
        text = xmltotxt(document.body, include_formatting=False)
    text = _blocks(text)
    for key, lines in preformatted.items():
        text = text.replace(key, lines)
    return WebPage(
        text=text,
        title=_clean_field(document.title),
        author=_clean_field(document.author),
        date=_clean_field(document.date),
        site_name=_clean_field(document.sitename),
    )


# the sections that close an article with its sources: their entries ("Retrieved 2016-05-01",
# a cited headline) are no statements of the page; the usual English names (Wikipedia's, and
# those of most reference styles)
_BACK_MATTER = re.compile(r"^(?:references|notes|notes and references|footnotes|citations|"
                          r"sources|bibliography|works cited|further reading|external links|"
                          r"see also)\s*(?:\[edit\])?$", re.I)


def _drop_back_matter(body: Any) -> None:
    """Remove the back matter that ends the article: from the first top-level heading naming
    it on, when every heading after it names back matter too (a real section after "See also"
    keeps it all)."""
    headings = [element for element in body if element.tag == "head"]
    for i, heading in enumerate(headings):
        if all(_BACK_MATTER.match(" ".join("".join(h.itertext()).split()))
               for h in headings[i:]):
            dropping = False
            for element in list(body):
                dropping = dropping or element is heading
                if dropping:
                    body.remove(element)
            return


# a line break with the indentation around it, inside a block's text: the page's source wrapped
# its lines there ("... make it work the way\n        you do."), which no reader sees
_SOURCE_WRAP = re.compile(r"[ \t]*\n\s*")
_PREFORMATTED = frozenset({"code", "pre"})


def _set_aside_preformatted(body: Any) -> dict[str, str]:
    """Replace each preformatted block's text by a key, and return the text by key, its lines
    kept as lines (blank lines as paragraph breaks): trafilatura writes every block on one
    line, which would make each line of a hard-wrapped document in a <pre> (an Internet-Draft,
    a plain-text mail) a block of its own and cut its sentences. Read as plain text is, its
    wrapped paragraphs are joined and its code lines stay apart (assistant/text.py)."""
    kept: dict[str, str] = {}
    for element in list(body.iter()):
        if element.tag not in _PREFORMATTED or any(
                a.tag in _PREFORMATTED for a in element.iterancestors()):
            continue
        raw = "".join(element.itertext())
        if "\n" not in raw.strip():
            continue  # inline code: one line, read with its sentence
        rows = [re.sub(r"[ \t\u00a0]+", " ", row).strip() for row in raw.split("\n")]
        key = f"preformatted{len(kept)}x{id(element)}"
        kept[key] = re.sub(r"\n{3,}", "\n\n", "\n".join(rows)).strip()
        for child in list(element):
            element.remove(child)
        element.text = key
    return kept


def _unwrap_source_lines(body: Any) -> None:
    """Join the lines of each block of the extracted tree that the page's source had wrapped.
    trafilatura keeps them in its text, which would cut a sentence into two blocks; its own
    line breaks (<lb/>, from <br>) and the text of code blocks stay as they are."""
    for element in body.iter():
        if element.tag in _PREFORMATTED or any(
                a.tag in _PREFORMATTED for a in element.iterancestors()):
            continue
        if element.text:
            element.text = _SOURCE_WRAP.sub(" ", element.text)
        if element.tail:
            element.tail = _SOURCE_WRAP.sub(" ", element.tail)


def _blocks(text: str) -> str:
    """trafilatura writes one block per line; a blank line between blocks keeps a paragraph a
    paragraph for the sentence splitter, which reads a single line break as a wrapped line."""
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    return "\n\n".join(line for line in lines if line)


def _clean_field(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()
