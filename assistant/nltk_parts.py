"""The three parts of NLTK the text helpers use (Porter stemmer, Punkt sentence splitter, English
stop words), loaded without running `nltk/__init__`.

That package initialiser imports nearly all of NLTK, scipy and scikit-learn: about 1.4 s of CPU
in every process that answers a question, against about 0.1 s for the modules needed. The leaf
modules are imported while bare placeholder packages stand in for `nltk`, `nltk.stem` and
`nltk.tokenize`; all of them leave `sys.modules` right after, so a later `import nltk`
(llama-index at ingest) loads the real package as if nothing had happened. Where the real package
is already imported, or the data files are not where NLTK would look, the ordinary imports are
used.
"""

from __future__ import annotations

import os
import sys
import threading
import types
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

_PLACEHOLDER_PACKAGES = ("nltk", "nltk.stem", "nltk.tokenize")
_import_lock = threading.Lock()


@contextmanager
def _leaf_imports():
    """Within this block `import nltk.x.y` loads only y and what y imports itself."""
    with _import_lock:
        spec = find_spec("nltk") if "nltk" not in sys.modules else None
        if spec is None or not spec.submodule_search_locations:
            yield
            return
        root = Path(next(iter(spec.submodule_search_locations)))
        for name in _PLACEHOLDER_PACKAGES:
            package = types.ModuleType(name)
            package.__path__ = [str(root.joinpath(*name.split(".")[1:]))]
            sys.modules[name] = package
        try:
            yield
        finally:
            # forget the placeholders and the leaves loaded under them: the objects taken stay
            # usable, and a later `import nltk` loads the whole package afresh
            for name in [n for n in sys.modules if n == "nltk" or n.startswith("nltk.")]:
                del sys.modules[name]


def _data_dirs() -> list[Path]:
    """NLTK's search path, in its order (environment first), without importing nltk.data."""
    dirs = [Path(p) for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    dirs.append(Path.home() / "nltk_data")
    dirs += [Path(sys.prefix) / sub for sub in ("nltk_data", "share/nltk_data", "lib/nltk_data")]
    dirs += [Path(p) for p in ("/usr/share/nltk_data", "/usr/local/share/nltk_data",
                               "/usr/lib/nltk_data", "/usr/local/lib/nltk_data")]
    # llama-index-core ships the stop words and Punkt data (nothing is downloaded here, and no
    # result may depend on whether llama-index was imported first, which registers this folder)
    spec = find_spec("llama_index.core")
    dirs += [Path(p) / "_static" / "nltk_cache"
             for p in (spec.submodule_search_locations or [] if spec else [])]
    return dirs


def _find_data(relative: str) -> Path | None:
    return next((d / relative for d in _data_dirs() if (d / relative).exists()), None)


class _Directory:
    """The two methods of nltk.data's path pointer that Punkt's parameter loader uses."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def join(self, name: str) -> _Directory:
        if not (self.path / name).exists():
            raise FileNotFoundError(self.path / name)
        return _Directory(self.path / name)

    def open(self, encoding: str = "utf-8"):
        return self.path.open(encoding=encoding)


def porter_stemmer(mode: str = "ORIGINAL_ALGORITHM"):
    with _leaf_imports():
        from nltk.stem.porter import PorterStemmer
    return PorterStemmer(mode=getattr(PorterStemmer, mode))


def punkt_tokenizer(language: str = "english"):
    """Punkt with the language's parameters; LookupError when they are not installed."""
    model = _find_data(f"tokenizers/punkt_tab/{language}")
    if model is None:
        from nltk.tokenize.punkt import PunktTokenizer

        return PunktTokenizer(language)
    with _leaf_imports():
        from nltk.tokenize import punkt

        tokenizer = punkt.PunktSentenceTokenizer()
        tokenizer._params = punkt.load_punkt_params(_Directory(model))
        tokenizer.tokenize("Warm up. This imports what tokenizing needs.")
    return tokenizer


def stopwords(language: str = "english") -> list[str]:
    """NLTK's stop word list; LookupError when it is not installed."""
    listing = _find_data(f"corpora/stopwords/{language}")
    if listing is None or not listing.is_file():
        from nltk.corpus import stopwords as corpus

        return list(corpus.words(language))
    return [w for w in listing.read_text(encoding="utf-8").split("\n") if w.strip()]
