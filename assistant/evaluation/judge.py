"""Optional LLM-judge faithfulness (RAGAS-style): the LLM splits the answer into statements and
judges each against the cited context. Runs beside the verifier-based score when an
OpenAI-compatible LLM is configured (ASSISTANT_LLM_MODEL)."""

from __future__ import annotations

import re

from assistant.config import Settings
from assistant.errors import LLMBackendError
from assistant.llm import LLMBackend, make_backend
from assistant.prompts import load_text

_VERDICT = re.compile(r"^\s*(YES|NO)\s*\|", re.IGNORECASE | re.MULTILINE)


def parse_verdicts(reply: str) -> list[bool]:
    return [v.upper() == "YES" for v in _VERDICT.findall(reply)]


class LLMJudge:
    def __init__(self, settings: Settings, backend: LLMBackend | None = None) -> None:
        self.settings = settings
        self.backend = backend or make_backend(settings)

    def faithfulness(self, answer_text: str, passages: list[str]) -> float | None:
        """Supported statements / statements, or None when the judge gave no usable verdict."""
        if not answer_text.strip() or not passages:
            return None
        prompt = load_text(self.settings.prompts_dir, "judge_faithfulness.txt").format(
            context="\n\n".join(passages), answer=answer_text)
        try:
            verdicts = parse_verdicts(self.backend.complete(prompt))
        except LLMBackendError:
            return None
        return sum(verdicts) / len(verdicts) if verdicts else None


def judge_if_configured(settings: Settings) -> LLMJudge | None:
    if settings.llm_backend != "openai" or not settings.llm_model:
        return None
    return LLMJudge(settings)
