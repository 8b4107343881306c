"""Article -> sentences -> chunks of whole sentences sized in tiktoken tokens."""

from __future__ import annotations

from rag.config import ChunkingSettings
from rag.store.layout import chunk_id, sentence_id
from rag.text.dates import day_number
from rag.text.sentences import split_sentences
from rag.text.tokens import count_tokens, token_windows
from rag.types import Article, Chunk, Sentence


def article_sentences(body: str, max_tokens: int, min_words: int = 5) -> list[str]:
    """The article's sentences; one longer than `max_tokens` is cut into token windows.

    Fragments shorter than `min_words` words ("Getty Images.", "He agreed.") join the
    sentence before them: alone they say nothing, yet each would cost an embedding and a slot.
    """
    merged: list[str] = []
    for sent in split_sentences(body):
        if merged and len(sent.split()) < min_words and count_tokens(merged[-1]) + count_tokens(sent) < max_tokens:
            merged[-1] = f"{merged[-1]} {sent}"
        else:
            merged.append(sent)
    out: list[str] = []
    for sent in merged:
        out.extend([sent] if count_tokens(sent) <= max_tokens else token_windows(sent, max_tokens))
    return out


def sentence_spans(counts: list[int], chunk_tokens: int, overlap: int) -> list[tuple[int, int]]:
    """(first, last) sentence of each chunk, given each sentence's token count.
    Consecutive chunks share trailing sentences up to `overlap` tokens.

    >>> sentence_spans([10, 10, 10, 10], chunk_tokens=25, overlap=10)
    [(0, 1), (1, 2), (2, 3)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(counts):
        end, used = start, 0
        while end < len(counts) and (used + counts[end] <= chunk_tokens or end == start):
            used += counts[end]
            end += 1
        spans.append((start, end - 1))
        if end >= len(counts):
            break
        back, carried = end, 0  # next chunk starts with the tail of this one, within overlap
        while back - 1 > start and carried + counts[back - 1] <= overlap:
            back -= 1
            carried += counts[back]
        start = back
    return spans


def chunk_article(article: Article, settings: ChunkingSettings) -> tuple[list[Chunk], list[Sentence]]:
    """Pack whole sentences into chunks of at most `settings.chunk_tokens` tokens.

    Chunks and sentences come from one sentence split, so each chunk knows the exact
    sentences it holds (`sent_from`..`sent_to`): retrieval scores chunks by their best
    sentence and the context stage selects sentences inside retrieved chunks. (llama-index's
    splitter packs sentences too, but with its own sentence boundaries, which would not
    line up.)
    """
    sents = article_sentences(article.body, settings.chunk_tokens, settings.min_sentence_words)
    counts = [count_tokens(s) + 1 for s in sents]  # +1: the joining space
    spans = sentence_spans(counts, settings.chunk_tokens, settings.chunk_overlap)
    day = day_number(article.published)
    chunks: list[Chunk] = []
    for i, (a, b) in enumerate(spans):
        text = " ".join(sents[a : b + 1])
        chunks.append(
            Chunk(
                id=chunk_id(article.doc_id, i, text), doc_id=article.doc_id, index=i, text=text,
                title=article.title, source=article.source, url=article.url, published=article.published_iso,
                published_day=day, author=article.author, origin=article.origin, sent_from=a, sent_to=b,
                sent_chars=",".join(str(len(x)) for x in sents[a : b + 1]),
            )
        )  # fmt: skip
    sentences = [
        Sentence(sentence_id(article.doc_id, pos), article.doc_id, pos, text, article.source, day)
        for pos, text in enumerate(sents)
    ]
    return chunks, sentences
