"""One writer per store folder: Chroma is thread-safe but not process-safe."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.config import StoreSettings
from rag.errors import StoreLocked


@contextmanager
def writer_lock(settings: StoreSettings) -> Iterator[None]:
    """One writer per store folder; a Chroma server serialises writers itself."""
    if settings.host:
        yield
        return
    from filelock import FileLock, Timeout

    folder = Path(settings.path)
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / "newsdesk-writer.lock"
    lock = FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise StoreLocked(
            f"another newsdesk process is writing to {folder} (lock {lock_path}). Wait for it to finish, "
            f"or use a Chroma server (NEWSDESK_STORE__HOST) for several writers."
        ) from None
    try:
        (folder / "newsdesk-writer.pid").write_text(str(os.getpid()))
        yield
    finally:
        lock.release()
