"""Ingest: article files -> `Article`s (readers, files) -> chunks and sentences (chunker)
-> embeddings in the store (indexer), run over paths with sync and rebuild (sync).

May import `rag.text`, `rag.types`, `rag.config`, `rag.errors`, `rag.store` and
`rag.providers`; nothing imports it but the pipeline and the eval tools.

(`rag.ingest`, the public function, shadows this package as an attribute of `rag`: import
from it by module, `from rag.ingest.files import load_articles`.)
"""
