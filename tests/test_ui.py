"""The web chat: a real Gradio server on localhost, gradio_client and a real Chromium.

One server for the module, on a copy of the seed index plus a hostile document whose markup
points at a local "evil" HTTP server that counts every request it gets.
"""

from __future__ import annotations

import re
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.chat_view import export_markdown, render_answer_text, render_transcript
from assistant.conversations import ConversationStore
from assistant.language import detect_language
from assistant.ui import ChatApp, free_port, launch, safe_upload_name, store_upload
from tests.fake_llm_server import FakeLLMServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 60_000

# WCAG contrast of every visible text node against its composited background, computed in the
# page; returns the failures (ratio < 4.5) with the text and colours.
CONTRAST_JS = """
(selectors) => {
  const parse = (c) => {
    let m = c.match(/^rgba?\\(([^)]+)\\)/);
    if (m) { const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
             return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = c.match(/^color\\(srgb ([^)]+)\\)/);
    if (m) { const p = m[1].split(/[\\s\\/]+/).filter(Boolean).map(Number);
             return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    return null;
  };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
    return out;
  };
  const failures = []; let checked = 0;
  for (const selector of selectors) {
    for (const root of document.querySelectorAll(selector)) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const el = node.parentElement;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        if (style.visibility === 'hidden' || style.display === 'none' || box.width === 0
            || el.closest('details:not([open]) > :not(summary)')) continue;
        const bg = background(el);
        const fg = over(parse(style.color) || [0, 0, 0, 1], bg);
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        checked++;
        if (ratio < 4.5) failures.push({text: node.textContent.trim().slice(0, 60),
          ratio: Math.round(ratio * 100) / 100, color: style.color, bg: bg.map(Math.round)});
      }
    }
  }
  return {checked, failures};
}
"""
CHECKED_FOR_CONTRAST = [".gradio-container"]  # the whole page


class EvilServer:
    """Counts every request: any hit means the browser fetched something a document named."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        evil = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                evil.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def hostile_document(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (
        f"![banner]({base}/title-image.png) Minsk rail history\n\n"
        f"The rail line from Minsk to Brest opened in 1871 <img src={base}/raw-img> and carried "
        f"grain west. <script>fetch('{base}/script')</script> Read [the timetable]({base}/link) "
        f"for details.\n\n"
        f"The Minsk station was rebuilt in 1950 ![photo]({base}/md-image.png) after the war. "
        f"<iframe src=\"{base}/frame\"></iframe><link rel=stylesheet href={base}/css>"
        f"<video poster={base}/poster></video><svg><image href={base}/svg /></svg>\n"
    )


@pytest.fixture(scope="module")
def evil():
    server = EvilServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def slow_llm():
    gate = threading.Event()
    with FakeLLMServer([], gate=gate) as server:
        yield server, gate
        gate.set()


@pytest.fixture(scope="module")
def ui_index(seed_index, embedder, evil, tmp_path_factory):
    """A writable copy of the seed index with two uploads: the hostile document and a short
    one that a test deletes."""
    from assistant.ingestion import UPLOAD_NAMESPACE, ingest
    from assistant.vectors import forget_cached_clients

    target = tmp_path_factory.mktemp("ui") / "index"
    shutil.copytree(seed_index.index_dir, target)
    # conversations other test modules left in the shared seed index are not this page's
    for leftover in target.glob("conversations.sqlite3*"):
        leftover.unlink()
    forget_cached_clients()
    settings = seed_index.replace(index_dir=str(target))
    uploads = target / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / "rail-notes.md").write_text(hostile_document(evil.port), encoding="utf-8")
    (uploads / "grain.txt").write_text("Grain harvest\n\nBelarus harvested 8 million tonnes of "
                                       "grain in 2021.\n", encoding="utf-8")
    report = ingest([uploads / "rail-notes.md", uploads / "grain.txt"], settings, embedder,
                    show_progress=False, prune=False, namespace=UPLOAD_NAMESPACE)
    assert report.documents_added == 2, report.summary()
    return settings


@pytest.fixture(scope="module")
def server(ui_index, embedder, slow_llm):
    from assistant.engine import Assistant

    llm, _ = slow_llm
    settings = ui_index.replace(port=free_port(), host="127.0.0.1", llm_model="slow-fake",
                                llm_base_url=llm.url, llm_timeout_s=120.0)
    demo = launch(settings, Assistant(settings, embedder), block=False)
    yield f"http://127.0.0.1:{settings.port}/", demo.chat_app
    demo.close()


@pytest.fixture(scope="module")
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is required: run scripts/setup.sh --dev")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


# --- the /ask API ------------------------------------------------------------------------------
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


def test_non_english_question_gets_a_language_notice(client):
    for question, language in [("Warum hat Lukaschenko keine Truppen geschickt?", "German"),
                               ("Почему Лукашенко не отправил войска?", "Cyrillic")]:
        result = client.predict(question, [], api_name="/ask")
        assert result["abstained"] and "only answer questions asked in English" in result["answer"]
        assert language in result["answer"]


def test_server_listens_on_loopback_only(server):
    """The listening socket itself, read from the kernel: 0.0.0.0 would fail this."""
    port = int(server[0].rsplit(":", 1)[1].strip("/"))
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                listening.append(address)
    assert listening and all(a == "0100007F" for a in listening), listening


def test_engine_failure_is_shown_readably(seed_index, seed_assistant, monkeypatch, tmp_path):
    app = ChatApp(seed_index.replace(index_dir=str(tmp_path)), seed_assistant)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(seed_assistant, "ask", broken)
    message = app.answer("Who is Artyom Shraibman?", [])
    assert "Something went wrong" in message and "Traceback" not in message


# --- pure parts --------------------------------------------------------------------------------
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


def test_answer_text_allows_only_the_apps_own_markup():
    text = ("- **Outlet**: It opened in 1871 <img src=http://e/x> [1] and *grew* [7]\n"
            "See [more](http://e/y) ![i](http://e/z) <script>alert(1)</script> [2]")
    rendered = render_answer_text(text, {1, 2}, "c9")
    assert "<img" not in rendered and "<script" not in rendered and "href='http" not in rendered
    assert "&lt;img src=http://e/x&gt;" in rendered and "[more](http://e/y)" in rendered
    assert rendered.count("class='cite'") == 2 and "data-target='c9-1'" in rendered
    assert "[7]" in rendered and "c9-7" not in rendered  # a marker naming no citation stays text
    assert "<strong>Outlet</strong>" in rendered and "<em>grew</em>" in rendered
    assert rendered.startswith("<ul><li>")


@pytest.mark.parametrize("question, expected", [
    ("Why hasn't Lukashenko sent troops?", "english"),
    ("Chatham House poll", ""),
    ("Was hat die Umfrage von Chatham House ergeben?", "german"),
    ("¿Por qué Lukashenko no ha enviado tropas a Ucrania?", "spanish"),
    ("Pourquoi Loukachenko n'a-t-il pas envoyé de troupes?", "french"),
    ("Do the sources agree on whether Belarus will join the war?", "english"),
])
def test_language_detection(question, expected):
    assert detect_language(question) == expected


def test_conversation_store_keeps_order_and_never_answers_twice(tmp_path):
    store = ConversationStore(tmp_path)
    first, second = store.create(), store.create()
    q1 = store.add_question(first, "What did the poll find?")
    q2 = store.add_question(first, "When was it conducted?")
    assert [m.id for m in store.pending(first)] == [q1, q2]
    assert store.add_answer(q1, "It found 43 per cent [1]", {"kind": "answer", "text": "x"})
    assert not store.add_answer(q1, "again", {})  # answered (or stopped) questions stay so
    store.rename(second, "  Empty   one ")
    reopened = ConversationStore(tmp_path)
    assert reopened.summaries()[0] == (first, "What did the poll find?")  # most recent first
    assert (second, "Empty one") in reopened.summaries()
    assert [m.role for m in reopened.get(first).messages] == ["user", "user", "assistant"]
    assert [m.id for m in reopened.pending(first)] == [q2]
    reopened.delete(first)
    assert reopened.get(first) is None and reopened.pending(first) == []


def test_uploaded_file_is_ingested_into_the_current_index(tmp_path, embedder):
    from assistant.engine import Assistant
    from assistant.ingestion import ingest
    from tests.conftest import CORPUS, make_settings

    settings = make_settings(tmp_path / "index")
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
    doc_id = "uploads/potash.txt"
    assert doc_id in app.source_choices()
    answer = bot.ask("How much potash did Belarus export in May 2022?")
    assert any(c.source == doc_id for c in answer.citations)
    assert "Deleted" in app.delete_document(doc_id)
    assert doc_id not in app.source_choices() and not (app.upload_dir / "potash.txt").exists()
    answer = bot.ask("How much potash did Belarus export in May 2022?")
    assert not any(c.source == doc_id for c in answer.citations)


# --- the browser ---------------------------------------------------------------------------------
def open_page(browser, url: str, **options):
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 860}, **options})
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.locator("#question textarea").wait_for(timeout=WAIT_MS)
    page.locator("#examples button.example").first.wait_for(timeout=WAIT_MS)
    return page


def bot_turns(page) -> int:
    return page.locator("#transcript .turn.bot.answer, #transcript .turn.bot.refusal").count()


def ask(page, question: str) -> None:
    """Send a question and wait until it and every earlier one are answered."""
    before = bot_turns(page)
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .turn.bot.answer, "
        "#transcript .turn.bot.refusal').length > n && "
        "!document.querySelector('#transcript .turn.pending')", arg=before, timeout=WAIT_MS)


def last_answer(page):
    return page.locator("#transcript .turn.bot").last


def contrast_failures(page) -> list:
    result = page.evaluate(CONTRAST_JS, CHECKED_FOR_CONTRAST)
    assert result["checked"] > 20
    return result["failures"]


def test_chat_in_the_browser(server, browser, evil, tmp_path):
    """Header, examples, per-answer sources with [n] links, refusals, language notice, input
    handling, persistence across reload, rename, export, delete; contrast in light mode; and
    not one request to the evil server from the hostile document."""
    url, app = server
    page = open_page(browser, url)
    try:
        header = page.locator("#index-header").inner_text()
        assert "7 documents" in header and "Spectator" in header and "13 Apr 2022" in header

        # an example question generated from the index is sent by a click and answered
        example = page.locator("#examples button.example").first
        example_text = example.inner_text().strip()
        assert example_text in {q for q in app.example_questions()}
        example.click()
        page.wait_for_selector("#transcript .turn.bot.answer", timeout=WAIT_MS)
        assert page.locator("#transcript .turn.user").first.inner_text().strip() == example_text

        # the hostile document answers; its markup is text, its [n] marker opens its card
        ask(page, "When did the rail line from Minsk to Brest open?")
        answer = last_answer(page)
        assert "1871" in answer.inner_text()
        marker = answer.locator("a.cite").first
        target = marker.get_attribute("data-target")
        card = answer.locator(f"#{target}")
        assert card.get_attribute("open") is None
        marker.click()
        page.wait_for_function(f"document.getElementById('{target}').open", timeout=WAIT_MS)
        assert "1871" in card.locator("mark").inner_text()
        assert "uploads/rail-notes.md" in card.locator(".location").inner_text()
        assert "Minsk rail history" in card.locator("summary").inner_text()
        # the first answer's sources are still there, with their own cards
        assert page.locator("#transcript .turn.bot.answer").count() == 2
        assert page.locator("#transcript .turn.bot.answer").first.locator(".card").count() >= 1

        # empty messages add nothing; the box clears on send; text typed while an answer is
        # pending survives it; a second question sent right after the first is not lost
        turns = page.locator("#transcript .turn").count()
        box = page.locator("#question textarea")
        box.fill("   ")
        box.press("Enter")
        page.locator("#send").click()
        before = bot_turns(page)
        box.fill("What did the Chatham House poll find?")
        box.press("Enter")
        page.wait_for_function("document.querySelector('#question textarea').value === ''")
        box.fill("When was it conducted?")
        box.press("Enter")
        page.wait_for_function("document.querySelector('#question textarea').value === ''")
        box.type("draft question")
        page.wait_for_function(
            "n => document.querySelectorAll('#transcript .turn.bot.answer').length >= n + 2 && "
            "!document.querySelector('#transcript .turn.pending')", arg=before, timeout=WAIT_MS)
        assert box.input_value() == "draft question"
        assert page.locator("#transcript .turn").count() == turns + 4
        texts = page.locator("#transcript .turn.bot.answer").all_inner_texts()
        assert "43 per cent" in texts[-2] and "June" in texts[-1]

        assert contrast_failures(page) == []

        # a reload keeps the conversation, its answers and their cards
        count = page.locator("#transcript .turn").count()
        page.reload(wait_until="load")
        page.wait_for_function(f"document.querySelectorAll('#transcript .turn').length === {count}",
                               timeout=WAIT_MS)
        assert page.locator("#transcript .card").count() >= 3

        # rename, export as Markdown with citations
        page.locator("#conversation-tools").get_by_text("Rename, export").click()
        page.locator("#new-title textarea").fill("Rail and polls")
        page.locator("#rename").click()
        page.wait_for_function(
            "document.querySelector('#conversation-picker input').value === 'Rail and polls'",
            timeout=WAIT_MS)
        page.locator("#export").click()
        link = page.locator("#exported a").first
        link.wait_for(timeout=WAIT_MS)
        with page.expect_download() as download:
            link.click()
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert exported.startswith("# Rail and polls")
        assert "**Question:** When did the rail line from Minsk to Brest open?" in exported
        assert "rail-notes.md" in exported and "1871" in exported and "[1]" in exported
        assert "](http" not in exported and not re.search(r"(?<!\\)<", exported)

        # in a new conversation: refusals say what was searched; other languages get a notice
        page.locator("#new-conversation").click()
        page.wait_for_selector("#transcript .turn.bot.empty", timeout=WAIT_MS)
        ask(page, "What is the capital of Australia?")
        refusal = last_answer(page)
        assert "refusal" in refusal.get_attribute("class")
        assert "Searched:" in refusal.inner_text()
        assert "all 7 indexed documents" in refusal.inner_text()
        ask(page, "Warum hat Lukaschenko keine Truppen in die Ukraine geschickt?")
        assert "only answer questions asked in English" in last_answer(page).inner_text()
        # deleting it returns to the previous conversation
        page.locator("#delete-conversation").click()
        page.wait_for_function(
            "document.querySelector('#conversation-picker input').value === 'Rail and polls'",
            timeout=WAIT_MS)
        assert "1871" in page.locator("#transcript").inner_text()

        # the hostile document in the Documents tab: a preview shows its markup as text
        page.get_by_role("tab", name="Documents").click()
        page.locator("#documents").get_by_text("rail-notes.md").first.wait_for(timeout=WAIT_MS)
        table = page.locator("#documents")
        assert page.evaluate("(() => { const t = document.querySelector('#documents'); "
                             "return t.scrollWidth <= t.clientWidth + 1; })()")  # nothing cut off
        table.locator("input[placeholder^='Search']").fill("rail")
        page.wait_for_function("!document.querySelector('#documents').innerText"
                               ".includes('002_24c47c4952debea1.txt')", timeout=WAIT_MS)
        assert "uploads/rail-notes.md" in table.inner_text()
        choose_document(page, "rail-notes.md")
        page.locator("#preview").click()
        page.wait_for_function(
            "document.querySelector('#document-preview textarea').value.includes('<img')",
            timeout=WAIT_MS)
        page.locator("#reindex").click()
        page.wait_for_function(
            "document.querySelector('#doc-status textarea').value.startsWith('Re-indexed')",
            timeout=WAIT_MS)
        assert "uploads/rail-notes.md" in page.locator("#doc-status textarea").input_value()
        assert evil.hits == []
        assert page.evaluate("document.querySelectorAll('#transcript img, #transcript script, "
                             "#transcript iframe, #transcript a[href^=\"http\"]').length") == 0
    except Exception:
        page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        print(f"screenshot saved to {tmp_path / 'failure.png'}")
        raise
    finally:
        page.context.close()


def choose_document(page, name: str) -> None:
    page.locator("#document-picker input").click()
    page.locator("#document-picker li[role=option]", has_text=name).first.click()
    page.wait_for_function("name => document.querySelector('#document-picker input').value"
                           ".includes(name)", arg=name, timeout=WAIT_MS)


def test_two_pages_see_an_upload_and_a_delete(server, browser, tmp_path, evil):
    """Page A uploads a document while page B deletes another: both pages show the new index.
    Page B is in the dark scheme and checked for contrast; a 390 px page keeps the latest
    answer's sources above the examples."""
    url, app = server
    first = open_page(browser, url)
    second = open_page(browser, url, color_scheme="dark")
    try:
        upload = tmp_path / "potash.txt"
        upload.write_text("Potash exports\n\nBelarus exported 3 million tonnes of potash in May "
                          "2022, the ministry said.\n", encoding="utf-8")
        for page in (first, second):
            page.get_by_role("tab", name="Documents").click()
            page.locator("#documents").get_by_text("uploads/grain.txt").wait_for(timeout=WAIT_MS)
        first.locator("#upload input[type=file]").set_input_files(str(upload))
        first.locator("#upload").get_by_text("potash.txt").wait_for(timeout=WAIT_MS)  # uploaded
        first.locator("#add").click()
        choose_document(second, "uploads/grain.txt")
        second.locator("#delete").click()
        for page in (first, second):
            page.wait_for_function(
                "() => { const t = document.querySelector('#documents').innerText; "
                "return t.includes('uploads/potash.txt') && !t.includes('uploads/grain.txt'); }",
                timeout=WAIT_MS)
            page.wait_for_function(
                "document.querySelector('#index-header').innerText.includes('7 documents')",
                timeout=WAIT_MS)
        assert "Added" in first.locator("#doc-status textarea").input_value()
        assert "Deleted" in second.locator("#doc-status textarea").input_value()

        # the dark page asks about the upload; its answer cites it
        second.get_by_role("tab", name="Chat").click()
        ask(second, "How much potash did Belarus export in May 2022?")
        answer = last_answer(second)
        answer.locator("a.cite").first.click()
        assert "uploads/potash.txt" in answer.locator(".card[open] .location").inner_text()
        assert second.evaluate("document.body.classList.contains('dark') || "
                               "document.documentElement.classList.contains('dark')")
        assert contrast_failures(second) == []
    except Exception:
        for name, page in (("first", first), ("second", second)):
            page.screenshot(path=str(tmp_path / f"failure-{name}.png"), full_page=True)
            print(name, page.locator("#doc-status textarea").input_value())
        print(f"screenshots saved in {tmp_path}")
        raise
    finally:
        first.context.close()
        second.context.close()

    phone = open_page(browser, url, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        ask(phone, "What did the Chatham House poll find?")
        card = last_answer(phone).locator(".card").first
        card_box = card.bounding_box()
        examples_box = phone.locator("#examples").bounding_box()
        assert card_box["y"] + card_box["height"] <= examples_box["y"]
        assert card_box["x"] >= 0 and card_box["x"] + card_box["width"] <= 390
    finally:
        phone.context.close()
    assert evil.hits == []


def test_stop_ends_a_pending_answer(server, browser, slow_llm):
    """With a model that has not replied yet, Stop records the question as stopped, and the
    late reply is never added to it."""
    url, app = server
    llm, gate = slow_llm
    page = open_page(browser, url)
    try:
        page.locator("#question").page.get_by_text("Answer settings").click()
        page.get_by_label("llm").check()
        calls = len(llm.prompts)
        box = page.locator("#question textarea")
        box.fill("What did the Chatham House poll find?")
        box.press("Enter")
        page.wait_for_selector("#transcript .turn.pending", timeout=WAIT_MS)
        page.locator("#stop").click()
        page.wait_for_function(
            "document.querySelector('#transcript').innerText.includes('Stopped before answering')"
            " && !document.querySelector('#transcript .turn.pending')", timeout=WAIT_MS)
        gate.set()  # the model replies now, too late
        conversation_id = page.evaluate("localStorage.getItem('news-assistant-conversation')")
        assert conversation_id is not None
        assert len(llm.prompts) >= calls
        page.get_by_label("extractive").check()
        ask(page, "Who is Artyom Shraibman?")
        stored = [m for conv_id, _ in app.conversations.summaries()
                  for m in app.conversations.get(conv_id).messages]
        stopped = [m for m in stored if m.data.get("kind") == "stopped"]
        assert len(stopped) == 1
        question = next(m for m in stored if m.answered_by == stopped[0].id)
        assert question.content == "What did the Chatham House poll find?"
        assert sum(1 for m in stored if m.answered_by == stopped[0].id) == 1
    finally:
        page.context.close()


def test_export_and_transcript_escape_document_text(tmp_path):
    store = ConversationStore(tmp_path)
    conversation_id = store.create()
    question = store.add_question(conversation_id, "<b>hi</b>")
    card = {"n": 1, "source": "uploads/x.md", "title": "![t](http://e/t) Title",
            "outlet": "", "author": "", "date": "", "location": "index/uploads/x.md",
            "start": 0, "end": 30, "score": 0.5, "passage": "A <img src=http://e/i> claim.",
            "highlight": [0, 29], "before": "", "after": ""}
    store.add_answer(question, "A claim [1]", {"kind": "answer", "text": "A <img src=x> claim [1]",
                                               "citations": [card], "nearest": [card],
                                               "searched": {}})
    conversation = store.get(conversation_id)
    page = render_transcript(conversation)
    assert "<img" not in page and "<b>" not in page and "closest, not an answer" in page
    markdown = export_markdown(conversation)
    assert "![t](http" not in markdown and not re.search(r"(?<!\\)<", markdown)
    assert "\\!\\[t\\]\\(http://e/t\\) Title" in markdown


def test_refusal_names_the_source_filter(server):
    """A refusal under a source filter says which documents were searched (a plain "the
    articles don't say" would mislead: the answer may be in a filtered-out document)."""
    _, app = server
    poll = "002_24c47c4952debea1.txt"
    record = app.record_for("What did the Chatham House poll find?", [], None, None,
                            ["000_aca9131ad47c8ed9.txt"])
    assert record["kind"] == "refusal"
    assert record["searched"]["source_titles"] == [
        "Could Belarus join forces with Russia in Ukraine?"]
    html = render_transcript(_one_turn(record))
    assert "only 1 selected document(s): “Could Belarus join forces with Russia in Ukraine?”" in html
    assert "source filter" in html
    unfiltered = app.record_for("What did the Chatham House poll find?", [], None, None, [poll])
    assert unfiltered["kind"] == "answer"


def _one_turn(record: dict):
    from assistant.conversations import Conversation, Message

    return Conversation(id="x", title="t", messages=[
        Message(id=1, role="user", content="q", answered_by=2),
        Message(id=2, role="assistant", content=record["text"], data=record)])


def test_basic_auth_from_settings(ui_index, embedder):
    """Without credentials the page and the /ask call are refused with 401 (not just some
    exception); with them /ask answers."""
    import httpx

    from assistant.engine import Assistant

    settings = ui_index.replace(port=free_port(), auth_user="reader", auth_password="s3cret-pass")
    demo = launch(settings, Assistant(settings, embedder), block=False)
    try:
        url = f"http://127.0.0.1:{settings.port}/"
        assert httpx.get(url + "config").status_code == 401
        refused = httpx.post(url + "gradio_api/call/ask", json={"data": ["Who?", []]})
        assert refused.status_code == 401
        from gradio_client import Client

        client = Client(url, auth=("reader", "s3cret-pass"), verbose=False)
        result = client.predict("Who is Artyom Shraibman?", [], api_name="/ask")
        assert "Carnegie" in result["answer"]
    finally:
        demo.close()
