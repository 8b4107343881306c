"""Who a sentence gives words to: "Carragher said ...", "... said Cheika", "according to Zhao".

An answer can put a source's words in another person's mouth and still pass a check of its
terms and names. "Erik ten Hag wrote that United had gone stale" cited to "In his column,
Carragher said United's signings have led to the club becoming stale" has every word in the
cited sentence, since the article names Ten Hag elsewhere. The small models write this when the
question names the wrong speaker ("What did Sherrod Brown say about overdraft fees?"). Here a
sentence's speakers are read by pattern, and `misattributed` tells whether an answer gives words
to someone the cited sentences do not, or quotes someone from a sentence that quotes no one.
Patterns are bounded: sources are untrusted text.
"""

from __future__ import annotations

import re

from rag.text.names import TITLES, not_names

# Verbs an answer uses to give someone words. Narrow on purpose: "Uber has added features" and
# "the Dodgers announced" are not quotations of a person.
_CLAIM_WORDS = "said|says|told|tells|wrote|writes|warned|warns|stated|states|claimed|claims|argued|argues|insisted|" \
               "insists|stressed|stresses|urged|urges"  # fmt: skip
_CLAIM_VERBS = rf"(?:{_CLAIM_WORDS})"
# In a source more verbs give words: whoever "added" or "noted" a sentence is its speaker.
_SOURCE_VERBS = rf"(?:{_CLAIM_WORDS}|added|adds|noted|notes|explained|explains|announced|announces|acknowledged|" \
                r"admitted|asked|asks|replied|declared|confirmed|denied|tweeted|posted|commented|remarked)"  # fmt: skip
_INVERTED_VERBS = r"(?:said|says|wrote|writes|added|adds|asked|asks|noted|notes)"  # "..., said Cheika."
_NAME = r"[A-Z][\w.'’-]{0,40}(?:\s+(?:[A-Z][\w.'’-]{0,40}|ten|van|von|de|der|da|di|le|la|al)){0,5}"
_BETWEEN = r"(?:\s+(?:has|had|have|also|then|later|once|previously|reportedly)){0,2}"
# Not "according to X" in an answer: X is as often an outlet or a document, and "According to
# Reuters, Stoltenberg said ..." gives the words to Stoltenberg.
_GIVES = re.compile(rf"({_NAME}){_BETWEEN}\s+{_CLAIM_VERBS}\b")
_GIVEN = re.compile(rf"({_NAME}){_BETWEEN}\s+{_SOURCE_VERBS}\b|\b{_INVERTED_VERBS}\s+({_NAME})|\baccording\s+to\s+({_NAME})")
# Any sign that a sentence reports speech or a view, named or not ("he said", a quotation).
_ANY_SPEECH = re.compile(rf"\b{_SOURCE_VERBS}\b|\baccording\s+to\b|[\"“”]|\b(?:believes?|thinks?|expects?|predicted|suggested|"
                         r"quoted|called|described|saying)\b", re.IGNORECASE)  # fmt: skip
# "Changpeng Zhao, also known as “CZ,”", "Sam Bankman-Fried (SBF)": one person, two names.
_ALIAS = r"\b{a}\b[^.()]{{0,40}}?\b(?:also\s+known\s+as|known\s+as|nicknamed|dubbed|aka)\W{{1,4}}{b}\b|\b{a}\b[^.()]{{0,30}}\(\W{{0,2}}{b}\b"


def name_words(name: str) -> set[str]:
    """The words that tell one speaker from another: not titles or capitalised ordinary words.

    >>> sorted(name_words("Secretary of Treasury Janet Yellen's"))
    ['janet', 'treasury', 'yellen']
    """
    words = (re.sub(r"['’]s?$", "", w).strip(".").lower() for w in name.split())
    return {w for w in words if len(w) > 1 and w not in not_names() and w not in TITLES}


def speakers(text: str, claim: bool = False) -> list[str]:
    """The named people `text` gives words to (pronouns and titles alone are not names); `claim`:
    read as an answer's sentence, with the narrow verbs and without "according to".

    >>> speakers("“It is a big job,” Waugh said, after Nucifora told The Roar he would not return.")
    ['Waugh', 'Nucifora']
    >>> speakers("“New Zealand has always been a benchmark,” said Cheika."), speakers("He said it was over.")
    (['Cheika'], [])
    """
    out = []
    for m in (_GIVES if claim else _GIVEN).finditer(text):
        name = next(g for g in m.groups() if g).rstrip(".,;:'’")
        if name_words(name):
            out.append(name)
    return out


def _aliases(a: str, b: str, text: str) -> bool:
    """Whether `text` names the two as one person ("Changpeng Zhao, also known as “CZ,”")."""
    for x in name_words(a):
        for y in name_words(b):
            for p, q in ((x, y), (y, x)):
                if re.search(_ALIAS.format(a=re.escape(p), b=re.escape(q)), text, re.IGNORECASE):
                    return True
    return False


def misattributed(sentence: str, cited: list[str], sources: str = "", not_people: list[str] | None = None) -> str:
    """Why `sentence` gives words to someone the `cited` sentences do not ("" when it does not):
    they name another speaker, or they quote no one and the cited `sources` (their text as the
    model read it) never quote that person either. A cited "he said" names no one, so it is
    never held against an answer. `sources` may also spell out an alias ("Changpeng Zhao, also
    known as “CZ,”"); `not_people` are outlets ("The Verge claims ..." is the article).

    >>> misattributed("Sherrod Brown said the fees hurt Black and brown communities.",
    ...               ["“Charging the fees is a choice that harms Black and brown communities,” Menendez said."])
    'the cited passage gives these words to Menendez, not Sherrod Brown'
    >>> misattributed("Joe Flacco said the Bears' sideline appeared convinced it had won.",
    ...               ["The Bears' sideline appeared convinced it had won."], "Fields threw a Hail Mary.")
    'the cited passage does not say that Joe Flacco said it'
    >>> misattributed("CZ told staff to ask for forgiveness.", ["Zhao told employees to ask for forgiveness."],
    ...               "Changpeng Zhao, also known as “CZ,” is stepping down.")
    ''
    """
    given = [s for q in cited for s in speakers(q)]
    outlets = set().union(*(name_words(o) for o in not_people or []))
    known = set().union(*(name_words(s) for s in given))
    for name in speakers(sentence, claim=True):
        words = name_words(name)
        if words & outlets or words & known:
            continue
        if given and not any(_aliases(name, s, sources) for s in given):
            return f"the cited passage gives these words to {', '.join(given)}, not {name}"
        quoted_there = words & set().union(*(name_words(s) for s in speakers(sources)))
        if not given and not quoted_there and not any(_ANY_SPEECH.search(q) for q in cited):
            return f"the cited passage does not say that {name} said it"
    return ""


# "Who, according to Ten Hag, can ...?", "According to Justin Fields, who ...?"
_ACCORDING = re.compile(r"\baccording\s+to\s+([^,?;]{1,60}?)\s*(?:,|\?|$)", re.IGNORECASE)
_OPENING = re.compile(rf"\s*(?:[Tt]he\s+)?({_NAME})")


def source_as_subject(question: str, answer: str) -> str:
    """The one a question says spoke ("Who, according to Ten Hag, can get back to scoring?"),
    where the answer makes them its subject ("Ten Hag can get back to scoring goals [1].")
    instead of the one they spoke of; "" otherwise. An answer that gives them the words ("Cheika
    said the All Blacks were favourites") is not this.

    >>> source_as_subject("Who, according to Ten Hag, can get back to scoring goals?", "Ten Hag can get back to scoring [1].")
    'Ten Hag'
    >>> source_as_subject("Who, according to Cheika, are the favourites?", "Michael Cheika, the coach, said the All Blacks [1].")
    ''
    """
    said = _ACCORDING.search(question)
    source = name_words(said.group(1)) if said else set()
    opening = _OPENING.match(answer) if source else None
    if not opening or not name_words(opening.group(1)) & source:
        return ""
    name = opening.group(1).strip().rstrip(".,;:")
    # "Michael Cheika, the former Wallabies coach, said ...": the words are theirs, after an aside.
    credits = re.match(rf"\s*(?:[Tt]he\s+)?{re.escape(name)}(?:,[^.;]{{0,160}}?,)?{_BETWEEN}\s+{_CLAIM_VERBS}\b", answer)
    if credits or any(name_words(s) & source for s in speakers(answer, claim=True)):
        return ""
    return name

