"""Typed settings, read from the environment and a `.env` file (prefix NEWSDESK_, nested
with `__`), every field described: `.env.example` is generated from these descriptions
(`newsdesk settings > .env.example`; a test keeps it current).

Settings are built by `load_settings()`, never at import time, so tests and callers can
hand the pipeline any profile they like. The `.env` file is read from the project root or
from the path in NEWSDESK_ENV_FILE, never from the working directory: a `.env` in an
untrusted folder must not redirect the model endpoint (and the API key with it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdesk"


def default_env_file() -> Path:
    """The `.env` read by default: NEWSDESK_ENV_FILE, else the project root's."""
    return Path(os.environ.get("NEWSDESK_ENV_FILE") or PROJECT_ROOT / ".env").expanduser()


# Per bundled model: the sources budgets (a larger one for a question of several clues, which
# needs a sentence for each and, if open, the one naming the answer), the Yes/No and NOT FOUND
# thresholds calibrated with `newsdesk eval calibrate`, and the stricter NOT FOUND threshold of
# a second look (how each was chosen, with the figures: docs/EVALUATION.md).
BUNDLED_TUNING: dict[str, dict[str, float]] = {
    "qwen2.5-coder-1.5b": {"context_tokens": 200, "multi_part_context_tokens": 300, "yes_no_threshold": 0.621,
                           "not_found_threshold": 0.08, "second_look_threshold": -1.5},
    "qwen2.5-coder-0.5b": {"context_tokens": 330, "yes_no_threshold": -1.28},
}
DEFAULT_CONTEXT_TOKENS = 450
MAX_TOP_K = 50  # the most sources a caller may ask for (clamped, never an error)


class EndpointSettings(BaseModel):
    """What a model provider needs, for the LLM and the embedding alike."""

    base_url: str | None = Field(None, description=(
        "provider=openai: the server, e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp)"))
    api_key: SecretStr | None = Field(None, description="provider=openai: the key; never logged or shown.")
    # An explicit timeout per attempt and a bounded number of retries: the openai SDK's
    # defaults (10 minutes, 2 retries) can block a user for half an hour.
    timeout_s: float = Field(60.0, gt=0, le=600, description="Seconds per attempt.")
    max_retries: int = Field(2, ge=0, le=5, description="Retries on 429/5xx/timeouts; 401 is never retried.")


class LLMSettings(EndpointSettings):
    provider: Literal["local", "openai", "fake"] = Field("local", description=(
        "local: a bundled GGUF run by llama-cpp-python; openai: any OpenAI-compatible server "
        "(OpenAI, Ollama, vLLM, llama.cpp); fake: a scripted model for the fast test tier."))
    model: str = Field("qwen2.5-coder-1.5b", description=(
        "local: qwen2.5-coder-1.5b, qwen2.5-coder-0.5b or a path to a .gguf; openai: the served model name."))
    n_ctx: int = Field(4096, ge=512, le=131072, description="The model's context window in tokens.")
    n_threads: int = Field(2, ge=1, le=256, description="CPU threads for the local model.")
    flash_attn: bool = Field(True, description="llama.cpp flash attention for the local model (faster prompt processing).")
    max_tokens: int = Field(160, ge=16, le=4096, description="Longest answer, in tokens.")
    temperature: float = Field(0.0, ge=0.0, le=2.0, description="Sampling temperature; 0 answers the same way every time.")
    stop_after_supported: bool = Field(True, description=(
        "Stop the model once its answer has a sentence the citation check keeps: what it would "
        "write next is seldom kept, and costs decoding time."))
    guard_opening: bool = Field(False, description=(
        "A local model's answer to who or which, asked on its own, may not begin with the question's words (a restatement, "
        "or a name it gives); the decoder takes its next choice. Off: it misspelt right names (EVALUATION, nineteenth pass)."))
    yes_no_threshold: float | None = Field(None, description=(
        "Yes/No questions, where the model's first-token odds are read: 'Yes' when log P(Yes) - log P(No) "
        "exceeds this. Empty: calibrated per bundled model (`newsdesk eval calibrate --model-judgement`), else 0."))
    yes_no_verdict: bool = Field(True, description="Decide Yes/No from the model's calibrated log-odds; false: it writes freely.")
    logprobs: bool = Field(False, description=(
        "openai: the server returns first-token logprobs (OpenAI, vLLM, llama.cpp and llama-cpp-python's "
        "servers), so the model's NOT FOUND judgement and Yes/No verdict are read as for the local model; "
        "calibrate them with `newsdesk eval calibrate --model-judgement`."))

    def odds_unread(self) -> bool:
        """An OpenAI-compatible server whose logprobs are not read: neither the model's NOT FOUND
        judgement nor its Yes/No verdict can be decided from its first-token odds."""
        return self.provider == "openai" and not self.logprobs

    def verdict_threshold(self) -> float | None:
        """The Yes/No threshold in force, or None when the verdict is off (also where the
        model's odds are not read)."""
        if not self.yes_no_verdict or self.odds_unread():
            return None
        if self.yes_no_threshold is not None:
            return self.yes_no_threshold
        return self.tuning().get("yes_no_threshold", 0.0)

    def tuning(self) -> dict[str, float]:
        """What was measured for this bundled model (empty for any other model)."""
        return BUNDLED_TUNING.get(self.model, {}) if self.provider == "local" else {}


class EmbeddingSettings(EndpointSettings):
    provider: Literal["local", "openai", "fake"] = Field("local", description=(
        "local: the bundled all-MiniLM-L6-v2; openai: any OpenAI-compatible server; fake: word hashing (tests)."))
    model: str = Field("all-MiniLM-L6-v2", description="local: the bundled model or a sentence-transformers folder; openai: a model name.")
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding request (local: about 32 sentences' worth of tokens).")
    backend: Literal["onnx", "torch"] = Field("onnx", description=(
        "local: onnxruntime (exported once from the bundled weights and cached; faster on CPU) or torch."))
    quantize: bool = Field(True, description="int8 weights for the local model (faster ingest; effect in docs/EVALUATION.md).")

    def label(self) -> str:
        """How reports name this embedding, e.g. "local:all-MiniLM-L6-v2@onnx-int8"."""
        if self.provider != "local":
            return f"{self.provider}:{self.model}"
        return f"local:{self.model}@{self.backend}{'-int8' if self.quantize else ''}"


class StoreSettings(BaseModel):
    path: Path = Field(PROJECT_ROOT / ".newsdesk" / "chroma", description="The Chroma folder (when no host is set).")
    host: str | None = Field(None, description="A Chroma server instead, e.g. 127.0.0.1 (`chroma run --path DIR --port 8000`).")
    port: int = Field(8000, ge=1, le=65535, description="The Chroma server's port.")
    collection: str = Field("newsdesk", description="Base name of the store's collections.")
    timeout_s: float = Field(5.0, gt=0, le=120, description="Seconds to wait for a Chroma server before reporting it unreachable.")
    index_path: Path | None = Field(None, description=(
        "The chunk index (BM25, chunk texts, sentence vectors). Default: <path>/chunk-index, or "
        "<path>/chunk-index-<host>-<port> with a server; every process using one server must see the same folder."))

    def index_root(self) -> Path:
        return self.index_path or self.path / ("chunk-index" + (f"-{self.host}-{self.port}" if self.host else ""))

    @field_validator("collection")
    @classmethod
    def _collection_name(cls, v: str) -> str:
        # Chroma needs 3-512 characters; we add suffixes, so keep room for them.
        if not 3 <= len(v) <= 200:
            raise ValueError("collection name must have 3 to 200 characters")
        return v


class ChunkingSettings(BaseModel):
    chunk_tokens: int = Field(256, ge=32, le=2048, description=(
        "Chunk size in cl100k tokens. Chunks are not embedded whole (their sentences are), so "
        "MiniLM's 256-word-piece limit does not bound them; 256 scored best on MultiHop dev."))
    chunk_overlap: int = Field(20, ge=0, le=512, description="Tokens of trailing sentences a chunk shares with the next.")
    min_sentence_words: int = Field(5, ge=1, le=50, description=(
        "A sentence shorter than this joins the one before it ('Getty Images.' alone costs a vector and says nothing)."))


class IngestSettings(BaseModel):
    max_removal_share: float = Field(0.5, ge=0.0, le=1.0, description=(
        "`ingest --sync`/`--rebuild` refuse to remove more than this share of articles without --force: a half-mounted folder must not empty the store."))
    embed_group_sentences: int = Field(1024, ge=32, le=100_000, description=(
        "Articles are embedded in groups of about this many sentences, so the model sees full batches even when articles are short."))


class RetrievalSettings(BaseModel):
    """Hybrid search; defaults chosen on the MultiHop-RAG development split (docs/EVALUATION.md)."""

    top_k: int = Field(6, ge=1, le=MAX_TOP_K, description="Chunks reported as 'the sources' of a retrieval.")
    hybrid: bool = Field(True, description="BM25 (tantivy) fused with dense search; false: dense only.")
    candidates: int = Field(50, ge=5, le=500, description="BM25 chunks before fusion.")
    dense_chunks: int = Field(50, ge=5, le=1000, description="Nearest chunks by vector; they and BM25's are ranked by their best sentence.")
    dense_pool: int = Field(500, ge=5, le=5000, description="Nearest chunks searched once per question; a search within an outlet or date keeps its own.")
    dense_weight: float = Field(0.2, ge=0.0, le=5.0, description="Weight of each dense list in rank fusion.")
    per_outlet: int = Field(10, ge=1, le=100, description="Extra hits searched within each outlet or date the question names.")
    rrf_k: int = Field(60, ge=1, le=1000, description="Reciprocal-rank-fusion constant.")
    max_chunks_per_article: int = Field(20, ge=1, le=100, description="Most chunks of one article among those retrieved.")
    context_chunks: int = Field(40, ge=1, le=200, description="The context stage selects sentences from this many top chunks.")
    context_tokens: int | None = Field(None, ge=50, le=8000, description=(
        "Tokens of sources the LLM reads: the main latency lever on a CPU. None: the budget measured for the bundled model in use (BUNDLED_TUNING), else 450."))
    multi_part_context_tokens: int | None = Field(None, ge=50, le=8000, description=(
        "Tokens of sources for an open question of multi_part_min clues or more ('Which company, covered by X and Y, "
        "did A, B and C?') or a Yes/No one of two. None: BUNDLED_TUNING's unless context_tokens is set, else context_tokens."))
    multi_part_min: int = Field(3, ge=2, le=20, description="Clues (parts split at its conjunctions) that make an open question multi-part.")
    max_named_outlets: int = Field(4, ge=0, le=20, description="Outlets named in a question that get a search of their own.")
    max_named_dates: int = Field(3, ge=0, le=20, description="Days named in a question that get a search of their own.")
    max_named_months: int = Field(2, ge=0, le=20, description="Months named in a question that get a search of their own.")
    date_weight: float = Field(0.5, ge=0.0, le=5.0, description="Weight of the searches within a named date window.")
    recency_share: float = Field(0.6, ge=0.0, le=1.0, description="'Latest' questions: chunks within this share of the best fused score go newest first.")
    name_candidates: int = Field(50, ge=5, le=1000, description=(
        "BM25 hits searched for a name the question gives; deep enough that a name present in the collection is found (checked on MultiHop)."))


class ContextSettings(BaseModel):
    """How the sentences the LLM reads are chosen; weights fitted on MultiHop dev."""

    lexical_weight: float = Field(1.0, ge=0.0, le=10.0, description="Weight of a sentence's BM25 score (normalised).")
    dense_weight: float = Field(1.0, ge=0.0, le=10.0, description="Weight of its cosine similarity to the question.")
    rank_weight: float = Field(0.3, ge=0.0, le=10.0, description="Weight of its chunk's rank prior 1/(1 + decay x rank).")
    rank_decay: float = Field(0.1, ge=0.0, le=10.0, description="How fast the rank prior falls with the chunk's rank.")
    outlet_weight: float = Field(0.8, ge=0.0, le=10.0, description="Boost for a sentence from an outlet the question names.")
    date_weight: float = Field(0.6, ge=0.0, le=10.0, description="Boost for a sentence from a day the question names (±1).")
    answer_type_weight: float = Field(0.3, ge=0.0, le=10.0, description=(
        "Boost for a sentence that holds the kind of answer asked for: a number for 'how many/old/much', a date for 'when'."))
    decompose: bool = Field(True, description="Take the best sentences for each part of a multi-part question first.")
    part_sentences: int = Field(2, ge=1, le=10, description="Sentences taken first for each part.")
    antecedents: bool = Field(True, description="For a question that asks for someone, a sentence saying 'he', 'she', "
                              "'his' or 'her' is read with the one before it (where the name often is), budget permitting.")
    evidence_tokens: int = Field(450, ge=50, le=8000, description=(
        "The evidence the refusal floor measures, whatever the prompt budget: the budget the "
        "floor was calibrated at, so a shorter (faster) prompt does not refuse more."))
    second_look_tokens: int = Field(200, ge=0, le=2000, description=(
        "When the model judges that the sources do not give the answer, it reads this many "
        "tokens of the next-best sentences after them and judges once more (0: off; see "
        "`refusal.second_look_threshold`)."))


class CheckSettings(BaseModel):
    """The deterministic citation check of every answer sentence."""

    support_threshold: float = Field(0.6, ge=0.0, le=1.0, description=(
        "Share of an answer sentence's content words (half weight) and of its new words (half "
        "weight) that must be in the sentence it cites."))
    similarity_rescue: float = Field(0.8, ge=0.0, le=1.0, description=(
        "A sentence under the threshold, with every name and number found, is kept when its "
        "embedding's cosine to the cited sentence reaches this."))
    restatement_share: float = Field(0.6, ge=0.0, le=1.0, description=(
        "'Google [1] <the question again>': the tail is set aside as a restatement when this "
        "share of its terms are the question's."))
    conflict_shared: float = Field(0.5, ge=0.0, le=1.0, description=(
        "Two sentences counting the same thing differently are the same event when the rival "
        "holds this share of the quote's other content words."))


class RefusalSettings(BaseModel):
    """When to say the articles do not cover a question (rag/answer/refusal.py)."""

    check_names: bool = Field(True, description=(
        "Refuse without calling the LLM when the question names a person, organisation or "
        "outlet that no ingested article mentions; the reason names it."))
    min_relevance: float | None = Field(None, ge=0.0, le=1.0, description=(
        "Refuse without calling the LLM when no retrieved sentence reaches this cosine similarity to the "
        "question (by meaning, so a reworded question is not refused). Empty: 0.40 (calibrated on dev) for a "
        "model that cannot judge the sources itself, and off where its judgement is in force (a far better "
        "signal, and short questions score low against long sentences)."))
    judge: bool = Field(True, description=(
        "A local model's own judgement that the sources do not give the answer refuses "
        "(read from its first-token probabilities before it writes anything)."))
    not_found_threshold: float | None = Field(None, ge=-20.0, le=20.0, description=(
        "Refuse when the log-odds of the model's 'NOT FOUND' reply exceed this. Empty: calibrated "
        "per bundled model (`newsdesk eval calibrate --refusal`); for other models the check is off."))
    second_look_threshold: float | None = Field(None, ge=-20.0, le=20.0, description=(
        "After a refusal by the model's judgement, it reads the next-best sentences too "
        "(`context.second_look_tokens`) and answers only when its 'NOT FOUND' log-odds are at most "
        "this. Empty: per bundled model (tuned on dev); for other models there is no second look."))
    declined_max_chars: int = Field(240, ge=0, le=10_000, description=(
        "A model answer shorter than this that says the sources lack the answer, with no citation, is a refusal."))


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Bind address; any other than loopback requires USERNAME and PASSWORD.")
    port: int = Field(7860, ge=0, le=65535, description="The chat UI's port.")
    username: str | None = Field(None, description="Login for the UI (required off loopback).")
    password: SecretStr | None = Field(None, description="Password for the UI; never logged or shown.")
    concurrency: int = Field(1, ge=1, le=16, description="Answers generated at once.")
    queue_size: int = Field(8, ge=1, le=1000, description="Waiting requests before a clear 'busy' answer.")
    max_upload_mb: int = Field(20, ge=1, le=1000, description="Largest article file the UI accepts.")


class FetchSettings(BaseModel):
    """Fetching feeds and pages (`newsdesk ingest URL`, `newsdesk watch`)."""

    allow_private: bool = Field(False, description="Fetch private, loopback and link-local addresses (off: no SSRF).")
    timeout_s: float = Field(15.0, gt=0, le=300, description="Seconds per request.")
    max_mb: float = Field(5.0, gt=0, le=500, description="Largest page or feed read; a larger one is skipped.")
    retries: int = Field(2, ge=0, le=5, description="Retries after a 429 or 5xx, backing off.")
    user_agent: str = Field("Newsdesk/0.1 (+https://github.com/newsdesk; offline-first news Q&A)", description="Sent with every request; robots.txt rules for it are obeyed.")


class ApiSettings(BaseModel):
    """`newsdesk serve`: the OpenAI-compatible HTTP API."""

    host: str = Field("127.0.0.1", description="Bind address; any other than loopback requires KEY.")
    port: int = Field(8080, ge=0, le=65535, description="The API's port.")
    key: SecretStr | None = Field(None, description="Bearer key clients must send (compared in constant time); never logged.")
    concurrency: int = Field(1, ge=1, le=16, description="Answers generated at once.")
    queue_size: int = Field(8, ge=0, le=1000, description="Requests waiting beyond that; past it: 429 with Retry-After.")
    max_request_kb: int = Field(256, ge=1, le=100_000, description="Largest chat request body.")
    max_upload_mb: int = Field(20, ge=1, le=1000, description="Largest body of POST /v1/articles.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSDESK_",
        env_nested_delimiter="__",
        env_file_encoding="utf-8",
        env_ignore_empty=True,  # "NEWSDESK_X=" means the default, as .env.example shows
        extra="ignore",
    )

    seeds_dir: Path = Field(PROJECT_ROOT / "seeds", description="Ingested by `newsdesk ui` when the store is empty.")
    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Assembled models, the ONNX graph, tiktoken's file.")
    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING or ERROR.")
    max_question_chars: int = Field(1000, ge=10, le=20000, description="Longer questions are refused before any model call.")
    llm: LLMSettings = LLMSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    ingest: IngestSettings = IngestSettings()
    fetch: FetchSettings = FetchSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    context: ContextSettings = ContextSettings()
    check: CheckSettings = CheckSettings()
    refusal: RefusalSettings = RefusalSettings()
    ui: UISettings = UISettings()
    api: ApiSettings = ApiSettings()
    multihop_dir: Path = Field(PROJECT_ROOT.parent / "shared" / "data" / "multihop-rag",
                               description="The MultiHop-RAG copy `newsdesk eval` reads.")  # fmt: skip


OFF_TOPIC_FLOOR = 0.40  # `newsdesk eval calibrate`, for models without the judgement


def refusal_settings(settings: Settings) -> RefusalSettings:
    """The refusal settings in force: the model-judgement threshold resolved for the model,
    and the off-topic floor only where that judgement is not in force (unless set)."""
    r = settings.refusal
    threshold = r.not_found_threshold if r.not_found_threshold is not None else settings.llm.tuning().get("not_found_threshold")
    if settings.llm.odds_unread():
        threshold = None  # the model's judgement is not read, so the floor stands in for it
    judged = r.judge and threshold is not None
    floor = r.min_relevance if r.min_relevance is not None else (0.0 if judged else OFF_TOPIC_FLOOR)
    second = r.second_look_threshold if r.second_look_threshold is not None else settings.llm.tuning().get("second_look_threshold")
    return r.model_copy(update={"not_found_threshold": threshold if r.judge else None, "min_relevance": floor,
                                "second_look_threshold": second if judged else None})  # fmt: skip


def context_budget(settings: Settings, *, multi_part: bool = False) -> int:
    """Tokens of sources the LLM reads (`multi_part`: a question of several clues)."""
    r, tuned = settings.retrieval, settings.llm.tuning()
    if multi_part and r.multi_part_context_tokens is not None:
        return r.multi_part_context_tokens
    if r.context_tokens is not None:
        return r.context_tokens
    if multi_part and "multi_part_context_tokens" in tuned:
        return int(tuned["multi_part_context_tokens"])
    return int(tuned.get("context_tokens", DEFAULT_CONTEXT_TOKENS))


def load_settings(env_file: str | Path | None | Literal["default"] = "default", **overrides: object) -> Settings:
    """Build settings from the environment, a `.env` file (by default the project root's,
    or NEWSDESK_ENV_FILE; None for none) and keyword overrides.

    >>> s = load_settings(env_file=None, llm={"provider": "fake"})
    >>> s.llm.provider
    'fake'
    """
    path = default_env_file() if env_file == "default" else env_file
    return Settings(_env_file=path, **overrides)  # type: ignore[call-arg, arg-type]  # overrides are checked by pydantic
