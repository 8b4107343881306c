"""Scorers. Retrieval is scored exactly as the MultiHop-RAG scripts do: a chunk is relevant
when a gold fact, whitespace removed, is a substring of it (whitespace removed).
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence

import numpy as np

_WS = re.compile(r"\s+")
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_MARKERS = re.compile(r"\[\d+\]")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def squash(text: str) -> str:
    """Remove all whitespace (the benchmark's matching rule)."""
    return _WS.sub("", text)


# ---------------------------------------------------------------- retrieval


def first_relevant_rank(chunks: Sequence[str], facts: Sequence[str], k: int = 10) -> int | None:
    """1-based rank of the first chunk containing a gold fact, within the top k."""
    sq_facts = [squash(f) for f in facts if f]
    for rank, text in enumerate(chunks[:k], 1):
        body = squash(text)
        if any(f in body for f in sq_facts):
            return rank
    return None


def retrieval_scores(chunks: Sequence[str], facts: Sequence[str]) -> dict[str, float]:
    rank = first_relevant_rank(chunks, facts, 10)
    return {
        "hits@4": float(rank is not None and rank <= 4),
        "hits@10": float(rank is not None),
        "mrr@10": 1.0 / rank if rank else 0.0,
    }


def article_recall(urls: Sequence[str], gold_urls: Sequence[str], k: int) -> float:
    """1.0 when every gold evidence article is among the top-k retrieved articles (stricter)."""
    if not gold_urls:
        return 0.0
    top = set(list(dict.fromkeys(urls))[:k])
    return float(all(u in top for u in gold_urls))


def fact_recall(context: str, facts: Sequence[str]) -> tuple[float, bool]:
    """(share of gold facts inside the context, whether all of them are)."""
    if not facts:
        return 0.0, False
    body = squash(context)
    found = [squash(f) in body for f in facts]
    return sum(found) / len(found), all(found)


# ---------------------------------------------------------------- answers


def normalise(text: str) -> str:
    """SQuAD-style normalisation: lower case, no punctuation, no articles, single spaces, and
    ordinals as numbers ("November 16th" answers "November 16").

    >>> normalise("On November 16th, the [1] U.S.-led group")
    'on november 16 u s led group'
    """
    text = _ORDINAL.sub(r"\1", _MARKERS.sub(" ", text.lower()))
    text = "".join(" " if ch in string.punctuation or ch in "’‘“”" else ch for ch in text)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def polarity(answer: str) -> str | None:
    """'yes' / 'no' when the answer opens with it, else None."""
    words = normalise(answer).split()
    if words and words[0] in {"yes", "no"}:
        return words[0]
    return None


def exact_match(answer: str, golds: Sequence[str]) -> bool:
    pred = polarity(answer) or normalise(re.split(r"(?<=[.!?])\s", answer.strip(), maxsplit=1)[0])
    return any(pred == normalise(g) for g in golds)


def contains(answer: str, golds: Sequence[str]) -> bool:
    """Gold answer contained in the answer; Yes/No golds must be the answer's polarity."""
    norm = f" {normalise(answer)} "
    for g in golds:
        ng = normalise(g)
        if ng in {"yes", "no"}:
            if polarity(answer) == ng:
                return True
        elif ng and f" {ng} " in norm:
            return True
    return False


def answer_correct(answer: str, golds: Sequence[str], refused: bool) -> bool:
    return not refused and contains(answer, golds)


def balanced_yes_no(preds: Sequence[str | None], golds: Sequence[str]) -> float | None:
    """Mean of the recall on Yes golds and on No golds (None when either class is absent)."""
    rec = []
    for cls in ("yes", "no"):
        idx = [i for i, g in enumerate(golds) if g == cls]
        if not idx:
            return None
        rec.append(sum(preds[i] == cls for i in idx) / len(idx))
    return float(np.mean(rec))


def separation(scores: Sequence[float | None], positive: Sequence[bool]) -> float | None:
    """ROC AUC of `scores` ranking the positive questions above the others: how well a
    log-odds the model reads out separates them, whatever threshold is set on it (None when
    a class has no score)."""
    from sklearn.metrics import roc_auc_score

    pairs = [(s, p) for s, p in zip(scores, positive, strict=True) if s is not None]
    if len({p for _, p in pairs}) < 2:
        return None
    return float(roc_auc_score([p for _, p in pairs], [s for s, _ in pairs]))


def trivial_baselines(golds: Sequence[Sequence[str]], answerable: Sequence[bool]) -> dict[str, float]:
    """Accuracy of answering every question the same way, on the same questions."""
    n = len(golds)
    if not n:
        return {}
    entities = Counter(
        normalise(g[0]) for g, a in zip(golds, answerable, strict=True) if a and g and normalise(g[0]) not in {"yes", "no"}
    )
    top_entity = entities.most_common(1)[0][0] if entities else ""
    out = {
        "always 'Yes'": sum(a and contains("Yes", g) for g, a in zip(golds, answerable, strict=True)) / n,
        "always abstain": sum(not a for a in answerable) / n,
    }
    if top_entity:
        out[f"always '{top_entity}'"] = sum(a and contains(top_entity, g) for g, a in zip(golds, answerable, strict=True)) / n
    return out


# ---------------------------------------------------------------- latency


def percentiles(values: Sequence[float | None]) -> dict[str, float]:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"p50": float("nan"), "p95": float("nan"), "n": 0}
    return {"p50": float(np.percentile(vals, 50)), "p95": float(np.percentile(vals, 95)), "n": len(vals)}
