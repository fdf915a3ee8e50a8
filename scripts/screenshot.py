"""Save docs/chat.png: the chat answering the example question with a source opened.

`.venv/bin/python scripts/screenshot.py [OUT.png] [--dark]` (needs Debian's chromium and
playwright). It indexes corpus/ into a temporary folder, so no conversation of yours is shown.
"""

import sys
import tempfile
from pathlib import Path

from assistant.config import Settings
from assistant.ingestion import ensure_corpus_indexed
from assistant.ui import free_port, launch

QUESTION = "Why hasn't Lukashenko sent troops?"


def main(out: Path, dark: bool = False) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as index_dir:
        settings = Settings.load(port=port, index_dir=index_dir)
        ensure_corpus_indexed(settings)
        running = launch(settings, block=False)
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1280, "height": 900},
                                        color_scheme="dark" if dark else "light")
                page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
                page.locator("#examples button.example").first.wait_for(timeout=120_000)
                box = page.locator("#question textarea")
                box.fill(QUESTION)
                box.press("Enter")
                answer = page.locator("#transcript .turn.bot.answer").first
                answer.wait_for(timeout=120_000)
                answer.locator("a.cite").nth(1).click()
                answer.locator(".card[open] mark").wait_for(timeout=30_000)
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(out))
                browser.close()
        finally:
            running.close()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0] if args else "docs/chat.png"), dark="--dark" in sys.argv)
