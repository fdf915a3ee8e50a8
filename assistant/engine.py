"""The answer engine: question (+ history) -> retrieval -> cited answer or abstention."""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from assistant import sentence_vectors
from assistant.abstention import AbstentionDecision, decide
from assistant.chunking import tokens_within
from assistant.config import Settings
from assistant.conversation import bound_history, rewrite_standalone, validate_history
from assistant.document_names import (
    DocumentName,
    NamedDocuments,
    document_name,
    named_documents,
)
from assistant.embedding import Embedder
from assistant.errors import (
    AssistantError,
    IndexCorruptError,
    IndexNotReadyError,
    InvalidArgumentError,
    InvalidQuestionError,
    VectorStoreDamagedError,
)
from assistant.explain import Explanation, Trace, explain
from assistant.extractive import ExtractiveAnswerer, Selection, citation_for, name_like
from assistant.guard import is_off_task
from assistant.language import detect_language
from assistant.prompts import load_extractive_templates
from assistant.retrieval import HybridRetriever
from assistant.schema import Answer, Citation
from assistant.spelling import spelling_variants
from assistant.store import REPAIR_VECTORS, IndexStore, open_index, read_generation
from assistant.text import content_stems, content_words, stem, stopwords, tokens
from assistant.vectors import forget_cached_clients
from assistant.verify import ClaimVerifier

ANSWERERS = ("extractive", "llm")
StoredLookup = Callable[[list[str]], dict[str, np.ndarray]]


class _VectorCache:
    """Sentence vectors for the answerer and the verifier: an LRU in front of the vectors stored
    at ingest; only texts the index does not hold (a generated claim, a sentence split another
    way) are embedded, through the torch-free query path."""

    def __init__(self, embedder: Embedder, stored: StoredLookup | None = None,
                 size: int = 20_000) -> None:
        self.embedder = embedder
        self.stored = stored
        self.size = size
        self.embedded = 0  # texts embedded here rather than found: 0 on the stored path
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        if missing:
            found = self.stored(missing) if self.stored is not None else {}
            unknown = [t for t in missing if t not in found]
            if unknown:
                found.update(zip(unknown, self.embedder.encode_queries(unknown), strict=True))
                self.embedded += len(unknown)
            with self._lock:
                for text in missing:
                    self._items[text] = found[text]
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        with self._lock:
            cached = [self._items.get(t) for t in texts]
        present = [v for v in cached if v is not None]
        if len(present) < len(cached):  # evicted meanwhile by another thread
            return self.embedder.encode_queries(texts)
        return np.stack(present) if present else np.zeros((0, self.embedder.dimension), np.float32)


class Assistant:
    """Answers questions over one index. Loads models and opens the index on first use."""

    def __init__(self, settings: Settings | None = None,
                 embedder: Embedder | None = None) -> None:
        """`embedder`: share one loaded model between assistants (eval, tests, UI)."""
        self.settings = settings or Settings.load()
        self.embedder = embedder or Embedder(self.settings)
        self.encode = _VectorCache(self.embedder, self._stored_sentence_vectors)
        self.verifier = ClaimVerifier(self.encode, self.settings.verifier_threshold,
                                      min_claim_words=self.settings.verifier_min_claim_words)
        self._store: IndexStore | None = None
        self._generation = ""  # of the open index; see store.read_generation
        self._open_lock = threading.Lock()
        self._llm_answerer = None
        self._term_cache: dict = {}
        self._names_cache: tuple[tuple[str, int], list[DocumentName]] | None = None

    # --- lazy parts ------------------------------------------------------------------------
    @property
    def store(self) -> IndexStore:
        if self._store is None:
            with self._open_lock:
                if self._store is None:
                    try:
                        self._store = self._open_checked()
                    except IndexCorruptError:
                        # a client cached in this process may predate a rebuild by another
                        # process: forget it and look once more before calling the index damaged
                        forget_cached_clients()
                        self._store = self._open_checked()
        return self._store

    def _open_checked(self) -> IndexStore:
        self._generation = read_generation(self.settings)
        store = open_index(self.settings, self.embedder, create=False)
        try:
            if store.catalog.count_chunks() == 0:
                raise IndexNotReadyError(
                    f"the index in {self.settings.index_dir}/ is empty; run "
                    f"`python ingest.py corpus/ --index {self.settings.index_dir}` first")
            store.check_consistency()
            store.vectors.query(np.zeros(self.embedder_dimension(store), np.float32), 1)
        except Exception as exc:
            store.close()
            if isinstance(exc, AssistantError):
                raise
            raise VectorStoreDamagedError(
                f"the vector store in {self.settings.index_dir}/ cannot be searched "
                f"({type(exc).__name__}: {exc}); {REPAIR_VECTORS}") from exc
        return store

    def embedder_dimension(self, store: IndexStore) -> int:
        stored = store.catalog.get_meta("embedding_dimension")
        return int(stored) if stored else self.embedder.dimension

    def reload(self) -> None:
        """Forget the open index (after an ingest into it from elsewhere)."""
        with self._open_lock:
            if self._store is not None:
                self._store.close()
            self._store = None

    def reopen_if_rebuilt(self) -> bool:
        """Reopen when another process rebuilt or re-created the index since it was opened (the
        files held open may be deleted ones). One small file read; True when it reopened."""
        if self._store is None or read_generation(self.settings) == self._generation:
            return False
        forget_cached_clients()
        self.reload()
        return True

    @property
    def templates(self) -> dict:
        return load_extractive_templates(self.settings.prompts_dir)

    def documents(self) -> list[dict]:
        self.reopen_if_rebuilt()
        return self.store.catalog.documents()

    def document_text(self, doc_id: str) -> str | None:
        return self.store.catalog.document_text(doc_id)

    def delete_document(self, doc_id: str) -> int:
        """Remove a document from the index (explicitly: uploads never replace anything);
        returns the number of passages removed. See ingestion.delete_document."""
        from assistant.ingestion import delete_document

        removed = delete_document(self.settings, doc_id, self.embedder)
        self.reload()
        return removed

    def warm_up(self) -> None:
        """Open the index and load everything a question needs (question model, tokenizer
        tables, sentence splitter) now rather than on the first question."""
        _ = self.store
        self.ask("What do the articles report?", answerer="extractive")

    def _stored_sentence_vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        return sentence_vectors.lookup(self.store.catalog, texts)

    def _stored_token_counts(self, texts: list[str]) -> dict[str, int]:
        return sentence_vectors.token_counts(self.store.catalog, texts)

    # --- the public call -------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: Sequence[tuple[str, str]] | None = None,
        *,
        sources: Sequence[str] | None = None,
        top_k: int | None = None,
        answerer: str | None = None,
    ) -> Answer:
        return self._answer(question, history, sources, top_k, answerer, None)

    def explain(
        self,
        question: str,
        history: Sequence[tuple[str, str]] | None = None,
        *,
        sources: Sequence[str] | None = None,
        top_k: int | None = None,
        answerer: str | None = None,
    ) -> Explanation:
        """Answer as `ask` does and say why: scores, the abstention margin, stage verdicts."""
        trace = Trace(question=question, sources=list(sources) if sources else None,
                      weights=self.settings.abstention_weights)
        answer = self._answer(question, history, sources, top_k, answerer, trace)
        return explain(trace, answer)

    def _answer(self, question: Any, history: Any, sources: Sequence[str] | None,
                top_k: int | None, answerer: str | None, trace: Trace | None) -> Answer:
        question = self._validate_question(question)
        self.reopen_if_rebuilt()
        turns = bound_history(validate_history(history), self.settings.max_history_tokens)
        top_k, sources = _validate_top_k(top_k), _validate_sources(sources)
        answerer = answerer or self.settings.answerer
        if answerer not in ANSWERERS:
            raise InvalidArgumentError(f"unknown answerer {answerer!r}; use one of {ANSWERERS}")
        if trace is not None:
            trace.question = question
        if is_off_task(question):
            if trace is not None:
                trace.off_task = True
            return self._refusal(question, question, "off_task", "off-task or injection attempt")
        standalone = rewrite_standalone(question, turns)
        if trace is not None:
            trace.standalone_question = standalone
            trace.follow_up = standalone != question
        if answerer == "llm":
            if trace is not None:  # the LLM path starts from the same extractive stages
                self.answer_extractive(question, standalone, sources=sources, top_k=top_k,
                                       trace=trace)
            answer = self._llm().answer(question, standalone, turns, sources=sources, top_k=top_k)
        else:
            answer = self.answer_extractive(question, standalone, sources=sources, top_k=top_k,
                                            trace=trace)
        return self.with_pages(answer)

    def with_pages(self, answer: Answer) -> Answer:
        """Name the page of each citation from a paginated source (PDF)."""
        catalog = self.store.catalog
        answer.citations = [
            dataclasses.replace(c, page=catalog.page_at(c.source, c.start + c.highlight_start))
            for c in answer.citations]
        return answer

    def answer_extractive(
        self,
        question: str,
        standalone: str,
        *,
        sources: Sequence[str] | None = None,
        top_k: int | None = None,
        trace: Trace | None = None,
    ) -> Answer:
        searched = {"question": standalone, "sources": list(sources) if sources else None,
                    "documents": None if sources else self.store.catalog.count_documents()}
        language = detect_language(question)
        if language and language != "english":
            named = language[0].upper() + language[1:]
            if trace is not None:
                trace.unreadable_language = True
            return self._refusal(question, standalone, "other_language", f"language={language}",
                                 searched=searched | {"language": named}, language=named)
        # retrieval, scoring and the decision read the question in the corpus' spelling
        query = self.in_corpus_spelling(standalone)
        if self._unreadable_language(query):
            if trace is not None:
                trace.unreadable_language = True
            return self._refusal(question, standalone, "language",
                                 "no English words and none the documents use",
                                 searched=searched)
        retrieval = self.retriever.retrieve(query, top_k=top_k, sources=sources)
        extractive = self.extractive
        names = named_documents(query, self._document_names())
        ranked = extractive.score_candidates(query, retrieval.question_vector,
                                             retrieval.chunks, names)
        selection = extractive.select(query, ranked)
        decision = self.decide(query, selection, names)
        searched["passages"] = len(retrieval.chunks)
        if trace is not None:
            trace.passages = list(retrieval.chunks)
            trace.sentences = list(ranked)
            trace.decision = decision
        if not selection.candidates or not decision.answerable:
            return self._refusal(
                question, standalone, "unsupported",
                f"answer probability {decision.probability:.3f} < {decision.threshold}",
                searched=searched, nearest=self._nearest(ranked),
            )
        answer = extractive.compose(question, selection)
        answer.standalone_question = standalone
        answer.searched = searched
        answer.notes.append(f"answer probability={decision.probability:.3f}")
        if query != standalone:
            answer.notes.append(f"searched in the documents' spelling: {query}")
        return answer

    @staticmethod
    def _nearest(ranked: list, limit: int = 3) -> list[Citation]:
        """The best sentence of each of the closest passages: shown on a refusal as 'closest,
        not an answer', never as a citation of the answer."""
        chosen: list[Citation] = []
        seen: set[str] = set()
        for candidate in ranked:
            if candidate.retrieved.chunk.chunk_id in seen:
                continue
            seen.add(candidate.retrieved.chunk.chunk_id)
            chosen.append(citation_for(len(chosen) + 1, candidate))
            if len(chosen) == limit:
                break
        return chosen

    def decide(self, question: str, selection: Selection,
               named: NamedDocuments | None = None) -> AbstentionDecision:
        """Whether the selected sentences answer the question (assistant/abstention.py). A
        word that names a document ("GPLv3") is known to the corpus, if not in its text."""
        stems = frozenset(content_stems(question))
        frequencies = dict(self._term_stats(stems)[1]) if stems else {}
        for name in named.stems if named else {}:
            frequencies[name] = max(frequencies.get(name, 0), 1)
        evidence = self.extractive.evidence(question, list(selection.ranked), frequencies,
                                            named)
        if evidence is not None and self._name_elsewhere(question, selection.ranked[0].doc_id,
                                                         named):
            evidence = dataclasses.replace(evidence, name_elsewhere=1.0)
        return decide(evidence, self.settings.abstention_weights,
                      self.settings.abstention_threshold)

    def _name_elsewhere(self, question: str, doc_id: str,
                        named: NamedDocuments | None) -> bool:
        """Whether the question names something (assistant/extractive.name_like, numbers
        aside: figure_missing weighs those) that other documents hold and this one does not.
        A word that names this document ("GPLv3", a file's name) is in it; one that names
        only others is held by them."""
        naming = named.stems if named else {}
        for name in name_like(question):
            word = tokens(name)[0]  # lower case, a possessive 's dropped
            names_documents = naming.get(stem(word), frozenset())
            if (any(ch.isdigit() for ch in word) or doc_id in names_documents
                    or self._document_holds(name, word, doc_id)):
                continue
            if names_documents or self.store.catalog.holds_word(word, doc_id, elsewhere=True):
                return True
        return False

    def _document_holds(self, name: str, word: str, doc_id: str) -> bool:
        """Whether the document holds a name of the question: the word itself, a word it
        begins less its ending ("Belarusians" / "Belarus", as the focus is matched), or for an
        acronym its dotted or spelled-out form."""
        catalog = self.store.catalog
        return (catalog.holds_word(word, doc_id)
                or catalog.holds_word(word[:max(_NAME_STEM, len(word) - _NAME_ENDING)], doc_id,
                                      prefix=True)
                or (name.isupper() and self._spells_out(name, doc_id)))

    def _spells_out(self, acronym: str, doc_id: str) -> bool:
        """Whether the document writes the acronym with full stops ("U.S.") or spells it out
        ("United States")."""
        if self.store.catalog.holds_word(" ".join(acronym), doc_id):
            return True
        text = self.store.catalog.document_text(doc_id) or ""
        spelled = r"\s+(?:(?:of|the|and|for)\s+)?".join(f"{letter}[a-z]+" for letter in acronym)
        return re.search(rf"\b{spelled}\b", text) is not None

    def in_corpus_spelling(self, question: str) -> str:
        """The question with each word the documents never use, but use in another English
        spelling, written their way ("patent licences" -> "patent licenses" against American
        licence texts): BM25, term coverage and "words the corpus does not know" all compare
        stems, and the two spellings stem apart."""
        unknown = {w for w in content_words(question) if w.isalpha()}
        frequencies = self._term_stats(frozenset(stem(w) for w in unknown))[1] if unknown else {}
        unknown = {w for w in unknown if not frequencies.get(stem(w))}
        if not unknown:
            return question
        variants = {w: spelling_variants(w) for w in unknown}
        known = self._term_stats(frozenset(stem(v) for vs in variants.values() for v in vs))[1]
        for word, spellings in variants.items():
            chosen = next((v for v in spellings if known.get(stem(v))), None)
            if chosen is not None:
                question = _respelled(question, word, chosen)
        return question

    def _unreadable_language(self, question: str) -> bool:
        """True for a question with several words, none of them an English function word and
        none used anywhere in the documents: most likely another language or script."""
        words = tokens(question)
        if len(words) < 3 or any(w in stopwords() for w in words):
            return False
        stems = frozenset(stem(w) for w in words)
        frequencies = self._term_stats(stems)[1]
        known = sum(1 for s in stems if frequencies.get(s))
        return known <= len(stems) // 4

    # --- parts used by ask -----------------------------------------------------------------
    @property
    def retriever(self) -> HybridRetriever:
        return HybridRetriever(self.settings, self.store, self.embedder,
                               lambda stems: self._term_stats(stems)[1])

    @property
    def extractive(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.settings, self.encode, self._idf, self.templates,
                                  self._stored_token_counts)

    def _document_names(self) -> list[DocumentName]:
        """The names of the indexed documents (assistant/document_names), read once per
        index state."""
        catalog = self.store.catalog
        key = (self._generation, catalog.count_documents())
        if self._names_cache is None or self._names_cache[0] != key:
            names = [document_name(d["doc_id"], d["title"]) for d in catalog.documents()]
            self._names_cache = (key, names)
        return self._names_cache[1]

    def _idf(self, stems: set[str]) -> dict[str, float]:
        return self._term_stats(frozenset(stems))[0]

    def _term_stats(self, stems: frozenset[str]) -> tuple[dict[str, float], dict[str, int]]:
        """(IDF weights, passage frequencies) of stems, looked up once per question and index
        state: retrieval, sentence scoring and the support score all need them."""
        catalog = self.store.catalog
        total = catalog.count_chunks()
        key = (stems, total)
        cached = self._term_cache.get(key)
        if cached is None:
            frequencies = catalog.document_frequencies(stems)
            weights = {s: math.log(1 + max(total, 1) / (1 + frequencies.get(s, 0)))
                       for s in stems}
            cached = (weights, frequencies)
            if len(self._term_cache) > 1024:
                self._term_cache.clear()
            self._term_cache[key] = cached
        return cached

    def _llm(self):
        if self._llm_answerer is None:
            from assistant.llm import LLMAnswerer

            self._llm_answerer = LLMAnswerer(self)
        return self._llm_answerer

    def _validate_question(self, question: Any) -> str:
        if not isinstance(question, str):
            raise InvalidQuestionError(
                f"the question must be a string, got {type(question).__name__}"
            )
        if _LONE_SURROGATE.search(question):
            raise InvalidQuestionError(
                "the question holds bytes that are not valid text (invalid UTF-8 or a lone "
                "surrogate); type it again as plain text")
        cleaned = question.replace("\x00", "").strip()
        if not cleaned:
            raise InvalidQuestionError("the question is empty; ask something about the articles")
        limit = self.settings.max_question_tokens
        if len(cleaned) > limit * 8 or not tokens_within([cleaned], limit):
            raise InvalidQuestionError(
                f"the question is longer than {limit} tokens; shorten it to one question"
            )
        return cleaned

    def _refusal(self, question: str, standalone: str, kind: str, note: str, *,
                 searched: dict | None = None, nearest: list[Citation] | None = None,
                 language: str = "") -> Answer:
        template = self.templates["refusal"][kind]
        return Answer(
            text=template.format(scope=self._scope(searched or {}), question=standalone,
                                 language=language),
            citations=[],
            abstained=True,
            question=question,
            standalone_question=standalone,
            notes=[note],
            searched=searched or {},
            nearest=nearest or [],
        )

    def _scope(self, searched: dict[str, Any]) -> str:
        """What a refusal searched: the source filter, or every document (counted once, when
        the search recorded it)."""
        sources = searched.get("sources")
        if sources:
            names = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more"
                                               if len(sources) > 3 else "")
            return f"only the document{'s' if len(sources) > 1 else ''} selected: {names}"
        count = searched.get("documents")
        if count is None:
            count = self.store.catalog.count_documents()
        return f"all {count} indexed document{'s' if count != 1 else ''}"


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# a name is found in a document that holds a word beginning with it less up to four letters
# ("Belarusians" / "Belarus"), but never with fewer than five: as sentences match the focus
_NAME_STEM = 5
_NAME_ENDING = 4


def _respelled(text: str, word: str, spelling: str) -> str:
    """`text` with each occurrence of `word` written as `spelling`, capitalised as it was
    ("Colour" -> "Color")."""
    def same_case(match: re.Match[str]) -> str:
        written = match.group(0)
        if written.isupper():
            return spelling.upper()
        return spelling[:1].upper() + spelling[1:] if written[:1].isupper() else spelling

    return re.sub(rf"\b{re.escape(word)}\b", same_case, text, flags=re.IGNORECASE)


def _validate_top_k(top_k: Any) -> int | None:
    if top_k is None:
        return None
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)):
        raise InvalidArgumentError(f"top_k must be a whole number, got {type(top_k).__name__} "
                                   f"{top_k!r}")
    if not 1 <= top_k <= 1000:
        raise InvalidArgumentError(f"top_k must be between 1 and 1000, got {top_k}")
    return int(top_k)


def _validate_sources(sources: Any) -> list[str] | None:
    if sources is None:
        return None
    if (not isinstance(sources, (list, tuple, set, frozenset))
            or not all(isinstance(s, str) for s in sources)):
        raise InvalidArgumentError("sources must be a list of document ids (text)")
    return list(sources) or None


@lru_cache(maxsize=8)
def _assistant_for(settings: Settings) -> Assistant:
    return Assistant(settings)


def default_assistant() -> Assistant:
    """The process-wide Assistant for the current settings (environment, TOML file)."""
    return _assistant_for(Settings.load())


def ask(question: str, history: Sequence[tuple[str, str]] | None = None, **options: Any) -> Answer:
    """Answer with the default Assistant; models load once per process and settings."""
    return default_assistant().ask(question, history, **options)
