"""How much of a question the best evidence covers: what the refusal floor reads.

Coverage is the idf-weighted share of the question's content terms that occur in the
selected sentences or in their articles' titles and outlets (idf from the chunk index, so
a rare term the evidence lacks weighs most).
"""

from __future__ import annotations

from typing import Any

from rag.text.terms import terms


def evidence_coverage(idf: dict[str, float], evidence: list[tuple[list[str], dict[str, Any]]]) -> float:
    """`idf`: the question's terms and weights; `evidence`: (terms, chunk metadata) of each
    selected sentence.

    >>> evidence_coverage({"tank": 2.0, "ukrain": 1.0}, [(["ukrain", "aid"], {"title": "Tanks", "source": ""})])
    1.0
    >>> round(evidence_coverage({"tank": 2.0, "ukrain": 1.0}, [(["ukrain"], {})]), 3)
    0.333
    """
    if not idf:
        return 0.0
    found: set[str] = set()
    for toks, meta in evidence:
        found.update(toks)
        found.update(terms(f"{meta.get('title', '')} {meta.get('source', '')}"))
    return sum(w for t, w in idf.items() if t in found) / (sum(idf.values()) or 1.0)
