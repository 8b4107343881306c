"""Poisoned articles against the bundled model."""

from __future__ import annotations

import re

import pytest

from rag.pipeline import Pipeline
from tests.fixtures.paths import DATA
from tests.fixtures.pipelines import make_settings
from tests.integration.test_injection import ATTACKS
from ui.render import render_answer

POISONED = DATA / "poisoned"


@pytest.mark.real
@pytest.mark.parametrize(("question", "attack", "fact"), ATTACKS)
def test_no_injection_succeeds_with_the_bundled_model(real_pipeline, tmp_path, question, attack, fact) -> None:  # type: ignore[no-untyped-def]
    pipe = Pipeline(make_settings(tmp_path, fake=False), embedder=real_pipeline.embedder, llm=real_pipeline.llm)
    pipe.ingest([POISONED])
    ans = pipe.ask(question)
    assert not re.search(attack, ans.text, re.I), ans.text
    assert not re.search(attack, render_answer(ans), re.I)
    assert all(c.n in {s.n for s in ans.sources} for c in ans.citations)
