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

SUPPORT_THRESHOLD = 0.5


@dataclass
class Passage:
    n: int
    sentences: list[str]
    title: str = ""
    outlet: str = ""
    published: str = ""

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


def _numbers(text: str) -> set[str]:
    nums = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            nums.add(_NUMBER_WORDS[word])
    return nums


def _names(text: str) -> set[str]:
    names = set()
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w.lower() not in _NOT_NAMES]
        if words:
            names.add(" ".join(words).lower())
    return names


def _name_found(name: str, haystack: str) -> bool:
    # A multi-word name counts if each of its words appears ("Jens Stoltenberg" vs "Stoltenberg").
    return all(w in haystack for w in re.split(r"[\s\-]+", name) if len(w) > 1)


def _terms(text: str) -> set[str]:
    """Content terms with number words as digits ("sixteen" and "16" are the same claim)."""
    return {_NUMBER_WORDS.get(t, t) for t in terms(text)}


def support_score(sentence: str, passage: Passage, question: str = "") -> tuple[float, str, str]:
    """Score how well `passage` supports `sentence`: (score 0..1, reason if weak, best quote)."""
    body = passage.text()
    meta = f"{passage.title} {passage.outlet} {passage.published}"
    hay = f"{body} {meta}".lower()
    hay_nums = _numbers(f"{body} {meta}")
    missing_nums = sorted(n for n in _numbers(sentence) if n not in hay_nums)
    if missing_nums:
        return 0.0, f"number(s) not in the cited source: {', '.join(missing_nums)}", ""
    missing_names = sorted(n for n in _names(sentence) if not _name_found(n, hay))
    if missing_names:
        return 0.0, f"name(s) not in the cited source: {', '.join(missing_names)}", ""
    s_terms = _terms(sentence)
    q_terms = _terms(question)
    # Words that only restate the question prove little; the rest must come from the source.
    claim = s_terms - q_terms or s_terms
    best_quote, best_overlap = "", 0.0
    p_all = _terms(f"{body} {meta}")
    for sent in passage.sentences:
        st = _terms(sent)
        ov = len(claim & st) / len(claim) if claim else 1.0
        if ov > best_overlap:
            best_quote, best_overlap = sent, ov
    overall = len(claim & p_all) / len(claim) if claim else 1.0
    score = 0.5 * overall + 0.5 * best_overlap
    if not best_quote and passage.sentences:
        best_quote = passage.sentences[0]
    reason = "" if score >= SUPPORT_THRESHOLD else f"only {overall:.0%} of its content words are in the cited source"
    return score, reason, best_quote


def check_answer(
    text: str,
    passages: dict[int, Passage],
    question: str = "",
    similarity: Callable[[str, list[str]], np.ndarray] | None = None,
) -> list[AnswerSentence]:
    """Check every sentence of an answer against the passages it cites.

    Markers pointing to no passage are dropped. An uncited sentence is attributed to the
    passage that best supports it, when one does.
    """
    out: list[AnswerSentence] = []
    for sentence, cites in split_cited_sentences(text):
        valid = [n for n in cites if n in passages]
        reason = ""
        candidates = valid or list(passages)
        best: tuple[float, str, str, int] = (0.0, "no source cited", "", -1)
        per_source: dict[int, tuple[float, str, str]] = {}
        for n in candidates:
            sc, why, quote = support_score(sentence, passages[n], question)
            if similarity is not None and sc > 0 and passages[n].sentences:
                sims = similarity(sentence, passages[n].sentences)
                # Semantic agreement can rescue a paraphrase; it never overrides a wrong
                # number or name (those scored 0 above).
                sc = max(sc, float(np.max(sims)) if sims.size else 0.0)
                if sims.size and float(np.max(sims)) >= sc:
                    quote = passages[n].sentences[int(np.argmax(sims))]
            per_source[n] = (sc, why, quote)
            if sc > best[0] or best[3] == -1:
                best = (sc, why, quote, n)
        if valid:
            good = [n for n in valid if per_source[n][0] >= SUPPORT_THRESHOLD]
            supported = bool(good)
            score = max(per_source[n][0] for n in valid)
            reason = "" if supported else per_source[max(valid, key=lambda n: per_source[n][0])][1]
            quotes = {n: per_source[n][2] for n in (good or valid)}
            out.append(AnswerSentence(sentence, good or valid, supported, score, reason, quotes))
        else:
            supported = best[0] >= SUPPORT_THRESHOLD and best[3] != -1
            cites_new = [best[3]] if supported else []
            why = "citation added by the check" if supported else (best[1] or "no source cited")
            quotes = {best[3]: best[2]} if supported else {}
            out.append(AnswerSentence(sentence, cites_new, supported, best[0], why, quotes))
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
