"""The answer stage: context -> prompt -> streamed model text -> checked, cited `Answer`.

Every refusal is decided by the policy (refusal.py); this module builds the prompt, runs
the model (with the Yes/No verdict read from its first-token log-odds where the model can
give them) and hands the draft to the citation check and `compose`.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import cast

from rag.answer import prompts
from rag.answer.citations import CitationChecker, Similarity, release_markers, renumber_markers, settled_sentences
from rag.answer.compose import Draft, compose, make_answer
from rag.answer.context import Context
from rag.answer.opening import opening_guard
from rag.answer.refusal import Evidence, RefusalPolicy, question_name_only
from rag.answer.safety import clean_answer
from rag.config import CheckSettings
from rag.providers.chat import ChatModel, LLMEvent, LogitModel, Message
from rag.types import NOT_CHECKED, NOT_COVERED, Answer, Token

_AUX = r"(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might)"
_YES_NO = re.compile(rf"^\s*{_AUX}\b|,\s*{_AUX}\s+(there|the|it|they|both|this|that|these|those|any)\b", re.IGNORECASE)
_WH = re.compile(r"^\s*(who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"[.!?]\s*(\[\d+\])*\s*$")
# A word and its opposite ("consistent or inconsistent", "agreement or disagreement", "before
# or after") offer a choice: the reader wants the one that holds, and "Yes." answers neither.
_CHOICE = re.compile(r"\b(\w+)\s+or\s+(?:in|un|dis|non|im|ir|il)\1\b|\bbefore\s+or\s+after\b|\bafter\s+or\s+before\b",
                     re.IGNORECASE)  # fmt: skip


def is_yes_no(question: str) -> bool:
    """Whether the question expects Yes or No: not a choice between a word and its opposite.

    >>> is_yes_no("Did TechCrunch report a merger?"), is_yes_no("Which company merged?")
    (True, False)
    >>> is_yes_no("Between the two reports, was there a change in tone?")
    True
    >>> is_yes_no("Was the coverage consistent or inconsistent?"), is_yes_no("Did it report this before or after the match?")
    (False, False)
    >>> is_yes_no("Did The Verge or Engadget report a price cut?")
    True
    """
    return not _WH.match(question) and bool(_YES_NO.search(question)) and not _CHOICE.search(question)


def build_messages(question: str, context: Context, system: str | None = None, *,
                   offer_not_found: bool = True, yes_no: bool | None = None) -> list[Message]:  # fmt: skip
    """The prompt. "NOT FOUND" is offered only where the model's judgement of it is read and
    calibrated: a small model free to reply so (behind an OpenAI-compatible server) takes it
    for questions its sources do answer, and the draft and citation checks refuse without it.
    `yes_no`: whether the person asked Yes or No (a follow-up's framing hides it)."""
    if system is None:
        system = prompts.system_prompt(judged=offer_not_found)
    hint = prompts.HINT_YES_NO if (is_yes_no(question) if yes_no is None else yes_no) else ""
    user = prompts.USER.format(sources=prompts.format_sources(context.sources), question=question, hint=hint)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def fit_context(question: str, context: Context, llm: ChatModel, max_tokens: int, judged: bool,
                yes_no: bool | None = None) -> tuple[Context, str]:  # fmt: skip
    """The context and system prompt that fit the model's context window with the answer:
    the worked examples go first (a small window), then the last sources, sentence by sentence."""

    def needed(ctx: Context, system: str) -> int:
        msgs = build_messages(question, ctx, system, yes_no=yes_no)  # the prompt as it will be sent
        return sum(llm.count_tokens(m["content"]) + 8 for m in msgs) + max_tokens

    full, rules = prompts.system_prompt(judged), prompts.system_prompt(judged, examples=False)
    if needed(context, full) <= llm.n_ctx:
        return context, full
    sources = list(context.sources)
    while sources and needed(replace(context, sources=sources), rules) > llm.n_ctx:
        last = sources[-1]
        if len(last.sentences) > 1:  # an article's sentences go one by one, then the article
            sources[-1] = replace(last, sentences=last.sentences[:-1], positions=last.positions[:-1])
        else:
            sources.pop()
    return replace(context, sources=sources), rules


@dataclass
class Generation:
    """How the model is asked: its limits and the Yes/No verdict threshold (None: off)."""

    max_tokens: int
    temperature: float
    yes_no_threshold: float | None
    check: CheckSettings
    stop_after_supported: bool = False
    guard_opening: bool = False  # an answer to who/which may not begin with the question's words


def read_first_token(draft: Draft, llm: ChatModel, messages: list[Message], yes_no: bool, g: Generation) -> None:
    """Where the model reads out its first-token distribution (one pass over the prompt,
    reused by the answer): its judgement that the sources do not answer (the log-odds of
    the reply the prompt asks for then, "NOT FOUND") and, for a Yes/No question, its verdict.
    Small models answer Yes/No with a strong bias, so the word is decided here, from the
    model's own log-odds against a threshold calibrated on dev data."""
    if not llm.reads_logits:
        return
    lp = cast(LogitModel, llm).first_token_logprobs(messages, ["Yes", "No", prompts.NOT_FOUND_WORD])
    if lp is None:
        return
    p = min(math.exp(lp[prompts.NOT_FOUND_WORD]), 1 - 1e-12)
    draft.not_found_logodds = math.log(max(p, 1e-12)) - math.log1p(-p)
    if g.yes_no_threshold is not None and yes_no:
        draft.logodds = lp["Yes"] - lp["No"]
        draft.verdict = "Yes" if draft.logodds > g.yes_no_threshold else "No"


def prompt_size(llm: ChatModel, messages: list[Message], opening: str) -> int:
    """Prompt tokens of a stream stopped before the model reported them: each message with its
    chat-template markers (five tokens in ChatML), the reply's own three, and its forced opening."""
    return sum(llm.count_tokens(m["content"]) + 5 for m in messages) + 3 + (llm.count_tokens(opening) if opening else 0)


def stream_draft(draft: Draft, llm: ChatModel, messages: list[Message], g: Generation,
                 timings: dict[str, float], started: float, aliases: dict[int, int],
                 stop: Callable[[str], bool] | None = None, avoid: Callable[[str], bool] | None = None) -> Iterator[Token]:  # fmt: skip
    """Stream the model's tokens into `draft`, after its verdict when one was decided; once
    the model is to answer, "NOT FOUND" is no longer a reply it can start, nor an opening that
    `avoid` rejects. What is shown carries the answer's source numbers (`aliases`); `draft.raw`
    keeps the model's own. `stop(sentences)`, asked each time a sentence is complete: True ends
    the answer there."""
    events: Iterator[LLMEvent]
    opening = ""
    draft.streamed = True
    if draft.not_found_logodds is not None:
        if draft.verdict:
            draft.raw = opening = draft.verdict + ","
            timings["first_token"] = time.perf_counter() - started
            yield Token(draft.raw)
        events = cast(LogitModel, llm).stream_after(messages, draft.raw, max_tokens=g.max_tokens,
                                                    temperature=g.temperature, banned=(prompts.NOT_FOUND_WORD,), avoid=avoid)  # fmt: skip
    else:
        events = llm.stream(messages, max_tokens=g.max_tokens, temperature=g.temperature)
    held, settled, pieces = "", "", 0
    for ev in events:
        if ev.text:
            timings.setdefault("first_token", time.perf_counter() - started)
            draft.raw += ev.text
            pieces += 1
            if stop and (done := settled_sentences(draft.raw)) != settled:
                settled = done
                if stop(done):
                    draft.raw, draft.finish, held = done, "stop", ""
                    draft.prompt_tokens, draft.completion_tokens = prompt_size(llm, messages, opening), pieces
                    getattr(events, "close", lambda: None)()  # frees the model now
                    break
            shown, held = release_markers(held + ev.text, aliases)
            if shown:
                yield Token(shown)
        if ev.finish_reason:
            draft.finish, draft.prompt_tokens, draft.completion_tokens = ev.finish_reason, ev.prompt_tokens, ev.completion_tokens
    if held:  # a "[" the stream ended inside: no marker to renumber
        yield Token(held)


def check_draft(draft: Draft, question: str, context: Context, similarity: Similarity | None, s: CheckSettings) -> None:
    """Run the citation check on the draft; a last sentence cut off by the token limit goes."""
    checker = CitationChecker(question, similarity, s)
    text = renumber_markers(clean_answer(draft.raw), context.aliases)  # one number per article
    draft.checked = checker.check(text, {src.n: src for src in context.sources})
    if draft.finish == "length" and draft.checked and not _ENDS_SENTENCE.search(draft.raw):
        draft.checked = draft.checked[:-1] or draft.checked


def verify(draft: Draft, evidence: Evidence, asked: str, context: Context, similarity: Similarity | None,
           g: Generation, policy: RefusalPolicy) -> str | None:  # fmt: skip
    """The policy's reason to refuse what the model wrote (None: answer it), after the citation
    check has filled `draft.checked`. A follow-up is checked against the question as resolved
    and put to the model ("his" -> "Josh Allen's"): the conversation's subject, restated, is not
    a new claim."""
    evidence.raw, evidence.verdict = draft.raw, draft.verdict
    if why := policy.reason("draft", evidence):
        return why
    check_draft(draft, asked, context, similarity, g.check)
    evidence.checked = draft.checked
    return policy.reason("checked", evidence)


def answer_again(draft: Draft, evidence: Evidence, question: str, context: Context, llm: ChatModel,
                 messages: list[Message], g: Generation, policy: RefusalPolicy, similarity: Similarity | None,
                 stop: Callable[[str], bool] | None) -> tuple[Draft, str | None]:  # fmt: skip
    """Once more, where the answer was only a name the question gives: the model may not open
    with the question's words this time (`opening_guard`), and what it writes is not streamed
    (the checked answer replaces the stream). Only where the model's tokens can be chosen (a
    local model, which reads out its judgement); elsewhere, and if it gives the question's name
    again, the policy refuses."""
    again = Draft(model=draft.model, not_found_logodds=draft.not_found_logodds)
    for _ in stream_draft(again, llm, messages, g, {}, time.perf_counter(), context.aliases, stop, opening_guard(question)):
        pass
    return again, verify(again, evidence, question, context, similarity, g, policy)


def judge(asked: str, evidence: Evidence, system: str, llm: ChatModel, g: Generation, policy: RefusalPolicy,
          judged: bool, yes_no: bool) -> tuple[Draft, list[Message], str | None]:  # fmt: skip
    """The prompt over `evidence.context`, the model's first-token reading of it, and the
    policy's reason to refuse on that reading (None: answer)."""
    draft = Draft(model=llm.name)
    messages = build_messages(asked, evidence.context, system, offer_not_found=judged, yes_no=yes_no)
    read_first_token(draft, llm, messages, yes_no, g)
    evidence.not_found_logodds = draft.not_found_logodds
    return draft, messages, policy.reason("judged", evidence)


def generate(question: str, context: Context, llm: ChatModel, g: Generation, policy: RefusalPolicy, *,
             timings: dict[str, float], started: float, prompt_question: str | None = None,
             similarity: Similarity | None = None) -> Iterator[Context | Token | Answer]:  # fmt: skip
    """Stream the model's tokens, then yield the checked `Answer` (or a refusal) last; a
    `Context` before the tokens when a second look widened what the model reads."""
    asked = prompt_question or question
    judged = policy.judges(llm.reads_logits)
    yes_no = is_yes_no(question)  # what the person asked, whatever framing the model is shown
    context, system = fit_context(asked, context, llm, g.max_tokens, judged, yes_no)
    follow_up = asked != question  # put to the model with the earlier question's subject
    evidence = Evidence(question, context, window=llm.n_ctx, follow_up=follow_up)
    if why := policy.reason("prompt", evidence):
        timings["total"] = time.perf_counter() - started
        yield make_answer(question, context, timings, refusal=why)
        return
    t_gen = time.perf_counter()
    draft, messages, why = judge(asked, evidence, system, llm, g, policy, judged, yes_no)
    if why and context.reserve and policy.second_look():  # a second look, at the next-best sentences too
        wider, system = fit_context(asked, context.widened(), llm, g.max_tokens, judged, yes_no)
        second = Evidence(question, wider, window=llm.n_ctx, second_look=True, follow_up=follow_up)
        draft2, messages2, why2 = judge(asked, second, system, llm, g, policy, judged, yes_no)
        if not why2:
            context, evidence, draft, messages, why = wider.folded(), second, draft2, messages2, None
            yield context  # what the model now reads: the sources panel follows it
    if why:  # the model judges the sources do not answer: no generation
        timings["judge"] = time.perf_counter() - t_gen
        timings["total"] = time.perf_counter() - started
        yield make_answer(question, context, timings, refusal=why, draft=draft)
        return
    stop = None
    # Not for a follow-up put with the earlier question: the model often answers that one first.
    if g.stop_after_supported and not follow_up:

        def stop(sentences: str) -> bool:
            """Whether the answer so far would be given as it stands: what the model writes after
            its first kept sentence is mostly removed, and each token costs time."""
            trial = Draft(raw=sentences, finish="stop", verdict=draft.verdict)
            return not verify(trial, replace(evidence), asked, context, similarity, g, policy) and bool(trial.supported)

    # Nor for a follow-up: there the earlier question's subject is the natural opening ("Amo is launching ...").
    avoid = opening_guard(question) if g.guard_opening and not yes_no and not follow_up else None
    yield from stream_draft(draft, llm, messages, g, timings, started, context.aliases, stop, avoid)
    timings["generate"] = time.perf_counter() - t_gen
    t_check = time.perf_counter()
    why = verify(draft, evidence, asked, context, similarity, g, policy)
    timings["check"] = time.perf_counter() - t_check
    if why and draft.not_found_logodds is not None and question_name_only(evidence):
        t_again = time.perf_counter()
        draft, why = answer_again(draft, evidence, question, context, llm, messages, g, policy, similarity, stop)
        timings["generate"] += time.perf_counter() - t_again  # the second answer is generation time
    timings["total"] = time.perf_counter() - started
    if why:  # once the model answered and the check refused it, "not covered" would be a guess
        yield make_answer(question, context, timings, text=NOT_CHECKED if draft.checked else NOT_COVERED,
                          refusal=why, draft=draft)  # fmt: skip
    else:
        yield compose(question, context, draft, timings, g.check.conflict_shared)
