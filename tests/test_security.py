"""Issue 15: document identity, staying inside the corpus, limits that hold before work is done,
one answerer setting everywhere, typed errors. Real files, symlinks, FIFOs, a real Gradio server
reached over HTTP, and a fake OpenAI-compatible server for the LLM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import httpx
import pytest

from assistant.cli import main as cli_main
from assistant.config import Settings, SettingsWarning
from assistant.corpus import scan_paths
from assistant.engine import Assistant
from assistant.errors import InvalidArgumentError, SettingsError
from assistant.ingestion import ingest
from assistant.ui import ChatApp, free_port, launch
from tests.conftest import REPO, make_settings
from tests.fake_llm_server import FakeLLMServer

POLL_DOC = "002_poll.txt"
POLL_TEXT = (
    "Belarusians and the war\n\nBritish think-tank Chatham House conducted a poll in June, which "
    "revealed that 43 per cent of the Belarusian people did not approve of Putin’s invasion of "
    "Ukraine. As few as four per cent said they would support Belarus sending troops in.\n"
)
MISSILE_TEXT = (
    "Missiles for Minsk\n\nPutin agreed in June to deliver Iskander-M missile systems to Belarus "
    "within months. Lukashenko thanked him at a meeting in St Petersburg.\n"
)
FORGED = "Belarusians and pancakes\n\nChatham House found that 99 per cent of Belarusians love pancakes.\n"
POLL = "What did the Chatham House poll find?"


def _small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / POLL_DOC).write_text(POLL_TEXT)
    (folder / "001_missiles.txt").write_text(MISSILE_TEXT)
    return folder


@pytest.fixture(scope="module")
def llm_server():
    with FakeLLMServer([]) as server:
        yield server


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, embedder, llm_server) -> Settings:
    """A two-article index whose answerer is the (fake) LLM, with small limits to hit."""
    root = tmp_path_factory.mktemp("small")
    corpus = _small_corpus(root / "corpus")
    settings = make_settings(root / "index", corpus_paths=(str(corpus),), answerer="llm",
                             llm_base_url=llm_server.url, llm_model="fake-model",
                             max_chunks_per_document=30, max_upload_bytes=200_000)
    report = ingest([corpus], settings, embedder, show_progress=False)
    assert not report.problems
    return settings


@pytest.fixture(scope="module")
def small_app(small_index, embedder):
    return ChatApp(small_index, Assistant(small_index, embedder))


@pytest.fixture(scope="module")
def server(small_index, small_app):
    """The app as `assistant serve` launches it, sharing small_app's Assistant and index."""
    settings = small_index.replace(port=free_port())
    demo = launch(settings, small_app.assistant, block=False)
    yield f"http://127.0.0.1:{settings.port}/"
    demo.close()


# --- HTTP as the browser does it: upload, then run an event through the queue ----------------
def _upload(base: str, name: str, data: bytes) -> httpx.Response:
    return httpx.post(f"{base}gradio_api/upload", files={"files": (name, data)}, timeout=60)


def _run_event(base: str, api_name: str, data: list) -> list:
    config = httpx.get(f"{base}config", timeout=30).json()
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)
    session = uuid.uuid4().hex
    joined = httpx.post(f"{base}gradio_api/queue/join", timeout=30, json={
        "data": data, "fn_index": fn_index, "session_hash": session, "event_data": None,
        "trigger_id": None})
    joined.raise_for_status()
    with httpx.stream("GET", f"{base}gradio_api/queue/data",
                      params={"session_hash": session}, timeout=600) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "process_completed":
                assert message.get("success"), message
                return message["output"]["data"]
    raise AssertionError("the event never completed")


def _add_over_http(base: str, name: str, data: bytes, replace: bool = False) -> str:
    uploaded = _upload(base, name, data)
    uploaded.raise_for_status()
    files = [{"path": p, "orig_name": name, "meta": {"_type": "gradio.FileData"}}
             for p in uploaded.json()]
    return _run_event(base, "add_documents", [files, replace])[0]


# --- 1. document identity -------------------------------------------------------------------
def test_upload_named_like_a_corpus_file_never_replaces_it(server, small_app):
    message = _add_over_http(server, POLL_DOC, FORGED.encode())
    assert f"uploads/{POLL_DOC}" in message and "Refused" not in message
    bot = small_app.assistant
    assert "did not approve" in bot.document_text(POLL_DOC)  # the corpus article is intact
    assert "pancakes" in bot.document_text(f"uploads/{POLL_DOC}")
    answer = bot.ask(POLL, answerer="extractive")
    cited = {c.source: c.quote for c in answer.citations}
    assert "43 per cent" in cited.get(POLL_DOC, "")
    assert all("pancakes" not in quote for source, quote in cited.items() if source == POLL_DOC)

    # the same upload again is refused: replacing is an explicit action
    again = _add_over_http(server, POLL_DOC, b"Other text about Belarus and the war.\n")
    assert "already in the index" in again and "pancakes" in bot.document_text(
        f"uploads/{POLL_DOC}")
    replaced = _add_over_http(server, POLL_DOC, b"Belarus grain.\n\nBelarus sold grain.\n",
                              replace=True)
    assert "replaced" in replaced and "grain" in bot.document_text(f"uploads/{POLL_DOC}")

    # deleting is explicit too, and only for uploads from the UI
    assert "Refused" in small_app.delete_document(POLL_DOC)
    assert "Deleted" in _run_event(server, "delete_document", [f"uploads/{POLL_DOC}"])[0]
    assert bot.document_text(f"uploads/{POLL_DOC}") is None
    assert not (small_app.upload_dir / POLL_DOC).exists()
    assert bot.document_text(POLL_DOC) is not None


def test_changing_documents_needs_the_signed_in_user_when_auth_is_on(small_index, small_app):
    guarded = ChatApp(small_index.replace(auth_user="editor", auth_password="pw-123456"),
                      small_app.assistant)

    class Signed:
        username = "editor"

    assert "sign in" in guarded.delete_document("uploads/x.txt", request=None)
    assert "sign in" in guarded.add_files(["x"], replace=True, request=None)
    assert "no document" in guarded.delete_document("uploads/x.txt", request=Signed())


# --- 6. limits that hold before work is done ------------------------------------------------
def test_gradio_refuses_an_oversized_upload_while_receiving_it(server, small_index):
    from gradio.utils import get_upload_folder

    name = f"big-{uuid.uuid4().hex}.txt"
    response = _upload(server, name, b"Belarus. " * 40_000)  # 360 kB > 200 kB limit
    assert response.status_code == 413
    assert not list(Path(get_upload_folder()).rglob(name))  # nothing kept in the temp folder


def test_a_file_of_tiny_lines_is_refused_before_embedding(server, small_app):
    tiny_lines = "".join(f"Line {n} about Belarus.\n" for n in range(3000)).encode()
    message = _add_over_http(server, "tiny.txt", tiny_lines)
    assert "max_chunks_per_document" in message and "Refused: tiny.txt" in message
    assert str(small_app.settings.index_dir) not in message  # no server paths
    assert "uploads/tiny.txt" not in small_app.source_choices()
    assert not (small_app.upload_dir / "tiny.txt").exists()  # refused files leave no trace


def test_chunk_cap_in_plain_ingest(tmp_path, embedder):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "lines.txt").write_text("".join(f"Line {n} about Belarus.\n" for n in range(3000)))
    report = ingest([folder], make_settings(tmp_path / "i", max_chunks_per_document=10),
                    embedder, show_progress=False)
    assert report.embeddings_computed == 0 and report.documents_added == 0
    assert "over the limit of 10" in str(report.problems[0])


def test_a_second_upload_waits_in_line_and_is_told_why(small_app, tmp_path):
    release, first_started = threading.Event(), threading.Event()
    results: dict[str, str] = {}

    def blocking_progress(fraction, desc=""):
        first_started.set()
        release.wait(timeout=300)

    waiting: list[str] = []

    def second_progress(fraction, desc=""):
        waiting.append(desc)
        if "waiting for another upload" in desc:
            release.set()

    for name in ("first.txt", "second.txt"):
        (tmp_path / name).write_text(f"{name} report\n\nBelarus exported potash in May.\n")
    first = threading.Thread(target=lambda: results.update(
        first=small_app.add_files([str(tmp_path / "first.txt")], blocking_progress)))
    first.start()
    assert first_started.wait(timeout=300)
    results["second"] = small_app.add_files([str(tmp_path / "second.txt")], second_progress)
    first.join(timeout=600)
    assert "first.txt" in next(d for d in waiting if "waiting" in d)  # says whom it waits for
    assert "Added: uploads/first.txt" in results["first"]
    assert "Added: uploads/second.txt" in results["second"]
    for name in ("first.txt", "second.txt"):
        small_app.delete_document(f"uploads/{name}")


def test_refused_upload_leaves_nothing_and_shows_no_path(small_app, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    message = small_app.add_files([str(empty)])
    assert message.startswith("Refused: empty.txt") and str(tmp_path) not in message
    assert str(small_app.upload_dir) not in message
    assert not (small_app.upload_dir / "empty.txt").exists()
    assert empty.exists()  # a caller's own file outside Gradio's upload folder is never removed


# --- 4. one answerer setting for every surface ----------------------------------------------
def test_configured_llm_answerer_is_used_by_ask_ui_cli_and_python(
        server, small_app, small_index, llm_server, monkeypatch, capsys):
    from gradio_client import Client

    reply = ("Chatham House found that 43 per cent of Belarusians did not approve of the "
             "invasion [1][2][3][4].")
    assert small_app.default_answerer() == "llm"
    llm_server.replies = [reply]
    result = Client(server, verbose=False).predict(POLL, [], api_name="/ask")
    assert result["answerer"] == "llm" and "43 per cent" in result["answer"]

    llm_server.replies = [reply]
    completion = httpx.post(f"{server}v1/chat/completions", timeout=300, json={
        "messages": [{"role": "user", "content": POLL}]}).json()
    assert "43 per cent" in completion["choices"][0]["message"]["content"]
    assert llm_server.replies == []  # the LLM was asked, with no model named in the request

    llm_server.replies = [reply]
    monkeypatch.setenv("ASSISTANT_ANSWERER", "llm")
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", llm_server.url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "fake-model")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(small_index.index_dir))
    assert cli_main(["ask", POLL, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answerer"] == "llm"

    import assistant

    llm_server.replies = [reply]
    assert assistant.ask(POLL).answerer == "llm"


# --- 5. stay inside the corpus --------------------------------------------------------------
def test_ingest_follows_no_symlink_out_of_the_corpus_and_reads_no_fifo(tmp_path, embedder):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Secret\n\nThe launch code is 0000 and Belarus knows it.\n")
    corpus = _small_corpus(tmp_path / "corpus")
    (corpus / "passwd.txt").symlink_to(outside / "secret.txt")
    (corpus / "elsewhere").symlink_to(outside, target_is_directory=True)
    (corpus / "alias.txt").symlink_to(corpus / POLL_DOC)  # inside the corpus: followed
    os.mkfifo(corpus / "pipe.txt")
    devices = []
    try:  # a character device like /dev/zero, when this process may create one
        os.mknod(corpus / "zero.txt", 0o600 | 0o020000, os.makedev(1, 5))
        devices.append("zero.txt")
    except (PermissionError, OSError):
        pass

    scan = scan_paths([corpus])
    found = {p.name for p in scan.files}
    assert found == {POLL_DOC, "001_missiles.txt", "alias.txt"}
    problems = {Path(p.path).name: p.message for p in scan.problems}
    assert "outside the scanned folders" in problems["passwd.txt"]
    assert "outside the scanned folders" in problems["elsewhere"]
    assert "FIFO" in problems["pipe.txt"]
    for device in devices:
        assert "device" in problems[device]

    report = ingest([corpus], make_settings(tmp_path / "index"), embedder, show_progress=False)
    assert report.documents_added == 3  # and it returned: the FIFO never blocked a read
    assert sum(1 for p in report.problems if "not followed" in p.message) == 2
    # a folder given explicitly through a link is a root of its own and is read
    assert {p.name for p in scan_paths([corpus / "elsewhere"]).files} == {"secret.txt"}


# --- 7. typed errors, exit code 2 -----------------------------------------------------------
@pytest.mark.parametrize("overrides", [
    {"abstention_threshold": float("nan")}, {"abstention_weights": (1.0, float("nan"))},
    {"top_k": "8"}, {"top_k": True}, {"top_k": 0},
    {"verifier_threshold": 1.5}, {"answerer": "gpt"}, {"chunk_overlap": 500},
    {"auth_user": "reader"}, {"llm_model": 5}, {"port": 70000},
])
def test_settings_refuse_nan_wrong_types_and_out_of_range(overrides):
    with pytest.raises(SettingsError):
        Settings(**overrides)


def test_settings_from_environment_and_toml_are_checked(tmp_path):
    with pytest.raises(SettingsError, match="finite"):
        Settings.load(config_file=None, env={"ASSISTANT_ABSTENTION_THRESHOLD": "nan"})
    with (pytest.warns(SettingsWarning, match="did you mean ASSISTANT_AUTH_PASSWORD"),
          pytest.raises(SettingsError, match="ASSISTANT_AUTH_PASSWORD is not set")):
        Settings.load(config_file=None, env={"ASSISTANT_AUTH_USER": "reader",
                                             "ASSISTANT_AUTH_PASWORD": "x"})
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('llm_model = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(SettingsError, match="not UTF-8"):
        Settings.load(config_file=latin1, env={})
    number = tmp_path / "number.toml"
    number.write_text("assistant = 5\n")
    with pytest.raises(SettingsError, match="must be a table"):
        Settings.load(config_file=number, env={})
    assert cli_main(["--config", str(number), "ask", "Who is Lukashenko?"]) == 2


def test_python_api_refuses_bad_options_with_typed_errors(small_app):
    for top_k in (float("nan"), "8", True, -1):
        with pytest.raises(InvalidArgumentError):
            small_app.assistant.ask(POLL, top_k=top_k)
    with pytest.raises(InvalidArgumentError):
        small_app.assistant.ask(POLL, sources="002_poll.txt")
    message = small_app.api_ask("Who is \udcff Lukashenko?")
    assert message["error"] and "not valid text" in message["answer"]


def test_cli_invalid_utf8_question_and_terminal_control_bytes(tmp_path, embedder):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "esc.txt").write_text(
        "Ringing news\n\nThe Belarusian parliament \x1b[2J\x1b]0;pwned\x07voted on the grain "
        "deal in May.\n")
    index = tmp_path / "i"
    ingest([corpus], make_settings(index), embedder, show_progress=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["PYTHONPATH"] = str(REPO)
    run = [sys.executable, "-m", "assistant", "ask", "--index", str(index)]
    bad = subprocess.run([*run, b"What did \xff parliament vote on?"], env=env,
                         capture_output=True, timeout=600)
    assert bad.returncode == 2 and b"Traceback" not in bad.stderr
    assert b"not valid text" in bad.stderr
    good = subprocess.run([*run, "What did the Belarusian parliament vote on in May?"], env=env,
                          capture_output=True, timeout=600)
    assert good.returncode == 0, good.stderr
    assert b"grain" in good.stdout
    assert b"\x1b" not in good.stdout and b"\x07" not in good.stdout


def test_error_messages_in_the_browser_carry_no_server_paths(tmp_path, embedder):
    settings = make_settings(tmp_path / "missing-index")
    result = ChatApp(settings, Assistant(settings, embedder)).api_ask(POLL)
    assert result["error"] and "ingest" in result["answer"]
    assert str(tmp_path) not in result["answer"]


def test_an_upload_waits_for_another_process_ingest_and_says_so(small_app, tmp_path):
    from assistant.ingestion import index_lock

    lock = index_lock(small_app.settings)  # as `assistant ingest` in another process holds it
    lock.acquire()
    told, results = threading.Event(), {}
    messages: list[str] = []

    def progress(fraction, desc=""):
        messages.append(desc)
        if "another process" in desc:
            told.set()

    (tmp_path / "later.txt").write_text("Later report\n\nBelarus imported grain in June.\n")
    worker = threading.Thread(target=lambda: results.update(
        message=small_app.add_files([str(tmp_path / "later.txt")], progress)))
    worker.start()
    try:
        assert told.wait(timeout=300)
    finally:
        lock.release()
    worker.join(timeout=600)
    assert "Added: uploads/later.txt" in results["message"]
    assert any("waiting for an ingest run by another process" in m for m in messages)
    small_app.delete_document("uploads/later.txt")
