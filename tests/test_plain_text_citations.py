"""Citations into plain-text files carry offsets into the file's own text, and a cited passage and
its quoted sentence are contiguous spans of it, hard-wrapped lines included."""

import textwrap

from assistant.engine import Assistant
from assistant.ingestion import ingest
from assistant.store import open_index
from tests.conftest import make_settings
from tests.test_cleaning import LICENCE_PARAGRAPHS

MORE_PARAGRAPHS = [
    "Each licensee is addressed as \"you\". \"Licensees\" and \"recipients\" may be individuals "
    "or organizations. To \"modify\" a work means to copy from or adapt all or part of the work "
    "in a fashion requiring copyright permission, other than the making of an exact copy.",
    "You may charge any price or no price for each copy that you convey, and you may offer "
    "support or warranty protection for a fee. The resulting work is called a \"modified "
    "version\" of the earlier work or a work \"based on\" the earlier work.",
    "You are not required to accept this License in order to receive or run a copy of the "
    "Program. Ancillary propagation of a covered work occurring solely as a consequence of "
    "using peer-to-peer transmission to receive a copy likewise does not require acceptance.",
]


def _licence_text() -> str:
    paragraphs = LICENCE_PARAGRAPHS + MORE_PARAGRAPHS
    body = "\n\n".join(textwrap.fill(p, width=70) for p in paragraphs)
    return "                    EXAMPLE PUBLIC LICENSE\n\n  Preamble\n\n" + body + "\n"


def test_citations_are_spans_of_the_hard_wrapped_file(tmp_path, embedder):
    folder = tmp_path / "licences"
    folder.mkdir()
    path = folder / "LICENSE.txt"
    original = _licence_text()
    path.write_text(original, encoding="utf-8")
    settings = make_settings(tmp_path / "index")
    report = ingest([folder], settings, embedder, show_progress=False)
    assert not report.problems

    store = open_index(settings, embedder)
    assert store.catalog.document_text("LICENSE.txt") == original.rstrip()
    chunks = store.catalog.get_chunks(sorted(store.catalog.all_chunk_ids()))
    assert len(chunks) >= 2
    for chunk in chunks.values():
        assert original[chunk.start : chunk.end] == chunk.text
    store.close()

    bot = Assistant(settings, embedder)
    answer = bot.ask("What happens to your rights under this License if a patent holder "
                     "brings suit against you?")
    assert answer.citations
    for citation in answer.citations:
        assert original[citation.start : citation.end] == citation.text
        start = citation.start + citation.highlight_start
        assert original[start : citation.start + citation.highlight_end] == citation.quote
    quotes = [" ".join(c.quote.split()) for c in answer.citations]
    assert ("If a patent holder brings suit against you, your rights under this License "
            "terminate as of the date such litigation is filed.") in quotes
