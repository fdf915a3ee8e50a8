"""Rule-based removal of web boilerplate from article text, and metadata found in the raw text.

The rules describe *kinds* of boilerplate (paywall prompts, comment widgets, counters, credits,
breadcrumbs, trailing "related posts" sections), never the wording of particular articles.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WORD = re.compile(r"[\w'’-]+")

# Site furniture comes in kinds; each pattern describes a whole line of one kind, so a prose
# sentence that merely uses the same words ("Voters had until Friday to register.") never matches.
_PLATFORMS = r"(facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|messenger|flipboard|bluesky|threads|instagram|youtube|tiktok)"
# Interface labels: buttons and links standing alone on a line.
_UI_LABEL = re.compile(
    rf"""^\W*(
        share(\s+(this|the)\s+(article|story|post|page))?(\s+(on|via|by)\s+{_PLATFORMS})? |
        (share|post|send)\s+(on|to|via|by)\s+{_PLATFORMS} | {_PLATFORMS} | tweet | print | email |
        copy\s+link | comments?(\s*\(\d+\))? | \d+\s+comments? | leave\s+a\s+(comment|reply) |
        (view|show|load|see)\s+(all|more)(\s+\w+)? | read\s+more | continue\s+reading |
        keep\s+reading | read\s+next | more\s+stories | up\s+next |
        subscribe(\s+(now|today|here))? | sign\s?(in|up|out)(\s+(now|here|today))? |
        log\s?(in|out)(\s+(now|here))? | register(\s+(now|here|today|for\s+free))? | or |
        follow(\s+us)?(\s+on\s+{_PLATFORMS})? | unlock\s+(more\s+)?(articles?|stories|access) |
        advertisement | sponsored(\s+content)? | ad | story\s+continues\s+(below|after)(\s+\w+)? |
        skip\s+to\s+(main\s+)?(content|navigation) | (back\s+to\s+|top\s+of\s+|bottom\s+of\s+)(the\s+)?(top|page) |
        menu | home | search | close | next | previous | prev | reply | listen(\s+to\s+this\s+article)? |
        no\s+more\s+(posts|pages|articles|stories)(\s+(available|to\s+load))? |
        recent\s+posts | related(\s+(posts|articles|stories|content|coverage))? |
        you\s+may\s+also\s+like | most\s+(read|popular|viewed) | trending(\s+now)? | don'?t\s+miss(\s+out)? |
        join\s+the\s+conversation | open\s+in\s+app | download\s+(the|our)\s+app | accept(\s+all)?(\s+cookies)? |
        manage\s+(cookies|preferences|consent) | cookie\s+(settings|preferences|policy) | privacy\s+policy |
        terms\s+of\s+(use|service) | contact\s+us | about\s+us | all\s+rights\s+reserved
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "Related: <headline>", "Read more: <headline>": a link to another story set inside the article.
_LINK_TEASER = re.compile(
    r"^\W*(related|read\s+more|read\s+also|also\s+read|see\s+also|more\s+on\s+this(\s+story)?|"
    r"watch|listen|recommended|editor'?s\s+picks?)\s*:\s*\S.{0,150}$",
    re.IGNORECASE,
)
# Counters: "1.2k shares", "22 views0 comments", "by -53 Views", "4 min read".
_COUNTER = re.compile(
    r"^\W*(by\s*)?-?\d[\d,.]*\s*k?\s*(views?|comments?|shares?|likes?|reactions?|min(ute)?s?\s+read)"
    r"(\s*-?\d[\d,.]*\s*k?\s*(views?|comments?|shares?|likes?|reactions?))*\W*$",
    re.IGNORECASE,
)
# Picture credits, alone or closing a caption: "Photo: AP", "(Credit: Getty images)",
# "... in February 2021. Credit: kremlin.ru CC BY 4.0", "© Reuters".
_CREDIT = re.compile(
    r"(^\W*(photo(graph)?s?|image|picture|pic|credit|illustration|video|graphic)\s*(credit)?\s*:|"
    r"[(\[]?\b(photo(graph)?|image|picture|pic|credit)s?\s*:\s*([^.!?]|[.](?=\S)){1,80}[)\]]?\s*$|"
    r"\b(getty\s+images|shutterstock|ap\s+photo|afp\s+via\s+getty|reuters/|epa-efe|alamy)\b[^.!?]{0,40}[)\]]?\s*$|"
    r"©|\ball\s+rights\s+reserved\b)",
    re.IGNORECASE,
)
# Notices the site addresses to the reader: cookie and spam-filter banners, paywall prompts.
_READER_NOTICE = re.compile(
    r"(\bthis\s+(web)?site\s+uses\b|\bwe\s+use\s+cookies\b|\bby\s+(using|continuing)\b.{0,60}\byou\s+"
    r"(accept|agree|consent)\b|\byour\s+comment\s+data\b|\balready\s+a\s+(subscriber|member)\b|"
    r"\b(you\s+have|you'?ve\s+(read|reached))\s+.{0,30}\b(free\s+)?(articles?|stories)\b.{0,30}"
    r"\b(left|remaining|limit|this\s+month)\b|\bcancel\s+(at\s+)?any\s*time\b|"
    r"\b(start|try|get|begin|claim)\s+(your|a)\s+(\d+-day\s+)?free\s+trial\b|^\W*keep\s+reading\b|\b(sign\s+up|subscribe)\s+(for|to)\s+(our|the)\b.{0,40}\bnewsletters?\b|"
    r"\b(get|receive)\s+(our|the\s+latest)\b.{0,40}\b(in|to)\s+your\s+inbox\b|"
    r"\bsubscribe\s+to\s+(leave|read|continue|unlock|get)\b|\bjoin\s+the\s+conversation\s+with\b)",
    re.IGNORECASE,
)
# Site navigation: "Home » today » World » <headline>", "News > World > Europe".
_BREADCRUMB = re.compile(r"^\W*[^»›>]{1,30}(\s[»›>]\s[^»›>]{1,30}){1,}(\s[»›>]\s[^»›>]+)?$")
# Page furniture of paginated plain text (RFCs, typed reports): "Postel        [Page 5]",
# "RFC 791        Internet Protocol        September 1981", "Page 3 of 12".
_PAGE_MARK = re.compile(
    r"(\[page\s+\d+\]|^\W*page\s+\d+(\s+of\s+\d+)?)\W*$|"
    r"^\S.*\s{3,}\S.*\s{3,}(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{4}\s*$",
    re.IGNORECASE,
)
_BULLET_TOKEN = re.compile(r"^\s*[•·▪‣◦*-]\s*\S+\s*$")
# Bylines standing alone: "By Jane Roe", "By Jane Roe and John Smith, Reuters", "Written by".
_BYLINE_LINE = re.compile(
    r"^\s*(?i:by|written\s+by|words\s+by|reporting\s+by|posted\s+by|author)\s*:?\s*"
    r"([A-Z][\w.'’-]+(\s+(?i:de|van|von|da|al|bin)?\s*[A-Z][\w.'’-]+){0,3}"
    r"((\s*,\s*|\s+and\s+|\s*&\s*)[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3})*)?"
    r"(\s*[|,·•-]\s*.{0,40})?\s*$"
)
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
# Project Gutenberg's frame around a book: its own header (the ebook's notice, title, author,
# release date) before "*** START OF THE PROJECT GUTENBERG EBOOK <TITLE> ***", and after
# "*** END OF ..." its full licence, whose fees, days and percentages would otherwise answer
# questions about the book.
_FRAME_START = re.compile(r"^[ \t]*\*{3}\s*START OF (THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$",
                          re.IGNORECASE | re.MULTILINE)
_FRAME_END = re.compile(r"^[ \t]*\*{3}\s*END OF (THE|THIS) PROJECT GUTENBERG E-?BOOK\b.*$",
                        re.IGNORECASE | re.MULTILINE)
# "Title: ..." and "Author: ..." lines of a header such as Project Gutenberg's
_HEADER_FIELD = re.compile(r"^\s*(?P<field>title|author)\s*:\s*(?P<value>\S.{0,200}?)\s*$",
                           re.IGNORECASE)
_UPDATED = re.compile(r"^\s*(updated|published|posted)\s*(on)?\s*:?\s*(?P<date>.+)$", re.IGNORECASE)
_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|"
    r"oct(ober)?|nov(ember)?|dec(ember)?)"
)
_DATE = re.compile(
    rf"\b({_MONTHS}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\.?,?\s+\d{{4}}|\d{{4}}-\d\d-\d\d)\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"^\s*{_MONTHS}\.?,?\s+\d{{4}}\s*$", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}[:.]\d\d\s*(am|pm|a\.m\.|p\.m\.)?(\s*(gmt|utc|bst|cet|cest|est|edt|pst|pdt|et|pt))?\b",
                   re.IGNORECASE)
_BYLINE = re.compile(r"^\s*(?i:by|written\s+by)\s*:?\s*(?P<name>[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3})\s*$")
_OUTLET_PATTERNS = [
    re.compile(r"\b(?:check|visit|read)\s+(?P<name>(?:The\s+)?(?:[A-Z][\w’']*\s+){0,3}[A-Z][\w’']*)\s+website"),
    re.compile(r"\bother\s+(?P<name>(?:The\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,2})\s+readers\b"),
    re.compile(r"\b(?:reporter|correspondent|editor|writer)\s+(?:for|at)\s+(?P<name>(?:The\s+)?[A-Z][\w’']*(?:\s+[A-Z][\w’']*){0,3})"),
    # a copyright notice names its year, then the holder in capitalised words on the same line:
    # "Copyright (c) 2010 Arc90 Inc" (not "Licensed under" on the next line); a licence's
    # "copyright holder" or "Copyright (C) YEAR YOUR NAME" names no one
    re.compile(r"(?:©|\([cC]\)|(?i:copyright))[ \t]*(?:(?:©|\([cC]\))[ \t]*)?"
               r"\d{4}(?:[ \t]*[-–,][ \t]*\d{2,4})*,?[ \t]+"
               r"(?P<name>(?:The[ \t]+)?[A-Z][\w’']*(?:[ \t]+[A-Z][\w’']*){0,3})"),
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


def _is_date_stamp(line: str) -> bool:
    """'Updated: Apr 13, 2022', 'Published 5 March 2024, 10:32 GMT', or a date alone."""
    if len(_words(line)) > 10:
        return False
    if _MONTH_YEAR.match(line):
        return True
    updated = _UPDATED.match(line)
    rest = updated.group("date") if updated else line
    found = _DATE.search(rest) or _TIME.search(rest)
    if not found:
        return False
    leftover = (rest[: found.start()] + rest[found.end() :]).strip(" ,|·•-")
    return bool(updated) or not _words(_TIME.sub("", leftover))


def is_boilerplate_line(line: str) -> bool:
    """True only for site furniture: interface labels, counters, credits, bylines, date stamps,
    breadcrumbs and notices addressed to the reader; never for a sentence of the article."""
    stripped = line.strip()
    if not stripped:
        return False
    words = _words(stripped)
    if not words:
        return True  # punctuation or symbols only
    if len(words) > 40:
        return False  # furniture is short; a paragraph is never dropped whole
    return bool(
        _UI_LABEL.match(stripped) or _COUNTER.match(stripped) or _BULLET_TOKEN.match(stripped)
        or _LINK_TEASER.match(stripped) or _BYLINE_LINE.match(stripped)
        or (len(words) <= 12 and _PAGE_MARK.search(line.rstrip()))
        or _is_doubled_name(stripped) or _is_date_stamp(stripped)
        or (_BREADCRUMB.match(stripped) and not stripped.endswith("."))
        or (len(words) <= 25 and _CREDIT.search(stripped))
        or (len(words) <= 30 and _READER_NOTICE.search(stripped))
    )


def _trailing_section_start(lines: list[str]) -> int | None:
    """Offset of the first trailing-section heading found in the back half of the text."""
    total = sum(len(line) for line in lines)
    seen = 0
    for line in lines:
        stripped = line.strip()
        is_marker = (len(_words(stripped)) <= 12 and _TAIL_MARKER.match(stripped)) or \
            _SIGN_OFF.match(stripped)
        if seen > total * 0.5 and is_marker:
            return seen
        seen += len(line)
    return None


def clean_article_text(raw: str) -> str:
    """The text with site furniture blanked out, every other character at its own offset.

    Furniture lines become spaces (a blank line, so a paragraph break) and a trailing section of
    teasers, comments or author boxes is cut off, as is the frame of a Project Gutenberg book
    (its header blanked, its licence cut); nothing else changes, so an offset into the
    cleaned text is an offset into the file's text and every passage is a span of the file.
    """
    start = _FRAME_START.search(raw)
    end = _FRAME_END.search(raw, start.end() if start else 0)
    if start:  # the book's header: spaces, so that offsets still point into the file
        raw = re.sub(r"[^\n]", " ", raw[: start.end()]) + raw[start.end():]
    if end:
        raw = raw[: end.start()]
    lines = raw.splitlines(keepends=True)
    cut = _trailing_section_start(lines)
    running = _running_heads(lines)
    kept: list[str] = []
    previous = ""
    for line in lines:
        body = line.rstrip("\r\n")
        if ((is_boilerplate_line(body) or body.strip() in running)
                and not _continues(previous, body)):
            line = " " * len(body) + line[len(body) :]
        kept.append(line)
        previous = body
    text = "".join(kept)
    return (text[:cut] if cut is not None else text).rstrip()


_RUNNING_HEAD_WORDS = 6
_RUNNING_HEAD_REPEATS = 3


def _running_heads(lines: list[str]) -> set[str]:
    """In paginated text (two or more page marks), the short lines repeated on page after page:
    the running head ("Internet Protocol") that would otherwise sit inside sentences that
    cross a page break."""
    if sum(1 for line in lines if _PAGE_MARK.search(line.rstrip())) < 2:
        return set()
    counts: dict[str, int] = {}
    for line in lines:
        stripped = line.strip()
        if (stripped and len(_words(stripped)) <= _RUNNING_HEAD_WORDS
                and not stripped.endswith((".", "!", "?", ":", ";", ","))):
            counts[stripped] = counts.get(stripped, 0) + 1
    return {line for line, count in counts.items() if count >= _RUNNING_HEAD_REPEATS}


def _continues(previous: str, line: str) -> bool:
    """A hard-wrapped paragraph's last word alone on its line ('register.', 'or') is prose: the
    line before it is long and stops mid-sentence."""
    previous = previous.rstrip()
    return (len(previous) >= 40 and not previous.endswith((".", "!", "?", ":", "”", '"'))
            and bool(_words(line)) and line[:1] not in "•·▪‣◦*-")


def remove_furniture_lines(text: str) -> str:
    """Drop furniture lines outright (text that is not a file's own text, such as a web page's
    extracted body, has no offsets to keep)."""
    kept = [line for line in text.split("\n") if not is_boilerplate_line(line)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _looks_like_heading(line: str) -> bool:
    words = _words(line)
    return 2 <= len(words) <= 25 and not line.rstrip().endswith((".", ",", ";", ":"))


def extract_metadata(raw: str, cleaned: str) -> ArticleMetadata:
    """Title, author, outlet and date where the text states them."""
    fields = _header_fields(raw)
    title = fields.get("title") or next(
        (ln for ln in cleaned.split("\n") if _looks_like_heading(ln)), "")
    if not title:
        title = next((ln for ln in cleaned.split("\n") if ln.strip()), "")[:120]
    raw_lines = normalise_whitespace(raw).split("\n")
    author = fields.get("author", "")
    for line in raw_lines if not author else []:
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


def _header_fields(raw: str, lines: int = 40) -> dict[str, str]:
    """"Title:" and "Author:" as a header at the top of the file states them, when the file
    has Project Gutenberg's frame (elsewhere such a line may be part of the text)."""
    start = _FRAME_START.search(raw)
    if not start:
        return {}
    fields: dict[str, str] = {}
    for line in raw[: start.start()].splitlines()[:lines]:
        match = _HEADER_FIELD.match(line)
        if match:
            fields.setdefault(match.group("field").lower(), match.group("value"))
    return fields
