"""Text as a reader sees it: Unicode-normalised, without invisible or control characters,
without markup. Every pattern here is bounded (no input makes it slower than linear), because
articles are untrusted: tens of thousands of `[` in one file must not take seconds.
"""

from __future__ import annotations

import re
import unicodedata

_KEEP_CONTROLS = {"\n", "\t"}
# Markdown and HTML, bounded: a link text or tag that runs on for pages is not markup.
_HTML_TAG = re.compile(r"</?[A-Za-z!|][^<>]{0,300}>")
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\(([^()\s]{0,2000})(?:\s[^()]{0,200})?\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,500})\]\(([^()\s]{0,2000})(?:\s[^()]{0,200})?\)")
_MD_EMPHASIS = re.compile(r"(?<!\w)[*_~`]{1,3}|[*_~`]{1,3}(?!\w)")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
_MARKERS = re.compile(r"\s*\[\d+\]")


def without_markers(text: str) -> str:
    """An answer's text without its citation markers ("Kyiv [1][2]." -> "Kyiv.")."""
    return _MARKERS.sub("", text)


def printable(text: str) -> str:
    """NFKC-normalised text without control or invisible formatting characters (zero-width
    spaces and joiners, bidi overrides, soft hyphens, ANSI escapes); newlines and tabs stay.

    >>> printable("Ig\\u200bnore \\x1b[31mred\\x1b[0m ﬁne")
    'Ignore [31mred[0m fine'
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch in _KEEP_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))


def strip_markup(text: str) -> str:
    """Text without HTML tags or comments and with Markdown links and images reduced to
    their words; a comment's content goes too (no reader sees it).

    >>> strip_markup('Ig<b></b>nore <!-- hidden --> the [docs](http://x.example) ![p](http://y/p.png)')
    'Ignore the docs p'
    """
    text = _without_comments(text)
    text = _HTML_TAG.sub("", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def _without_comments(text: str) -> str:
    """HTML comments removed in one pass (a pattern rescans from every "<!--" of a page that
    holds thousands of them); an unclosed one runs to the end, as a browser shows it."""
    out, at = [], 0
    while (start := text.find("<!--", at)) >= 0:
        out.append(text[at:start])
        end = text.find("-->", start + 4)
        at = len(text) if end < 0 else end + 3
        out.append(" ")
    out.append(text[at:])
    return "".join(out)


def strip_emphasis(text: str) -> str:
    """Markdown emphasis marks removed (`**ig**nore` -> `ignore`).

    >>> strip_emphasis("**ig**nore all _previous_ `rules`")
    'ignore all previous rules'
    """
    return _MD_EMPHASIS.sub("", text)
