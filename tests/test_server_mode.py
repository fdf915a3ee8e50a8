"""Chroma server mode: a real `chroma run` on a free loopback port, restarted mid-test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.errors import IndexNotReadyError, SettingsError
from assistant.ingestion import ingest
from assistant.store import open_index
from assistant.ui import free_port
from assistant.vectors import forget_cached_clients
from tests.conftest import CORPUS, make_settings

CHROMA = Path(sys.executable).with_name("chroma")



def _start(path: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("chroma run did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.skipif(not CHROMA.exists(), reason="the chroma CLI ships with chromadb")
def test_ingest_ask_restart_nothing_lost(tmp_path, embedder):
    port = free_port()
    server = _start(tmp_path / "chroma-data", port)
    settings = make_settings(tmp_path / "catalog", chroma_host="127.0.0.1", chroma_port=port)
    try:
        report = ingest([CORPUS], settings, embedder, show_progress=False)
        assert report.documents_added == 5
        assert not (Path(settings.index_dir) / "chroma").exists()  # vectors live in the server
        bot = Assistant(settings, embedder)
        before = bot.ask("What did the Chatham House poll find?")
        assert "43 per cent" in before.text
        store = open_index(settings, embedder)
        count_before = store.vectors.count()
        store.close()

        _stop(server)
        forget_cached_clients()
        with pytest.raises(IndexNotReadyError, match="chroma run"):
            Assistant(settings).ask("What did the Chatham House poll find?")
        server = _start(tmp_path / "chroma-data", port)

        again = ingest([CORPUS], settings, embedder, show_progress=False)
        assert again.embeddings_computed == 0 and again.documents_unchanged == 5
        store = open_index(settings, embedder)
        assert store.vectors.count() == count_before == store.catalog.count_chunks()
        store.close()
        bot = Assistant(settings, embedder)
        after = bot.ask("What did the Chatham House poll find?")
        assert after.text == before.text
    finally:
        _stop(server)
        shutil.rmtree(tmp_path / "chroma-data", ignore_errors=True)


TOKEN = "t0ken-for-the-test-server"


def _start_with_token_auth(path: Path, port: int) -> subprocess.Popen:
    """`chroma run` (the Rust server of chromadb 1.x) has no authentication of its own; the
    Python server that ships in the same package does: static token auth, as documented."""
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "IS_PERSISTENT": "1",
           "PERSIST_DIRECTORY": str(path),
           "CHROMA_SERVER_AUTHN_PROVIDER":
               "chromadb.auth.token_authn.TokenAuthenticationServerProvider",
           "CHROMA_SERVER_AUTHN_CREDENTIALS": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "chromadb.app:app", "--host", "127.0.0.1",
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("the Chroma server with token auth did not start")


def test_chroma_token_is_sent_and_a_wrong_or_missing_one_is_refused(tmp_path, embedder):
    port = free_port()
    server = _start_with_token_auth(tmp_path / "chroma-data", port)
    settings = make_settings(tmp_path / "catalog", chroma_host="127.0.0.1", chroma_port=port,
                             chroma_token=TOKEN)
    try:
        forget_cached_clients()
        report = ingest([CORPUS], settings, embedder, show_progress=False)
        assert report.documents_added == 5 and report.embeddings_computed > 0
        assert "43 per cent" in Assistant(settings, embedder).ask(
            "What did the Chatham House poll find?").text
        for token, reason in (("not-the-token", "was refused"), ("", "none is set")):
            forget_cached_clients()
            with pytest.raises(SettingsError, match="ASSISTANT_CHROMA_TOKEN") as refused:
                Assistant(settings.replace(chroma_token=token), embedder).ask(
                    "What did the Chatham House poll find?")
            assert reason in str(refused.value)
            assert TOKEN not in str(refused.value) and "not-the-token" not in str(refused.value)
    finally:
        _stop(server)
        forget_cached_clients()
