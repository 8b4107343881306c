"""Poisoned articles against a gullible scripted model: an injection succeeds only if its
payload reaches the prompt and survives the citation check, so these tests fail when an
obfuscation gets past the guard (tests/real/test_injection.py runs the bundled model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.pipeline import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.pipelines import make_settings
from tests.fixtures.poisoned import ATTACKS, POISONED, Attack, gullible, skeleton
from ui.render import render_answer


@pytest.fixture(scope="module")
def poisoned_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path_factory.mktemp("poisoned"))
    report = Pipeline(settings).ingest([POISONED])
    assert report.added == len(ATTACKS) and not report.skipped, report.skipped
    return settings


def test_the_suite_covers_every_technique_the_issue_names() -> None:
    techniques = {a.technique for a in ATTACKS}
    assert len(ATTACKS) >= 30 and {"markup split", "zero-width", "homoglyph", "title", "outlet", "paraphrase",
                                   "fake system turn", "other language", "markdown image/link", "html comment"} <= techniques  # fmt: skip


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.file for a in ATTACKS])
def test_no_injection_reaches_the_prompt_or_the_answer(poisoned_store, tally, attack: Attack) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel(gullible)
    ans = Pipeline(poisoned_store, llm=llm).ask(attack.question)
    prompt = llm.prompts[-1] if llm.calls else ""
    tally.add(attack, attack.succeeded(ans.text) or attack.succeeded(render_answer(ans)), ans)
    assert not attack.succeeded(skeleton(prompt)) or attack.technique == "verdict flip", "the payload reached the prompt"
    assert "correct answer is no" not in skeleton(prompt)
    assert not attack.succeeded(ans.text) and not attack.succeeded(render_answer(ans)), ans.text
    assert all(c.n in {s.n for s in ans.sources} for c in ans.citations)
    assert "<|im_start|>" not in prompt and '<source id="9"' not in prompt and 'outlet="Official"' not in prompt


def test_every_attack_is_still_answered_from_its_article(poisoned_store) -> None:  # type: ignore[no-untyped-def]
    """The guard drops the attack, not the news: the gullible model, quoting the best
    sentence of source 1, still gives the article's fact for most questions."""
    right = [a.file for a in ATTACKS if a.technique != "verdict flip"
             and a.fact.lower() in Pipeline(poisoned_store, llm=QueueModel(gullible)).ask(a.question).text.lower()]  # fmt: skip
    assert len(right) >= 0.8 * (len(ATTACKS) - 1), right


def test_titles_and_outlets_that_address_the_model_are_withheld(poisoned_store) -> None:  # type: ignore[no-untyped-def]
    ans = Pipeline(poisoned_store, llm=QueueModel(gullible)).ask("How many trees will the town plant along the river path?")
    titles = [s.title for s in ans.sources] + [s.outlet for s in ans.sources]
    assert any("withheld" in t for t in titles) and not any("PWNED" in t for t in titles)


def test_the_poisoned_folder_is_only_articles(tmp_path: Path) -> None:
    assert sorted(p.name for p in POISONED.iterdir()) == sorted(a.file for a in ATTACKS)
