"""Evaluation: ask the gold questions through the assistant, score answers, retrieval and citations.

``score`` holds the pure scoring rules (see ``../shared/README.md``), ``run`` asks and aggregates,
``baseline`` is the plain LangChain RAG we compare against, ``cli`` is the ``plans eval`` command.
"""
