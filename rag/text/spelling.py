"""The American spelling of a British word ("defence" -> "defense", "armour" -> "armor").

A reader writes in their own spelling, and an article in its outlet's: "Where were the
alliance's defence chiefs meeting?" shares no term with "NATO defense ministers ... gathered
in Brussels", and BM25 then ranks that sentence below ones that merely say "talks". So a
British word a question uses is also searched in its American form. The pairs come from
breame's list (Apache-2.0), not a hand-made word list.

Only this way round: the news collections here are mostly American, so a British form is a
rare word with a large idf. Searched for too, the British form of an American question's word
pulled in unrelated British articles ("rumored" also searched as "rumour") and cost MultiHop dev
recall (docs/EVALUATION.md, twenty-seventh pass).
"""

from __future__ import annotations

try:  # British spelling -> American
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS as _AMERICAN
except ImportError:  # an install without it still searches the words as written
    _AMERICAN = {}


def other_spelling(word: str) -> str:
    """The American spelling of a British word, to search too; "" otherwise (lower-case).

    >>> other_spelling("defence"), other_spelling("armour"), other_spelling("tyres")
    ('defense', 'armor', 'tires')
    >>> other_spelling("defense"), other_spelling("bakhmut")
    ('', '')
    """
    return _AMERICAN.get(word, "")
