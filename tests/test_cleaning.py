import re

from assistant.cleaning import clean_article_text, extract_metadata, is_boilerplate_line
from tests.conftest import CORPUS

BOILERPLATE = re.compile(
    r"subscriber|log in|free trial|leave a comment|akismet|recent posts|no more pages|"
    r"\d+\s*views|credit:|getty images|top of page|bottom of page|join the conversation|"
    r"thank you for taking the time",
    re.IGNORECASE,
)


def test_seed_articles_lose_all_boilerplate_and_keep_prose():
    for path in sorted(CORPUS.iterdir()):
        raw = path.read_text()
        cleaned = clean_article_text(raw)
        assert not BOILERPLATE.search(cleaned), (path.name, BOILERPLATE.search(cleaned))
        assert len(cleaned) > 0.5 * len(raw) or path.name.startswith("000")
    cleaned = clean_article_text((CORPUS / "002_24c47c4952debea1.txt").read_text())
    assert "As few as four per cent said they would support Belarus sending troops in." in cleaned


def test_generic_fixture_boilerplate_is_removed():
    raw = """Home > News > World > Storm hits coast

Storm hits coast

By Jane Roe

Photo: AP Photo/John Smith

The storm reached the coast on Monday and cut power to 20,000 homes. Officials said repairs
would take a week.

Sign up for our newsletter to get the latest stories.

1.2k shares

Related articles

Another storm story teaser that is long enough to look like prose but is a teaser.

Cookies help us deliver our services. By using our services, you accept our cookie policy.
"""
    cleaned = clean_article_text(raw)
    assert "The storm reached the coast on Monday" in cleaned
    for junk in ("Home >", "Photo:", "newsletter", "shares", "Related", "teaser", "Cookies"):
        assert junk not in cleaned
    meta = extract_metadata(raw, cleaned)
    assert meta.title == "Storm hits coast"
    assert meta.author == "Jane Roe"


def test_prose_mentioning_keywords_is_kept():
    sentence = (
        "Lawmakers voted to register all lobbyists after a long debate in parliament about who "
        "should be allowed to subscribe to the official journal and when the register would open, "
        "a process that took almost three years."
    )
    assert not is_boilerplate_line(sentence)


def test_seed_metadata():
    raw = (CORPUS / "002_24c47c4952debea1.txt").read_text()
    meta = extract_metadata(raw, clean_article_text(raw))
    assert meta.title == "Will Putin put pressure on Belarus to join the conflict in Ukraine?"
    assert meta.author == "Chris King"
    assert meta.outlet == "The Euro Weekly News"
    raw = (CORPUS / "004_8f9e010c70d96ada.txt").read_text()
    assert extract_metadata(raw, clean_article_text(raw)).date == "Apr 13, 2022"
