"""The story over time: the sources of an answer on a publication-date axis, one lane per
outlet, cited ones filled, reports that disagree ringed, the newest cited one labelled.

Drawn as inline SVG rather than with Gradio's native plot: that plot can only brush an
x-range, so a click on a point cannot open its source, and its points cannot be reached
with the keyboard. Here every point is a link to its source in the panel beside it, with
an ARIA label, and nothing is fetched from anywhere.
"""

from __future__ import annotations

import html
import re
from datetime import date

from rag import Answer, Source

WIDTH, LANE, LEFT, RIGHT, TOP = 420, 30, 96, 24, 18


def _day(published: str) -> date | None:
    try:
        return date.fromisoformat(published[:10]) if published else None
    except ValueError:
        return None


def _x(day: date, first: date, last: date) -> float:
    span = (last - first).days
    if span == 0:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT)


def disagreeing(answer: Answer | None) -> set[int]:
    """Numbers of the sources named in the answer's "Sources disagree" notes."""
    found: set[int] = set()
    for note in answer.conflicts if answer else []:
        found.update(int(n) for n in re.findall(r"\[(\d+)\]", note))
    return found


def _point(s: Source, day: date, x: float, y: float, state: str, newest: bool) -> str:
    label = f"Source {s.n}: {s.title or '(untitled)'}, {s.outlet or 'unknown outlet'}, {day}, {state}"
    ring = '<circle r="10" class="nd-ring"/>' if "disagrees" in state else ""
    tag = '<text x="9" y="-9" class="nd-newest">newest</text>' if newest else ""
    kind = "cited" if state.startswith("cited") else "read"
    return (f'<a href="#src-{s.n}" class="nd-point {kind}" data-n="{s.n}" data-date="{day}" '
            f'aria-label="{html.escape(label)}" transform="translate({x:.1f},{y:.1f})">'
            f"<title>{html.escape(label)}</title>{ring}<circle r=\"6\"/>"
            f'<text y="4" text-anchor="middle" class="nd-num">{s.n}</text>{tag}</a>')  # fmt: skip


def timeline_svg(sources: list[Source], answer: Answer | None = None) -> str:
    """The timeline as an SVG figure, or "" when no source has a date."""
    dated = [(s, d) for s in sources if (d := _day(s.published))]
    if not dated:
        return ""
    cited = {c.n for c in answer.citations} if answer else set()
    conflicts = disagreeing(answer)
    outlets = sorted({s.outlet or "unknown outlet" for s, _ in dated})
    first, last = min(d for _, d in dated), max(d for _, d in dated)
    newest = max((d for s, d in dated if s.n in cited), default=None)
    height = TOP + LANE * len(outlets) + 28
    parts = [f'<figure class="nd-timeline"><figcaption>Sources by publication date: filled = cited, hollow = read, not cited, '
             f'red ring = reports that disagree</figcaption>'
             f'<svg viewBox="0 0 {WIDTH} {height}" role="group" aria-label="Timeline of the sources">']  # fmt: skip
    for i, outlet in enumerate(outlets):
        y = TOP + LANE * i + LANE / 2
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" class="nd-lane"/>'
                     f'<text x="{LEFT - 10}" y="{y + 4}" text-anchor="end" class="nd-outlet">'
                     f"{html.escape(outlet[:14])}</text>")  # fmt: skip
    axis_y = TOP + LANE * len(outlets) + 16
    if last == first:
        parts.append(f'<text x="{_x(first, first, last)}" y="{axis_y}" text-anchor="middle" class="nd-axis">{first}</text>')
    else:
        parts.append(f'<text x="{LEFT}" y="{axis_y}" class="nd-axis">{first}</text>')
        parts.append(f'<text x="{WIDTH - RIGHT}" y="{axis_y}" text-anchor="end" class="nd-axis">{last}</text>')
    taken: dict[tuple[str, date], int] = {}
    for s, d in sorted(dated, key=lambda sd: (sd[0].n in cited, sd[0].n)):  # cited drawn last, on top
        state = ("cited" if s.n in cited else "read, not cited") + (", disagrees with another report" if s.n in conflicts else "")
        outlet = s.outlet or "unknown outlet"
        shift = taken[(outlet, d)] = taken.get((outlet, d), -1) + 1  # same outlet, same day: side by side
        x, y = _x(d, first, last) + 15 * shift, TOP + LANE * outlets.index(outlet) + LANE / 2
        parts.append(_point(s, d, x, y, state, newest is not None and s.n in cited and d == newest))
    parts.append("</svg></figure>")
    return "".join(parts)
