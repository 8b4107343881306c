"""The LlamaIndex adapters over a fake pipeline: a retriever with filters, query and chat
engines that carry checked citations, a reader, Documents ingested directly."""

from __future__ import annotations

from pathlib import Path

import pytest
from llama_index.core import Document
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters

from rag import InvalidQuestion, Pipeline
from rag.llamaindex import NewsArticleReader, NewsdeskChatEngine, NewsdeskQueryEngine, NewsdeskRetriever
from tests.fixtures.paths import SEED_FILE

Q = "How many settlements near Bakhmut were bombarded?"


def _two_outlets(pipe: Pipeline) -> None:
    pipe.ingest_documents([
        Document(text="The dock workers strike entered its third week, union leaders said on Friday.", id_="a",
                 metadata={"title": "Strike, week 3", "outlet": "Wire", "published": "2023-09-01", "url": "https://w.example/a"}),
        Document(text="The dock workers strike entered its seventh week, union leaders said on Monday.", id_="b",
                 metadata={"title": "Strike, week 7", "outlet": "Daily", "published": "2023-11-20", "url": "https://d.example/b"}),
    ])  # fmt: skip


def test_the_retriever_returns_chunk_nodes_with_metadata_and_scores(seeded_fake_pipeline: Pipeline) -> None:
    nodes = NewsdeskRetriever(seeded_fake_pipeline, top_k=2).retrieve(Q)
    assert nodes and len(nodes) <= 2 and nodes[0].score and nodes[0].score > 0
    meta = nodes[0].node.metadata
    assert meta["published"] == "2023-02-14" and meta["title"].startswith("NATO") and "bombarded" in nodes[0].node.get_content()


def test_the_retriever_takes_outlet_and_date_filters(fake_pipeline: Pipeline) -> None:
    _two_outlets(fake_pipeline)
    only_wire = MetadataFilters(filters=[MetadataFilter(key="outlet", value="Wire", operator=FilterOperator.EQ)])
    assert {n.node.metadata["outlet"] for n in NewsdeskRetriever(fake_pipeline, filters=only_wire).retrieve("dock strike")} == {"Wire"}
    after = MetadataFilters(filters=[MetadataFilter(key="published", value="2023-10-01", operator=FilterOperator.GTE)])
    assert {n.node.metadata["outlet"] for n in NewsdeskRetriever(fake_pipeline, filters=after).retrieve("dock strike")} == {"Daily"}
    with pytest.raises(InvalidQuestion, match="unsupported filter"):
        bad = MetadataFilters(filters=[MetadataFilter(key="author", value="x", operator=FilterOperator.EQ)])
        NewsdeskRetriever(fake_pipeline, filters=bad).retrieve("dock strike")


def test_the_query_engine_returns_cited_sources_and_the_check(seeded_fake_pipeline: Pipeline) -> None:
    response = NewsdeskQueryEngine(pipeline=seeded_fake_pipeline).query(Q)
    assert response.source_nodes and response.metadata and response.metadata["citations"]
    assert response.metadata["refused"] is False and "timings" in response.metadata
    assert {n.node.metadata["n"] for n in response.source_nodes} == {c["n"] for c in response.metadata["citations"]}


def test_streaming_fills_in_the_check_when_the_stream_ends(seeded_fake_pipeline: Pipeline) -> None:
    response = NewsdeskQueryEngine(pipeline=seeded_fake_pipeline, streaming=True).query(Q)
    tokens = list(response.response_gen)
    assert len(tokens) > 1 and response.source_nodes and response.metadata["answer"]


def test_the_chat_engine_follows_up(seeded_fake_pipeline: Pipeline) -> None:
    engine = NewsdeskChatEngine(seeded_fake_pipeline)
    first = engine.chat("How many settlements were bombarded during the new Russian offensive?")
    assert first.source_nodes and len(engine.chat_history) == 2
    second = engine.chat("What about Bakhmut?")
    assert "settlements" in (engine.last_answer.retrieval_query if engine.last_answer else "") and second.response
    streamed = engine.stream_chat("Who is the NATO Secretary General mentioned in the article?")
    assert "".join(streamed.response_gen) and len(engine.chat_history) == 6


def test_the_reader_and_documents_ingested_directly(fake_pipeline: Pipeline, tmp_path: Path) -> None:
    docs = NewsArticleReader().load_data(SEED_FILE)
    assert len(docs) == 1 and docs[0].metadata["published"] == "2023-02-14"
    first = fake_pipeline.ingest_documents(docs)
    again = fake_pipeline.ingest_documents(docs)
    assert first.added == 1 and again.unchanged == 1 and again.chunks_total == first.chunks_total
    answer = fake_pipeline.ask(Q)
    assert answer.citations and answer.citations[0].title.startswith("NATO Secretary General Jens Stoltenberg")


def test_the_readme_worked_example_runs_in_a_stock_query_engine(seeded_fake_pipeline: Pipeline) -> None:
    """README, 'From LlamaIndex': NewsdeskRetriever inside a stock RetrieverQueryEngine."""
    engine = RetrieverQueryEngine.from_args(NewsdeskRetriever(seeded_fake_pipeline, top_k=3), llm=MockLLM())
    response = engine.query(Q)
    assert response.source_nodes and all(n.node.metadata["url"] is not None for n in response.source_nodes)
