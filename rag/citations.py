"""Citations: parse `[n]` markers, map them to sources, and check each sentence's support.

The check is deterministic: the numbers and names in an answer sentence must appear in the
passage it cites, and enough of its content words must too (optionally confirmed by
embedding similarity). A sentence that fails is removed from the answer and reported; a
sentence without a marker is attributed to the source that supports it, if one does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.lexical import terms
from rag.schema import AnswerSentence
from rag.sentences import split_sentences

_MARKER = re.compile(r"\[(?:sources?\s*)?(\d{1,2}(?:\s*[,;]\s*(?:sources?\s*)?\d{1,2})*)\]", re.IGNORECASE)
_LEADING_MARKERS = re.compile(r"^(\s*\[[^\]]{1,20}\])+\s*")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?![\w])")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
}  # fmt: skip
# Capitalised words that are not names (sentence openers, answer words).
_NOT_NAMES = {
    "yes", "no", "the", "a", "an", "according", "both", "however", "in", "on", "it", "this", "that",
    "these", "those", "there", "they", "he", "she", "his", "her", "their", "while", "also", "and",
    "but", "as", "at", "by", "for", "from", "of", "to", "with", "after", "before", "during", "source",
    "sources", "article", "articles", "report", "reports", "i", "we", "you", "not", "neither", "nor",
    "many", "several", "some", "most", "all", "only", "based", "overall", "today", "yesterday",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_NOT_NAMES |= set(_NUMBER_WORDS)

SUPPORT_THRESHOLD = 0.6
SIMILARITY_RESCUE = 0.8


@dataclass
class Passage:
    n: int
    sentences: list[str]
    title: str = ""
    outlet: str = ""
    published: str = ""
    positions: list[int] | None = None  # article positions of `sentences`, when known

    def previous(self, i: int) -> str:
        """The sentence just before sentence i in the article, if the model saw it."""
        if self.positions is None or i == 0:
            return self.sentences[i - 1] if self.positions is None and i > 0 else ""
        return self.sentences[i - 1] if self.positions[i - 1] == self.positions[i] - 1 else ""

    def text(self) -> str:
        return " ".join(self.sentences)


def parse_markers(text: str) -> list[int]:
    """All source numbers cited in `text`, in order, without repeats.

    >>> parse_markers("Sixteen [1]. Also [2, 3] and [Source 1].")
    [1, 2, 3]
    """
    out: list[int] = []
    for m in _MARKER.finditer(text):
        for num in re.findall(r"\d{1,2}", m.group(1)):
            if int(num) not in out:
                out.append(int(num))
    return out


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()


def split_cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Answer text -> [(sentence without markers, cited numbers)].

    Markers written after the full stop ("... Bakhmut. [1]") belong to the sentence before.

    >>> split_cited_sentences("Sixteen settlements were hit [1]. [2] Bakhmut held.")
    [('Sixteen settlements were hit.', [1, 2]), ('Bakhmut held.', [])]
    """
    out: list[tuple[str, list[int]]] = []
    for raw in split_sentences(text):
        lead = _LEADING_MARKERS.match(raw)
        if lead and out:
            prev_text, prev_cites = out[-1]
            out[-1] = (prev_text, prev_cites + [n for n in parse_markers(lead.group(0)) if n not in prev_cites])
            raw = raw[lead.end() :]
        clean = strip_markers(raw)
        if not re.search(r"\w", clean):
            continue
        out.append((clean, parse_markers(raw)))
    return out


def numbers_in(text: str) -> set[str]:
    nums = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            nums.add(_NUMBER_WORDS[word])
    return nums


def _names(text: str) -> set[str]:
    """Capitalised word runs that look like names. A sentence's first word is capitalised
    anyway, so it counts only when it does not look like an ordinary word."""
    names = set()
    starts = {0} | {m.end() for m in re.finditer(r"[.!?]\s+", text)}
    for m in _NAME.finditer(text):
        words = m.group(0).split()
        if m.start() in starts and re.search(r"(ing|ed|ly|ion|s)$", words[0].lower()):
            words = words[1:]
        words = [w for w in words if w.lower() not in _NOT_NAMES]
        if words:
            names.add(" ".join(words).lower())
    return names


_ALIASES = {"united states": "u.s.", "america": "u.s.", "united kingdom": "u.k.", "britain": "u.k."}


def _name_found(name: str, haystack_terms: set[str]) -> bool:
    # A multi-word name counts if each of its words appears ("Jens Stoltenberg" vs
    # "Stoltenberg"), compared by stem ("Capturing" vs "capture"). "U.S." has no term of
    # two letters, so names with a common abbreviation are checked as that abbreviation.
    for long, short in _ALIASES.items():
        name = name.replace(long, short)
    words = [t for w in re.split(r"[\s\-]+", name) for t in terms(w)]
    return all(t in haystack_terms for t in words)


def _terms(text: str) -> set[str]:
    """Content terms with number words as digits ("sixteen" and "16" are the same claim)."""
    return {_NUMBER_WORDS.get(t, t) for t in terms(text)}


def support(
    sentence: str,
    passages: list[Passage],
    question: str = "",
    similarity: Callable[[str, list[str]], np.ndarray] | None = None,
) -> tuple[float, str, dict[int, str]]:
    """How well the cited `passages` together support `sentence`.

    Returns (score 0..1, reason when unsupported, {n: quoted sentence}). Names and numbers
    must appear in the sentences the claim is grounded on (one sentence per cited source,
    plus the sources' titles, outlets and dates), not merely somewhere in the article:
    "The president of France is Putin" is not supported by one sentence naming Putin and
    another naming Agence France-Presse.
    """
    s_terms = _terms(sentence)
    claim = s_terms - _terms(question)
    quotes: dict[int, str] = {}
    hay_parts: list[str] = []
    context_parts: list[str] = []  # the sentence before each grounding one ("he", "there")
    for p in passages:
        best_i, best_ov = 0, -1.0
        for i, w in enumerate(p.sentences):  # facts are sentences: a claim is grounded on one
            wt = _terms(w)
            # what the answer adds counts double; on ties, the tighter sentence
            ov = 2 * len(claim & wt) + len(s_terms & wt) - 0.001 * len(wt)
            if ov > best_ov:
                best_i, best_ov = i, ov
        best = p.sentences[best_i] if p.sentences else ""
        quotes[p.n] = best
        hay_parts += [best, p.title, p.outlet, p.published]
        if p.sentences:
            context_parts.append(p.previous(best_i))
    hay = " ".join(hay_parts)
    names_hay = f"{hay} {' '.join(context_parts)}"
    # Names and numbers the question already gives are not claims of the answer (small
    # models restate the question); what the answer adds must be in the cited sentence or
    # the one before it (which "he" or "there" may refer to).
    missing_nums = sorted(n for n in numbers_in(sentence) - numbers_in(question) if n not in numbers_in(names_hay))
    if missing_nums:
        return 0.0, f"number(s) not in the cited passage: {', '.join(missing_nums)}", quotes
    hay_terms = _terms(hay)
    names_terms = _terms(names_hay)
    q_terms = _terms(question)
    missing_names = sorted(
        n for n in _names(sentence) if not set(terms(n)) <= q_terms and not _name_found(n, names_terms)
    )
    if missing_names:
        return 0.0, f"name(s) not in the cited passage: {', '.join(missing_names)}", quotes
    overall = len(s_terms & hay_terms) / len(s_terms) if s_terms else 1.0
    # Words that only restate the question prove little: the rest must be in the passage.
    fresh = len(claim & hay_terms) / len(claim) if claim else 1.0
    score = 0.5 * overall + 0.5 * fresh
    if score < SUPPORT_THRESHOLD and similarity is not None and quotes:
        # A paraphrase with the right names and numbers may be rescued by meaning.
        sims = similarity(sentence, list(quotes.values()))
        if sims.size and float(np.max(sims)) >= SIMILARITY_RESCUE:
            score = max(score, SUPPORT_THRESHOLD)
    reason = "" if score >= SUPPORT_THRESHOLD else f"only {fresh:.0%} of its new words are in the cited passage"
    return score, reason, quotes


# "Google [1] is responsible for ranking local search results and ..." : the answer, its
# citation, then the question's own description again.
_ANSWER_THEN_RESTATEMENT = re.compile(r"^(?P<head>[^\[\]]{1,60}?)\s*(?P<marks>(?:\[\d{1,2}\])+)\s+(?P<rest>[a-z][^\[\]]*)$")
RESTATEMENT_SHARE = 0.6


def split_restatement(sentence: str, question: str) -> tuple[str, str] | None:
    """("Google [1].", rest) when a sentence cites right after its answer and then restates
    the question; None otherwise.

    Small models answer "Which company ... did X, Y and Z?" with "Google [1] did X, Y and
    Z." Checked whole, that sentence fails (X, Y and Z come from several articles), and a
    right answer is refused. The restated part is the question's premise, not a claim of
    the answer: it is set aside (and reported as removed), and "Google [1]" is checked.

    >>> split_restatement("Google [1] ranks local search results.", "Which company ranks local search results?")
    ('Google [1].', 'ranks local search results.')
    >>> split_restatement("Google [1] was fined 4 billion euros.", "Which company ranks local search results?") is None
    True
    """
    m = _ANSWER_THEN_RESTATEMENT.match(sentence.strip())
    if not m or not question:
        return None
    rest_terms = terms(m.group("rest"))
    q_terms = set(terms(question))
    if not rest_terms or sum(t in q_terms for t in rest_terms) / len(rest_terms) < RESTATEMENT_SHARE:
        return None
    return f"{m.group('head').strip()} {m.group('marks')}.", m.group("rest").strip()


def check_answer(
    text: str,
    passages: dict[int, Passage],
    question: str = "",
    similarity: Callable[[str, list[str]], np.ndarray] | None = None,
) -> list[AnswerSentence]:
    """Check every sentence of an answer against the passages it cites.

    Markers pointing to no passage are dropped. An uncited sentence is attributed to the
    single passage that best supports it, when one does.
    """
    out: list[AnswerSentence] = []
    restated: list[str] = []
    kept = []
    for raw in split_sentences(text):
        parts = split_restatement(raw, question)
        if parts:
            kept.append(parts[0])
            restated.append(parts[1])
        else:
            kept.append(raw)
    text = " ".join(kept)
    for sentence, cites in split_cited_sentences(text):
        valid = [n for n in cites if n in passages]
        if valid:
            score, reason, quotes = support(sentence, [passages[n] for n in valid], question, similarity)
            out.append(AnswerSentence(sentence, valid, score >= SUPPORT_THRESHOLD, score, reason, quotes))
            continue
        best: tuple[float, str, dict[int, str], int] = (-1.0, "no source cited", {}, -1)
        for n, p in passages.items():
            sc, why, quotes = support(sentence, [p], question, similarity)
            if sc > best[0]:
                best = (sc, why, quotes, n)
        ok = best[0] >= SUPPORT_THRESHOLD
        why = "citation added by the check" if ok else (best[1] or "no source cited")
        out.append(AnswerSentence(sentence, [best[3]] if ok else [], ok, max(best[0], 0.0), why, best[2] if ok else {}))
    out += [AnswerSentence(rest, [], False, 0.0, "restates the question (not checked as a claim)") for rest in restated]
    return out


def render(sentences: list[AnswerSentence]) -> str:
    """Supported sentences back into text with their markers."""
    parts = []
    for s in sentences:
        if not s.supported:
            continue
        marks = "".join(f"[{n}]" for n in s.cites)
        body = s.text
        if marks and body and body[-1] in ".!?":
            parts.append(f"{body[:-1]} {marks}{body[-1]}")
        else:
            parts.append(f"{body} {marks}".strip())
    return " ".join(parts)
