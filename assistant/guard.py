"""Recognise questions that try to take the assistant off its job (prompt injection, off-task)."""

from __future__ import annotations

import re

_OFF_TASK_PATTERNS = [
    # attempts to override instructions or the sources
    r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,60}\b(instructions?|sources?|articles?"
    r"|documents?|context|rules?|prompts?|guidelines|everything|above|previous|corpus)\b",
    r"\b(you are now|from now on you|act as|pretend (to be|you)|role-?play|new persona)\b",
    r"\b(system prompt|developer mode|jailbreak|dan mode|prompt injection)\b",
    r"\b(reveal|print|show|repeat|output)\b.{0,40}\b(system|hidden|initial)\s+(prompt|instructions)\b",
    # creative or unrelated tasks instead of questions about the articles
    r"\b(write|compose|sing|generate|create|make up)\b.{0,30}\b(poem|song|story|joke|haiku|"
    r"limerick|essay|code|script|recipe|rap|novel|tweet)\b",
    r"\b(reply|respond|answer|say)\b\s+(only\s+)?(with\s+)?['\"“][^'\"”]{1,40}['\"”]\s*$",
]
_OFF_TASK = re.compile("|".join(_OFF_TASK_PATTERNS), re.IGNORECASE | re.DOTALL)


def is_off_task(question: str) -> bool:
    return bool(_OFF_TASK.search(question))
