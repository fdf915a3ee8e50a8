"""Sentence embeddings from a local sentence-transformers folder (the bundled MiniLM by default)."""

from __future__ import annotations

import hashlib
import json
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.config import Settings


def cpu_supports_bf16() -> bool:
    """True where the CPU has native bf16 matrix units (AVX-512 BF16 or AMX)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def model_identity(model_path: str) -> str:
    """A stable fingerprint of a model folder: its name, config and weight file sizes/heads.

    It is the same across virtual environments (the path is not part of it), and changes when
    the weights or the architecture change.
    """
    folder = Path(model_path)
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "sentence_bert_config.json"):
        file = folder / name
        if file.is_file():
            digest.update(file.read_bytes())
    for weights in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        digest.update(str(weights.stat().st_size).encode())
        with weights.open("rb") as handle:
            digest.update(handle.read(1 << 20))
    return f"{model_display_name(model_path)}@{digest.hexdigest()[:16]}"


def model_display_name(model_path: str) -> str:
    config = Path(model_path) / "config.json"
    try:
        name = json.loads(config.read_text()).get("_name_or_path", "")
    except (OSError, ValueError):
        name = ""
    if not name or "/" in name and Path(name).exists():
        name = Path(model_path).name
        if name == "model":
            name = Path(model_path).parent.name
    return name.split("/")[-1]


class Embedder:
    """Loads the model on first use; thread-safe encode of normalised float32 vectors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_path = settings.embedding_model_path
        self._lock = threading.Lock()
        self._model = None

    @cached_property
    def identity(self) -> str:
        return model_identity(self.model_path)

    @property
    def device(self) -> str:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"

    @property
    def dtype_name(self) -> str:
        choice = self.settings.embedding_dtype
        if choice == "auto":
            if self.device == "cuda":
                return "float16"
            return "bfloat16" if cpu_supports_bf16() else "float32"
        return choice

    def _load(self):
        import torch
        from sentence_transformers import SentenceTransformer

        dtype = getattr(torch, self.dtype_name)
        return SentenceTransformer(
            self.model_path,
            device=self.device,
            model_kwargs={"dtype": dtype},
            local_files_only=True,
        )

    @property
    def model(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def dimension(self) -> int:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size or self.settings.embedding_batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)
