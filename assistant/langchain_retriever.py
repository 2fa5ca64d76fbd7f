"""The LangChain face of :class:`assistant.retrieve.HybridRetriever`, in a module of its own so
answering does not import LangChain's retriever machinery (about a second of start-up).

Example::

    retriever = SectionRetriever(hybrid=assistant.retriever, k=3)
    retriever.invoke("who funds the regional pool of interpreters")
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever


class SectionRetriever(BaseRetriever):
    """LangChain face of :class:`HybridRetriever`: documents carry the section's metadata."""

    hybrid: Any
    k: int = 5
    plan_ids: list[str] | None = None

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        docs = []
        for hit in self.hybrid.search(query, k=self.k, plan_ids=self.plan_ids):
            s = hit.section
            docs.append(Document(page_content=s.text, metadata={
                "section_id": s.id, "plan_id": s.plan_id, "file": s.file,
                "heading_path": " › ".join(s.heading_path), "line_start": s.line_start,
                "line_end": s.line_end, "score": hit.score}))
        return docs
