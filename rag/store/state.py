"""A store's active generation of collections and its version stamp, kept in one record.

`ingest --rebuild` writes a new generation beside the active one and switches over only
when it is complete, so a typo'd path or a Ctrl-C never leaves an empty or half-built
index. The switch and every completed write record a new version; readers compare it per
question and so never serve a dropped collection or stale text.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from rag.errors import StoreUnavailable

log = logging.getLogger(__name__)

# Chroma wants an embedding on every record; records looked up by id and metadata only
# (articles, the state) carry this constant one-dimensional vector.
NO_VECTOR = [1.0]


def call(place: str, what: str, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Run a Chroma call; any failure becomes a StoreUnavailable that says what and where."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        raise StoreUnavailable(f"the {place} failed to {what}: {type(exc).__name__}: {exc}") from None


def collection_names(base: str, generation: int) -> tuple[str, str]:
    """(chunks, articles) collection names; generation 0 keeps the names stores had before
    generations existed. (Stores before the chunk index also had `_sentences`; a rebuild
    drops it with its generation.)"""
    stem = base if generation == 0 else f"{base}_g{generation}"
    return f"{stem}_chunks", f"{stem}_articles"


class StoreState:
    """The `<base>_state` collection: one record, {generation, version}."""

    def __init__(self, client: Any, base: str, where: str):
        self._client, self._base, self._where = client, base, where

    def _collection(self, create: bool) -> Any:
        name = f"{self._base}_state"
        if create:
            return self._client.get_or_create_collection(name, embedding_function=None)
        try:
            return self._client.get_collection(name, embedding_function=None)
        except Exception:  # absent: a store written before generations existed
            return None

    def read(self) -> tuple[int, str]:
        """(active generation, version); (0, "") before any record."""
        col = call(self._where, "read the store state", self._collection, False)
        if col is None:
            return 0, ""
        got = call(self._where, "read the store state", col.get, ids=["state"], include=["metadatas"])
        if not got["ids"]:
            return 0, ""
        meta = got["metadatas"][0] or {}
        return int(meta.get("generation", 0)), str(meta.get("version", ""))

    def write(self, generation: int) -> str:
        """Record `generation` as active with a new version; returns the version."""
        col = call(self._where, "write the store state", self._collection, True)
        version = uuid.uuid4().hex
        call(self._where, "write the store state", col.upsert, ids=["state"], embeddings=[NO_VECTOR],
             metadatas=[{"generation": generation, "version": version}])  # fmt: skip
        return version

    def drop_generations(self, keep: int, only: int | None = None) -> None:
        """Delete the collections of every generation but `keep` (or of `only`)."""
        pattern = re.compile(rf"^{re.escape(self._base)}(?:_g(\d+))?_(?:chunks|articles|sentences)$")
        listed = call(self._where, "list collections", self._client.list_collections)
        for name in (c if isinstance(c, str) else c.name for c in listed):
            m = pattern.match(name)
            gen = int(m.group(1) or 0) if m else keep
            if gen != keep and (only is None or gen == only):
                try:
                    self._client.delete_collection(name)
                except Exception:  # gone already
                    log.debug("collection %s was already gone", name)
