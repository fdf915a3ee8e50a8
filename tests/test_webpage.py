"""HTML pages through the ingest path: article text, paragraphs and metadata, with real trafilatura."""

import pytest

from assistant.config import Settings
from assistant.corpus import UnreadableFileError, load_document, read_html
from assistant.text import sentence_spans
from assistant.webpage import extract_web_page

PARAGRAPHS = [
    "Election officials in the county said on Tuesday that turnout in the primary had reached "
    "its highest level in two decades, with long queues outside several polling stations.",
    "Voters had until Friday to register, and the county clerk said more than 4,000 people had "
    "done so in the final week alone, many of them students at the state university.",
    "The clerk's office said it would publish a full count of provisional ballots next week, "
    "after volunteers finish checking signatures against the voter roll.",
    "Turnout was lowest in the rural north of the county, where two polling places closed early "
    "because of a power cut that lasted most of the afternoon.",
]


def _page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en"><head>
<title>Turnout hits a 20-year high | The Valley Courier</title>
<meta name="author" content="Maria Lopez">
<meta property="og:site_name" content="The Valley Courier">
<meta property="article:published_time" content="2024-03-06T08:00:00Z">
<script>window.dataLayer = [];</script><style>p {{ color: #333 }}</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/opinion">Opinion</a></li></ul></nav></header>
{body}
<footer><p>© 2024 The Valley Courier. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms</a></li></ul></footer>
</body></html>"""


def _article(inner_paragraphs: list[str]) -> str:
    return (
        '<article><h1>Turnout hits a 20-year high</h1>'
        '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> '
        '<a href="#">Email</a></div>'
        + "".join(inner_paragraphs)
        + '<div class="related"><h3>Related stories</h3><ul>'
        '<li><a href="/a">Mayor opens new library in the old post office building</a></li>'
        '<li><a href="/b">High school band wins state title for third year</a></li></ul></div>'
        "</article>"
    )


def test_paragraphs_keep_inline_tags_inside_one_block():
    inner = [
        "<p>Election officials in the county said on <b>Tuesday</b> that turnout in the "
        '<a href="/primary">primary</a> had reached its highest level in two decades, with long '
        "queues outside several polling stations.</p>",
        "<p>Voters had until <em>Friday</em> to <a href='/register'>register</a>, and the county "
        "clerk said more than 4,000 people had done so in the final week alone, many of them "
        "students at the <span class='org'>state university</span>.</p>",
        f"<p>{PARAGRAPHS[2]}</p>",
        f"<p>{PARAGRAPHS[3]}</p>",
    ]
    page = extract_web_page(_page(_article(inner)), "precision")
    blocks = page.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in blocks  # whole, one block, no line break from inline tags
    for furniture in ("Share on Facebook", "Privacy policy", "Home", "All rights reserved",
                      "dataLayer", "library in the old post office"):
        assert furniture not in page.text
    assert page.title == "Turnout hits a 20-year high"
    assert page.author == "Maria Lopez"
    assert page.site_name == "The Valley Courier"
    assert page.date.startswith("2024-03-06")


def test_lines_the_page_source_wrapped_are_one_block_but_breaks_and_code_stay():
    # hand-written HTML wraps its lines anywhere; a reader sees one paragraph
    wrapped = PARAGRAPHS[0].replace(" that turnout", "\n            that turnout").replace(
        " with long", "\n  with long")
    inner = [
        f"<p>{wrapped}<br>{PARAGRAPHS[1]}</p>",
        f"<p>{PARAGRAPHS[2]}</p>",
        "<pre><code>turnout = count(ballots)\nprint(turnout)</code></pre>",
        f"<p>{PARAGRAPHS[3]}</p>",
    ]
    blocks = extract_web_page(_page(_article(inner)), "precision").text.split("\n\n")
    assert PARAGRAPHS[0] in blocks and PARAGRAPHS[1] in blocks  # <br> still ends a block
    # preformatted text keeps its own lines, as lines of one block
    assert "turnout = count(ballots)\nprint(turnout)" in blocks


def test_a_hard_wrapped_document_in_a_pre_is_read_as_plain_text():
    # an Internet-Draft rendered as a web page: its paragraphs wrap at 70 columns
    draft = ("Abstract\n\n    This draft describes a protocol by which client-side applications,\n"
             "    running inside a web browser, can communicate with a data storage\n"
             "    server that is hosted on a different domain name.\n\n\n"
             "    A successful GET request to a folder MUST be responded to with a\n"
             "    JSON-LD document, listing the items in the folder.\n")
    page = extract_web_page(_page(f"<article><h1>remoteStorage</h1><pre>{draft}</pre>"
                                  f"<p>{PARAGRAPHS[0]}</p></article>"), "precision")
    assert ("A successful GET request to a folder MUST be responded to with a\n"
            "JSON-LD document, listing the items in the folder.") in page.text.split("\n\n")
    sentences = [page.text[s:e] for s, e in sentence_spans(page.text)]
    assert ("A successful GET request to a folder MUST be responded to with a\n"
            "JSON-LD document, listing the items in the folder.") in sentences
    assert PARAGRAPHS[0] in sentences


def test_body_inside_a_form_is_read():
    """ASP.NET pages wrap the whole page in one <form>: the article is still there."""
    inner = [f"<p>{p}</p>" for p in PARAGRAPHS]
    html = _page(f'<form id="aspnetForm" method="post" action="./story.aspx">'
                 f'<input type="hidden" name="__VIEWSTATE" value="abc">'
                 f'<div id="main">{_article(inner)}</div></form>')
    page = extract_web_page(html, "precision")
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text


def test_mid_article_related_link_does_not_cut_the_article():
    inner = [f"<p>{p}</p>" for p in PARAGRAPHS[:2]]
    inner.append('<p><strong>Related:</strong> <a href="/x">County to buy new voting '
                 "machines</a></p>")
    inner += [f"<p>{p}</p>" for p in PARAGRAPHS[2:]]
    page = extract_web_page(_page(_article(inner)), "precision")
    for paragraph in PARAGRAPHS:
        assert paragraph in page.text


def _with_sections(sections: list[tuple[str, str]]) -> str:
    body = "".join(f"<h2>{heading}</h2><p>{text}</p>" for heading, text in sections)
    return _page(f"<article><h1>Turnout hits a 20-year high</h1><p>{PARAGRAPHS[0]}</p>"
                 f"<p>{PARAGRAPHS[1]}</p>{body}</article>")


_REFERENCE = ('"County clerk reports record registrations". The Valley Courier. '
              "Retrieved 2024-03-07.")


def test_back_matter_that_ends_an_article_is_left_out():
    page = extract_web_page(_with_sections([
        ("Turnout by district", PARAGRAPHS[3]), ("See also[edit]", "Elections in the county"),
        ("References[edit]", _REFERENCE), ("External links", "Official results page")]),
        "precision")
    assert PARAGRAPHS[0] in page.text and PARAGRAPHS[3] in page.text
    for back_matter in ("References", "Retrieved 2024-03-07", "See also", "Official results"):
        assert back_matter not in page.text


def test_a_section_after_the_notes_keeps_them_all():
    # "Notes" in the middle of a page is a section like any other
    page = extract_web_page(_with_sections([
        ("Notes", PARAGRAPHS[2]), ("Turnout by district", PARAGRAPHS[3])]), "precision")
    assert PARAGRAPHS[2] in page.text and PARAGRAPHS[3] in page.text


def test_html_file_goes_into_the_document_with_its_metadata(tmp_path):
    path = tmp_path / "turnout.html"
    path.write_text(_page(_article([f"<p>{p}</p>" for p in PARAGRAPHS])), encoding="utf-8")
    doc = load_document(path, 10**6, Settings())
    assert doc.title == "Turnout hits a 20-year high"
    assert (doc.author, doc.outlet) == ("Maria Lopez", "The Valley Courier")
    assert doc.date.startswith("2024-03-06")
    assert all(p in doc.text for p in PARAGRAPHS)


def test_extraction_mode_comes_from_settings():
    html = _page(_article([f"<p>{p}</p>" for p in PARAGRAPHS]))
    for mode in ("precision", "balanced", "recall"):
        assert PARAGRAPHS[0] in read_html(html, Settings(html_extraction_mode=mode)).text


def test_page_without_text_is_refused_with_a_message(tmp_path):
    path = tmp_path / "app.html"
    path.write_text("<html><head><script>var app = 1;</script></head><body><div id='root'>"
                    "</div><script>render(app)</script></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="no article text"):
        load_document(path, 10**6, Settings())
