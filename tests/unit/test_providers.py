"""Providers: the local model's lock is never held by a consumer that went away."""

from __future__ import annotations

import gc
import threading
import time

from rag.providers.chat import LLMEvent, locked_stream


def _slow_events(n: int = 1000):  # type: ignore[no-untyped-def]
    for i in range(n):
        time.sleep(0.001)
        yield LLMEvent(text=f"t{i} ")
    yield LLMEvent(finish_reason="stop")


def _free_within(lock: threading.Lock, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lock.acquire(timeout=0.05):
            lock.release()
            return True
    return False


def test_a_whole_stream_arrives_in_order_and_frees_the_lock() -> None:
    lock = threading.Lock()
    got = list(locked_stream(lock, lambda: _slow_events(20)))
    assert [e.text for e in got[:-1]] == [f"t{i} " for i in range(20)] and got[-1].finish_reason == "stop"
    assert _free_within(lock, 1)


def test_a_consumer_that_drops_the_stream_frees_the_model() -> None:
    lock = threading.Lock()
    stream = locked_stream(lock, _slow_events)
    next(stream), next(stream)
    assert not lock.acquire(blocking=False)  # generating for this consumer
    del stream  # the consumer goes away without closing (a stopped answer, a closed tab)
    gc.collect()
    assert _free_within(lock, 2)


def test_a_consumer_that_stops_reading_frees_the_model_after_the_idle_limit() -> None:
    lock = threading.Lock()
    stream = locked_stream(lock, _slow_events, idle_s=0.5)
    next(stream)
    assert _free_within(lock, 3)  # still referenced, never read again
    assert stream is not None


def test_an_error_in_the_model_reaches_the_consumer_and_frees_the_lock() -> None:
    import pytest

    def broken():  # type: ignore[no-untyped-def]
        yield LLMEvent(text="a")
        raise RuntimeError("model crashed")

    lock = threading.Lock()
    with pytest.raises(RuntimeError, match="crashed"):
        list(locked_stream(lock, broken))
    assert _free_within(lock, 1)
