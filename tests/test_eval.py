"""Eval harness: metric functions on hand-made cases, golden-set integrity, and the CI gate."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.config import Settings
from assistant.corpus import load_document
from assistant.embedding import Embedder
from assistant.engine import Assistant
from assistant.evaluation.golden import load_golden
from assistant.evaluation.metrics import (
    abstention_scores,
    answer_relevance,
    citation_scores,
    key_fact_score,
    retrieval_scores,
)
from assistant.evaluation.runner import (
    aggregate,
    evaluate,
    format_table,
    gate_failures,
    load_thresholds,
)
from assistant.ingestion import ingest
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


def test_undefined_ratios_are_not_available_rather_than_perfect():
    never_abstains = abstention_scores([True, False], [False, False])
    assert never_abstains["abstention_precision"] is None  # 0/0, was reported as 1.0
    assert never_abstains["abstention_recall"] == 0.0
    assert citation_scores("", {}, ClaimVerifier(None, 0.55)).faithfulness is None
    table = format_table({"abstention_precision": None, "hit_at_5": 1.0},
                         {"abstention_precision": 0.5})
    row = next(line for line in table.splitlines() if line.startswith("abstention_precision"))
    assert row.split()[1:] == ["n/a", "0.500"]
    assert aggregate([])["faithfulness"] is None


def test_answer_relevance_tells_a_verbatim_dump_from_a_grounded_answer(embedder):
    """Both answers are verbatim corpus text, so both are fully supported (faithfulness 1.0);
    only the focused one is about the question."""
    verifier = ClaimVerifier(embedder.encode, threshold=0.55)
    question = "What share of Belarusians disapproved of the invasion in the Chatham House poll?"
    documents = {p.name: load_document(p, 10**7).text for p in CORPUS.iterdir()}
    article = documents["002_24c47c4952debea1.txt"]
    start = article.index("British think-tank Chatham House")
    grounded = article[start : article.index("invasion of Ukraine.", start) + 20] + " [1]"
    dump = "\n\n".join(f"{text[: text.rfind('. ', 0, 1500) + 1].strip()} [{i}]"
                         for i, text in enumerate(documents.values(), 1))  # whole sentences
    passages = {i: text for i, text in enumerate(documents.values(), 1)}
    for answer in (grounded, dump):
        assert citation_scores(answer, passages, verifier).faithfulness == 1.0
    focused_sum, focused_n = answer_relevance(question, grounded, embedder.encode)
    dump_sum, dump_n = answer_relevance(question, dump, embedder.encode)
    # measured: about 0.6 against 0.32 (every seed article is about Belarus, so even unrelated
    # sentences keep some similarity); the gap, not the level, is what the test holds
    assert focused_sum / focused_n > dump_sum / dump_n + 0.15
    assert answer_relevance(question, "", embedder.encode) is None
    assert np.isfinite(dump_sum)


@pytest.fixture(scope="module", params=["float32", "bfloat16"])
def eval_report_by_dtype(request, tmp_path_factory):
    """The whole golden set, engine and stock baseline, with the embedding precision forced the
    way a user would (ASSISTANT_EMBEDDING_DTYPE): CI passes on CPUs with and without bf16."""
    dtype = request.param
    settings = Settings.load(config_file=None, env={"ASSISTANT_EMBEDDING_DTYPE": dtype},
                             index_dir=str(tmp_path_factory.mktemp(f"eval-{dtype}")))
    embedder = Embedder(settings)
    ingest([CORPUS], settings, embedder, show_progress=False)
    report = evaluate(settings, with_baseline=True, bot=Assistant(settings, embedder))
    print(f"\n{dtype}:\n" + format_table(report["engine"]["scores"],
                                          report["baseline"]["scores"]))
    return dtype, report


def test_eval_gate_in_fp32_and_bf16(eval_report_by_dtype):
    dtype, report = eval_report_by_dtype
    assert report["runtime"]["embedding_dtype"] == dtype  # what ran, not the setting "auto"
    engine, stock = report["engine"]["scores"], report["baseline"]["scores"]
    assert gate_failures(engine, load_thresholds(), stock) == []
    assert len(report["engine"]["rows"]) == len(load_golden())


def test_every_gate_has_a_margin_or_compares_with_the_baseline():
    thresholds = load_thresholds()
    for name, gate in thresholds.items():
        if name == "vs_stock":
            assert all(margin >= 0 for margin in gate.values())
            continue
        assert isinstance(gate, dict) and set(gate) == {"measured", "margin"}, name
        assert 0 < gate["margin"] <= 0.1, name
    assert thresholds["vs_stock"], "at least one same-run comparison with the stock baseline"


def test_gate_applies_margins_and_same_run_comparisons():
    thresholds = {"hit_at_5": {"measured": 1.0, "margin": 0.05},
                  "false_abstention_rate_max": {"measured": 0.02, "margin": 0.03},
                  "vs_stock": {"mrr": 0.1}}
    good = {"hit_at_5": 0.96, "false_abstention_rate": 0.04, "mrr": 0.8}
    assert gate_failures(good, thresholds, {"mrr": 0.6}) == []
    assert gate_failures({**good, "hit_at_5": 0.94}, thresholds, {"mrr": 0.6}) != []
    assert gate_failures({**good, "false_abstention_rate": 0.06}, thresholds) != []
    assert gate_failures(good, thresholds, {"mrr": 0.75}) != []  # does not beat stock by 0.1
    assert gate_failures({**good, "hit_at_5": None}, thresholds) == [
        "hit_at_5 is n/a (nothing to count)"]


def test_stock_baseline_gets_the_history_of_a_follow_up():
    from assistant.evaluation.baseline import StockLlamaIndexBaseline

    history = [("user", "What did the Chatham House poll find?"), ("assistant", "43 per cent.")]
    query = StockLlamaIndexBaseline.query_text("When was it conducted?", history)
    assert query == "What did the Chatham House poll find? When was it conducted?"


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


def test_no_test_looks_at_a_held_out_question():
    """Questions a test checks one by one get tuned for; the gate's held-out half must not be."""
    held_out = {q.id for q in load_golden() if q.split == "held_out"}
    for test_file in (CORPUS.parent / "tests").glob("*.py"):
        text = test_file.read_text()
        named = {qid for qid in held_out if f'"{qid}"' in text}
        assert not named, f"{test_file.name} checks held-out questions {sorted(named)}"
