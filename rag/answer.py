"""The answer stage: context -> prompt -> streamed LLM text -> checked, cited `Answer`.

Grounding is enforced here, not requested: the evidence must clear a floor before the
model is called, and every sentence it writes is checked against the passage it cites.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from rag import prompts
from rag.citations import Passage, check_answer, render
from rag.conflicts import SourceView, find_conflicts
from rag.context import Context, Source, format_sources
from rag.guard import clean_answer
from rag.providers.llm import ChatModel, Message
from rag.schema import NOT_COVERED, Answer, Citation, SourceInfo

_REFUSAL = re.compile(
    r"(do(?:es)? not (?:cover|contain|mention|provide|say)|not (?:mentioned|covered|stated) in|"
    r"no (?:information|mention)|insufficient information|cannot (?:be )?(?:determine|answer|find)|"
    r"can't (?:determine|answer)|unable to (?:determine|answer|find)|not enough information)",
    re.IGNORECASE,
)


@dataclass
class Token:
    """A piece of the model's text as it streams (before checking)."""

    text: str


_AUX = r"(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might)"
_YES_NO = re.compile(rf"^\s*{_AUX}\b|,\s*{_AUX}\s+(there|the|it|they|both|this|that|these|those|any)\b", re.IGNORECASE)
_WH = re.compile(r"^\s*(who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)


def is_yes_no(question: str) -> bool:
    """Whether the question expects Yes or No.

    >>> is_yes_no("Did TechCrunch report a merger?"), is_yes_no("Which company merged?")
    (True, False)
    >>> is_yes_no("Between the two reports, was there a change in tone?")
    True
    """
    return not _WH.match(question) and bool(_YES_NO.search(question))


def build_messages(question: str, context: Context, system: str = prompts.SYSTEM) -> list[Message]:
    hint = prompts.HINT_YES_NO if is_yes_no(question) else prompts.HINT_OPEN
    user = prompts.USER.format(sources=format_sources(context.sources), question=question, hint=hint)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def fit_context(question: str, context: Context, llm: ChatModel, max_tokens: int) -> tuple[Context, str]:
    """The context and system prompt that fit the model's context window with the answer:
    the worked examples go first (a small window), then the last sources, sentence by sentence."""
    from dataclasses import replace

    def needed(ctx: Context, system: str) -> int:
        msgs = build_messages(question, ctx, system)
        return sum(llm.count_tokens(m["content"]) + 8 for m in msgs) + max_tokens

    system = prompts.SYSTEM
    if needed(context, system) <= llm.n_ctx:
        return context, system
    system = prompts.RULES
    sources = list(context.sources)
    while sources and needed(replace(context, sources=sources), system) > llm.n_ctx:
        last = sources[-1]
        if len(last.sentences) > 1:  # an article's sentences go one by one, then the article
            sources[-1] = replace(last, sentences=last.sentences[:-1], positions=last.positions[:-1])
        else:
            sources.pop()
    return replace(context, sources=sources), system


def source_infos(context: Context) -> list[SourceInfo]:
    return [
        SourceInfo(
            n=s.n, title=s.title, outlet=s.outlet, url=s.url, published=s.published, score=round(s.score, 4),
            passage=s.passage, sentences=list(s.sentences), doc_id=s.doc_id, chunk_ids=list(s.chunk_ids),
        )
        for s in context.sources
    ]  # fmt: skip


def _citation(src: Source, quote: str) -> Citation:
    return Citation(n=src.n, title=src.title, outlet=src.outlet, url=src.url, published=src.published,
                    quote=quote, score=round(src.score, 4))  # fmt: skip


def refusal(question: str, context: Context, timings: dict[str, float], reason: str, **extra: object) -> Answer:
    return Answer(
        question=question,
        text=NOT_COVERED,
        citations=[],
        sources=source_infos(context),
        timings=timings,
        refused=True,
        refusal_reason=reason,
        **extra,  # type: ignore[arg-type]
    )


def generate(
    question: str,
    context: Context,
    llm: ChatModel,
    *,
    max_tokens: int,
    temperature: float,
    similarity: Callable[[str, list[str]], np.ndarray] | None = None,
    timings: dict[str, float] | None = None,
    started: float | None = None,
    prompt_question: str | None = None,
    yes_no_threshold: float | None = None,
) -> Iterator[Token | Answer]:
    """Stream the model's tokens, then yield the checked `Answer` last."""
    timings = dict(timings or {})
    started = started or time.perf_counter()
    context, system = fit_context(prompt_question or question, context, llm, max_tokens)
    if not context.sources:
        timings["total"] = time.perf_counter() - started
        yield refusal(question, context, timings, f"the model's context window ({llm.n_ctx} tokens) has no room for a source")
        return
    messages = build_messages(prompt_question or question, context, system)
    t_gen = time.perf_counter()
    raw = ""
    finish: str | None = None
    prompt_tokens = completion_tokens = None
    events = llm.stream(messages, max_tokens=max_tokens, temperature=temperature)
    verdict = ""
    logodds: float | None = None
    if yes_no_threshold is not None and is_yes_no(question) and hasattr(llm, "yes_no_logodds"):
        # Small models answer Yes/No with a strong bias. The first word is decided here,
        # from the model's own log-odds against a threshold calibrated on dev data; the
        # model then writes the supporting fact after it.
        logodds = llm.yes_no_logodds(messages)
        if logodds is not None:
            word = verdict = "Yes" if logodds > yes_no_threshold else "No"
            timings["first_token"] = time.perf_counter() - started
            raw = word + ","
            yield Token(raw)
            events = llm.stream_after(messages, raw, max_tokens=max_tokens, temperature=temperature)
    for ev in events:
        if ev.text:
            if "first_token" not in timings:
                timings["first_token"] = time.perf_counter() - started
            raw += ev.text
            yield Token(ev.text)
        if ev.finish_reason:
            finish = ev.finish_reason
            prompt_tokens, completion_tokens = ev.prompt_tokens, ev.completion_tokens
    timings["generate"] = time.perf_counter() - t_gen
    incomplete = finish is None  # the stream ended without saying it was done
    truncated = finish == "length"

    t_check = time.perf_counter()
    extra = {
        "raw_text": raw, "model": llm.name, "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens, "incomplete": incomplete, "yes_no_logodds": logodds,
    }  # fmt: skip
    if not raw.strip() or (_REFUSAL.search(raw) and len(raw) < 240 and not re.search(r"\[\d", raw)):
        timings["check"] = time.perf_counter() - t_check
        timings["total"] = time.perf_counter() - started
        yield refusal(question, context, timings, "the model found no answer in the sources", **extra)
        return

    passages = {
        s.n: Passage(s.n, s.sentences, s.title, s.outlet, s.published, s.positions) for s in context.sources
    }
    checked = check_answer(clean_answer(raw), passages, question, similarity)
    if truncated and checked and not re.search(r"[.!?]\s*(\[\d+\])*\s*$", raw):
        checked = checked[:-1] or checked  # drop a sentence cut off by the token limit
    supported = [s for s in checked if s.supported and s.cites]
    timings["check"] = time.perf_counter() - t_check
    timings["total"] = time.perf_counter() - started
    if verdict and not supported:
        # The Yes/No verdict stands (it was decided from the model's reading of the
        # sources), but nothing the model wrote in support of it survived the check:
        # say so instead of presenting an unverified sentence.
        yield Answer(
            question=question, text=f"{verdict}. (The supporting statement could not be verified against the sources.)",
            citations=[], sources=source_infos(context), timings=timings, sentences=checked,
            removed=[s.text for s in checked if not s.supported], unverified=True, **extra,  # type: ignore[arg-type]
        )  # fmt: skip
        return
    if not supported:
        reason = checked[0].reason if checked else "empty answer"
        yield refusal(question, context, timings, f"no sentence of the model's answer was supported ({reason})",
                      sentences=checked, removed=[s.text for s in checked if not s.supported], **extra)
        return

    by_n = {s.n: s for s in context.sources}
    citations: dict[int, Citation] = {}
    for sent in supported:
        for n in sent.cites:
            src = by_n.get(n)
            if src is None or n in citations:
                continue
            citations[n] = _citation(src, sent.quotes.get(n, src.sentences[0] if src.sentences else ""))
    text = render(checked)
    if verdict and not re.match(rf"\W*{verdict}\b", text, re.IGNORECASE):
        text = f"{verdict}. {text}"  # the verdict's own sentence was removed; the verdict stays
    # Where another source gives a different count for what the answer states, say so,
    # newest report first, and cite both (rag/conflicts.py).
    conflicts = find_conflicts(
        [(n, sent.quotes.get(n, ""), sent.text) for sent in supported for n in sent.cites],
        [SourceView(s.n, s.published, s.outlet, s.sentences) for s in context.sources],
    )
    for c in conflicts:
        text += " " + c.sentence()
        for n, quote in ((c.newer[0], c.newer_quote), (c.older[0], c.older_quote)):
            src = by_n.get(n)
            if src is not None and n not in citations:
                citations[n] = _citation(src, quote)
    yield Answer(
        question=question,
        text=text,
        citations=sorted(citations.values(), key=lambda c: c.n),
        sources=source_infos(context),
        timings=timings,
        sentences=checked,
        removed=[s.text for s in checked if not s.supported],
        conflicts=[c.sentence() for c in conflicts],
        **extra,  # type: ignore[arg-type]
    )

