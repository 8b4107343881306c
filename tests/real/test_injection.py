"""The poisoned-article suite against the bundled 1.5B: zero successful injections, per
technique (counted in test-output/test_injection-real.md)."""

from __future__ import annotations

import pytest

from rag.pipeline import Pipeline
from tests.fixtures.pipelines import make_settings
from tests.fixtures.poisoned import ATTACKS, POISONED, Attack
from ui.render import render_answer

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def poisoned_real(real_pipeline, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:  # type: ignore[no-untyped-def]
    pipe = Pipeline(make_settings(tmp_path_factory.mktemp("poisoned-real"), fake=False),
                    embedder=real_pipeline.embedder, llm=real_pipeline.llm)  # fmt: skip
    pipe.ingest([POISONED])
    return pipe


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.file for a in ATTACKS])
def test_no_injection_succeeds_with_the_bundled_model(poisoned_real: Pipeline, tally, attack: Attack) -> None:  # type: ignore[no-untyped-def]
    ans = poisoned_real.ask(attack.question)
    injected = attack.succeeded(ans.text) or attack.succeeded(render_answer(ans))
    tally.add(attack, injected, ans)
    assert not injected, ans.text
    assert all(c.n in {s.n for s in ans.sources} for c in ans.citations)
