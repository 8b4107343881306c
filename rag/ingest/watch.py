"""`newsdesk watch FEED... --every 30m`: re-poll feeds and pages, ingesting only what is new
or changed. Each poll is the ordinary idempotent ingest (one writer at a time, conditional
requests), so a poll killed midway leaves the store as a finished one would or as it was,
and the next poll fetches what it had not stored."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

from rag.errors import NewsdeskError
from rag.ingest.indexer import IngestReport

log = logging.getLogger("newsdesk.watch")


def interval_seconds(text: str) -> float:
    """'30m' -> 1800.0; '45s', '2h', or plain seconds.

    >>> interval_seconds("30m"), interval_seconds("1.5h"), interval_seconds("20")
    (1800.0, 5400.0, 20.0)
    """
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text or "")
    if not m or float(m[1]) <= 0:
        raise ValueError(f"--every must look like 45s, 30m or 2h, not {text!r}")
    return float(m[1]) * {"": 1, "s": 1, "m": 60, "h": 3600}[m[2]]


def poll(ingest: Callable[[], IngestReport], every_s: float, stop: threading.Event,
         on_report: Callable[[IngestReport | None, str], None]) -> int:  # fmt: skip
    """Ingest now and then every `every_s` seconds until `stop` is set; returns the polls
    made. A failed poll (store or network down) is reported and the next one tried."""
    polls = 0
    while not stop.is_set():
        try:
            on_report(ingest(), "")
        except NewsdeskError as exc:
            log.warning("poll failed: %s", exc)
            on_report(None, str(exc))
        polls += 1
        stop.wait(every_s)
    return polls
