"""Polite, safe HTTP fetching for feeds and pages.

Every request names Newsdesk, has a timeout and a size cap, obeys robots.txt, backs off on
429 and 5xx (tenacity), and asks only for what changed (ETag / Last-Modified, kept in a
small JSON file beside the store). No request goes to a private, loopback or link-local
address unless `fetch.allow_private` is set: each redirect hop is checked too (SSRF).
A failure is a `FetchError` whose message is the reason the summary table shows.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from rag.config import FetchSettings

MAX_REDIRECTS = 5


class FetchError(Exception):
    """A page or feed that could not be fetched; the message says why."""


class _Retryable(FetchError):
    """A 429 or 5xx: worth asking again after a pause."""


@dataclass
class Fetched:
    url: str  # where it was found, after redirects
    status: int
    body: bytes = b""
    content_type: str = ""
    not_modified: bool = False  # 304: unchanged since the last fetch

    def text(self) -> str:
        return self.body.decode(_charset(self.content_type), errors="replace")


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return "utf-8"


def check_address(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url[:80]}")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"host not found ({parts.hostname})") from exc
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise FetchError(f"refused: {parts.hostname} is a private or local address (set NEWSDESK_FETCH__ALLOW_PRIVATE=true to allow)")


class ValidatorCache:
    """ETag and Last-Modified per URL, written atomically (a killed run leaves the old file)."""

    def __init__(self, path: Path | None):
        self.path = path
        self.data: dict[str, dict[str, str]] = {}
        if path and path.is_file():
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self.data = {}  # a damaged cache only costs a full refetch

    def headers(self, url: str) -> dict[str, str]:
        kept = self.data.get(url, {})
        out = {"If-None-Match": kept["etag"]} if kept.get("etag") else {}
        if kept.get("last_modified"):
            out["If-Modified-Since"] = kept["last_modified"]
        return out

    def remember(self, url: str, response: httpx.Response) -> None:
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        if etag or modified:
            self.data[url] = {k: v for k, v in (("etag", etag), ("last_modified", modified)) if v}

    def save(self) -> None:
        if not self.path:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".fetch-cache-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.data, f)
        os.replace(tmp, self.path)


class Fetcher:
    """One polite client for a run of fetches (robots.txt is read once per site)."""

    def __init__(self, settings: FetchSettings, cache: ValidatorCache | None = None):
        self.settings = settings
        self.cache = cache or ValidatorCache(None)
        self.client = httpx.Client(timeout=settings.timeout_s, follow_redirects=False,
                                   headers={"User-Agent": settings.user_agent})  # fmt: skip
        self._robots: dict[str, RobotFileParser | None] = {}
        self._get = retry(retry=retry_if_exception_type(_Retryable), stop=stop_after_attempt(settings.retries + 1),
                          wait=wait_exponential(multiplier=0.5, max=8), reraise=True)(self._once)  # fmt: skip

    def close(self) -> None:
        self.client.close()
        self.cache.save()

    def get(self, url: str) -> Fetched:
        """Fetch `url` if it changed (following up to 5 redirects, each checked); raises FetchError."""
        if not self.allowed(url):
            raise FetchError("disallowed by the site's robots.txt")
        return self._get(url, True)  # type: ignore[no-any-return]

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            try:
                got = self._once(urljoin(site, "/robots.txt"), conditional=False)
                rules: RobotFileParser | None = RobotFileParser()
                rules.parse(got.text().splitlines())  # type: ignore[union-attr]
            except FetchError:
                rules = None  # no readable robots.txt: nothing is disallowed
            self._robots[site] = rules
        rules = self._robots[site]
        return rules is None or rules.can_fetch(self.settings.user_agent, url)

    def _once(self, url: str, conditional: bool) -> Fetched:
        for _ in range(MAX_REDIRECTS + 1):
            check_address(url, self.settings.allow_private)
            headers = self.cache.headers(url) if conditional else {}
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return self._read(url, response, conditional)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out after {self.settings.timeout_s:g} s") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"could not connect ({type(exc).__name__})") from exc
        raise FetchError(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")

    def _read(self, url: str, response: httpx.Response, conditional: bool) -> Fetched:
        if response.status_code == 304:
            return Fetched(url, 304, not_modified=True)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise FetchError(f"HTTP {response.status_code}")
        limit = int(self.settings.max_mb * 1024 * 1024)
        declared = int(response.headers.get("content-length") or 0)
        if declared > limit:
            raise FetchError(f"larger than {self.settings.max_mb:g} MB")
        body = bytearray()
        for piece in response.iter_bytes():
            body += piece
            if len(body) > limit:
                raise FetchError(f"larger than {self.settings.max_mb:g} MB")
        if conditional:
            self.cache.remember(url, response)
        return Fetched(url, response.status_code, bytes(body), response.headers.get("content-type", ""))
