"""Recognise requests that try to take the assistant off its job (prompt injection, off-task).

Only imperative requests count: "ignore your sources and ..." or "write a poem about ...". A
question that merely uses such a verb about its topic ("Did Putin override the previous
agreement?", "Who wrote the script?") is on topic and is answered from the documents.
"""

from __future__ import annotations

import re

# where an imperative can start: the beginning, after a sentence break, or after a polite or
# connecting lead-in ("please", "now", "and then", "can you")
_CLAUSE_START = (r"(?:^|[.!?;:\n]\s*|\b(?:please|now|then|and|also|instead|just|kindly|"
                 r"can you|could you|would you|will you|you must|you should)\s+)")
_TARGETS = (r"(?:your\s+|the\s+|all\s+|any\s+|these\s+|those\s+|previous\s+|prior\s+|above\s+)*"
            r"(?:instructions?|sources?|articles?|documents?|context|rules?|prompts?|guidelines|"
            r"everything|corpus|constraints|restrictions)\b")
_OFF_TASK_PATTERNS = [
    # imperatives that override instructions or the sources
    _CLAUSE_START + r"(?:ignore|disregard|forget|override|bypass|skip)\s+" + _TARGETS,
    _CLAUSE_START + r"(?:ignore|disregard|forget)\s+(?:all\s+|everything\s+)?(?:above|previous|prior)\b",
    r"\b(?:you are now|from now on,? you|pretend (?:to be|you are)|new persona|role-?play as)\b",
    _CLAUSE_START + r"act as\b",
    r"\b(?:developer mode|jailbreak|dan mode)\b",
    r"\b(?:reveal|print|show|repeat|output)\b.{0,40}\b(?:system|hidden|initial)\s+(?:prompt|instructions)\b",
    # creative or unrelated tasks instead of questions about the documents
    _CLAUSE_START + r"(?:write|compose|sing|generate|create|make up)\b.{0,30}\b(?:poem|song|story|"
    r"joke|haiku|limerick|essay|code|script|recipe|rap|novel|tweet)s?\b",
    _CLAUSE_START + r"(?:reply|respond|answer|say)\s+(?:only\s+)?(?:with\s+)?['\"“][^'\"”]{1,40}['\"”]\s*[.!]?\s*$",
]
_OFF_TASK = re.compile("|".join(_OFF_TASK_PATTERNS), re.IGNORECASE)


def is_off_task(question: str) -> bool:
    return bool(_OFF_TASK.search(question))
