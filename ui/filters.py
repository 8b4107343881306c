"""The chat's filters: outlets and a publication-date range, as controls, as the pipeline's
`Filters`, and as the line shown under an answer ("searched: Reuters, 2023-10-01 to ...")."""

from __future__ import annotations

from datetime import date
from typing import Any

from rag import Filters, InvalidQuestion, Pipeline


def outlet_choices(pipeline: Pipeline) -> list[str]:
    """Every outlet in the collection, for the multi-select."""
    return sorted({str(r["source"]) for r in pipeline.corpus()["rows"] if r.get("source")})


def filter_controls(pipeline: Pipeline) -> tuple[Any, Any, Any]:
    """An accordion under the question box: outlets, from, to."""
    import gradio as gr

    with gr.Accordion("Filters", open=False), gr.Row():
        outlets = gr.Dropdown(outlet_choices(pipeline), value=[], multiselect=True, label="Outlets",
                              elem_id="nd-outlets", scale=2)  # fmt: skip
        since = gr.Textbox("", label="From (YYYY-MM-DD)", elem_id="nd-since", max_length=10, scale=1)
        until = gr.Textbox("", label="To (YYYY-MM-DD)", elem_id="nd-until", max_length=10, scale=1)
    return outlets, since, until


def _day(text: str | None, label: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidQuestion(f"The '{label}' date must be written YYYY-MM-DD, like 2023-10-31.") from None


def parse_filters(outlets: list[str] | str | None, since: str | None, until: str | None) -> Filters | None:
    """The controls' values as `Filters` (None when none is set); a clear error otherwise.

    >>> parse_filters(["Reuters"], "2023-10-01", "").since
    datetime.date(2023, 10, 1)
    >>> parse_filters([], "", "") is None
    True
    """
    chosen = [outlets] if isinstance(outlets, str) else [str(o) for o in outlets or []]
    start, end = _day(since, "From"), _day(until, "To")
    if start and end and start > end:
        raise InvalidQuestion(f"'From' ({start}) is after 'To' ({end}).")
    if not (chosen or start or end):
        return None
    return Filters(sources=chosen, since=start, until=end)


def describe(filters: Filters | None) -> str:
    """What was searched, in words.

    >>> describe(Filters(sources=["Reuters"], since=date(2023, 10, 1), until=date(2023, 10, 31)))
    'searched: Reuters, 2023-10-01 to 2023-10-31'
    >>> describe(Filters(until=date(2023, 10, 31)))
    'searched: all outlets, up to 2023-10-31'
    """
    if filters is None:
        return ""
    outlets = ", ".join(filters.sources) or "all outlets"
    if filters.since and filters.until:
        span = f"{filters.since} to {filters.until}"
    elif filters.since or filters.until:
        span = f"from {filters.since}" if filters.since else f"up to {filters.until}"
    else:
        return f"searched: {outlets}"
    return f"searched: {outlets}, {span}"
