"""Which indexed documents a question names: "Under GPLv3, ...", "in MPL 2.0", "the GFDL".

Corpora of related documents (licences, versions of a standard, RFCs) are asked about one of
them by name, and the name is rarely written in the text the way the question writes it: GPL-3.txt
says "GNU GENERAL PUBLIC LICENSE ... Version 3", never "GPLv3". A document is named by the
letters of its file name ("GPL-3.txt" -> gpl, version 3) or by the initials of its title ("GNU
Free Documentation License" -> gfdl, fdl), with the version, where the file name or the title
states one. The sentence scorer then counts the question's name as found in that document's
sentences, as it counts a word of the document's title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.text import content_stems

# words a title's initials skip: "Mozilla Public License Version 2.0" -> mpl
_SKIPPED_IN_INITIALS = {"the", "of", "and", "a", "an", "for", "on", "in", "to"}
_MIN_INITIALS = 3
# a name in a question: an acronym ("GPL", "GFDL", "CC0"), mixed case with a capital inside
# ("GPLv3" reads as GPL + v3) or a capitalised word, then perhaps a version ("v3", "version 3",
# "2.0", "-1.1")
_REFERENCE = re.compile(
    r"\b(?P<letters>[A-Z]{2,}\d?|[A-Z][a-z]+(?=[A-Z])[A-Za-z]*[A-Z]|[A-Z][a-z]{3,})"
    r"(?:(?:[\s-]?v|\s+version\s+|[\s-])(?P<version>\d+(?:\.\d+)*))?\b")
_FILE_NAME = re.compile(r"^(?P<letters>[A-Za-z][A-Za-z]*\d?)(?:[-_ ]?v?(?P<version>\d+(?:\.\d+)*))?$")
_TITLE_VERSION = re.compile(r"\b(?:version|v)\.?\s*(\d+(?:\.\d+)*)", re.I)


def _version(text: str | None) -> str | None:
    """'2.0' and '2' are one version; None when none is stated."""
    if not text:
        return None
    while text.endswith(".0"):
        text = text[:-2]
    return text


@dataclass(frozen=True)
class DocumentName:
    doc_id: str
    letters: frozenset[str]  # "gpl", "ggpl" ...: from the file name and the title's initials
    version: str | None
    initials: frozenset[str] = frozenset()  # the title's initials alone


@dataclass(frozen=True)
class NamedDocuments:
    """What a question names: each naming stem with its documents, and the documents named
    outright (with a version, "GPLv3", or by their title's initials, "the GFDL"), about which
    an answer from another document says nothing. A word that is only a file's name ("Yahoo"
    against yahoo-1.html) is no such reference: a news story names its subject, not its file."""

    stems: dict[str, frozenset[str]] = field(default_factory=dict)
    documents: frozenset[str] = frozenset()


def document_name(doc_id: str, title: str | None) -> DocumentName:
    """The names a document goes by, from its file name and its title."""
    letters: set[str] = set()
    file_stem = doc_id.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    match = _FILE_NAME.match(file_stem)
    version = None
    if match and len(match.group("letters")) >= 2:
        letters.add(match.group("letters").lower())
        version = _version(match.group("version"))
    title = title or ""
    head = re.split(r"\bversion\b", title, maxsplit=1, flags=re.I)[0]
    title_words = [w for w in re.findall(r"[A-Za-z]+", head)
                   if w.lower() not in _SKIPPED_IN_INITIALS]
    initials: set[str] = set()
    if len(title_words) >= 2:
        spelled = "".join(w[0] for w in title_words).lower()
        # with and without the first word: "GNU General Public License" -> ggpl, gpl
        initials = {i for i in (spelled, spelled[1:]) if len(i) >= _MIN_INITIALS}
    title_version = _TITLE_VERSION.search(title)
    if version is None and title_version:
        version = _version(title_version.group(1))
    return DocumentName(doc_id, frozenset(letters | initials), version, frozenset(initials))


def named_documents(question: str, names: Iterable[DocumentName]) -> NamedDocuments:
    """The documents a question names, by names that pick out some documents but not all:
    "GPLv3" names GPL-3.txt, and GPL-2.txt only where no document has version 3."""
    names = list(names)
    found: dict[str, frozenset[str]] = {}
    outright: set[str] = set()
    for match in _REFERENCE.finditer(question):
        letters = match.group("letters").lower()
        version = _version(match.group("version"))
        split = re.fullmatch(r"([a-z]+)v(\d+)", letters)  # "GPLv3" read as one token
        if split:
            letters, version = split.group(1), version or split.group(2)
        candidates = [n for n in names if letters in n.letters]
        exact: list[DocumentName] = []
        if version is not None:
            exact = [n for n in candidates if n.version == version]
            candidates = exact or [n for n in candidates if n.version is None]
        if candidates and len(candidates) < len(names):
            for question_stem in content_stems(match.group(0)):
                found[question_stem] = frozenset(n.doc_id for n in candidates)
            # "GPLv3" against GPL-3.txt, the initials of a title, or an acronym that is a file's
            # name ("the BSD licence" against BSD.txt); not "Apple 2019" against apple.html,
            # whose file name states no year, nor "Yahoo" against yahoo-1.html
            acronym = match.group("letters").isupper()
            if exact or acronym or any(letters in n.initials for n in candidates):
                outright.update(n.doc_id for n in candidates)
    return NamedDocuments(found, frozenset(outright))
