"""The public API's edges: questions validated before any model call, parameters clamped,
library faults wrapped in documented types."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import InvalidQuestion, NewsdeskError, query
from rag.config import MAX_TOP_K
from rag.errors import ModelUnavailable
from rag.pipeline import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.paths import SEEDS
from tests.fixtures.pipelines import make_settings


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000, None, 42])
def test_bad_questions_are_rejected_before_any_model_call(seeded_with, bad: object) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel()
    with pytest.raises(InvalidQuestion):
        seeded_with(llm).ask(bad)
    assert llm.calls == []


def test_top_k_and_temperature_are_clamped(seeded_fake_pipeline: Pipeline) -> None:
    ans = seeded_fake_pipeline.ask("Bakhmut settlements bombarded?", top_k=10_000, temperature=99)
    assert len(ans.sources) <= MAX_TOP_K
    assert seeded_fake_pipeline.validate("q", -5)[1] == 1
    assert seeded_fake_pipeline.validate("q", 10_000)[1] == MAX_TOP_K


def test_query_wraps_library_faults_in_a_documented_type(seeded_fake_pipeline: Pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyError("internal")

    monkeypatch.setattr(seeded_fake_pipeline, "retrieve", boom)
    with pytest.raises(NewsdeskError, match="internal error: KeyError"):
        query("How many settlements near Bakhmut were bombarded?", pipeline=seeded_fake_pipeline)


def test_local_model_that_cannot_load_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 1000)
    pipe = Pipeline(make_settings(tmp_path, llm={"provider": "local", "model": str(bad)}))
    pipe.ingest([SEEDS])
    with pytest.raises(ModelUnavailable, match="could not be loaded"):
        pipe.ask("How many settlements near Bakhmut were bombarded?")
    with pytest.raises(ModelUnavailable, match="neither a bundled model"):
        Pipeline(make_settings(tmp_path, llm={"provider": "local", "model": "no-such-model"})).llm  # noqa: B018


def test_nothing_retrieved_says_what_the_person_can_change(tmp_path: Path, seeded_with) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from rag.retrieve.filters import Filters

    empty = Pipeline(make_settings(tmp_path / "empty")).ask("How many settlements near Bakhmut were bombarded?")
    assert empty.refused and empty.refusal_reason.startswith("no article has been ingested yet"), empty.refusal_reason
    llm = QueueModel()
    later = seeded_with(llm).ask("How many settlements near Bakhmut were bombarded?", filters=Filters(since=date(2031, 1, 1)))
    assert later.refused and later.refusal_reason == "no article matches the filters (outlet, dates)"
    assert llm.calls == []
