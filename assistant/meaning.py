"""Meaning checks for the claim verifier: the ways a sentence can share almost every word with a
passage and still say something else.

- polarity: "approved" vs "did not approve" (negation cues and general-English antonyms, counted
  in the passage clauses that share a word with the claim; an even count means positive);
- number context: a number of the claim must keep at least one of its neighbouring words from
  the passage ("43 per cent did not approve" vs "four per cent would support" swapped), and
  numbers stated together ("9 million tonnes in 2022") must stand in one passage sentence;
- roles: an action that follows one name in the claim but only another name in the passage
  ("Belarus agreed to deliver missiles to Putin");
- quantifiers: "all", "most", "every" ... claimed where the passage has none;
- markup and links: any HTML tag, markdown link/image or URL not in the passage.

The word lists are general English (negation cues, antonym pairs, quantifiers), not fitted to a
corpus; eval/verifier_pairs.jsonl measures them (eval/verifier_eval.py).
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text import stem, stopwords

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)*")
# words and the punctuation that ends a phrase, in order
_TOKENS = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['’][^\W_]+)*|[,;:()–—!?.]")
_PUNCTUATION = set(",;:()–—!?.")
# clause boundaries for polarity: punctuation and words that join clauses
_CLAUSE_WORDS = {"but", "while", "whereas", "although", "though", "yet", "and"}
_MARKUP = re.compile(
    r"<\s*/?\s*[a-zA-Z!][^>]*>"  # HTML tags and comments
    r"|!?\[[^\]]*\]\([^)]*\)"  # markdown links and images
    r"|\b(?:https?|ftp|javascript|data|file):\S*"  # URLs with a scheme
    r"|(?<![\w/:])//[\w-]+(?:\.[\w-]+)+\S*"  # protocol-relative URLs
    r"|\bwww\.[\w-]+\.\S+",
    re.IGNORECASE,
)
_NEGATION_CUES = {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without",
                  "cannot", "nowhere", "hardly", "zero"}
# (negative word -> the positive word it denies): "disapproved" reads as "not approved"
_ANTONYMS = {
    "disapprove": "approve", "reject": "accept", "oppose": "support", "against": "support",
    "disagree": "agree", "refuse": "agree", "deny": "confirm", "ban": "allow", "forbid": "allow",
    "prohibit": "allow", "block": "allow", "decrease": "increase", "fall": "rise", "drop": "rise",
    "lose": "win", "lost": "win", "fail": "succeed", "exclude": "include", "illegal": "legal",
    "unlikely": "likely", "impossible": "possible", "unable": "able", "unwilling": "willing",
    "less": "more", "fewer": "more", "lower": "higher", "below": "above", "minority": "majority",
    "weaken": "strengthen", "leave": "join", "absent": "present", "avoid": "avoid",
    "lack": "have", "false": "true", "unsafe": "safe", "insecure": "secure", "doubt": "believe",
    "unfit": "fit", "low": "high", "cut": "increase", "reduce": "increase", "halve": "double",
}
_QUANTIFIERS = {"all", "every", "everyone", "everybody", "most", "majority", "always", "entire",
                "whole", "unanimous", "unanimously", "everywhere"}
# a name right after one of these is where or when something happened, not who did it
_NOT_AGENT_AFTER = {"in", "on", "at", "since", "by", "from", "to", "into", "of", "with", "during",
                    "until", "after", "before", "than", "about", "over", "under"}
NUMBER_CONTEXT_CLAIM, NUMBER_CONTEXT_PASSAGE, NUMBERS_TOGETHER = 4, 6, 8


def _normal(token: str) -> str:
    token = token.lower().replace("’", "'")
    return token[:-2] if token.endswith("'s") else token


def _words(text: str) -> list[str]:
    return [_normal(t) for t in _WORD.findall(text)]


@lru_cache(maxsize=1)
def _antonym_stems() -> dict[str, str]:
    return {stem(negative): stem(positive) for negative, positive in _ANTONYMS.items()}


@lru_cache(maxsize=1)
def _number_words() -> dict[str, str]:
    from assistant.text import _NUMBER_WORDS

    return dict(_NUMBER_WORDS)


def _number(word: str) -> str | None:
    return word.replace(",", "") if word[:1].isdigit() else _number_words().get(word)


def _is_cue(word: str) -> bool:
    return word in _NEGATION_CUES or word.endswith("n't")


def _content(word: str) -> str | None:
    """The canonical stem of a content word (antonyms mapped to their positive), or None."""
    if word in stopwords() or _is_cue(word) or (len(word) < 2 and not word.isdigit()):
        return None
    stemmed = stem(word)
    return _antonym_stems().get(stemmed, stemmed)


def _is_antonym(word: str) -> bool:
    return word not in stopwords() and stem(word) in _antonym_stems()


def _stems(words: list[str]) -> set[str]:
    return {s for s in map(_content, words) if s}


def _sentences(text: str) -> list[str]:
    from assistant.text import sentence_spans

    return [text[a:b] for a, b in sentence_spans(text)] or [text]


def _clauses(text: str) -> list[list[str]]:
    """Normalised words of each clause: split at punctuation and clause-joining words."""
    clauses: list[list[str]] = [[]]
    for token in _TOKENS.findall(text):
        word = _normal(token)
        if token in _PUNCTUATION or word in _CLAUSE_WORDS:
            if clauses[-1]:
                clauses.append([])
        else:
            clauses[-1].append(word)
    return [c for c in clauses if c]


# --- polarity -------------------------------------------------------------------------------
def _negations(words: list[str]) -> int:
    """Negation cues plus negative antonyms; "not only" is no negation."""
    count = 0
    for i, word in enumerate(words):
        if _is_cue(word) and not (word == "not" and words[i + 1: i + 2] in (["only"], ["just"])) or _is_antonym(word):
            count += 1
    return count


def _heads(words: list[str]) -> dict[str, int]:
    """Stem -> 1 for what a negation denies (the first content word after a cue, or the positive
    of a negative antonym), 0 for the same words standing plain."""
    heads: dict[str, int] = {}
    pending = False
    for i, word in enumerate(words):
        if _is_cue(word) and not (word == "not" and words[i + 1: i + 2] in (["only"], ["just"])):
            pending = True
            continue
        content = _content(word)
        if content is None:
            continue
        negated = pending ^ _is_antonym(word)
        heads.setdefault(content, 0)
        heads[content] |= 1 << int(negated)  # bit 0: seen plain, bit 1: seen negated
        pending = False
    return heads


def polarity_flipped(claim: str, passage: str) -> bool:
    """The claim affirms what the passage denies, or the reverse.

    Per word: a word the passage only ever denies ("did not approve") must not be affirmed by
    the claim, and the reverse. Per clause: each clause of the claim is compared with the passage
    clauses that share most of its words (at least two); their counts of negations must agree in
    parity, unless a word the claim denies is denied in the passage too."""
    claim_heads = _heads(_words(claim))
    passage_heads = _heads(_words(passage))
    denied = {s for s, bits in passage_heads.items() if bits == 2}
    affirmed = {s for s, bits in passage_heads.items() if bits == 1}
    if ({s for s, bits in claim_heads.items() if bits == 1} & denied
            or {s for s, bits in claim_heads.items() if bits == 2} & affirmed):
        return True
    passage_clauses = [(_stems(c), _negations(c) % 2) for c in _clauses(passage)]
    for clause in _clauses(claim):
        stems = _stems(clause)
        overlaps = [len(stems & other) for other, _ in passage_clauses]
        best = max(overlaps, default=0)
        if best < 2:
            continue
        parities = {parity for (_, parity), n in zip(passage_clauses, overlaps, strict=True)
                    if n == best}
        parity = _negations(clause) % 2
        if parity in parities:
            continue
        shared_denial = {s for s, bits in _heads(clause).items() if bits & 2} & {
            s for s, bits in passage_heads.items() if bits & 2}
        if not (parity and shared_denial):
            return True
    return False


# --- numbers --------------------------------------------------------------------------------
def _number_contexts(text: str, width: int, by_clause: bool) -> dict[str, set[str]]:
    """number -> the content stems nearest to it (up to `width` on each side) in its clause
    (claims) or sentence (passages)."""
    spans = _clauses(text) if by_clause else [_words(s) for s in _sentences(text)]
    contexts: dict[str, set[str]] = {}
    for words in spans:
        for i, word in enumerate(words):
            value = _number(word)
            if value is None:
                continue
            before = [s for s in map(_context_stem, reversed(words[:i])) if s][:width]
            after = [s for s in map(_context_stem, words[i + 1:]) if s][:width]
            contexts.setdefault(value, set()).update(before + after)
    return contexts


def _context_stem(word: str) -> str | None:
    return None if _number(word) is not None else _content(word)


def numbers_moved(claim: str, passage: str) -> bool:
    """A number of the claim whose neighbours share nothing with its neighbours in the passage,
    or two numbers stated together in the claim that no passage clause states together."""
    claimed = _number_contexts(claim, NUMBER_CONTEXT_CLAIM, by_clause=True)
    found = _number_contexts(passage, NUMBER_CONTEXT_PASSAGE, by_clause=False)
    if any(context and value in found and not context & found[value]
           for value, context in claimed.items()):
        return True
    words = _words(claim)
    positions = [(i, v) for i, w in enumerate(words) if (v := _number(w)) is not None]
    pairs = {(a, b) for i, a in positions for j, b in positions
             if a != b and 0 < j - i <= NUMBERS_TOGETHER and a in found and b in found}
    if not pairs:
        return False
    together = [{v for w in clause if (v := _number(w)) is not None}
                for clause in _clauses(passage)]
    return any(not any({a, b} <= numbers for numbers in together) for a, b in pairs)


# --- roles ----------------------------------------------------------------------------------
def _actions(text: str) -> dict[str, set[str]]:
    """Name stem -> what the name does or qualifies: the first content word after it in its
    phrase ("Putin agreed", "Lukashenko, who has ruled", "Russian soldiers"). A name right after
    a preposition ("in June", "to Belarus") is where or when, not who: only a word directly after
    it counts ("of Russian soldiers")."""
    tokens = _TOKENS.findall(text)
    actions: dict[str, set[str]] = {}
    for i, token in enumerate(tokens):
        word = _normal(token)
        if not _is_name(token, word):
            continue
        after_preposition = i > 0 and _normal(tokens[i - 1]) in _NOT_AGENT_AFTER
        doing = actions.setdefault(stem(word), set())
        for j in range(i + 1, len(tokens)):
            following, normal = tokens[j], _normal(tokens[j])
            if following in _PUNCTUATION:  # "Lukashenko, who has ruled" goes on after a comma
                if following == "," and _normal(tokens[j + 1] if j + 1 < len(tokens) else "") \
                        in {"who", "which"} and not after_preposition:
                    continue
                break
            if normal in _CLAUSE_WORDS or _is_name(following, normal) or \
                    _number(normal) is not None:
                break
            content = None if normal.endswith("ly") else _content(normal)  # skip adverbs
            if content:
                doing.add(content)
                break
            if after_preposition:
                break
    return actions


def _is_name(token: str, word: str) -> bool:
    return (token[:1].isupper() and word not in stopwords() and not _is_cue(word)
            and _number(word) is None)


def same_name(name: str, names) -> str | None:
    """The name among `names` that `name` is a form of: itself, or one sharing a stem of five or
    more letters ("Ukraine"/"Ukrainian", "Belarus"/"Belarusian")."""
    if name in names:
        return name
    return next((other for other in names if len(name) >= 5 and len(other) >= 5
                 and (other.startswith(name) or name.startswith(other))), None)


def roles_swapped(claim: str, passage: str) -> bool:
    """What a name does in the claim is done only by another name in the passage
    ("Belarus agreed to deliver missiles to Putin"; "Putin has ruled Belarus since 1994";
    "Ukrainian soldiers gathered" where the passage has Russian ones)."""
    claimed, found = _actions(claim), _actions(passage)
    passage_words = _stems(_words(passage))
    for name, doing in claimed.items():
        name = same_name(name, found) or name
        if not doing or doing & found.get(name, set()):
            continue
        present = name in found or name in passage_words
        if (name in found or not present) and any(
                doing & acts for other, acts in found.items() if other != name):
            return True
    return False


# --- quantifiers and markup -----------------------------------------------------------------
def quantifier_added(claim: str, passage: str) -> bool:
    claimed = set(_words(claim)) & _QUANTIFIERS
    return bool(claimed - set(_words(passage)))


# a superlative the passage does not state ("the strongest army in Europe") is a claim of its own;
# words that merely end in -est are not superlatives
_SUPERLATIVE = re.compile(r"^(?:best|worst|[a-z]{3,}est)$")
_NOT_SUPERLATIVES = {
    "interest", "request", "suggest", "forest", "honest", "modest", "protest", "harvest",
    "contest", "arrest", "invest", "digest", "manifest", "earnest", "conquest", "bequest",
    "inquest", "detest", "attest", "infest", "molest", "divest", "ingest", "congest", "priest",
    "unrest", "behest", "tempest", "southwest", "northwest", "midwest", "southeast", "northeast",
    "everest", "budapest", "bucharest", "disinterest", "pretest",
}


def superlative_added(claim: str, passage: str) -> bool:
    claimed = {w for w in _words(claim)
               if _SUPERLATIVE.match(w) and w not in _NOT_SUPERLATIVES}
    return bool(claimed - set(_words(passage)))


def foreign_markup(claim: str, passage: str) -> bool:
    squashed = re.sub(r"\s+", "", passage.lower())
    return any(re.sub(r"\s+", "", m.group().lower()) not in squashed
               for m in _MARKUP.finditer(claim))


def contradictions(claim: str, passage: str) -> tuple[str, ...]:
    """Names of the meaning checks the claim fails against the passage (empty: none)."""
    checks = (("markup", foreign_markup), ("negation", polarity_flipped),
              ("number context", numbers_moved), ("roles", roles_swapped),
              ("quantifier", quantifier_added), ("superlative", superlative_added))
    return tuple(name for name, check in checks if check(claim, passage))
