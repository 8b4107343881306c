"""Answer: retrieved chunks -> the sentences the model reads (context, evidence) -> the
prompt (prompts, safety) -> the model's draft (generate) -> the citation check
(citations) -> the `Answer` with any disagreement between sources (compose, conflicts).
Every reason to refuse is one ordered list (refusal).

May import `rag.retrieve`, `rag.text`, `rag.types`, `rag.config`, `rag.errors`,
`rag.store` and `rag.providers`; only the pipeline imports it.
"""
