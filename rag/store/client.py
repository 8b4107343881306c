"""Connecting to Chroma: an embedded folder, or a server probed first with a bounded wait."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.config import StoreSettings
from rag.errors import StoreUnavailable


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _probe_server(host: str, port: int, timeout: float) -> None:
    """Fail fast and bounded when the server is down or hung (the client has no timeout)."""
    import httpx

    url = f"http://{host}:{port}/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=timeout).raise_for_status()
    except httpx.HTTPError as exc:
        raise StoreUnavailable(
            f"the Chroma server at {host}:{port} is not answering ({type(exc).__name__}); start it with "
            f"`chroma run --path DIR --host {host} --port {port}` or unset NEWSDESK_STORE__HOST to use a local folder"
        ) from None


def _bound_http_timeout(client: Any, seconds: float) -> None:
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds * 6, connect=seconds)


def connect(settings: StoreSettings) -> Any:
    """A Chroma client for the folder or server the settings name."""
    import chromadb

    try:
        if settings.host:
            _probe_server(settings.host, settings.port, settings.timeout_s)
            client = chromadb.HttpClient(host=settings.host, port=settings.port, settings=_chroma_settings())
            _bound_http_timeout(client, settings.timeout_s)
            return client
        Path(settings.path).mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.path), settings=_chroma_settings())
    except StoreUnavailable:
        raise
    except Exception as exc:
        where = f"{settings.host}:{settings.port}" if settings.host else str(settings.path)
        raise StoreUnavailable(f"cannot open the Chroma store at {where}: {exc}") from None


def reopen(settings: StoreSettings) -> Any:
    """A fresh embedded client: one that is already open keeps serving its own in-memory
    vector index and misses another process's writes (checked with chromadb 1.5.9: the
    new records are counted but never returned by a query). chromadb caches one system
    per folder, so the cached one is set aside (whoever holds it keeps using it)."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient._identifier_to_system.pop(str(settings.path), None)
    return chromadb.PersistentClient(path=str(settings.path), settings=_chroma_settings())
