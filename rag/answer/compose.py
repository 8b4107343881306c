"""The checked `Answer`, built in one place: refusals and cited answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.answer.citations import render
from rag.answer.conflicts import Conflict, find_conflicts
from rag.answer.context import Context
from rag.types import NOT_COVERED, Answer, AnswerSentence, Citation, Source


@dataclass
class Draft:
    """What the model wrote for one question, before checking."""

    model: str = ""
    raw: str = ""
    streamed: bool = False  # the model was asked to write (not when its judgement refused first)
    finish: str | None = None  # None: a stream that ended without saying it was done
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    verdict: str = ""  # "Yes"/"No" decided from the model's log-odds
    logodds: float | None = None
    not_found_logodds: float | None = None  # the model's judgement that the sources do not answer
    checked: list[AnswerSentence] = field(default_factory=list)

    @property
    def supported(self) -> list[AnswerSentence]:
        return [s for s in self.checked if s.supported and s.cites]


def make_answer(question: str, context: Context, timings: dict[str, float], *, text: str = NOT_COVERED,
                refusal: str = "", draft: Draft | None = None, citations: list[Citation] | None = None,
                conflicts: list[Conflict] | None = None) -> Answer:  # fmt: skip
    """The one constructor of an `Answer`; a refusal when `refusal` gives the reason."""
    d = draft or Draft()
    return Answer(
        question=question, text=text, citations=sorted(citations or [], key=lambda c: c.n),
        sources=list(context.sources), timings=timings, refused=bool(refusal), refusal_reason=refusal,
        incomplete=d.streamed and d.finish is None, sentences=list(d.checked),
        removed=[s.text for s in d.checked if not s.supported], conflicts=[c.sentence() for c in conflicts or []],
        raw_text=d.raw, model=d.model, prompt_tokens=d.prompt_tokens, completion_tokens=d.completion_tokens,
        yes_no_logodds=d.logodds, not_found_logodds=d.not_found_logodds,
    )  # fmt: skip


def cite(supported: list[AnswerSentence], sources: list[Source]) -> dict[int, Citation]:
    """One citation per cited source, quoting the sentence it was cited for."""
    by_n = {s.n: s for s in sources}
    citations: dict[int, Citation] = {}
    for sent in supported:
        for n in sent.cites:
            src = by_n.get(n)
            if src is not None and n not in citations:
                citations[n] = Citation.of(src, sent.quotes.get(n, src.sentences[0] if src.sentences else ""))
    return citations


def compose(question: str, context: Context, draft: Draft, timings: dict[str, float], min_shared: float) -> Answer:
    """The checked answer: supported sentences with their citations, the verdict kept when
    its own sentence was removed (refusal.py says when a verdict may stand alone), and any
    disagreement between sources stated under it."""
    supported = draft.supported
    citations = cite(supported, context.sources)
    text = render(draft.checked)
    if draft.verdict and not re.match(rf"\W*{draft.verdict}\b", text, re.IGNORECASE):
        text = f"{draft.verdict}. {text}"  # the verdict's own sentence was removed; the verdict stays
    # Where another source gives a different count for what the answer states, say so,
    # newest report first, and cite both (conflicts.py).
    cited = [(n, sent.quotes.get(n, ""), sent.text) for sent in supported for n in sent.cites]
    conflicts = find_conflicts(cited, context.sources, min_shared)
    by_n = {s.n: s for s in context.sources}
    for c in conflicts:
        text += " " + c.sentence()
        for n, quote in ((c.newer[0], c.newer_quote), (c.older[0], c.older_quote)):
            if n in by_n and n not in citations:
                citations[n] = Citation.of(by_n[n], quote)
    answer = make_answer(question, context, timings, text=text, draft=draft, citations=list(citations.values()),
                         conflicts=conflicts)  # fmt: skip
    answer.spans = cited_spans(text, supported)
    return answer


def cited_spans(text: str, supported: list[AnswerSentence]) -> list[tuple[int, int, int]]:
    """(start, end, source n) of each cited sentence as it stands in the answer's text."""
    spans, at = [], 0
    for sentence in supported:
        shown = render([sentence])
        start = text.find(shown, at)
        if start >= 0:
            spans += [(start, start + len(shown), n) for n in sentence.cites]
            at = start + len(shown)
    return spans
