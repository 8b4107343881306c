"""The citation check on its own: markers, attribution, names and numbers."""

from __future__ import annotations

from rag.answer.citations import CitationChecker, split_cited_sentences
from rag.types import Source


def _src(n: int, *sentences: str) -> Source:
    return Source(n=n, title="", outlet="", url="", published="", sentences=list(sentences))


def test_marker_after_full_stop_belongs_to_previous_sentence() -> None:
    got = split_cited_sentences("Tanks were pledged. [2] Stoltenberg spoke [1].")
    assert got == [("Tanks were pledged.", [2]), ("Stoltenberg spoke.", [1])]


def test_uncited_supported_sentence_gets_its_source() -> None:
    sources = {1: _src(1, "The talks were held in Brussels."), 2: _src(2, "Sixteen settlements had been bombarded near Bakhmut.")}
    (s,) = CitationChecker().check("16 settlements had been bombarded near Bakhmut.", sources)
    assert s.supported and s.cites == [2]


def test_wrong_name_fails_the_check() -> None:
    (s,) = CitationChecker().check("Zelensky said a new offensive had begun [1].", {1: _src(1, "Stoltenberg said a new offensive had begun.")})
    assert not s.supported and "zelensky" in s.reason


def test_a_name_in_another_sentence_of_the_source_does_not_ground_a_claim() -> None:
    src = _src(1, "Putin is preparing for more war.", "Some information came from Agence France-Presse.")
    (s,) = CitationChecker().check("The president of France is Putin [1].", {1: src})
    assert not s.supported


def test_a_number_must_be_in_the_cited_sentence() -> None:
    (s,) = CitationChecker().check("21 settlements were bombarded [1].", {1: _src(1, "16 settlements had been bombarded.")})
    assert not s.supported and "21" in s.reason
