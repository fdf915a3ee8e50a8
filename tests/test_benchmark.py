"""Multi-corpus benchmark: scoring rules, key-fact matching, the dev/test split, corpus files."""

from eval.benchmark.corpora import Question, load_questions, parse_key_facts, split_of
from eval.benchmark.scoring import (
    SystemAnswer,
    aggregate,
    facts_present,
    normalise,
    quote_in_body,
    score,
)
from eval.benchmark.systems import page_text

ANSWERABLE = Question("q-ans", "How many pearls were on the dress?", True,
                      parse_key_facts(["6,000|6000", "pearls"]), ["tmz-1.html"])
UNANSWERABLE = Question("q-near", "Who designed the dress?", False, [], ["tmz-1.html"])


def _answer(text, sources=("tmz-1.html",), abstained=False, quotes=()):
    return SystemAnswer(text, abstained, list(sources), list(quotes), 12.0)


def test_correct_needs_every_fact_the_right_source_and_a_short_answer():
    assert score(ANSWERABLE, _answer("It held 6000 white pearls [1].")).correct
    missing_fact = score(ANSWERABLE, _answer("It held white pearls [1]."))
    assert not missing_fact.correct and not missing_fact.facts
    wrong_source = score(ANSWERABLE, _answer("It held 6,000 pearls.", sources=["other.html"]))
    assert wrong_source.facts and not wrong_source.right_source and not wrong_source.correct
    long = score(ANSWERABLE, _answer("6,000 pearls. " + "word " * 200))
    assert long.facts and not long.short and not long.correct


def test_abstention_is_correct_only_where_the_corpus_has_no_answer():
    assert score(UNANSWERABLE, _answer("", sources=(), abstained=True)).correct
    assert not score(UNANSWERABLE, _answer("Calvin Klein made it [1].")).correct
    false_abstention = score(ANSWERABLE, _answer("The pages don't say.", (), abstained=True))
    assert not false_abstention.correct and not false_abstention.facts
    metrics = aggregate([false_abstention, score(UNANSWERABLE, _answer("x"))], False)
    assert metrics["false_abstention"] == 1.0 and metrics["abstention"] == 0.0
    assert metrics["score"] == 0.0 and metrics["in_body"] is None


def test_key_facts_ignore_case_punctuation_and_thousands_separators_but_not_word_parts():
    assert normalise("U.S. $19 Billion, 8.4 lb; 4%") == "u s $ 19 billion 8.4 lb 4 %"
    assert facts_present("Lupita’s dress: 6,000 Akoya PEARLS.", parse_key_facts(["6000", "pearls"]))
    assert facts_present("four per cent said so", [["4%", "four per cent"]])
    assert not facts_present("a 1980s car", [["1980"]])
    assert not facts_present("it cost 150", [["150,000"]])


def test_cited_sentence_counts_in_body_only_when_it_is_in_the_main_text():
    body = "The dress is made of pearls.\n6,000 white Akoya pearls. It's valued at $150,000."
    inside = ("tmz-1.html", "6,000 white  Akoya pearls.")
    outside = ("tmz-1.html", "Sign up for our newsletter")
    row = score(ANSWERABLE, _answer("6,000 pearls", quotes=[inside, outside]),
                {"tmz-1": body})
    assert (row.quotes_in_body, row.quotes_checked) == (1, 2)
    assert aggregate([row], True)["in_body"] == 0.5
    assert quote_in_body("It’s valued at $150,000", body.replace("'", "’"))


def test_split_is_a_stable_half_by_id():
    ids = [f"q-{i}" for i in range(400)]
    halves = [split_of(i) for i in ids]
    assert halves == [split_of(i) for i in ids]
    assert 150 < halves.count("dev") < 250 and set(halves) == {"dev", "test"}


def test_committed_question_files_are_well_formed_with_enough_near_misses():
    from eval.benchmark.corpora import QUESTIONS_DIR

    for path in sorted(QUESTIONS_DIR.glob("*.jsonl")):
        questions = load_questions(path)
        assert len(questions) >= 30, path.name
        assert len({q.id for q in questions}) == len(questions), path.name
        near = [q for q in questions if not q.answerable]
        assert len(near) >= 0.25 * len(questions), path.name
        for q in questions:
            assert bool(q.key_facts) == q.answerable, q.id
            assert q.doc_ids or not q.answerable, q.id
            assert all(all(alt for alt in group) for group in q.key_facts), q.id


def test_page_text_for_cairn_drops_scripts_and_keeps_paragraphs():
    text = page_text("<html><script>var x=1;</script><p>First &amp; one.</p><div>Second</div>")
    assert text == "First & one.\n\nSecond"
