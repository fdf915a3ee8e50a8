"""Rule-based removal of web boilerplate from article text, and metadata found in the raw text.

The rules describe *kinds* of boilerplate (paywall prompts, comment widgets, counters, credits,
breadcrumbs, trailing "related posts" sections), never the wording of particular articles.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[\w'’-]+")

# A short line containing one of these is site furniture, not article prose.
_FURNITURE = re.compile(
    r"""(
        \bsubscri(be|ber|bers|ption)\b | \blog\s?in\b | \bsign\s?(in|up)\b | \bregister\b |
        \bfree\s+trial\b | \bunlock\b | \bpaywall\b | \bcancel\s+(at\s+)?any\s*time\b |
        \bno\s+commitment\b | \bnewsletter\b | \bkeep\s+reading\b | \bcontinue\s+reading\b |
        \bleave\s+a\s+(comment|reply)\b | \bakismet\b | \bcomment\s+data\b |
        \bjoin\s+the\s+conversation\b | \bdon'?t\s+miss\s+out\b |
        \bfollow\s+us\b | \bshare\s+(this|on)\b | \bsee\s+all\b | \bread\s+more\b |
        \b(top|bottom)\s+of\s+(the\s+)?page\b | \bno\s+more\s+(posts|pages|articles)\b |
        \bload\s+more\b | \brecent\s+posts\b | \brelated\s+(posts|articles|stories)\b |
        \bcookies?\b.*\b(accept|consent|policy)\b | \ball\s+rights\s+reserved\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_COUNTER = re.compile(
    r"^\W*(by\s*)?-?\d[\d,.]*\s*(k\s*)?(views?|comments?|shares?|likes?)(?![a-z])", re.IGNORECASE
)
_CREDIT = re.compile(
    r"(\bcredits?\s*:|\bphoto(graph)?\s*:|\bimage\s*:|\bgetty\s+images\b|\bcc\s+by\b|©|"
    r"\bshutterstock\b|\breuters/|\bap\s+photo\b)",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"(\s[»›]\s.*){2,}|(\s>\s.*){2,}")
_BULLET_TOKEN = re.compile(r"^\s*[•·▪‣◦*-]\s*\S+\s*$")
_LONE_UI_WORDS = {
    "or", "comments", "comment", "register", "share", "menu", "home", "search", "advertisement",
    "reply", "print", "email", "tweet", "close", "next", "previous", "login",
}
# Headings that open a trailing section of teasers, comments or author boxes.
_TAIL_MARKER = re.compile(
    r"^\W*(recent\s+posts|related(\s+(posts|articles|stories))?|more\s+from\b.*|"
    r"you\s+may\s+also\s+like|read\s+next|comments?|leave\s+a\s+(comment|reply)|"
    r"already\s+a\s+subscriber\b.*|keep\s+reading\b.*|no\s+more\s+(posts|pages)\b.*|"
    r"share\s+this\b.*)\W*$",
    re.IGNORECASE,
)
# Sign-off sentences that open an outlet's trailing promo or author box, however long the line.
_SIGN_OFF = re.compile(
    r"^\W*(thank\s+you\s+for\s+(taking\s+the\s+time\s+to\s+)?read(ing)?|"
    r"thanks\s+for\s+reading|(this\s+(article|story)\s+)?(was\s+)?originally\s+published)\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"^\s*(updated|published|posted)\s*(on)?\s*:?\s*(?P<date>.+)$", re.IGNORECASE)
_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)"
)
_DATE = re.compile(
    rf"\b({_MONTHS}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\.?,?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^\s*(?i:by|written\s+by)\s*:?\s*(?P<name>[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3})\s*$")
_OUTLET_PATTERNS = [
    re.compile(r"\b(?:check|visit|read)\s+(?P<name>(?:The\s+)?(?:[A-Z][\w’']*\s+){0,3}[A-Z][\w’']*)\s+website"),
    re.compile(r"\bother\s+(?P<name>(?:The\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,2})\s+readers\b"),
    re.compile(r"\b(?:reporter|correspondent|editor|writer)\s+(?:for|at)\s+(?P<name>(?:The\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,3})"),
    re.compile(r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s+)?(?P<name>(?:The\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,3})", re.IGNORECASE),
]


@dataclass(frozen=True)
class ArticleMetadata:
    title: str = ""
    author: str = ""
    outlet: str = ""
    date: str = ""


def normalise_whitespace(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _is_doubled_name(line: str) -> bool:
    """Bylines rendered twice by site templates: 'Jane Doe Jane Doe'."""
    words = line.split()
    half = len(words) // 2
    return (
        len(words) in (4, 6)
        and words[:half] == words[half:]
        and all(w[:1].isupper() for w in words)
    )


def is_boilerplate_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    words = _words(stripped)
    n_words = len(words)
    if n_words == 0:
        return True  # punctuation or symbols only
    if _COUNTER.search(stripped) or _BREADCRUMB.search(stripped) or _BULLET_TOKEN.match(stripped):
        return True
    if n_words <= 2 and stripped.lower().strip(".:!") in _LONE_UI_WORDS:
        return True
    if _is_doubled_name(stripped) or _UPDATED.match(stripped) or _BYLINE.match(stripped):
        return True
    if n_words <= 25 and _CREDIT.search(stripped):
        return True
    return n_words <= 30 and bool(_FURNITURE.search(stripped))


def _cut_trailing_section(lines: list[str]) -> list[str]:
    """Drop everything from the first trailing-section heading found in the back half."""
    total = sum(len(line) + 1 for line in lines)
    seen = 0
    for index, line in enumerate(lines):
        is_marker = (len(_words(line)) <= 12 and _TAIL_MARKER.match(line)) or _SIGN_OFF.match(line)
        if seen > total * 0.5 and is_marker:
            return lines[:index]
        seen += len(line) + 1
    return lines


def clean_article_text(raw: str) -> str:
    """Return the article prose without web boilerplate, paragraphs separated by blank lines."""
    lines = normalise_whitespace(raw).split("\n")
    lines = _cut_trailing_section(lines)
    kept = [line for line in lines if not is_boilerplate_line(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _looks_like_heading(line: str) -> bool:
    words = _words(line)
    return 2 <= len(words) <= 25 and not line.rstrip().endswith((".", ",", ";", ":"))


def extract_metadata(raw: str, cleaned: str) -> ArticleMetadata:
    """Title, author, outlet and date where the text states them."""
    title = next((ln for ln in cleaned.split("\n") if _looks_like_heading(ln)), "")
    if not title:
        title = next((ln for ln in cleaned.split("\n") if ln.strip()), "")[:120]
    raw_lines = normalise_whitespace(raw).split("\n")
    author = ""
    for line in raw_lines:
        if _is_doubled_name(line):
            author = " ".join(line.split()[: len(line.split()) // 2])
            break
        match = _BYLINE.match(line)
        if match:
            author = match.group("name")
            break
    if not author:
        for index, line in enumerate(raw_lines[:-1]):
            if line.strip().lower() in {"written by", "by", "author"}:
                candidate = next((n for n in raw_lines[index + 1 :] if n.strip()), "")
                if 1 <= len(candidate.split()) <= 4:
                    author = candidate.strip()
                break
    outlet = ""
    for pattern in _OUTLET_PATTERNS:
        match = pattern.search(raw)
        if match:
            outlet = match.group("name").strip()
            break
    date = ""
    for line in raw_lines[:15]:
        updated = _UPDATED.match(line)
        found = _DATE.search(updated.group("date") if updated else line)
        if found:
            date = found.group(0)
            break
    return ArticleMetadata(title=title.strip(), author=author, outlet=outlet, date=date)
