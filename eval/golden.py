"""Golden Q&A sets: one format for hand-written sets and the MultiHop-RAG benchmark.

A golden set is a JSONL file, one question per line:

    {"id": "seed-01",
     "question": "How many settlements near Bakhmut were bombarded?",
     "answers": ["16", "sixteen"],          # accepted answers; any one counts ([] = must abstain)
     "type": "factoid",                      # factoid | yes_no | unanswerable | a benchmark type
     "evidence": [{"fact": "said 16 settlements had been bombarded near Bakhmut",
                   "title": "", "source": "", "url": "", "published": "2023-02-14"}]}

`fact` must appear word for word in the article (whitespace is ignored when matching).
An item with no answers is unanswerable: the bot must say the articles do not cover it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


@dataclass
class GoldenItem:
    id: str
    question: str
    answers: list[str]
    type: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    history: list[str] = field(default_factory=list)  # earlier questions of a conversation, asked first
    first_answers: list[str] = field(default_factory=list)  # accepted answers to the first of them

    @property
    def answerable(self) -> bool:
        return bool(self.answers) and self.type not in {"unanswerable", "null_query"}

    @property
    def facts(self) -> list[str]:
        return [e["fact"] for e in self.evidence if e.get("fact")]

    @property
    def evidence_urls(self) -> list[str]:
        return list(dict.fromkeys(e["url"] for e in self.evidence if e.get("url")))

    @property
    def is_yes_no(self) -> bool:
        return len(self.answers) == 1 and self.answers[0].strip().lower().rstrip(".") in {"yes", "no"}


@dataclass
class GoldenSet:
    name: str
    items: list[GoldenItem]
    corpus: list[Path]  # files to ingest for this set
    corpus_key: str  # changes when the corpus changes (cache key)


def load_jsonl(path: Path) -> list[GoldenItem]:
    items = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            items.append(
                GoldenItem(
                    id=str(rec.get("id", n)),
                    question=rec["question"],
                    answers=list(rec.get("answers", [])),
                    type=rec.get("type", "factoid" if rec.get("answers") else "unanswerable"),
                    evidence=list(rec.get("evidence", [])),
                    history=list(rec.get("history", [])),
                    first_answers=list(rec.get("first_answers", [])),
                )
            )
        except (KeyError, json.JSONDecodeError) as exc:
            raise ValueError(f"{path}:{n}: not a golden item ({exc})") from None
    return items


def _file_sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def corpus_key(corpus: Path) -> str:
    """A key that changes when any article file under `corpus` (a file or a folder) changes,
    and is the same for every set over those articles, so they share one ingested store."""
    files = [corpus] if corpus.is_file() else sorted(p for p in corpus.rglob("*") if p.is_file())
    return hashlib.sha256(b"".join(_file_sha(p).encode() for p in files)).hexdigest()[:16]


def load_multihop(folder: Path, split: str = "dev") -> GoldenSet:
    """A MultiHop-RAG split over its 609-article corpus: `dev` (512 queries, where every
    setting is tuned) or `validation` (511 queries, for reporting only)."""
    folder = Path(folder)
    corpus = folder / "corpus.json"
    queries = folder / f"queries-{split}.json"
    if not corpus.exists() or not queries.exists():
        raise FileNotFoundError(
            f"MultiHop-RAG not found in {folder}: set NEWSDESK_MULTIHOP_DIR to a folder with corpus.json and {queries.name}"
        )
    items = []
    for q in json.loads(queries.read_text(encoding="utf-8")):
        null = q["question_type"] == "null_query"
        items.append(
            GoldenItem(
                id=f"mh-{q['id']}",
                question=q["query"],
                answers=[] if null else [q["answer"]],
                type=q["question_type"],
                evidence=q.get("evidence_list", []),
            )
        )
    return GoldenSet(f"multihop-{split}", items, [corpus], corpus_key(corpus))


def load_set(name: str, multihop_dir: Path, seeds_dir: Path, articles: Path | None = None) -> GoldenSet:
    """`seeds` (or another set in eval/golden/ by name), `multihop-dev`, `multihop-validation`,
    or a path to a JSONL golden set. Its articles: `articles` when given, else the MultiHop
    corpus for a set named *multihop*, else the seeds folder."""
    if name in {"multihop-dev", "multihop-validation"}:
        return load_multihop(multihop_dir, name.split("-", 1)[1])
    path = GOLDEN_DIR / f"{name}.jsonl" if (GOLDEN_DIR / f"{name}.jsonl").is_file() else Path(name)
    if not path.is_file():
        known = ", ".join(["multihop-dev", "multihop-validation", *sorted(p.stem for p in GOLDEN_DIR.glob("*.jsonl"))])
        raise ValueError(f"no golden set {name!r}: give a JSONL file or one of {known}")
    corpus = Path(articles) if articles else (Path(multihop_dir) / "corpus.json" if "multihop" in path.stem else Path(seeds_dir))
    if not corpus.exists():
        hint = "" if articles or "multihop" not in path.stem else " (set NEWSDESK_MULTIHOP_DIR to the MultiHop-RAG folder)"
        raise ValueError(f"the articles for {path.stem} are not at {corpus}{hint}")
    return GoldenSet(path.stem, load_jsonl(path), [corpus], corpus_key(corpus))
