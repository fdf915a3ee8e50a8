"""Keep every library offline and quiet. Imported first by the package, before any heavy import."""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def _llama_index_static_dir() -> Path | None:
    spec = find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "_static"


def configure_offline() -> None:
    """Set the environment so that no library downloads or phones home.

    tiktoken's cl100k_base and nltk's punkt/stopwords ship inside llama-index-core; pointing the
    caches there means the first use never reaches the network.
    """
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    static = _llama_index_static_dir()
    if static is not None:
        os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(static / "tiktoken_cache"))
        os.environ.setdefault("NLTK_DATA", str(static / "nltk_cache"))


configure_offline()
