"""Every reason to refuse, in one ordered list.

Grounding is enforced, not requested: a check runs at each point of answering where
the evidence can be judged, and the first that fails gives the refusal and its reason,
shown to the person who asked.

- "question": before the model is called (an outlet or a name no article mentions,
  nothing retrieved, nothing retrieved is about the question); the model is never loaded.
- "prompt": the prompt is built (no room in the model's window for any source).
- "judged": the model has read the prompt and judges that the sources do not answer (the
  calibrated log-odds of its "NOT FOUND" reply); nothing is generated. Before refusing so,
  the model reads the next-best sentences too and judges again, at a stricter threshold.
- "draft": the model has written (nothing, or a decline).
- "checked": after the citation check (nothing survived it, or all that did is a name the
  question itself gives, or makes the one the question says spoke its subject; the model is
  first asked once more to avoid either).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.answer.context import Context
from rag.answer.opening import repeated_name, source_as_answer
from rag.config import RefusalSettings
from rag.retrieve.subjects import UnknownSubjects
from rag.types import AnswerSentence

_DECLINE = re.compile(
    r"(do(?:es)? not (?:cover|contain|mention|provide|say)|not (?:mentioned|covered|stated) in|"
    r"no (?:information|mention)|insufficient information|cannot (?:be )?(?:determine|answer|find)|"
    r"can't (?:determine|answer)|unable to (?:determine|answer|find)|not enough information|^\W*not found\b)",
    re.IGNORECASE,
)


@dataclass
class Evidence:
    """What the checks read, filled in as answering proceeds."""

    question: str
    context: Context
    unknown: UnknownSubjects = field(default_factory=UnknownSubjects)
    store_empty: bool = False  # no article has been ingested yet
    filtered: bool = False  # the caller narrowed the search (outlets, dates)
    window: int = 0  # the model's context window, when no source fits in it
    not_found_logodds: float | None = None  # the model's judgement, where it reads out its logits
    second_look: bool = False  # the judgement is the second, over the next-best sentences too
    raw: str | None = None  # what the model wrote
    checked: list[AnswerSentence] | None = None  # its sentences after the citation check
    verdict: str = ""  # a Yes/No verdict decided from the model's log-odds
    follow_up: bool = False  # put to the model with an earlier question's subject


@dataclass(frozen=True)
class Check:
    stage: str  # "question", "prompt", "draft" or "checked"
    name: str
    reason: Callable[[Evidence, RefusalSettings], str | None]  # why to refuse, or None


def _unknown_subject(e: Evidence, s: RefusalSettings) -> str | None:
    return e.unknown.reason() if s.check_names and e.unknown else None


def _nothing_retrieved(e: Evidence, s: RefusalSettings) -> str | None:
    """Said so that the person knows what to change: an empty store and filters that match
    nothing are theirs to fix, not a gap in the news."""
    if e.context.sources:
        return None
    if e.store_empty:
        return "no article has been ingested yet: add some with newsdesk ingest PATH, or in the UI's Corpus tab"
    if e.filtered:
        return "no article matches the filters (outlet, dates)"
    return "nothing was retrieved"


def _off_topic(e: Evidence, s: RefusalSettings) -> str | None:
    """By meaning, not words: the best retrieved sentence's similarity to the question."""
    floor = s.min_relevance or 0.0
    if e.context.best_dense >= floor:
        return None
    return f"nothing in the articles is about this (best match {e.context.best_dense:.2f}, floor {floor:.2f})"


def _model_judges_not_covered(e: Evidence, s: RefusalSettings) -> str | None:
    """A second look must be surer than the first: given more sentences and a second chance,
    the model lets near misses through at the first look's threshold."""
    threshold = s.second_look_threshold if e.second_look else s.not_found_threshold
    if e.not_found_logodds is None or threshold is None or e.not_found_logodds <= threshold:
        return None
    return "the model, reading the sources, judges that they do not give the answer"


def _no_room(e: Evidence, s: RefusalSettings) -> str | None:
    return None if e.context.sources else f"the model's context window ({e.window} tokens) has no room for a source"


def _model_declined(e: Evidence, s: RefusalSettings) -> str | None:
    raw = e.raw or ""
    if not raw.strip():
        return "the model found no answer in the sources"
    # "NOT FOUND", or a short answer that says the sources lack it, with no citation: the model declined.
    declined = _DECLINE.search(raw) and len(raw) < s.declined_max_chars and not re.search(r"\[\d", raw)
    return "the model found no answer in the sources" if declined else None


def _nothing_supported(e: Evidence, s: RefusalSettings) -> str | None:
    """A Yes/No verdict is the model's reading of sources the guard has cleaned, and stands
    when its explanation fails the check (the removed sentence is reported). Where something
    retrieved addressed the model, it needs a supported sentence: an injected "answer No" that
    the guard caught beside another it missed must not decide it."""
    checked = e.checked or []
    if any(x.supported and x.cites for x in checked):
        return None
    if e.verdict and not e.context.addressed_the_model:
        return None
    why = checked[0].reason if checked else "empty answer"
    if e.verdict:
        return f"the model's '{e.verdict}' has no supported sentence behind it ({why})"
    return f"no sentence of the model's answer was supported ({why})"


def question_name_only(e: Evidence) -> str:
    """The name, where all of an answer to who or which that survives the citation check is a
    name the question gives ("Taylor Swift [1]." asked which athlete was at Taylor Swift's
    concert), or where it makes the one the question says spoke its subject ("Ten Hag can get
    back to scoring goals [1]." asked who, according to Ten Hag, can): not the answer. "" otherwise,
    and for a follow-up, where the earlier subject is a natural answer."""
    return _repeated(e) or _source_given(e)


def _kept(e: Evidence) -> str:
    return " ".join(x.text for x in e.checked or [] if x.supported and x.cites)


def _repeated(e: Evidence) -> str:
    return "" if e.follow_up else repeated_name(e.question, _kept(e))


def _source_given(e: Evidence) -> str:
    return "" if e.follow_up else source_as_answer(e.question, _kept(e), [s.outlet for s in e.context.sources if s.outlet])


def _repeats_the_question(e: Evidence, s: RefusalSettings) -> str | None:
    if name := _repeated(e):
        return f"the answer only repeats a name the question gives ('{name}')"
    if name := _source_given(e):
        return f"the answer names the one the question says spoke ('{name}'), not whom they spoke of"
    return None


CHECKS: list[Check] = [
    Check("question", "unknown subject", _unknown_subject),
    Check("question", "nothing retrieved", _nothing_retrieved),
    Check("question", "off topic", _off_topic),
    Check("prompt", "no room for a source", _no_room),
    Check("judged", "model judges not covered", _model_judges_not_covered),
    Check("draft", "model declined", _model_declined),
    Check("checked", "nothing supported", _nothing_supported),
    Check("checked", "repeats the question", _repeats_the_question),
]


class RefusalPolicy:
    """Runs the checks of one stage in order; the first reason found refuses."""

    def __init__(self, settings: RefusalSettings, checks: list[Check] | None = None):
        self.settings = settings  # with its thresholds resolved (config.refusal_settings)
        self.checks = CHECKS if checks is None else checks

    def second_look(self) -> bool:
        """Whether a refusal by the model's judgement gets a second look at more sentences
        (`config.refusal_settings` leaves the second threshold empty where no judgement is)."""
        return self.settings.second_look_threshold is not None

    def judges(self, reads_logits: bool) -> bool:
        """Whether the model's own NOT FOUND judgement is in force (and offered in its prompt)."""
        return reads_logits and self.settings.not_found_threshold is not None

    def reason(self, stage: str, evidence: Evidence) -> str | None:
        for check in self.checks:
            if check.stage == stage:
                why = check.reason(evidence, self.settings)
                if why:
                    return why
        return None
