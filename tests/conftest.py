"""Shared fixtures: a network guard, fake and real pipelines, servers on loopback.

Two tiers. The fast tier uses deterministic fakes (word-hashing embedding, scripted LLM)
with a real Chroma folder. The real tier (marker `real`) uses the bundled models.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILE = next(SEEDS.glob("*.txt"))
OUTPUT = ROOT / "test-output"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
# Tests never read the developer's settings: every setting a test needs is explicit.
for _name in [k for k in os.environ if k.startswith("NEWSDESK_")]:
    del os.environ[_name]


# ------------------------------------------------------------------ network guard

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    pass


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect beyond loopback: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_loopback(address):
        raise NetworkBlocked(f"test tried to connect beyond loopback: {address!r}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in (None, "localhost") and not _is_loopback((host,)):
        raise NetworkBlocked(f"test tried to resolve a non-loopback host: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a connection beyond loopback (in this process)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)


# ------------------------------------------------------------------ settings and pipelines


def make_settings(tmp_path: Path, *, fake: bool = True, **overrides: object):  # type: ignore[no-untyped-def]
    from rag.config import _default_cache_dir, load_settings

    base: dict[str, object] = {
        "store": {"path": tmp_path / "store", "collection": "test"},
        "cache_dir": _default_cache_dir(),  # the assembled models are shared with the app
    }
    if fake:
        base["llm"] = {"provider": "fake"}
        base["embedding"] = {"provider": "fake"}
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            base[k] = {**base[k], **v}  # type: ignore[dict-item]
        else:
            base[k] = v
    return load_settings(env_file=None, **base)


@pytest.fixture
def fake_settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_settings(tmp_path)


@pytest.fixture
def fake_pipeline(fake_settings):  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    return Pipeline(fake_settings)


@pytest.fixture
def seeded_fake_pipeline(fake_pipeline):  # type: ignore[no-untyped-def]
    fake_pipeline.ingest([SEEDS])
    return fake_pipeline


@pytest.fixture(scope="session")
def real_pipeline(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The bundled models on the seed article (loaded once per test session)."""
    from rag.pipeline import Pipeline

    tmp = tmp_path_factory.mktemp("real")
    settings = make_settings(tmp, fake=False)
    pipe = Pipeline(settings)
    pipe.ingest([SEEDS])
    return pipe


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """A folder under test-output/ named for the test, for screenshots and reports."""
    path = OUTPUT / request.node.name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


PYTHON = sys.executable
