"""Which language a question is in, told simply: the script of its letters, then which language's
function words (NLTK's generic stopword lists, not fitted to any corpus) it uses most."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# languages with NLTK stopword lists written in the Latin script; others are told by script
_LATIN_LANGUAGES = ("english", "german", "french", "spanish", "italian", "portuguese", "dutch",
                    "swedish", "danish", "norwegian", "finnish", "hungarian", "romanian",
                    "turkish", "indonesian", "catalan", "slovene")
_SCRIPT_NAMES = {"CYRILLIC": "Russian or another Cyrillic-script language", "ARABIC": "Arabic",
                 "GREEK": "Greek", "HEBREW": "Hebrew", "CJK": "Chinese or Japanese",
                 "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
                 "DEVANAGARI": "Hindi or another Devanagari-script language", "THAI": "Thai"}


@lru_cache(maxsize=1)
def _function_words() -> dict[str, frozenset[str]]:
    from assistant.nltk_parts import stopwords

    lists = {}
    for language in _LATIN_LANGUAGES:
        try:
            lists[language] = frozenset(stopwords(language))
        except (LookupError, OSError):
            continue
    return lists


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ")[0] if name else ""


def detect_language(text: str) -> str:
    """'english', another language's name, or '' when the text gives too little to tell
    (treated as English: a bare list of names is a fine question)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return ""
    scripts: dict[str, int] = {}
    for char in letters:
        script = _script(char)
        scripts[script] = scripts.get(script, 0) + 1
    main_script, count = max(scripts.items(), key=lambda item: item[1])
    if main_script != "LATIN" and count > len(letters) / 2:
        return _SCRIPT_NAMES.get(main_script, main_script.title())
    words = [w.lower() for w in _WORD.findall(text)]
    hits = {language: sum(w in listed for w in words)
            for language, listed in _function_words().items()}
    if not hits:
        return ""
    english = hits.get("english", 0)
    best, best_hits = max(hits.items(), key=lambda item: (item[1], item[0] == "english"))
    # a word or two shared by chance ("die", "a") does not make English text foreign: another
    # language must use clearly more of its own function words than English does
    if best != "english" and best_hits >= 2 and best_hits > english + 1:
        return best
    return "english" if english else ""
