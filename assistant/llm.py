"""Optional generated answers: an LLM writes from numbered passages, the verifier keeps it honest.

Backends: `openai` (any OpenAI-compatible server: Ollama, vLLM, llama.cpp server, OpenAI) and
`llama_cpp` (a local GGUF file; `pip install "news-assistant[llama-cpp]"`). Whether to abstain is
still decided by the calibrated retrieval/support scores, never by the generator. Every generated
sentence must be supported by the passage it cites; unsupported sentences are dropped (or flagged
when `show_unsupported` is set), markers that name no passage are removed, and when nothing
supported remains the extractive answer is returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.config import Settings
from assistant.errors import LLMBackendError
from assistant.explain import Trace
from assistant.prompts import load_text
from assistant.schema import Answer, Citation, RetrievedChunk
from assistant.text import content_stems, sentence_spans
from assistant.verify import split_claims

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam

    from assistant.engine import Assistant

NOT_IN_SOURCES = "NOT IN SOURCES"


class LLMBackend(Protocol):
    def complete(self, prompt: str) -> str: ...


class OpenAICompatibleBackend:
    def __init__(self, settings: Settings) -> None:
        try:
            from openai import OpenAI
        except ImportError as exc:  # pragma: no cover - openai is a declared dependency
            raise LLMBackendError("the openai package is not installed") from exc
        if not settings.llm_model:
            raise LLMBackendError("set ASSISTANT_LLM_MODEL to the served model's name")
        self.model = settings.llm_model
        self.max_tokens = settings.llm_max_tokens
        self.client = OpenAI(base_url=settings.llm_base_url,
                             api_key=settings.llm_api_key or "not-needed",
                             timeout=settings.llm_timeout_s, max_retries=1)

    def _messages(self, prompt: str) -> list[ChatCompletionMessageParam]:
        return [{"role": "user", "content": prompt}]

    def complete(self, prompt: str) -> str:
        try:
            reply = self.client.chat.completions.create(
                model=self.model, messages=self._messages(prompt), temperature=0,
                max_tokens=self.max_tokens)
        except Exception as exc:  # the client raises many transport/status types
            raise LLMBackendError(f"LLM server call failed: {type(exc).__name__}") from exc
        return reply.choices[0].message.content or ""



class LlamaCppBackend:
    def __init__(self, settings: Settings) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMBackendError(
                "llama-cpp-python is not installed: pip install 'news-assistant[llama-cpp]'"
            ) from exc
        if not settings.llm_model_path:
            raise LLMBackendError("set ASSISTANT_LLM_MODEL_PATH to a local .gguf file")
        self.max_tokens = settings.llm_max_tokens
        # use_extra_bufts=False avoids a crash in the AMX kernels of -march=native builds
        self.model = Llama(model_path=settings.llm_model_path, n_ctx=4096, verbose=False,
                           use_extra_bufts=False)

    def complete(self, prompt: str) -> str:
        reply = self.model.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], temperature=0,
            max_tokens=self.max_tokens)
        return reply["choices"][0]["message"]["content"] or ""



def make_backend(settings: Settings) -> LLMBackend:
    if settings.llm_backend == "openai":
        return OpenAICompatibleBackend(settings)
    if settings.llm_backend == "llama_cpp":
        return LlamaCppBackend(settings)
    raise LLMBackendError(f"unknown llm_backend {settings.llm_backend!r}; use openai or llama_cpp")


@dataclass
class _KeptClaim:
    text: str
    passage: RetrievedChunk
    score: float
    flagged: bool = False


def format_passages(chunks: Sequence[RetrievedChunk]) -> str:
    return "\n\n".join(
        f"[{n}] ({item.chunk.outlet or item.chunk.title or item.chunk.doc_id})\n{item.chunk.text}"
        for n, item in enumerate(chunks, start=1)
    )


class LLMAnswerer:
    def __init__(self, assistant: Assistant, backend: LLMBackend | None = None) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self._backend = backend

    @property
    def backend(self) -> LLMBackend:
        if self._backend is None:
            self._backend = make_backend(self.settings)
        return self._backend

    def build_prompt(self, question: str, chunks: Sequence[RetrievedChunk]) -> str:
        template = load_text(self.settings.prompts_dir, "grounded_answer.txt")
        return template.format(passages=format_passages(chunks), question=question)

    def answer(self, question: str, standalone: str, turns, *, sources=None,
               top_k=None) -> Answer:
        # the generator reads the passages the extractive pass retrieved (same query, spelling
        # and sources), so the question is neither embedded nor searched twice
        trace = Trace(question)
        extractive = self.assistant.answer_extractive(question, standalone, sources=sources,
                                                      top_k=top_k, trace=trace)
        if extractive.abstained:
            return extractive  # abstention is calibrated on retrieval, not left to the generator
        chunks: list[RetrievedChunk] = trace.passages
        try:
            reply = self.backend.complete(self.build_prompt(standalone, chunks))
        except LLMBackendError as exc:
            extractive.notes.append(f"LLM unavailable ({exc}); extractive answer shown")
            return extractive
        answer = self.verify_reply(reply, chunks, question, standalone)
        if answer is None:
            extractive.notes.append("no generated sentence was supported; extractive answer shown")
            return extractive
        return answer

    def verify_reply(self, reply: str, chunks: Sequence[RetrievedChunk], question: str,
                     standalone: str) -> Answer | None:
        if NOT_IN_SOURCES in reply.upper() or not chunks:
            return None
        verifier = self.assistant.verifier
        kept: list[_KeptClaim] = []
        notes: list[str] = []
        for claim in split_claims(reply):
            valid = [m for m in claim.markers if 1 <= m <= len(chunks)]
            if len(valid) < len(claim.markers):
                notes.append(f"removed invalid marker(s) {sorted(set(claim.markers) - set(valid))}")
            candidates = [chunks[m - 1] for m in valid] or list(chunks)
            scored = [(verifier.score(claim.text, [c.chunk.text]), c) for c in candidates]
            verdict, passage = max(scored, key=lambda pair: (pair[0].supported, pair[0].score))
            if verdict.supported:
                kept.append(_KeptClaim(claim.text, passage, verdict.score))
            elif self.settings.show_unsupported:
                kept.append(_KeptClaim(claim.text, passage, verdict.score, flagged=True))
                notes.append(f"unsupported: {claim.text[:80]}")
            else:
                notes.append(f"dropped unsupported sentence: {claim.text[:80]}")
        if not any(not k.flagged for k in kept):
            return None
        parts, citations = [], []
        for n, kept_claim in enumerate(kept, start=1):
            citations.append(_citation(n, kept_claim))
            flag = " (unsupported)" if kept_claim.flagged else ""
            parts.append(f"{kept_claim.text}{flag} [{n}]")
        return Answer(text=" ".join(parts), citations=citations, question=question,
                      standalone_question=standalone, answerer="llm", notes=notes)


def _citation(n: int, claim: _KeptClaim) -> Citation:
    chunk = claim.passage.chunk
    spans = sentence_spans(chunk.text) or [(0, len(chunk.text))]
    claim_stems = content_stems(claim.text)
    start, end = max(spans, key=lambda s: len(claim_stems & content_stems(chunk.text[s[0]:s[1]])))
    return Citation(n=n, source=chunk.doc_id, title=chunk.title, text=chunk.text,
                    start=chunk.start, end=chunk.end, score=round(claim.score, 4),
                    outlet=chunk.outlet, chunk_id=chunk.chunk_id, highlight_start=start,
                    highlight_end=end)

