"""Eval harness: metric functions on hand-made cases, golden-set integrity, and the CI gate."""

from __future__ import annotations

from assistant.corpus import load_document
from assistant.evaluation.golden import load_golden
from assistant.evaluation.metrics import (
    abstention_scores,
    citation_scores,
    key_fact_score,
    retrieval_scores,
)
from assistant.evaluation.runner import evaluate, gate_failures, load_thresholds
from assistant.verify import ClaimVerifier
from tests.conftest import CORPUS

PASSAGE = ("British think-tank Chatham House conducted a poll in June, which revealed that 43 per "
           "cent of the Belarusian people did not approve of Putin’s invasion of Ukraine. As few as "
           "four per cent said they would support Belarus sending troops in.")
OTHER = "Lukashenko, who has been in power since July 1994, crushed the popular uprising."


def test_golden_set_is_complete_and_verbatim():
    questions = load_golden()
    documents = {p.name: load_document(p, 10**7).text for p in CORPUS.iterdir()}
    from assistant.evaluation.golden import integrity_problems

    assert integrity_problems(questions, documents) == []
    kinds = [q.type for q in questions]
    assert len(questions) >= 40
    assert kinds.count("unanswerable") >= 8 and kinds.count("injection") >= 3
    assert kinds.count("multiturn") >= 5 and kinds.count("why") >= 3
    assert kinds.count("disagree") >= 2
    assert {q.split for q in questions} == {"calibration", "held_out"}


def test_key_facts_accept_alternatives():
    assert key_fact_score("Only 4% would back it.", [["4 per cent", "4%"]]) == 1.0
    assert key_fact_score("Nobody knows.", [["4 per cent", "4%"], ["June"]]) == 0.0
    assert key_fact_score("In June, 4 per cent.", [["4 per cent"], ["June"], ["Minsk"]]) == 2 / 3


def test_retrieval_scores_rank_and_coverage():
    quote = "As few as four per cent said they would support Belarus sending troops in."
    scores = retrieval_scores([OTHER, PASSAGE, OTHER], [quote], k=3)
    assert scores.hit_at_k == 1.0 and scores.reciprocal_rank == 0.5
    assert abs(scores.context_precision - 1 / 3) < 1e-9 and scores.context_recall == 1.0
    assert retrieval_scores([OTHER], [quote], k=5).hit_at_k == 0.0


def test_faithfulness_and_citation_precision(embedder):
    verifier = ClaimVerifier(embedder.encode, threshold=0.55)
    supported = "As few as four per cent said they would support Belarus sending troops in. [1]"
    full = citation_scores(supported, {1: PASSAGE}, verifier)
    assert full.faithfulness == 1.0 and full.citation_precision == 1.0

    invented = supported + " The poll also found that 80 per cent of Belarusians love Moscow. [1]"
    partial = citation_scores(invented, {1: PASSAGE}, verifier)
    assert partial.claims == 2 and partial.faithfulness < 1.0

    wrong_citation = citation_scores(
        "As few as four per cent said they would support Belarus sending troops in. [1][2]",
        {1: PASSAGE, 2: OTHER}, verifier)
    assert wrong_citation.citation_precision == 0.5
    uncited = citation_scores("Four per cent would support sending troops.", {1: PASSAGE},
                              verifier)
    assert uncited.citation_recall == 0.0


def test_abstention_scores():
    scores = abstention_scores([True, True, False, False], [True, False, True, False])
    assert scores == {"abstention_precision": 0.5, "abstention_recall": 0.5,
                      "false_abstention_rate": 0.5}


def test_eval_gate_on_whole_golden_set(seed_index, seed_assistant):
    report = evaluate(seed_index, with_baseline=True, bot=seed_assistant)
    engine, stock = report["engine"]["scores"], report["baseline"]["scores"]
    assert gate_failures(engine, load_thresholds()) == []
    for metric in ("hit_at_5", "mrr", "key_fact_accuracy", "abstention_recall",
                   "citation_recall"):
        assert engine[metric] >= stock[metric], metric
    assert len(report["engine"]["rows"]) == len(load_golden())


def test_llm_judge_faithfulness_beside_the_verifier(seed_index, seed_assistant):
    from assistant.evaluation.judge import LLMJudge, parse_verdicts
    from tests.fake_llm_server import FakeLLMServer

    assert parse_verdicts("YES | a\nNO | b\nnoise\nyes | c") == [True, False, True]
    with FakeLLMServer(["YES | 43 per cent disapproved\nNO | it was in May"] * 3) as server:
        settings = seed_index.replace(llm_base_url=server.url, llm_model="judge")
        judge = LLMJudge(settings)
        report = evaluate(settings, with_baseline=False, bot=seed_assistant, judge=judge,
                          limit=3)
    assert report["llm_judge"] is True
    assert report["engine"]["scores"]["llm_faithfulness"] == 0.5
    assert "faithfulness" in report["engine"]["scores"]  # the verifier-based score stays
    assert "Context:" in server.prompts[0] and "YES |" in server.prompts[0]
