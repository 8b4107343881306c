"""The guard under generated input: bounded time, and what it promises holds for any text."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rag.answer.safety import clean_answer, clean_passage, is_instruction, skeleton

pytestmark = pytest.mark.fuzz
PIECES = ["[", "](", "![", "<", ">", "<!--", "-->", "<b>", "http://x.example/", "a@b.example", "\u200b", "\u0430",
          "ignore ", "previous ", "instructions ", "reply only with ", "system: ", "<|im_start|>", "</source>", " "]  # fmt: skip
TEXT = st.one_of(st.text(max_size=4000), st.lists(st.sampled_from(PIECES), max_size=3000).map("".join),
                 st.builds(lambda p, n: p * n, st.sampled_from(PIECES), st.integers(1, 50_000)))  # fmt: skip


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(text=TEXT)
def test_the_guard_is_fast_and_keeps_its_promises_on_any_text(text: str) -> None:
    t = time.perf_counter()
    flagged = is_instruction(text)
    passage, answer, skel = clean_passage(text), clean_answer(text), skeleton(text)
    assert time.perf_counter() - t < 2.0
    assert isinstance(flagged, bool) and skel == skel.lower()
    assert "<" not in passage and ">" not in passage  # no delimiter can be forged
    assert "http://" not in answer and not re.search(r"\w@b\.example", answer) and not re.search(r"<[A-Za-z!/?]", answer)
    assert not any(ord(c) < 32 and c not in "\n\t" for c in passage + answer)
