"""Retrieve: a question -> ranked chunks. Question analysis (hints: outlets, dates,
recency; subjects: names the collection does not know; followup: the earlier turn's
subject), BM25 (lexical), the in-memory corpus view (view), filters, and the fusion of
every search (fusion).

May import `rag.text`, `rag.types`, `rag.config`, `rag.errors`, `rag.store` and
`rag.providers`; the answer stage and the pipeline import it.
"""
