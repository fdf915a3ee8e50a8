"""Sentence embeddings from a local sentence-transformers folder (the bundled MiniLM by default).

Two paths give the same vectors:
- questions (and any text not embedded at ingest) go through ONNX Runtime and `tokenizers`
  (`assistant.onnx_embedding`), so answering never imports torch;
- bulk ingest uses whatever is fastest and faithful on this machine: torch in bf16 on CPUs with
  AMX, torch in fp16 on a GPU, ONNX Runtime int8 on CPUs with VNNI, else ONNX Runtime fp32.

Precisions whose vectors agree to a cosine of at least 0.999 (float32, bfloat16, float16) share an
index; int8 vectors (cosine about 0.99) form their own family, recorded in the index identity, so
an index built with one family is refused when queried with the other.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import EmbeddingModelMismatchError

PRECISIONS = ("float32", "bfloat16", "float16", "int8")
_TORCH_PRECISIONS = ("bfloat16", "float16")
INT8_IDENTITY_SUFFIX = "+int8"


def precision_family(precision: str) -> str:
    return "int8" if precision == "int8" else "float"


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def cpu_supports_bf16() -> bool:
    """True where the CPU has AMX bf16 tiles. AVX-512 BF16 alone is not enough: measured on such
    a Xeon, torch bf16 ran at 0.65x its fp32 speed (eval/bench_ingest.py)."""
    return "amx_bf16" in _cpu_flags()


def cpu_supports_vnni() -> bool:
    """True where int8 dot products are native (AVX-512 VNNI or AVX-VNNI)."""
    return bool({"avx512_vnni", "avx_vnni"} & _cpu_flags())


def gpu_visible() -> bool:
    """True when torch sees a CUDA device. Torch is imported only where an NVIDIA driver is
    present, so CPU-only machines do not pay its import time."""
    if not (Path("/proc/driver/nvidia").exists() or Path("/dev/nvidia0").exists()):
        return False
    import torch

    return torch.cuda.is_available()


def best_precision(settings: Settings) -> str:
    """The fastest precision that stays faithful on this machine (see README "Choices")."""
    if gpu_visible():
        return "float16"
    if cpu_supports_bf16():
        return "bfloat16"
    if settings.embedding_int8 and cpu_supports_vnni():
        return "int8"
    return "float32"


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


def index_precision(identity: str, recorded: str | None) -> str:
    """The precision an index was built with; indexes from before it was recorded are float32
    (or int8 when their identity says so)."""
    if recorded:
        return recorded
    return "int8" if identity.endswith(INT8_IDENTITY_SUFFIX) else "float32"


class Embedder:
    """Thread-safe encode of normalised float32 vectors; models load on first use.

    `encode` is the bulk path (ingest), `encode_queries` the torch-free path (questions).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_path = settings.embedding_model_path
        self._lock = threading.Lock()
        self._precision: str | None = None
        if settings.embedding_dtype != "auto":
            if settings.embedding_dtype not in PRECISIONS:
                raise ValueError(f"embedding_dtype {settings.embedding_dtype!r} is not one of "
                                 f"auto, {', '.join(PRECISIONS)}")
            self._precision = settings.embedding_dtype
        self._model_identity: str | None = None
        self._torch_model = None
        self._onnx: dict[str, object] = {}

    # --- which model and precision -----------------------------------------------------------
    @property
    def model_identity(self) -> str:
        if self._model_identity is None:
            self._model_identity = model_identity(self.model_path)
        return self._model_identity

    @property
    def precision(self) -> str:
        """The precision actually used (never "auto")."""
        if self._precision is None:
            with self._lock:
                if self._precision is None:
                    self._precision = best_precision(self.settings)
        return self._precision

    dtype_name = precision  # the name earlier versions used

    @property
    def identity(self) -> str:
        """What an index records: the model, plus the int8 family when the vectors are int8."""
        suffix = INT8_IDENTITY_SUFFIX if self.precision == "int8" else ""
        return self.model_identity + suffix

    def use_index_precision(self, identity: str, recorded: str | None) -> None:
        """Follow an existing index: with "auto", take its precision family (within the float
        family the fastest float precision here); with an explicit setting, refuse another
        family."""
        built_with = index_precision(identity, recorded)
        if self.settings.embedding_dtype == "auto" and self._precision is None:
            with self._lock:
                if self._precision is None:
                    if precision_family(built_with) == "int8":
                        self._precision = "int8"
                    else:
                        best = best_precision(self.settings)
                        self._precision = best if best != "int8" else "float32"
        if precision_family(self.precision) != precision_family(built_with):
            raise EmbeddingModelMismatchError(
                f"the index was built with {built_with} embeddings but this assistant embeds "
                f"in {self.precision}; their vectors cannot be mixed. Set "
                f"ASSISTANT_EMBEDDING_DTYPE={built_with} (or auto), use another --index dir, or "
                "rebuild with `assistant ingest --rebuild PATHS`.")

    @property
    def device(self) -> str:
        return "cuda" if self.precision == "float16" else "cpu"

    @property
    def dimension(self) -> int:
        config = Path(self.model_path) / "config.json"
        try:
            return int(json.loads(config.read_text())["hidden_size"])
        except (OSError, ValueError, KeyError):
            return int(self.encode_queries(["dimension"]).shape[1])

    # --- the torch-free path -----------------------------------------------------------------
    @property
    def query_precision(self) -> str:
        return "int8" if self.precision == "int8" else "float32"

    def prepare_query_model(self) -> Path:
        """Export the ONNX model for this precision family if it is not cached yet (needs torch
        once; ingest calls this so that questions never do)."""
        from assistant.onnx_embedding import ensure_exported

        return ensure_exported(self.model_path, self.model_identity, self.query_precision,
                               Path(self.settings.embedding_cache_dir))

    def _onnx_encoder(self, precision: str):
        encoder = self._onnx.get(precision)
        if encoder is None:
            from assistant.onnx_embedding import OnnxSentenceEncoder, ensure_exported

            with self._lock:
                encoder = self._onnx.get(precision)
                if encoder is None:
                    path = ensure_exported(self.model_path, self.model_identity, precision,
                                           Path(self.settings.embedding_cache_dir))
                    encoder = OnnxSentenceEncoder(path, self.model_path)
                    self._onnx[precision] = encoder
        return encoder

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors for a few texts at question time, through ONNX Runtime (no torch)."""
        return self._onnx_encoder(self.query_precision).encode(
            list(texts), batch_size=self.settings.onnx_batch_size)

    # --- the bulk path -----------------------------------------------------------------------
    @property
    def uses_torch(self) -> bool:
        return self.precision in _TORCH_PRECISIONS

    @property
    def model(self):
        """The sentence-transformers model (torch), for the bf16/fp16 bulk path."""
        if self._torch_model is None:
            with self._lock:
                if self._torch_model is None:
                    self._torch_model = self._load_torch()
        return self._torch_model

    def _load_torch(self):
        import torch
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(
            self.model_path,
            device=self.device,
            model_kwargs={"dtype": getattr(torch, self.precision)},
            local_files_only=True,
        )

    def encode(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if not self.uses_torch:
            return self._onnx_encoder(self.precision).encode(
                list(texts), batch_size=batch_size or self.settings.onnx_batch_size)
        batch_size = batch_size or self.settings.embedding_batch_size
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)
