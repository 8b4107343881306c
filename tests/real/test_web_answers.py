"""Issue #16 with the bundled models: a feed from the fictional news site is ingested and
asked about; answers cite the publisher's canonical URL, and nothing the page furniture said
(trending headlines, reader comments) reaches an answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.newssite import news_site
from rag.pipeline import Pipeline
from tests.fixtures.pipelines import make_settings

pytestmark = [pytest.mark.real, pytest.mark.server]


def test_the_bundled_models_answer_from_a_feed_and_never_from_its_furniture(real_pipeline: Pipeline, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, fake=False, fetch={"allow_private": True, "timeout_s": 1.0, "retries": 0})
    pipe = Pipeline(settings, embedder=real_pipeline.embedder, llm=real_pipeline.llm)
    with news_site() as site:
        pipe.ingest([f"{site.base}/feed.xml"])
        cost = pipe.ask("How much is the new harbor seawall going to cost?")
        assert "48 million" in cost.text and not cost.refused, cost.text
        assert {c.url for c in cost.citations} == {f"{site.base}/news/seawall.html"}
        readers = pipe.ask("What do readers say the seawall will cost in the end?")
        assert "200" not in readers.text, readers.text  # only a reader's comment said $200 million
        mayor = pipe.ask("Why did Mayor Alvarez resign?")  # only a trending headline said so
        assert mayor.refused, mayor.text
        rescue = pipe.ask("How many fishermen were rescued off Cape Lorne?")
        assert any(w in rescue.text.lower() for w in ("eleven", "11")), rescue.text
        assert [s.also for s in rescue.sources if "rescue" in s.url] == ["Bay Courier"]
