"""Conversation history: validation, token bounds and deterministic follow-up rewriting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answer_fit import AnswerKind, expected_kind
from assistant.chunking import count_tokens, tokens_within
from assistant.errors import InvalidHistoryError
from assistant.text import content_words, tokens, words

Turn = tuple[str, str]
ROLES = {"user", "assistant"}
_REFERRING_WORDS = {
    "it", "its", "they", "them", "their", "theirs", "he", "him", "his", "she", "her", "this",
    "that", "these", "those", "there", "then", "such", "the same", "former", "latter",
    "one", "ones",  # "Which one is the hardest to measure?"
}
# pronouns that stand for a person, whom an earlier question names ("it" may stand for any
# thing: "When was it conducted?" after "What did the Chatham House poll find?" needs "poll")
_PERSONAL_PRONOUNS = {"he", "him", "his", "she", "her", "hers"}
_CITATION_MARKER = re.compile(r"\s*\[\d+\]")
_ASKS_WHO = re.compile(r"^\s*who\b", re.I)
_FOLLOW_UP_OPENERS = ("and ", "but ", "so ", "what about", "how about", "why not", "also ",
                      "what else", "anything else", "and?", "why?", "how?", "when?", "where?")
# question words and light verbs that say nothing about the topic of any corpus
_NON_TOPIC = {
    "what", "why", "when", "where", "who", "whom", "which", "how", "find", "found", "happen",
    "happened", "think", "tell", "explain", "mean", "know",
}


def validate_history(history: Any) -> list[Turn]:
    """Accept None or a sequence of (role, text) pairs of strings; raise InvalidHistoryError."""
    if history is None:
        return []
    if isinstance(history, (str, bytes)) or not isinstance(history, Sequence):
        raise InvalidHistoryError(
            "history must be a list of (role, text) pairs, e.g. [('user', 'q'), ('assistant', 'a')]"
        )
    turns: list[Turn] = []
    for index, entry in enumerate(history):
        if (
            not isinstance(entry, Sequence)
            or isinstance(entry, (str, bytes))
            or len(entry) != 2
            or not all(isinstance(part, str) for part in entry)
        ):
            raise InvalidHistoryError(
                f"history entry {index} must be a (role, text) pair of strings, got {entry!r:.80}"
            )
        role, text = entry
        if role not in ROLES:
            raise InvalidHistoryError(
                f"history entry {index} has role {role!r}; expected 'user' or 'assistant'"
            )
        turns.append((role, text))
    return turns


def bound_history(turns: list[Turn], max_tokens: int) -> list[Turn]:
    """The most recent turns whose text fits in `max_tokens`."""
    if tokens_within((text for _, text in turns), max_tokens):
        return list(turns)
    kept: list[Turn] = []
    budget = max_tokens
    for role, text in reversed(turns):
        cost = count_tokens(text)
        if cost > budget:
            break
        kept.append((role, text))
        budget -= cost
    return list(reversed(kept))


def is_follow_up(question: str) -> bool:
    """A question leans on the conversation when it opens like a continuation ("and what
    about ..."), has (almost) no topic of its own ("When?", "Why is that?"), or refers back
    with a pronoun and names little else ("When was it conducted?"). A question that names its
    own topic ("What is the GDP of Belarus?") stands on its own, however short."""
    words = tokens(question)
    lowered = question.strip().lower()
    if lowered.startswith(_FOLLOW_UP_OPENERS):
        return True
    topic_words = [w for w in content_words(question) if w not in _NON_TOPIC]
    refers_back = bool(_REFERRING_WORDS & set(words))
    return len(topic_words) <= 1 or (refers_back and len(topic_words) <= 3)


def _topic_terms(text: str) -> list[str]:
    return [w for w in content_words(text) if w not in _NON_TOPIC]


def rewrite_standalone(question: str, turns: list[Turn]) -> str:
    """Carry the topic of earlier user questions into a follow-up, deterministically.

    Each earlier user question is made standalone in turn, so a chain of follow-ups keeps the
    topic of the question that opened it.
    """
    standalone_previous = ""
    previous_answer = ""
    for role, text in turns:
        if role == "user":
            standalone_previous = _carry(text, standalone_previous, previous_answer)
            previous_answer = ""
        else:
            previous_answer = text
    return _carry(question, standalone_previous, previous_answer)


def _written_names(text: str) -> dict[str, str]:
    """The capitalised words past the first, by token, as written: the names a pronoun of a
    follow-up may stand for."""
    return {tokens(word)[0]: word.removesuffix("'s").removesuffix("’s")
            for word in words(text)[1:] if word[:1].isupper()}


def _first_cited_sentence(answer: str) -> str:
    """The answer's first sentence, up to its citation marker; "" for a refusal."""
    marker = _CITATION_MARKER.search(answer)
    return answer[:marker.start()] if marker else ""


def _carry(question: str, previous: str, previous_answer: str = "") -> str:
    if not previous or not is_follow_up(question):
        return question
    present = set(content_words(question))
    carried = [w for w in dict.fromkeys(_topic_terms(previous)) if w not in present]
    names = _written_names(previous)
    if _topic_terms(question) and _PERSONAL_PRONOUNS & set(tokens(question)):
        # "Where is his estate?" after "How much a year does Darcy have?": the pronoun stands
        # for the person named, and the earlier question's other words are not this one's topic
        # (while "And in Russia?" after "How many soldiers does Belarus have?" keeps "soldiers")
        carried = [w for w in carried if w in names] or carried
        if _ASKS_WHO.match(previous) and expected_kind(previous) is AnswerKind.NAME:
            # after "Who was the first European to sight New Zealand?" the pronoun stands
            # for the person the answer names ("... Abel Tasman became the first European")
            answered = _written_names(_first_cited_sentence(previous_answer))
            found = [w for w in answered if w not in names and w not in present]
            names = {**answered, **names}
            carried = found + carried
    if not carried:
        return question
    return f"{question.strip()} ({' '.join(names.get(w, w) for w in carried)})"
