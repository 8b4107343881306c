"""LlamaIndex components around Newsdesk's own stages (thin adapters, not a rewrite onto
stock components: Newsdesk's retrieval is far ahead of the stock pipeline's, and stock
fusion and sentence optimisers would lose what it measures).

    from rag import Pipeline, load_settings
    from rag.llamaindex import NewsdeskRetriever
    from llama_index.core.query_engine import RetrieverQueryEngine
    engine = RetrieverQueryEngine.from_args(NewsdeskRetriever(Pipeline(load_settings())), llm=my_llm)

Nothing in `rag` imports this module: LlamaIndex's classes load only when it is used.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import date
from pathlib import Path
from threading import Thread
from typing import Any

from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.callbacks import CallbackManager
from llama_index.core.chat_engine.types import AgentChatResponse, BaseChatEngine, StreamingAgentChatResponse
from llama_index.core.llms import ChatMessage, ChatResponse, MessageRole
from llama_index.core.memory import ChatMemoryBuffer
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.readers.base import BaseReader
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import Document, NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores.types import FilterOperator, MetadataFilters

from rag.errors import InvalidQuestion
from rag.ingest.files import read_article_file
from rag.pipeline import Pipeline
from rag.retrieve.filters import Filters
from rag.types import Answer, Article, Source, Token

_OUTLET_KEYS = {"outlet", "source"}
_DATE_KEYS = {"published", "date", "published_at"}


def to_filters(filters: MetadataFilters | None) -> Filters:
    """LlamaIndex metadata filters on outlet (== or in) and publication date (>=, >, <=, <)."""
    out = Filters()
    for f in (filters.filters if filters else []):
        if isinstance(f, MetadataFilters):
            raise InvalidQuestion("nested metadata filters are not supported: give outlet and date filters at the top level")
        if f.key in _OUTLET_KEYS and f.operator in (FilterOperator.EQ, FilterOperator.IN):
            out.sources += [str(v) for v in (f.value if isinstance(f.value, list) else [f.value])]
        elif f.key in _DATE_KEYS and f.operator in (FilterOperator.GTE, FilterOperator.GT):
            out.since = date.fromisoformat(str(f.value)[:10])
        elif f.key in _DATE_KEYS and f.operator in (FilterOperator.LTE, FilterOperator.LT):
            out.until = date.fromisoformat(str(f.value)[:10])
        else:
            raise InvalidQuestion(f"unsupported filter {f.key} {f.operator.value}: filter on outlet (==, in) or published (>=, <=)")
    return out


def _metadata(meta: dict[str, Any]) -> dict[str, Any]:
    return {"title": meta.get("title", ""), "outlet": meta.get("source", ""), "url": meta.get("url", ""),
            "published": meta.get("published", ""), "doc_id": meta.get("doc_id", "")}  # fmt: skip


def source_node(src: Source) -> NodeWithScore:
    """A numbered source as the node LlamaIndex shows: the sentences the model read."""
    node = TextNode(text=src.text() or src.passage, id_=f"{src.doc_id}-source",
                    metadata={"n": src.n, "title": src.title, "outlet": src.outlet, "url": src.url,
                              "published": src.published, "doc_id": src.doc_id})  # fmt: skip
    return NodeWithScore(node=node, score=src.score)


def answer_metadata(answer: Answer) -> dict[str, Any]:
    """What a Newsdesk answer carries beyond its text: checked citations, refusal, removed
    sentences, sources that disagree, timings."""
    return {"answer": answer.text, "citations": [c.__dict__ for c in answer.citations], "refused": answer.refused,
            "refusal_reason": answer.refusal_reason, "removed": list(answer.removed), "conflicts": list(answer.conflicts),
            "incomplete": answer.incomplete, "timings": dict(answer.timings)}  # fmt: skip


def _cited(answer: Answer) -> list[NodeWithScore]:
    cited = {c.n for c in answer.citations}
    return [source_node(s) for s in answer.sources if s.n in cited]


class NewsdeskRetriever(BaseRetriever):
    """Newsdesk's hybrid retrieval as a LlamaIndex retriever: chunk nodes with title,
    outlet, url and published metadata, scored by the fused rank."""

    def __init__(self, pipeline: Pipeline, top_k: int | None = None, filters: MetadataFilters | None = None,
                 callback_manager: CallbackManager | None = None):  # fmt: skip
        super().__init__(callback_manager=callback_manager)
        self._pipeline, self._top_k, self._filters = pipeline, top_k or pipeline.settings.retrieval.top_k, filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        question, k = self._pipeline.validate(query_bundle.query_str, self._top_k)
        retrieval = self._pipeline.retrieve(question, k, to_filters(self._filters))
        return [NodeWithScore(node=TextNode(text=c.text, id_=c.id, metadata=_metadata(c.meta)), score=c.score)
                for c in retrieval.chunks[:k]]  # fmt: skip


class NewsdeskQueryEngine(CustomQueryEngine):
    """Checked, cited answers as a LlamaIndex query engine: `source_nodes` are the cited
    sources; `metadata` holds the checked citations, refusal and its reason, removed
    sentences and timings. Streaming yields the model's tokens; `source_nodes`, `metadata`
    and the checked text (`metadata["answer"]`) are filled in when the stream ends."""

    pipeline: Any
    streaming: bool = False
    filters: Any = None

    def custom_query(self, query_str: str) -> Response | StreamingResponse:  # type: ignore[override]
        filters = to_filters(self.filters)
        if not self.streaming:
            answer = self.pipeline.ask(query_str, filters=filters)
            return Response(response=answer.text, source_nodes=_cited(answer), metadata=answer_metadata(answer))
        response = StreamingResponse(response_gen=_no_tokens())  # replaced below: its tokens need the response
        response.response_gen = _tokens(self.pipeline.stream(query_str, filters=filters), response)
        return response


def _no_tokens() -> Generator[str, None, None]:
    yield from ()


def _tokens(events: Iterator[Any], response: StreamingResponse) -> Generator[str, None, None]:
    for ev in events:
        if isinstance(ev, Token):
            yield ev.text
        elif isinstance(ev, Answer):
            response.source_nodes, response.metadata = _cited(ev), answer_metadata(ev)


class NewsdeskChatEngine(BaseChatEngine):
    """A conversation over the articles: each answer is checked and cited, and follow-ups
    are resolved against the turn before (as in the chat UI)."""

    def __init__(self, pipeline: Pipeline, filters: MetadataFilters | None = None):
        self._pipeline, self._filters = pipeline, to_filters(filters)
        self._pairs: list[tuple[str, str]] = []
        self.last_answer: Answer | None = None

    def reset(self) -> None:
        self._pairs = []

    @property
    def chat_history(self) -> list[ChatMessage]:
        return [ChatMessage(role=role, content=text) for q, a in self._pairs
                for role, text in ((MessageRole.USER, q), (MessageRole.ASSISTANT, a))]  # fmt: skip

    def _history(self, chat_history: list[ChatMessage] | None) -> list[tuple[str, str]]:
        if chat_history is None:
            return self._pairs
        msgs = [m for m in chat_history if m.role in (MessageRole.USER, MessageRole.ASSISTANT)]
        return [(str(q.content), str(a.content)) for q, a in zip(msgs[::2], msgs[1::2], strict=False)]

    def chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        answer = self._pipeline.ask(message, history=self._history(chat_history), filters=self._filters)
        self._remember(message, answer)
        return AgentChatResponse(response=answer.text, source_nodes=_cited(answer), metadata=answer_metadata(answer))

    def stream_chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> StreamingAgentChatResponse:
        """Tokens as the model writes them (`response_gen`); when the stream ends, `response`
        is the checked answer and `source_nodes` its cited sources."""
        events = self._pipeline.stream(message, history=self._history(chat_history), filters=self._filters)
        response = StreamingAgentChatResponse()
        response.chat_stream = self._deltas(message, events, response)

        def checked() -> None:
            if self.last_answer is not None:
                response.response = self.last_answer.text

        Thread(target=response.write_response_to_history, args=(ChatMemoryBuffer.from_defaults(), checked),
               daemon=True).start()  # fmt: skip
        return response

    def _deltas(self, message: str, events: Iterator[Any], response: StreamingAgentChatResponse) -> Generator[ChatResponse, None, None]:
        text = ""
        for ev in events:
            if isinstance(ev, Token):
                text += ev.text
                yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=ev.text)
            elif isinstance(ev, Answer):
                self._remember(message, ev)
                response.source_nodes = _cited(ev)

    def _remember(self, message: str, answer: Answer) -> None:
        self.last_answer = answer
        self._pairs = [*self._pairs, (message, answer.text)][-3:]

    async def achat(self, message: str, chat_history: list[ChatMessage] | None = None) -> AgentChatResponse:
        return self.chat(message, chat_history)

    async def astream_chat(self, message: str, chat_history: list[ChatMessage] | None = None) -> StreamingAgentChatResponse:
        return self.stream_chat(message, chat_history)


class NewsArticleReader(BaseReader):
    """The article formats Newsdesk reads (.txt, .md, .html, .json, .jsonl) as Documents,
    with title, outlet, url, published and author metadata. A file that cannot be read
    gives no Document; `skipped` says why."""

    def __init__(self) -> None:
        self.skipped: list[tuple[str, str]] = []

    def load_data(self, file: str | Path, extra_info: dict[str, Any] | None = None) -> list[Document]:  # type: ignore[override]
        articles, skipped = read_article_file(Path(file))
        self.skipped += skipped
        return [Document(text=a.body, id_=a.doc_id, metadata={**article_metadata(a), **(extra_info or {})}) for a in articles]


def article_metadata(a: Article) -> dict[str, Any]:
    return {"title": a.title, "outlet": a.source, "url": a.url, "published": a.published_iso, "author": a.author}



