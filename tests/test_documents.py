"""PDF and Word ingestion on real files generated here: text order, hyphenation, headers and
footers, page numbers in citations, scanned and broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.corpus import UnreadableFileError, load_document, scan_paths
from assistant.documents import clean_pages, load_docx, load_pdf
from assistant.engine import Assistant
from assistant.ingestion import ingest
from eval.sample_documents import (
    DOCX_PARAGRAPHS,
    FACTS,
    HEADER,
    REPORT_PAGES,
    make_docx,
    make_report_pdf,
    make_scanned_pdf,
)
from tests.conftest import make_settings


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return make_report_pdf(tmp_path_factory.mktemp("pdf") / "water-report.pdf")


@pytest.mark.parametrize("columns", [1, 2, 3])
def test_pdf_text_comes_out_in_reading_order_without_furniture(tmp_path, columns):
    pdf = make_report_pdf(tmp_path / "report.pdf", columns=columns)
    document = load_pdf(pdf.path, 10_000_000)
    text = squash(document.text)
    position = -1
    for number in sorted(REPORT_PAGES):
        for paragraph in REPORT_PAGES[number]:
            found = text.find(paragraph)
            assert found > position, f"paragraph missing or out of order: {paragraph[:50]}"
            position = found
    assert HEADER not in document.text
    assert not any(footer in document.text for footer in pdf.footers)
    if columns > 1:
        assert pdf.hyphenated_words  # the layout really hyphenated words at line ends
    for word in pdf.hyphenated_words:
        assert re.search(rf"\b{word}\b", document.text), word


def test_pdf_pages_are_located_and_metadata_read(report):
    document = load_document(report.path, 10_000_000)  # through the corpus loader
    assert document.title == "Northfield Water Board Annual Report 2023"
    assert document.author == "Northfield Water Board"
    assert len(document.page_starts) == len(REPORT_PAGES) and document.page_starts[0] == 0
    for page, phrase in FACTS.values():
        offset = document.text.find(phrase)
        assert offset >= 0
        located = max(n for n, start in enumerate(document.page_starts, 1) if start <= offset)
        assert located == page, phrase


def test_scanned_pdf_gets_a_clear_message_and_the_rest_is_ingested(tmp_path, embedder, report):
    folder = tmp_path / "docs"
    folder.mkdir()
    make_scanned_pdf(folder / "scan.pdf")
    (folder / "report.pdf").write_bytes(report.path.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a PDF\n")
    report_ = ingest([folder], make_settings(tmp_path / "index"), embedder, show_progress=False)
    messages = {Path(p.path).name: p.message for p in report_.problems}
    assert "no text layer" in messages["scan.pdf"] and "OCR" in messages["scan.pdf"]
    assert "not a readable PDF" in messages["broken.pdf"]
    assert report_.documents_added == 1


def test_encrypted_pdf_is_refused_with_a_message(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt="open-sesame")
    pdf.drawString(72, 720, "Locked text.")
    pdf.save()
    with pytest.raises(UnreadableFileError, match="encrypted"):
        load_pdf(path, 10_000_000)


def test_docx_paragraphs_tables_and_properties(tmp_path):
    document = load_docx(make_docx(tmp_path / "ferry.docx"), 10_000_000)
    for _, text in DOCX_PARAGRAPHS:
        assert text in document.text
    assert "Osprey | May 2023" in document.text
    assert document.title == "Harbour Ferry Service Review"
    assert document.author == "Harbour Transport Authority" and document.date == "2024-01-15"
    assert document.page_starts == ()
    (tmp_path / "fake.docx").write_bytes(b"PK not a zip")
    with pytest.raises(UnreadableFileError, match="not a readable .docx"):
        load_docx(tmp_path / "fake.docx", 10_000_000)


def test_pdf_and_docx_are_found_in_folders(tmp_path):
    make_docx(tmp_path / "a.docx")
    make_scanned_pdf(tmp_path / "b.pdf")
    (tmp_path / "c.doc").write_bytes(b"old word")
    assert sorted(p.name for p in scan_paths([tmp_path]).files) == ["a.docx", "b.pdf"]


def test_citations_name_the_pdf_page(tmp_path, embedder, report):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "water-report.pdf").write_bytes(report.path.read_bytes())
    make_docx(folder / "ferry.docx")
    settings = make_settings(tmp_path / "index")
    assert not ingest([folder], settings, embedder, show_progress=False).problems
    bot = Assistant(settings, embedder)
    expectations = [
        ("How much did leakage from the distribution network fall?", "water-report.pdf", 2),
        ("How much was the capital spending of the water board?", "water-report.pdf", 3),
        ("Who led the replacement of the Eastbrook pumping station?", "water-report.pdf", 1),
        ("How many passengers did the harbour ferry carry?", "ferry.docx", None),
    ]
    for question, source, page in expectations:
        answer = bot.ask(question)
        assert not answer.abstained, question
        first = answer.citations[0]
        assert (first.source, first.page) == (source, page), question
        assert first.to_dict()["page"] == page


# --- cleaning rules on their own -------------------------------------------------------------
def test_recto_verso_headers_and_page_numbers_are_removed():
    bodies = ["Rainfall was low in spring.", "Reservoirs held 71 per cent in May.",
              "Demand peaked during the July heatwave.", "Autumn storms refilled the lakes."]
    pages = [f"{n} Annual Survey / Vol. 3 / Results\n{body}\n- {n} -" if n % 2 else
             f"Annual Survey / Vol. 3 / Results {n}\n{body}\n- {n} -"
             for n, body in enumerate(bodies, 1)]
    cleaned = clean_pages(pages)
    assert "Annual Survey" not in cleaned.text and "- 3 -" not in cleaned.text
    assert cleaned.text == "\n\n".join(bodies)
    assert len(cleaned.page_starts) == 4


def test_hyphen_kept_for_compounds_written_whole_elsewhere():
    page = ("The old cast-iron mains were replaced after the monitoring showed that the cast-\n"
            "iron pipes and the new monitoring equipment of the moni-\n"
            "toring programme were working as the engineers expected.")
    text = clean_pages([page]).text
    assert "cast-iron pipes" in text and "monitoring programme" in text and "\n" not in text


def test_headings_stay_separate_lines():
    page = ("Summary\nThe ferry carried 2.3 million passengers in 2023, a record for the\n"
            "service and the highest since records began.\nFleet\nTwo new vessels entered "
            "service in May and now run every day.")
    lines = clean_pages([page]).text.split("\n")
    assert lines[0] == "Summary" and lines[2] == "Fleet"
    assert lines[1].endswith("since records began.")
