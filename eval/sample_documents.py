"""Generated PDF and Word files with known text, for the PDF library comparison and the tests.

The report is laid out by hand on a reportlab canvas so that the hard parts of real reports are
there on purpose: two columns, a running header and a numbered footer on every page, words
hyphenated across line ends, and facts on known pages. The text is invented for this project.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

REPORT_TITLE = "Northfield Water Board Annual Report 2023"
HEADER = "Northfield Water Board — Annual Report 2023"

# page number (1-based) -> paragraphs on that page
REPORT_PAGES: dict[int, list[str]] = {
    1: [
        "The Northfield Water Board supplies drinking water to about 410,000 residents across "
        "the valley. This report describes the year from January to December 2023.",
        "Chief engineer Marta Oyelaran led the replacement of the Eastbrook pumping station, "
        "which had run continuously since 1961. Construction started in March and finished in "
        "October, two weeks ahead of the planned schedule.",
        "Average daily demand was 118 million litres, slightly lower than in 2022 because "
        "household consumption fell after the metering programme reached every district.",
    ],
    2: [
        "Leakage from the distribution network fell to 14 per cent of treated water, down from "
        "19 per cent a year earlier. The reduction came mostly from acoustic monitoring of the "
        "oldest cast-iron mains in the northern districts.",
        "The board replaced 37 kilometres of mains during the year. Crews prioritised pipes with "
        "repeated bursts and sections beneath hospitals and schools.",
        "Water quality met every regulatory standard in all 12 months. Laboratory technicians "
        "analysed 26,400 samples, and none exceeded the permitted limits for lead or nitrate.",
    ],
    3: [
        "Capital spending reached 92 million pounds, financed by customer charges and a "
        "long-term loan from the regional infrastructure fund. Operating costs rose by 6 per cent, "
        "driven by electricity prices at the treatment works.",
        "For 2024 the board plans a second reservoir at Harlow Ridge, subject to planning "
        "permission, and a pilot that recovers phosphorus from treated sludge.",
    ],
}
# the page and a distinctive phrase of each fact the tests ask about
FACTS = {
    "leakage": (2, "Leakage from the distribution network fell to 14 per cent"),
    "spending": (3, "Capital spending reached 92 million pounds"),
    "engineer": (1, "Chief engineer Marta Oyelaran led the replacement"),
}

DOCX_TITLE = "Harbour Ferry Service Review"
DOCX_PARAGRAPHS = [
    ("Heading 1", "Summary"),
    ("Normal", "The harbour ferry carried 2.3 million passengers in 2023, a record for the "
               "service. Punctuality improved to 96 per cent after two new vessels entered "
               "service in May."),
    ("Heading 1", "Fleet"),
    ("Normal", "The new vessels, named Osprey and Curlew, run on batteries charged at the "
               "Quayside terminal overnight. Each crossing now takes eleven minutes."),
]


@dataclass(frozen=True)
class GeneratedPdf:
    path: Path
    pages: dict[int, list[str]]
    hyphenated_words: list[str]  # words split across a line end with a hyphen
    header: str
    footers: list[str]


def _wrap(words: list[str], width: float, measure, hyphenated: list[str]) -> list[str]:
    """Greedy line breaking; a long word that does not fit is hyphenated (split in the middle
    of its letters) the way typesetters do, and recorded."""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if measure(candidate) <= width:
            line = candidate
            continue
        letters = word.strip(".,;:")
        if len(letters) >= 7 and letters.isalpha() and line:
            # the longest head that fits, keeping at least three letters on each side
            for cut in range(len(letters) - 3, 2, -1):
                head = f"{line} {word[:cut]}-"
                if measure(head) <= width:
                    lines.append(head)
                    hyphenated.append(letters)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def make_report_pdf(path: Path, pages: dict[int, list[str]] | None = None,
                    columns: int = 2) -> GeneratedPdf:
    """A multi-page report: running header, 'Page n of N' footer, `columns` text columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    pages = pages or REPORT_PAGES
    width, height = A4
    margin, gutter, size, leading = 56.0, 18.0, 10.5, 13.0
    column_width = (width - 2 * margin - gutter * (columns - 1)) / columns
    hyphenated: list[str] = []
    footers: list[str] = []
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(REPORT_TITLE)
    pdf.setAuthor("Northfield Water Board")
    total = len(pages)
    for number in sorted(pages):
        pdf.setFont("Helvetica", 8)
        pdf.drawString(margin, height - 36, HEADER)
        footer = f"Page {number} of {total}"
        footers.append(footer)
        pdf.drawRightString(width - margin, 30, footer)
        lines: list[str] = []
        if number == 1:
            pdf.setFont("Helvetica-Bold", 16)
            pdf.drawString(margin, height - 80, REPORT_TITLE)
        for paragraph in pages[number]:
            lines += _wrap(paragraph.split(), column_width,
                           lambda s: stringWidth(s, "Times-Roman", size), hyphenated)
            lines.append("")
        top = height - (110 if number == 1 else 70)
        per_column = int((top - 60) // leading)
        split = min(per_column, -(-len(lines) // columns))  # columns side by side, even
        pdf.setFont("Times-Roman", size)
        for index, line in enumerate(lines):
            column, row = divmod(index, split)
            x = margin + column * (column_width + gutter)
            pdf.drawString(x, top - row * leading, line)
        pdf.showPage()
    pdf.save()
    return GeneratedPdf(path, pages, hyphenated, HEADER, footers)


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose one page is only a picture of text: no text layer, as a scan gives."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = _text_image("Scanned page: the text is pixels only.")
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.drawImage(ImageReader(image), 56, 600, width=480, height=60)
    pdf.showPage()
    pdf.save()
    return path


def _text_image(text: str):
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 100), 255)
    ImageDraw.Draw(image).text((10, 40), text, fill=0)
    return image


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = DOCX_TITLE
    document.core_properties.author = "Harbour Transport Authority"
    document.core_properties.created = datetime.datetime(2024, 1, 15, 9, 0)
    document.add_heading(DOCX_TITLE, level=0)
    for style, text in DOCX_PARAGRAPHS:
        document.add_paragraph(text, style=style)
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate([("Vessel", "Entered service"), ("Osprey", "May 2023")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.save(str(path))
    return path
