"""The cheap token bound: the same decisions as counting cl100k tokens exactly."""

from __future__ import annotations

import pytest

from assistant.chunking import count_tokens, tokens_within, utf8_length
from assistant.conversation import bound_history

TEXTS = [
    "Who is Artyom Shraibman?",
    "The poll found that 43 per cent of Belarusians oppose sending troops.",
    "Лукашэнка сустрэўся з Пуціным шосты раз з пачатку вайны.",  # Belarusian: 2 bytes a letter
    "白俄罗斯总统与普京会面。",  # CJK: 3 bytes a character, tokens cover several bytes
    "Prices rose 🚀🚀 — “wages did not” (officials said).",
    "naïve café déjà vu " * 6,
    "x" * 300,
    "lone \ud800 surrogate",
]


def _limits(texts: list[str]) -> set[int]:
    """Limits on both sides of the exact count and of the byte bound."""
    exact = sum(count_tokens(t) for t in texts)
    size = sum(utf8_length(t) for t in texts)
    return {max(0, n + d) for n in (exact, size) for d in (-2, -1, 0, 1, 2)}


@pytest.mark.parametrize("text", TEXTS)
def test_one_text_is_decided_as_by_the_exact_count(text):
    assert count_tokens(text) <= utf8_length(text)  # the bound the shortcut relies on
    for limit in _limits([text]):
        assert tokens_within([text], limit) == (count_tokens(text) <= limit), limit


def test_several_texts_are_decided_on_their_sum():
    for start in range(len(TEXTS) - 2):
        texts = TEXTS[start : start + 3]
        exact = sum(count_tokens(t) for t in texts)
        for limit in _limits(texts):
            assert tokens_within(texts, limit) == (exact <= limit), (start, limit)


def test_stored_counts_stand_in_for_counting():
    texts = ["The army is small and poorly equipped.", "Its soldiers are not motivated."]
    exact = sum(count_tokens(t) for t in texts)
    truthful = {t: count_tokens(t) for t in texts}
    assert tokens_within(texts, exact, lambda found: truthful)
    assert not tokens_within(texts, exact - 1, lambda found: truthful)
    # what is stored is what counts: an (impossible) inflated count flips the decision
    inflated = {texts[0]: 1000}
    assert not tokens_within(texts, exact, lambda found: inflated)
    # the byte bound decides first, without asking
    assert tokens_within(texts, sum(utf8_length(t) for t in texts), lambda found: inflated)


def test_history_bound_keeps_the_turns_the_exact_count_keeps():
    turns = [("user", t) if i % 2 == 0 else ("assistant", t) for i, t in enumerate(TEXTS)]
    for limit in range(0, sum(utf8_length(t) for _, t in turns) + 2, 7):
        kept, budget = [], limit
        for role, text in reversed(turns):
            if count_tokens(text) > budget:
                break
            kept.insert(0, (role, text))
            budget -= count_tokens(text)
        assert bound_history(turns, limit) == kept, limit
