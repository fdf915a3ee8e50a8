"""The web chat: a real Gradio server on localhost, gradio_client and a real Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assistant.ui import (
    ChatApp,
    free_port,
    launch,
    safe_upload_name,
    store_upload,
    stream_sentences,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"



@pytest.fixture(scope="module")
def server(seed_index, seed_assistant):
    settings = seed_index.replace(port=free_port(), host="127.0.0.1")
    demo = launch(settings, seed_assistant, block=False)
    yield f"http://127.0.0.1:{settings.port}/"
    demo.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server, verbose=False)


def test_question_returns_answer_with_citations(client):
    result = client.predict("What did the Chatham House poll find?", [], api_name="/ask")
    assert "43 per cent" in result["answer"] and not result["abstained"]
    assert result["citations"][0]["source"] == "002_24c47c4952debea1.txt"
    assert result["citations"][0]["quote"] in result["citations"][0]["text"]


def test_follow_up_uses_history(client):
    history = [["user", "Who is Artyom Shraibman?"],
               ["assistant", "A non-resident scholar at the Carnegie Endowment [1]"]]
    result = client.predict("When did he flee Belarus?", history, api_name="/ask")
    assert "2021" in result["answer"]


def test_unanswerable_question_abstains(client):
    result = client.predict("What is the capital of Australia?", [], api_name="/ask")
    assert result["abstained"] and result["citations"] == []


def test_empty_message_gets_a_message_not_an_exception(client):
    result = client.predict("   ", [], api_name="/ask")
    assert result["answer"] == "Please type a question about the articles."


def test_server_binds_loopback_only(server):
    assert server.startswith("http://127.0.0.1:")


def test_engine_failure_is_shown_readably(seed_index, seed_assistant, monkeypatch):
    app = ChatApp(seed_index, seed_assistant)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(seed_assistant, "ask", broken)
    message = app.answer("Who is Artyom Shraibman?", [])
    assert "Something went wrong" in message and "Traceback" not in message


@pytest.mark.parametrize("name", ["../evil.txt", "..\\evil.txt", "/etc/passwd.txt", ".hidden.txt",
                                  "a/../../b.txt", "run.sh", "x" * 300 + ".txt", ".."])
def test_upload_names_cannot_escape_the_upload_folder(name, tmp_path):
    source = tmp_path / "source.txt"
    source.write_text("Belarus news.")
    with pytest.raises(ValueError):
        store_upload(source, name, tmp_path / "uploads", 1000)
    assert not (tmp_path / "evil.txt").exists()


def test_oversized_upload_is_refused(tmp_path):
    source = tmp_path / "big.txt"
    source.write_text("x" * 2000)
    with pytest.raises(ValueError, match="upload limit"):
        store_upload(source, "big.txt", tmp_path / "uploads", 1000)
    assert safe_upload_name("Grain deal (2022).md") == "Grain deal (2022).md"


def test_uploaded_file_is_ingested_into_the_current_index(tmp_path, embedder):
    from assistant.engine import Assistant
    from tests.conftest import CORPUS, make_settings

    settings = make_settings(tmp_path / "index")
    from assistant.ingestion import ingest

    ingest([CORPUS], settings, embedder, show_progress=False)
    bot = Assistant(settings, embedder)
    app = ChatApp(settings, bot)
    upload = tmp_path / "tmpupload"
    upload.write_text("Grain exports\n\nBelarus exported 3 million tonnes of potash in May 2022.\n")

    class Uploaded:
        name = str(upload)
        orig_name = "potash.txt"

    message = app.add_files([Uploaded()])
    assert "Added: uploads/potash.txt (added" in message
    assert "uploads/potash.txt" in app.source_choices()
    answer = bot.ask("How much potash did Belarus export in May 2022?")
    assert any(c.source == "uploads/potash.txt" for c in answer.citations)


def test_streaming_yields_growing_prefixes():
    steps = list(stream_sentences("One. [1] Two. [2]\n- **A**: Three. [3]"))
    assert steps[-1] == "One. [1] Two. [2]\n- **A**: Three. [3]"
    assert all(steps[i] in steps[i + 1] or len(steps[i]) < len(steps[i + 1])
               for i in range(len(steps) - 1))
    assert len(steps) >= 3


@pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                    reason="Debian chromium not installed (scripts/setup.sh --dev installs it)")
def test_browser_question_answer_and_citation(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url)
                if not r.url.startswith((server, "data:", "blob:")) else None)
        try:
            page.goto(server, wait_until="load")
            box = page.locator("#question textarea")
            box.wait_for(timeout=30_000)
            box.fill("Why hasn't Lukashenko sent troops?")
            box.press("Enter")
            page.locator("#citations details").first.wait_for(timeout=60_000)
            page.wait_for_function(
                "document.querySelector('#chat').innerText.includes('[1]')", timeout=60_000)
            assert "reasons" in page.locator("#chat").inner_text()
            first = page.locator("#citations details").first
            first.locator("summary").click()
            passage = first.locator(".passage")
            passage.wait_for(state="visible", timeout=10_000)
            assert first.locator("mark").inner_text().strip()
            assert page.locator("#citations script").count() == 0
            assert outside == []  # the page loads nothing from outside this machine
            page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            print(f"screenshot saved to {tmp_path / 'failure.png'}")
            raise
        finally:
            browser.close()


def test_basic_auth_from_settings(seed_index, seed_assistant):
    settings = seed_index.replace(port=free_port(), auth_user="reader",
                                  auth_password="s3cret-pass")
    demo = launch(settings, seed_assistant, block=False)
    try:
        url = f"http://127.0.0.1:{settings.port}/"
        from gradio_client import Client

        with pytest.raises(Exception):  # noqa: B017 - any refusal will do
            Client(url, verbose=False).predict("Who is Artyom Shraibman?", [], api_name="/ask")
        client = Client(url, auth=("reader", "s3cret-pass"), verbose=False)
        result = client.predict("Who is Artyom Shraibman?", [], api_name="/ask")
        assert "Carnegie" in result["answer"]
    finally:
        demo.close()
