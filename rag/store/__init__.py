"""The store: Chroma collections (a folder or a server) holding sentences, chunks and
article records (chroma, client), their layout and ids (layout), the active generation
and version stamp (state), and the one-writer lock (lock).

May import `rag.config`, `rag.errors`, `rag.types` and `rag.text`; never a stage.
"""
