"""Citations: parse `[n]` markers, map them to sources, and check each sentence's support.

The check is deterministic: the numbers and names in an answer sentence must appear in the
passage it cites, words it gives to someone must be theirs there, and enough of its content
words must appear too (optionally confirmed by embedding similarity). A sentence that fails is
removed from the answer and reported; a sentence without a marker is attributed to the source
that supports it, if one does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property

import numpy as np

from rag.config import CheckSettings
from rag.text.names import NUMBER_WORDS, claim_names, name_found, publisher_mentions
from rag.text.sentences import answer_sentences, answer_spans
from rag.text.speech import misattributed
from rag.text.terms import terms
from rag.types import AnswerSentence, Source

_MARKER = re.compile(r"\[(?:sources?\s*)?(\d{1,2}(?:\s*[,;]\s*(?:sources?\s*)?\d{1,2})*)\]", re.IGNORECASE)
_MARKER_NUMBER = re.compile(r"\d{1,2}")  # one source number inside a marker
_LEADING_MARKERS = re.compile(r"^(\s*\[[^\]]{1,20}\])+\s*")
_OPEN_MARKER_CHARS = 24  # "[Source 1, Source 2]": longer, and a "[" was not a marker
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?![\w])")
Similarity = Callable[[str, list[str]], np.ndarray]


def parse_markers(text: str) -> list[int]:
    """All source numbers cited in `text`, in order, without repeats.

    >>> parse_markers("Sixteen [1]. Also [2, 3] and [Source 1].")
    [1, 2, 3]
    """
    out: list[int] = []
    for m in _MARKER.finditer(text):
        for num in _MARKER_NUMBER.findall(m.group(1)):
            if int(num) not in out:
                out.append(int(num))
    return out


def renumber_markers(text: str, aliases: dict[int, int]) -> str:
    """`text` with each marker's numbers mapped through `aliases` (others kept).

    >>> renumber_markers("Sixteen [3]. Also [1, 3].", {3: 1})
    'Sixteen [1]. Also [1, 1].'
    """
    if not aliases:
        return text
    return _MARKER.sub(lambda m: _MARKER_NUMBER.sub(lambda d: str(aliases.get(int(d.group()), d.group())), m.group()), text)


def release_markers(text: str, aliases: dict[int, int]) -> tuple[str, str]:
    """Streamed `text` split into what can be shown now, renumbered through `aliases`, and a
    marker still open, held back until its "]" arrives (the model writes "[", "3", "]" apart).

    >>> release_markers("Sixteen [3]. Also [", {3: 1})
    ('Sixteen [1]. Also ', '[')
    """
    if not aliases:  # nothing folded (nearly every answer): shown as written
        return text, ""
    cut = text.rfind("[")
    if cut < 0 or "]" in text[cut:] or len(text) - cut > _OPEN_MARKER_CHARS:
        cut = len(text)
    return renumber_markers(text[:cut], aliases), text[cut:]


def strip_markers(text: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", text)).strip()


def split_cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Answer text -> [(sentence without markers, cited numbers)].

    Markers written after the full stop ("... Bakhmut. [1]") belong to the sentence before.

    >>> split_cited_sentences("Sixteen settlements were hit [1]. [2] Bakhmut held.")
    [('Sixteen settlements were hit.', [1, 2]), ('Bakhmut held.', [])]
    """
    out: list[tuple[str, list[int]]] = []
    for raw in answer_sentences(text):
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


def settled_sentences(text: str) -> str:
    """The whole sentences of an answer still being written: everything before the sentence
    begun last, with the markers written after its full stop ("... held. [1]"). Empty until a
    second sentence has begun.

    >>> settled_sentences("Sixteen settlements were hit. [1] Bakh")
    'Sixteen settlements were hit. [1]'
    >>> settled_sentences("Sixteen settlements were hit. [1"), settled_sentences("Sixteen [1]. [2]")
    ('', '')

    A full stop after an initial, "vs." or "No." before a number does not end a sentence here,
    whatever the splitter says: stopping at "the U." (the 1.5B writes "the U. S." too), "A.J."
    or "the Chiefs vs." cut answers short. A sentence that does end so ("Plan B.") is only
    settled later.

    >>> settled_sentences("She partnered with the U. S"), settled_sentences("Hit. He met A.J. Brown")
    ('', 'Hit.')
    >>> settled_sentences("No, the Chiefs vs. Raiders"), settled_sentences("He fell to world No. 40")
    ('', '')
    """
    starts = [s for s, _ in answer_spans(text)[1:]]
    if not starts:
        return ""
    begun = text[starts[-1] :]
    rest = _LEADING_MARKERS.sub("", begun) if _LEADING_MARKERS.match(begun) else begun
    if not rest or rest.startswith("[") or not re.search(r"\w", rest):  # only markers so far
        return ""
    return text[: len(text) - len(rest)].rstrip()


def numbers_in(text: str) -> set[str]:
    nums = {n.replace(",", "") for n in _NUMBER.findall(text)}
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in NUMBER_WORDS:
            nums.add(NUMBER_WORDS[word])
    return nums


def _terms(text: str) -> set[str]:
    """Content terms with number words as digits ("sixteen" and "16" are the same claim)."""
    return {NUMBER_WORDS.get(t, t) for t in terms(text)}


def ground(sentence_terms: set[str], claim: set[str], sources: list[Source]) -> tuple[dict[int, str], str, str]:
    """The sentence of each cited source a claim is grounded on (facts are sentences).
    Returns ({n: that sentence}, the grounding text with the sources' titles, outlets and
    dates, and what grounds names: the same with headlines only, not titles made from an
    article's first words, and with the sentence before each, which "he" or "there" may
    refer to)."""
    quotes: dict[int, str] = {}
    hay_parts: list[str] = []
    names_parts: list[str] = []
    for p in sources:
        best_i, best_ov = 0, -1.0
        for i, w in enumerate(p.sentences):
            wt = _terms(w)
            # what the answer adds counts double; on ties, the tighter sentence
            ov = 2 * len(claim & wt) + len(sentence_terms & wt) - 0.001 * len(wt)
            if ov > best_ov:
                best_i, best_ov = i, ov
        quotes[p.n] = p.sentences[best_i] if p.sentences else ""
        hay_parts += [quotes[p.n], p.title, p.outlet, p.published]
        names_parts += [quotes[p.n], p.headline, p.outlet, p.published, p.previous(best_i)]
    return quotes, " ".join(hay_parts), " ".join(names_parts)


def _literal_support(sentence: str, sources: list[Source]) -> tuple[float, str, dict[int, str]]:
    """An answer with no content term ("U.S.", "No.") is supported only by a cited sentence
    that holds it as written; without this it would pass with an arbitrary quote."""
    # "The U.S." stands in "a U.S.-led group": the article before the answer is not part of it.
    literal = re.sub(r"^(the|a|an)\s+", "", re.sub(r"[\s.!?]+$", "", sentence).strip().lower())
    # As a whole word: "S" is not supported by every sentence with an s in it.
    pattern = re.compile(rf"(?<!\w){re.escape(literal)}(?!\w)") if literal else None
    quotes = {p.n: next((w for w in p.sentences if pattern and pattern.search(w.lower())), "") for p in sources}
    if literal and any(quotes.values()):
        return 1.0, "", {n: q for n, q in quotes.items() if q}
    return 0.0, f"'{sentence}' is not in the cited passage", {}


class ReadSources:
    """The terms of every source the model read for one answer, worked out once and only when a
    name is found in its cited sentence by its surname alone; and their outlets, which are not
    people an answer quotes."""

    def __init__(self, sources: list[Source]):
        self.sources = sources

    @cached_property
    def terms(self) -> set[str]:
        return _terms(" ".join(f"{p.title} {p.text()}" for p in self.sources))

    @cached_property
    def outlets(self) -> list[str]:
        return [p.outlet for p in self.sources if p.outlet]


class CitationChecker:
    """Checks answer sentences against the sources they cite, for one question."""

    def __init__(self, question: str = "", similarity: Similarity | None = None, settings: CheckSettings | None = None):
        self.question = question
        self.similarity = similarity
        self.settings = settings or CheckSettings()
        self._q_terms = _terms(question)
        self._q_numbers = numbers_in(question)
        self._q_publishers = publisher_mentions(question)

    def support(self, sentence: str, sources: list[Source], read: ReadSources) -> tuple[float, str, dict[int, str]]:
        """How well the cited `sources` together support `sentence`; `read` is every source
        the model read.

        Returns (score 0..1, reason when unsupported, {n: quoted sentence}). Names and numbers
        must appear in the sentences the claim is grounded on (one sentence per cited source,
        plus the sources' titles, outlets and dates), not merely somewhere in the article:
        "The president of France is Putin" is not supported by one sentence naming Putin and
        another naming Agence France-Presse.
        """
        s_terms = _terms(sentence)
        if not s_terms:  # "U.S." alone: nothing to compare by terms, so it must stand in a sentence as written
            return _literal_support(sentence, sources)
        claim = s_terms - self._q_terms
        quotes, hay, names_hay = ground(s_terms, claim, sources)
        missing = self._missing(sentence, names_hay, read) or self._misquoted(sentence, quotes, sources, read)
        if missing:
            return 0.0, missing, quotes
        hay_terms = _terms(hay)
        # Words the answer repeats from the question are not claims: a reworded question's
        # words ("the alliance's chief") need not be the article's. What the answer adds
        # must be in the passage.
        overall = len(s_terms & (hay_terms | self._q_terms)) / len(s_terms) if s_terms else 1.0
        fresh = len(claim & hay_terms) / len(claim) if claim else 1.0
        score = 0.5 * overall + 0.5 * fresh
        threshold = self.settings.support_threshold
        if score < threshold and self.similarity is not None and quotes:
            # A paraphrase with the right names and numbers may be rescued by meaning.
            sims = self.similarity(sentence, list(quotes.values()))
            if sims.size and float(np.max(sims)) >= self.settings.similarity_rescue:
                score = max(score, threshold)
        reason = "" if score >= threshold else f"only {fresh:.0%} of its new words are in the cited passage"
        return score, reason, quotes

    def _missing(self, sentence: str, names_hay: str, read: ReadSources) -> str:
        """Why the numbers or names the answer adds are not grounded ("" when they are). Names
        and numbers the question already gives are not claims (small models restate it)."""
        hay_numbers = numbers_in(names_hay)
        nums = sorted(n for n in numbers_in(sentence) - self._q_numbers if n not in hay_numbers)
        if nums:
            return f"number(s) not in the cited passage: {', '.join(nums)}"
        names_terms = _terms(names_hay)

        def grounded(name: str) -> bool:
            if set(terms(name)) <= self._q_terms or name_found(name, names_terms):
                return True
            # "Sam Bankman-Fried" cited to a sentence that says "Bankman-Fried": the last word
            # in the cited sentence and the whole name in what the model read. The whole name
            # may stand in another article than the one cited ("Who is Sam Bankman-Fried?").
            return name_found(name.split()[-1], names_terms) and name_found(name, read.terms)

        names = sorted(n for n in claim_names(sentence) if not grounded(n))
        return f"name(s) not in the cited passage: {', '.join(names)}" if names else ""

    def _misquoted(self, sentence: str, quotes: dict[int, str], sources: list[Source], read: ReadSources) -> str:
        """Why the answer's "X said ..." is not what the cited sentences say ("" when it is):
        they give the words to someone else, or quote no one."""
        outlets = read.outlets + self._q_publishers
        return misattributed(sentence, list(quotes.values()), " ".join(p.text() for p in sources), outlets)

    def check(self, text: str, sources: dict[int, Source]) -> list[AnswerSentence]:
        """Check every sentence of an answer against the sources it cites.

        Markers pointing to no source are dropped. An uncited sentence is attributed to the
        single source that best supports it, when one does.
        """
        kept: list[str] = []
        restated: list[str] = []
        for raw in answer_sentences(text):
            parts = split_restatement(raw, self.question, self.settings.restatement_share)
            kept.append(parts[0] if parts else raw)
            restated += [parts[1]] if parts else []
        read = ReadSources(list(sources.values()))
        out = [self._check_one(sentence, cites, sources, read) for sentence, cites in split_cited_sentences(" ".join(kept))]
        out += [AnswerSentence(rest, [], False, 0.0, "restates the question (not checked as a claim)") for rest in restated]
        return out

    def _check_one(self, sentence: str, cites: list[int], sources: dict[int, Source], read: ReadSources) -> AnswerSentence:
        threshold = self.settings.support_threshold
        valid = [n for n in cites if n in sources]
        if valid:
            score, reason, quotes = self.support(sentence, [sources[n] for n in valid], read)
            return AnswerSentence(sentence, valid, score >= threshold, score, reason, quotes)
        best: tuple[float, str, dict[int, str], int] = (-1.0, "no source cited", {}, -1)
        for n, p in sources.items():
            sc, why, quotes = self.support(sentence, [p], read)
            if sc > best[0]:
                best = (sc, why, quotes, n)
        ok = best[0] >= threshold
        why = "citation added by the check" if ok else (best[1] or "no source cited")
        return AnswerSentence(sentence, [best[3]] if ok else [], ok, max(best[0], 0.0), why, best[2] if ok else {})


# "Google [1] is responsible for ranking local search results and ..." : the answer, its
# citation, then the question's own description again.
_ANSWER_THEN_RESTATEMENT = re.compile(r"^(?P<head>[^\[\]]{1,60}?)\s*(?P<marks>(?:\[\d{1,2}\])+)\s+(?P<rest>[a-z][^\[\]]*)$")


def split_restatement(sentence: str, question: str, share: float = 0.6) -> tuple[str, str] | None:
    """("Google [1].", rest) when a sentence cites right after its answer and then restates
    the question (`share` of its terms are the question's); None otherwise.

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
    if not rest_terms or sum(t in q_terms for t in rest_terms) / len(rest_terms) < share:
        return None
    return f"{m.group('head').strip()} {m.group('marks')}.", m.group("rest").strip()


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
