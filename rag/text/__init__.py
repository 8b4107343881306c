"""Text primitives every stage shares: tokens, sentences, terms, names and dates.

Pure functions over strings, doctested. Imports nothing from the rest of `rag` except
`rag.errors`; every other package may import from here.
"""
