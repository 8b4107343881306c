"""Follow-up questions: what a question that leans on the earlier turn asks, for retrieval
and for the model.

A rewrite by the model would cost a second pass over its prompt for every follow-up, which
the latency budget on a 2-core CPU does not allow, so the question is resolved by rules:

- a question that stands on its own is left alone, and so is a short one that points at
  nothing and names what the earlier turn did not (a new topic, not a continuation);
- "he", "she", "his", "her" become the person the earlier turn named (the one nearest a word
  both questions share: "Is he preparing for peace?" after "What does Stoltenberg say Putin
  is preparing for?" asks about Putin), unless an earlier clause of the question names
  someone itself;
- "what about X" / "and X?" changes the topic to X: asked about X alone;
- a bare question word ("On what day?", "For how many years?") takes the place of the
  earlier question's ("Where did the ministers meet?" -> "On what day did the ministers meet?");
- "it", "its", "they", "them", "their" become the named thing the earlier question asked
  about ("the Delta SkyMiles Gold Business card", "the EU's AI rules"), when it has one that
  agrees in number; what else the question leans on ("there", "that game") is left to:
- any other reference ("them" with no such thing, "that match") gets the earlier question as context, before
  the new one: the model answers what it reads last (with the earlier question after it,
  the 1.5B answered that one again; docs/EVALUATION.md). Not the earlier answer: shown it,
  a small model answers the earlier question again.

The earlier turn is read as it was put to the model: itself resolved against the turns before
it, so a third turn's "she" finds the name the second turn's "she" was given.

Retrieval always searches the resolved question with the earlier turn's words (a new topic
may still be asked in the earlier frame: "What about Bakhmut?" after a count of shelled
towns).
"""

from __future__ import annotations

import re

from rag.text.clean import without_markers
from rag.text.names import claim_names, question_names
from rag.text.sentences import CLAUSE_BREAK
from rag.text.terms import terms

FOLLOW_UP = "(After the question: {previous}) {question}"
TOPIC = "What do the sources say about {subject}?"
_FRAMES = (FOLLOW_UP.split("{")[0], TOPIC.split("{")[0])  # how a question that was only framed begins
_PERSONAL = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)
_REFERENCE = re.compile(r"\b(it|its|they|them|their|this|that|these|those|there|then|such)\b", re.IGNORECASE)
_SWITCH = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<x>.+?)\s*\??\s*$|^\s*and\s+(?P<y>(?:the\s+)?\w[\w\s'-]*?)\s*\?\s*$",
                     re.IGNORECASE)  # fmt: skip
_THING_PRONOUN = re.compile(r"\b(it|its|they|them|their)\b", re.IGNORECASE)
# "the" and a named head: "the Delta SkyMiles Gold Business card", "the EU's AI rules".
_NAMED_THING = re.compile(r"\bthe\s+((?:[A-Z][\w'’.&-]*\s+)+[a-z]{3,})\b")
# A bare question word: "what", "which" or "how" with up to two words, none a past tense
# ("what day", "how many years"); "who", "when", "where", "why" alone or with "else". "Who took
# over?" and "What happened?" ask their own question: merged into "Who was fired...?" it read
# "Who took over was fired...?".
_BARE = re.compile(r"^\s*(?:and\s+)?(?P<wh>(?:(?:on|in|at|for|by|since|until|from)\s+)?"
                   r"(?:(?:what|which|how)(?:\s+(?!\w+ed\b)\w+){0,2}?|(?:when|where|who|why)(?:\s+else)?))\s*\?\s*$",
                   re.IGNORECASE)  # fmt: skip
_CLAUSE = re.compile(r"^\s*(?:(?:on|in|at|for|by|from)\s+)?(?:what|which|how|when|where|who|whom|why)(?:\s+\w+){0,2}?\s+"
                     r"(?P<rest>(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b.*?)\s*\?\s*$",
                     re.IGNORECASE)  # fmt: skip


def _as_asked(history: list[tuple[str, str]]) -> str:
    """The earlier question as the model was asked it, itself resolved against the turns before
    it: in "Who is Diane Bazella's birth mother?", "How old is she?", "Where does she live?" the
    third turn's "she" is the one the second turn meant. Only a question whose words were
    resolved (a name for a pronoun, a question word merged into the earlier clause) stands for the
    turn; one asked after the earlier question, or as a new topic, stays as it was typed. Read
    turn by turn from the first, so a long history costs no recursion."""
    stands = ""
    for k, (typed, _) in enumerate(history):
        typed = typed.strip()
        if k == 0 or _on_its_own(typed, history[k - 1][0]):
            stands = typed
            continue
        asked = _resolve(typed, stands, without_markers(history[k - 1][1]).strip())[1]
        stands = typed if asked.startswith(_FRAMES) else asked
    return stands


def _on_its_own(question: str, earlier: str) -> bool:
    """Whether `question` is asked without the earlier turn: there is none, or it stands alone."""
    return not earlier.strip() or _standalone(question)


def _leaning_person(question: str) -> bool:
    """Whether "he", "she", "his"... leans on the earlier turn: not when the question names
    someone in a clause before it ("Did the NATO chief call X, and did he say Y?" after a
    question on the World Cup means the NATO chief). "Did Biden meet him?" still leans."""
    m = _PERSONAL.search(question)
    if not m:
        return False
    breaks = [b.start() for b in CLAUSE_BREAK.finditer(question, 0, m.start())]
    return not (breaks and question_names(question[: breaks[-1]]))


def _points_back(question: str) -> bool:
    return bool(_leaning_person(question) or _REFERENCE.search(question) or _SWITCH.match(question))


def _standalone(question: str) -> bool:
    return not _points_back(question) and len(terms(question)) >= 3


def _new_subject(question: str, previous: str, answer: str) -> bool:
    """A short question that points at nothing and names someone or something the earlier
    turn did not ("Who is Ohtani signing with?" after a question on Everton) sets its own
    topic; one with no name ("How long is the contract?") goes on with the earlier one. So
    does one naming only initials ("Did the EU respond?"), too common to mark a new topic."""
    earlier = set(re.findall(r"\w+", f"{previous} {answer}".lower()))
    names = [words for n in question_names(question) if (words := {w for w in re.findall(r"\w+", n.lower()) if len(w) > 2})]
    return bool(names) and not _points_back(question) and all(not words & earlier for words in names)


def _person(question: str, previous: str, answer: str) -> str:
    """The person a pronoun means: the one the earlier answer names when the earlier question
    asked for someone ("Who is...?", "Which player...?": a name of two or more words that the
    question did not give); else a name of the earlier question (the one nearest a word both
    questions share, else the last of two or more words, which is how people are named)."""
    answered = [_as_written(n, answer) for n in sorted(claim_names(answer), key=lambda n: answer.lower().find(n))]
    names = [n for n in question_names(previous) if len(n) > 2 and not _a_thing(n, previous)]
    new_people = [n for n in answered if len(n.split()) > 1 and n.lower() not in previous.lower()]
    if re.match(r"\s*(who|whom|whose|which|what)\b", previous, re.IGNORECASE) and new_people:
        return new_people[0]
    if re.match(r"\s*who(m|se)?\b", previous, re.IGNORECASE) and answered:
        return answered[0]
    shared = set(terms(question)) & set(terms(previous))
    if names and shared:
        words = previous.split()
        hits = [i for i, w in enumerate(words) if set(terms(w)) & shared]

        def distance(name: str) -> int:
            at = next((i for i, w in enumerate(words) if w.strip("'’s,.?") == name.split()[-1]), len(words))
            return min((abs(at - h) for h in hits), default=len(words))

        return min(names, key=distance)
    people = [n for n in names if len(n.split()) > 1]
    return people[-1] if people else (answered[0] if answered else (names[-1] if names else ""))


def _as_written(name: str, text: str) -> str:
    """A lower-cased claim name as `text` writes it ("NATO Secretary General", "Erik ten Hag"),
    not title-cased ("Nato", "Ten Hag").

    >>> _as_written("nato secretary general jens stoltenberg", "NATO Secretary General Jens Stoltenberg [1].")
    'NATO Secretary General Jens Stoltenberg'
    """
    m = re.search(r"\s+".join(map(re.escape, name.split())), text, re.IGNORECASE)
    return m.group(0) if m else name.title()


def _a_thing(name: str, text: str) -> bool:
    """Whether `text` writes `name` after "the" ("the 2022 World Cup", "the European
    Commission"): a thing or a body, not someone "he" or "him" can mean."""
    return bool(re.search(rf"\bthe\s+(?:\d+\s+)?{re.escape(name)}\b", text, re.IGNORECASE))


def _substitute(question: str, person: str) -> str:
    def one(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        return f"{person}'s" if word in {"his", "hers"} else person

    return _PERSONAL.sub(one, question, count=1)


def _thing(question: str, previous: str) -> str:
    """The named thing of the earlier question that the new one's "it" or "they" means: the
    first "the <Name> <noun>" whose number agrees with the pronoun ("" when none does)."""
    pronouns = {m.lower() for m in _THING_PRONOUN.findall(question)}
    plural = bool(pronouns & {"they", "them", "their"})
    if not pronouns or (plural and pronouns & {"it", "its"}):
        return ""
    for m in _NAMED_THING.finditer(previous):
        head = m.group(1).split()[-1]
        if head.endswith("s") == plural:
            return f"the {m.group(1)}"
    return ""


def _substitute_thing(question: str, thing: str) -> str:
    def one(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        text = (f"{thing}'" if thing.endswith("s") else f"{thing}'s") if word in {"its", "their"} else thing
        return text[0].upper() + text[1:] if m.start() == 0 else text

    return _THING_PRONOUN.sub(one, question)


def rewrite_follow_up(question: str, history: list[tuple[str, str]] | None) -> tuple[str, str]:
    """(retrieval query, question as put to the model) for `question` after `history`.

    >>> rewrite_follow_up("Is he preparing for peace?", [("What does Stoltenberg say Putin is preparing for?", "War [1].")])
    ('Is Putin preparing for peace? What does Stoltenberg say Putin is preparing for?', 'Is Putin preparing for peace?')
    >>> rewrite_follow_up("And what about fighter jets?", [("Which two regions make up the Donbas?", "Donetsk and Luhansk [1].")])[1]
    'What do the sources say about fighter jets?'
    >>> rewrite_follow_up("Who is the NATO Secretary General?", [("Anything?", "No.")])
    ('Who is the NATO Secretary General?', 'Who is the NATO Secretary General?')
    """
    if not history or _on_its_own(question, history[-1][0]):
        return question, question
    return _resolve(question, _as_asked(history), without_markers(history[-1][1]).strip())


def _resolve(question: str, previous: str, answer: str) -> tuple[str, str]:
    """`rewrite_follow_up` after the earlier turn: `previous` as it was asked, `answer` its reply."""
    if _new_subject(question, previous, answer):
        return question, question
    switch = _SWITCH.match(question)
    if switch and not _PERSONAL.search(question) and not _REFERENCE.search(switch.group("x") or switch.group("y") or ""):
        subject = (switch.group("x") or switch.group("y")).strip()
        return f"{question} {previous}", TOPIC.format(subject=subject)
    # "Who wrote it?" is not a bare question word: its "it" leans on the earlier turn.
    leaning = _leaning_person(question)
    leans = _REFERENCE.search(question) or leaning
    bare, clause = None if leans else _BARE.match(question), _CLAUSE.match(previous)
    if bare and clause:
        merged = f"{bare.group('wh')[0].upper()}{bare.group('wh')[1:]} {clause.group('rest')}?"
        return f"{merged} {answer}", merged
    person = _person(question, previous, answer) if leaning else ""
    if person and not _REFERENCE.search(question):
        resolved = _substitute(question, person)
        return f"{resolved} {previous}", resolved
    thing = "" if person else _thing(question, previous)
    resolved = _substitute_thing(question, thing) if thing else question
    if thing and not _REFERENCE.search(resolved):
        return f"{resolved} {previous}", resolved
    return f"{question} {previous} {answer}", FOLLOW_UP.format(previous=previous, question=resolved)
