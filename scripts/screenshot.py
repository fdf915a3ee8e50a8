"""Save docs/chat.png: the chat answering the example question with a citation opened.

`.venv/bin/python scripts/screenshot.py` (needs Debian's chromium and playwright).
"""

import sys
from pathlib import Path

from assistant.config import Settings
from assistant.ingestion import ensure_corpus_indexed
from assistant.ui import free_port, launch


def main(out: Path) -> None:
    port = free_port()
    settings = Settings.load(port=port)
    ensure_corpus_indexed(settings)
    demo = launch(settings, block=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 820})
        page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
        box = page.locator("#question textarea")
        box.wait_for(timeout=30_000)
        box.fill("Why hasn't Lukashenko sent troops?")
        box.press("Enter")
        page.locator("#citations details").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        page.locator("#citations details summary").nth(1).click()
        page.wait_for_timeout(300)
        page.screenshot(path=str(out))
        browser.close()
    demo.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/chat.png"))
