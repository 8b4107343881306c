"""Safe HTML for the chat: model text is escaped whole, then our own citation links added.

The model's output is untrusted (it may echo an article's injected markdown). Escaping
HTML is not enough in a Markdown-rendering chatbot: `![x](http://host/img)` would still
render, so Markdown's syntax characters become numeric entities too. Only the `[n]`
markers we recognise become links, to anchors in the sources panel.
"""

from __future__ import annotations

import html
import re

from rag import Answer, Source
from ui.timeline import timeline_svg

_MD_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#!|<>~:"}
_ESCAPED_MARKER = re.compile(r"&#91;(\d{1,2})&#93;")


def escape_text(text: str) -> str:
    """Escape HTML and Markdown so the text renders literally.

    >>> escape_text('![x](http://evil/x.png) <script>')
    '&#33;&#91;x&#93;&#40;http&#58;//evil/x.png&#41; &#60;script&#62;'
    """
    out = []
    for ch in text:
        if ch in _MD_SPECIAL:
            out.append(_MD_SPECIAL[ch])
        elif ch in "&\"'":
            out.append(html.escape(ch, quote=True))
        else:
            out.append(ch)
    return "".join(out)


def answer_html(text: str, valid: dict[int, str]) -> str:
    """Escaped answer text with `[n]` markers turned into links to the sources panel, each
    named by its source's title for screen readers ({n: title} in `valid`)."""

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in valid:
            return ""
        label = html.escape(f"Source {n}: {valid[n]}", quote=True)
        # Read out by screen readers (the chat's sanitizer drops aria-label), hidden on screen.
        return f'<a class="cite" href="#src-{n}" title="{label}">[{n}]<span class="nd-sr"> {label}</span></a>'

    return _ESCAPED_MARKER.sub(link, escape_text(text)).replace("\n", "<br>")


def render_answer(answer: Answer) -> str:
    """The final, checked answer as shown in the chat."""
    if answer.refused:
        why = f"<br><small><em>{escape_text('Why: ' + answer.refusal_reason)}</em></small>" if answer.refusal_reason else ""
        return escape_text(answer.text) + why
    body = answer_html(answer.text, {c.n: c.title or "(untitled)" for c in answer.citations})
    notes = []
    if answer.removed:
        notes.append(f"{len(answer.removed)} sentence(s) removed: not supported by the cited articles")
    if answer.incomplete:
        notes.append("incomplete: the model's answer was cut off")
    if notes:
        body += "<br><small><em>" + escape_text("; ".join(notes)) + "</em></small>"
    return body


def _safe_url(url: str) -> str | None:
    return url if re.match(r"^https?://[^\s\"'<>]+$", url) else None


def _highlight(passage: str, quotes: list[str]) -> str:
    """The passage, escaped, with each quoted sentence wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for q in quotes:
        i = passage.find(q) if q else -1
        if i >= 0:
            spans.append((i, i + len(q)))
    spans.sort()
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(html.escape(passage[pos:s]))
        out.append(f"<mark>{html.escape(passage[s:e])}</mark>")
        pos = e
    out.append(html.escape(passage[pos:]))
    return "".join(out)


def sources_html(answer: Answer | None, sources: list[Source] | None = None) -> str:
    """The sources panel: every source the model read, cited ones first, quotes highlighted."""
    sources = sources if sources is not None else (answer.sources if answer else [])
    if not sources:
        return '<div class="nd-sources"><p>No sources yet. Ask a question about the articles.</p></div>'
    quotes: dict[int, list[str]] = {}
    if answer:
        for s in answer.sentences:
            if s.supported:
                for n, q in s.quotes.items():
                    quotes.setdefault(n, []).append(q)
        for c in answer.citations:
            quotes.setdefault(c.n, []).append(c.quote)
    cited = {c.n for c in answer.citations} if answer else set()
    parts = ['<div class="nd-sources">', timeline_svg(sources, answer)]
    for src in sorted(sources, key=lambda x: (x.n not in cited, x.n)):
        url = _safe_url(src.url)
        title = html.escape(src.title or "(untitled)")
        title_html = f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title
        meta = " · ".join(html.escape(x) for x in (src.outlet or "unknown outlet", src.published or "undated"))
        if src.also:  # a syndicated story, stored once: the other outlets that carried it
            meta += f" · also published by {html.escape(src.also)}"
        badge = "cited" if src.n in cited else "read, not cited"
        text = " ".join(src.sentences) if src.sentences else src.passage
        parts.append(
            f'<div class="nd-source" id="src-{src.n}"><div class="nd-head"><b>[{src.n}]</b> {title_html}</div>'
            f'<div class="nd-meta">{meta} · <span class="nd-badge">{badge}</span></div>'
            f'<div class="nd-passage">{_highlight(text, quotes.get(src.n, []))}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


CSS = """
.nd-sources { font-size: 0.92em; }
.nd-source { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px; }
.nd-source:target { outline: 2px solid var(--color-accent); }
.nd-meta { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 2px 0 6px; }
.nd-badge { font-style: italic; }
/* Highlights keep dark text in both themes: #111827 on #fde68a is 14:1 (WCAG AA needs 4.5:1). */
.nd-passage mark { background: #fde68a; color: #111827; padding: 0 2px; }
a.cite { text-decoration: none; font-weight: 600; }
.nd-sr { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
         white-space: nowrap; border: 0; padding: 0; }
a.cite:focus-visible, .nd-point:focus-visible { outline: 3px solid var(--color-accent); outline-offset: 2px; }
.nd-chip { display: inline-block; border: 1px solid var(--border-color-primary); border-radius: 10px;
           padding: 0 6px; margin: 0 2px; font-size: 0.85em; }
.nd-timeline { margin: 0 0 10px; }
.nd-timeline figcaption { font-size: 0.9em; color: var(--body-text-color-subdued); }
.nd-timeline svg { width: 100%; height: auto; font-size: 11px; max-width: 640px; }
.nd-lane { stroke: var(--border-color-primary); }
.nd-outlet, .nd-axis, .nd-num, .nd-newest { fill: var(--body-text-color); }
/* Blue-700 under white numbers: 6.7:1, readable in both themes. */
.nd-point circle { stroke: #1d4ed8; stroke-width: 2; fill: var(--background-fill-primary); }
.nd-point.cited circle { fill: #1d4ed8; }
.nd-point.cited .nd-num { fill: #ffffff; }
.nd-point .nd-ring { fill: none; stroke: #b91c1c; stroke-dasharray: 3 2; }
.nd-newest { font-weight: 600; }
"""
