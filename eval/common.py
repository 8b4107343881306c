"""What `run`, `calibrate` and `bench` share: where results go, the eval store settings,
seeded samples, and the machine description every report carries."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

from eval.golden import GoldenItem, GoldenSet
from rag import IngestReport, Pipeline, StoreLocked
from rag.config import PROJECT_ROOT, EmbeddingSettings, Settings
from rag.store.layout import INDEX_FORMAT

RESULTS = Path(__file__).resolve().parent / "results"
# How long an eval waits for another eval writing the same shared store: a cached corpus
# holds the lock for seconds, the MultiHop corpus ingested afresh for minutes on 2 cores.
LOCK_WAIT_S = 1800


def eval_settings(base: Settings, gs: GoldenSet, overrides: dict[str, Any]) -> Settings:
    """The product settings, with the eval store of the set's corpus: one per corpus,
    embedding and chunking, shared by every set over the same articles, so that
    `--set multihop-dev` and `--set followups-multihop` ingest the MultiHop corpus once."""
    data = base.model_dump()
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    emb = EmbeddingSettings.model_validate(data["embedding"]).label()
    chunk = f"{data['chunking']['chunk_tokens']}-{data['chunking']['chunk_overlap']}"
    key = hashlib.sha1(f"{gs.corpus_key}|{emb}|{chunk}|{INDEX_FORMAT}".encode()).hexdigest()[:10]
    data["store"]["path"] = PROJECT_ROOT / ".newsdesk" / "eval" / f"corpus-{key}"
    data["store"]["host"] = None
    data["store"]["collection"] = "eval"
    return Settings.model_validate(data)


def ingest_shared(pipe: Pipeline, gs: GoldenSet, say: Callable[[str], None] = print,
                  wait_s: float = LOCK_WAIT_S) -> IngestReport:  # fmt: skip
    """Ingest the set's articles into its eval store (a no-op when cached). The store is
    shared by every set over those articles, so two evals started together meet at its
    writer lock: the second waits for the first instead of failing."""
    def waiting(_: Any) -> None:
        say(f"another process is writing to {pipe.settings.store.path}; waiting for it (up to {wait_s:.0f} s)")

    for attempt in Retrying(retry=retry_if_exception_type(StoreLocked), wait=wait_fixed(2),
                            stop=stop_after_delay(wait_s), reraise=True, before_sleep=waiting):  # fmt: skip
        with attempt:
            return pipe.ingest(gs.corpus)
    raise AssertionError("unreachable: Retrying returns or re-raises")


def sample(items: list[GoldenItem], limit: int | None, seed: int) -> list[GoldenItem]:
    """A seeded sample that keeps the mix of answerable and unanswerable questions."""
    if not limit or limit >= len(items):
        return items
    rng = random.Random(seed)
    pos = [i for i in items if i.answerable]
    neg = [i for i in items if not i.answerable]
    n_neg = round(limit * len(neg) / len(items)) if neg else 0
    if neg and n_neg == 0:
        n_neg = 1
    picked = rng.sample(pos, min(len(pos), limit - n_neg)) + rng.sample(neg, min(len(neg), n_neg))
    order = {it.id: i for i, it in enumerate(items)}
    return sorted(picked, key=lambda it: order[it.id])


def cpu_flags() -> str:
    """The SIMD level that decides model speed here: "AVX-512", "AVX2" or "no AVX2"."""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return "unknown"
    return "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"


def llama_simd() -> str:
    """The SIMD level the installed llama.cpp was built for, which can be below the CPU's (an
    AVX2-only build measures an AVX2 machine's speed on an AVX-512 one)."""
    try:
        import llama_cpp

        info = llama_cpp.llama_print_system_info().decode()
    except Exception:  # not installed or not loadable: nothing to report
        return "unknown"
    return "AVX-512" if "AVX512 = 1" in info else "AVX2" if "AVX2 = 1" in info else "no AVX2"


def machine() -> str:
    import os
    import platform

    import psutil

    cpu = f"{platform.machine()} {os.cpu_count()} cores ({cpu_flags()}; llama.cpp built for {llama_simd()})"
    return f"{cpu}, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.platform(terse=True)}"



def free_port() -> int:
    """A free TCP port on loopback (for the servers the benchmarks start)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
