"""Which documents a question names ("Under GPLv3, ...") by file name, title initials and version."""

import pytest

from assistant.document_names import document_name, named_documents

DOCUMENTS = [document_name(doc_id, title) for doc_id, title in [
    ("GPL-2.txt", "GNU GENERAL PUBLIC LICENSE"),
    ("GPL-3.txt", "GNU GENERAL PUBLIC LICENSE"),
    ("LGPL-2.1.txt", "GNU LESSER GENERAL PUBLIC LICENSE"),
    ("MPL-2.0.txt", "Mozilla Public License Version 2.0"),
    ("GFDL-1.3.txt", "GNU Free Documentation License"),
    ("yahoo-1.html", "Yahoo's new chief sets out her plans"),
    ("0a1b2c3d.txt", "Council approves the budget"),
    ("apple.html", "iPhone sales slow"),
    ("BSD.txt", "Redistribution and use in source and binary forms, with or without"),
]]


@pytest.mark.parametrize("question, stems, outright", [
    ("Under GPLv3, within how many days must the holder notify you?",
     {"gplv3": {"GPL-3.txt"}}, {"GPL-3.txt"}),
    ("Which countries does GPL version 2 exclude?",
     {"gpl": {"GPL-2.txt"}, "version": {"GPL-2.txt"}, "2": {"GPL-2.txt"}}, {"GPL-2.txt"}),
    ("Which licences count as Secondary Licenses in MPL 2.0?",
     {"mpl": {"MPL-2.0.txt"}, "2": {"MPL-2.0.txt"}, "0": {"MPL-2.0.txt"}}, {"MPL-2.0.txt"}),
    # by the initials of the title, without a version
    ("What is an Invariant Section of the GFDL?", {"gfdl": {"GFDL-1.3.txt"}}, {"GFDL-1.3.txt"}),
    ("Why is the LGPL called Lesser?", {"lgpl": {"LGPL-2.1.txt"}}, {"LGPL-2.1.txt"}),
    # a version no document has names none of them
    ("What does GPLv4 add?", {}, set()),
    # a word that is only a file's name is credited, but names no document outright: a news
    # story names its subject, not its file
    ("For how much is Yahoo selling its business?", {"yahoo": {"yahoo-1.html"}}, set()),
    ("What did the council approve?", {}, set()),
    # an acronym that is a file's name names it outright
    ("Under the BSD licence, whose names may not be used?", {"bsd": {"BSD.txt"}}, {"BSD.txt"}),
    # a version the file name does not state is no outright reference
    ("What did Apple 2019 sales show?", {"appl": {"apple.html"}, "2019": {"apple.html"}}, set()),
])
def test_named_documents(question, stems, outright):
    named = named_documents(question, DOCUMENTS)
    assert {s: set(docs) for s, docs in named.stems.items()} == stems
    assert set(named.documents) == outright


def test_document_names_come_from_the_file_name_and_the_title():
    gpl = document_name("GPL-3.txt", "GNU GENERAL PUBLIC LICENSE")
    assert {"gpl", "ggpl"} <= gpl.letters and gpl.version == "3"
    mpl = document_name("mozilla.txt", "Mozilla Public License Version 2.0")
    assert "mpl" in mpl.initials and mpl.version == "2"
