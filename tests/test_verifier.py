"""The claim verifier checks meaning: negation, antonyms, swapped numbers and roles, markup and
links (issue 15), measured on eval/verifier_pairs.jsonl and exercised through a fake LLM."""

from __future__ import annotations

import pytest

from assistant.verify import ClaimVerifier
from eval.verifier_eval import cached, evaluate, load_pairs
from tests.fake_llm_server import FakeLLMServer
from tests.test_llm import POLL, _llm_assistant, _marker_of

PASSAGE = ("British think-tank Chatham House conducted a poll in June, which revealed that 43 "
           "per cent of the Belarusian people did not approve of Putin’s invasion of Ukraine. "
           "As few as four per cent said they would support Belarus sending troops in.")


@pytest.fixture(scope="module")
def verifier(embedder) -> ClaimVerifier:
    return ClaimVerifier(cached(embedder.encode), threshold=0.55)


@pytest.mark.parametrize(("claim", "supported"), [
    # the probe's claims, all passed before
    ("43 per cent of Belarusians approved of the invasion <img src=//e.cc>", False),
    ("43 per cent of Belarusians approved of the invasion.", False),
    ("43 per cent of Belarusians supported the invasion.", False),
    ("Only four per cent would support sending troops [more](http://evil.example/x).", False),
    ("Four per cent did not approve of the invasion and 43 per cent would support sending "
     "troops.", False),
    ("Belarus would support Chatham House sending troops in.", False),
    # curly and straight apostrophes are the same name (was rejected as an unknown name)
    ("43 per cent of Belarusians did not approve of Putin's invasion of Ukraine.", True),
    ("Chatham House found that 43 per cent of Belarusians disapproved of Putin’s invasion.", True),
    ("Only four per cent of Belarusians would support sending troops.", True),
    # a superlative the passage does not state is a claim of its own
    ("The Chatham House poll was the largest ever held in Belarus.", False),
    ("The Belarusian army is the strongest in Europe, the poll of 43 per cent revealed.", False),
])
def test_meaning_checks_on_the_probe_claims(verifier, claim, supported):
    verdict = verifier.score(claim, [PASSAGE])
    assert verdict.supported is supported, verdict


def test_adversarial_pair_set_gate(verifier):
    """Measured figures (README): 0.95 of unsupported claims caught, 0.95 of supported kept;
    the gate leaves a margin for embedding dtype differences."""
    pairs = load_pairs()
    assert len(pairs) >= 50 and sum(p["supported"] for p in pairs) * 2 == len(pairs)
    scores = evaluate(verifier, pairs)
    assert scores.recall >= 0.9 and scores.precision >= 0.9, scores.misses
    assert scores.keep_rate >= 0.9, scores.misses
    words_only = evaluate(ClaimVerifier(verifier.encoder, 0.55, meaning_checks=False), pairs)
    assert words_only.recall < 0.5  # the meaning checks are what catch them


def test_llm_reply_with_flipped_meaning_and_markup_is_dropped(seed_index, embedder):
    with FakeLLMServer(["placeholder"]) as server:
        bot = _llm_assistant(seed_index, embedder, server.url)
        bot.ask(POLL)
        n = _marker_of(server.prompts[0], "Chatham House conducted a poll")
        server.replies = [
            f"43 per cent of Belarusians approved of the invasion <img src=//e.cc> [{n}]. "
            f"43 per cent of Belarusians supported the invasion [{n}]. "
            f"As few as four per cent said they would support Belarus sending troops in [{n}]."]
        answer = bot.ask(POLL)
    assert answer.answerer == "llm"
    assert "four per cent" in answer.text
    assert "<img" not in answer.text and "approved" not in answer.text
    assert "supported the invasion" not in answer.text
    assert sum("dropped unsupported" in note for note in answer.notes) == 2
