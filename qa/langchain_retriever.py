"""The letters as a LangChain retriever, so any LangChain chain can search them.

`LetterRetriever(assistant=Assistant.load(), k=3).invoke("Revolving Fund")` gives LangChain `Document`s: the
passage text, with the letter, heading, character offsets, date and scores in `metadata`.
"""

from __future__ import annotations

from datetime import date

from qa.assistant import Assistant
from qa.errors import MissingExtraError
from qa.models import ScoredPassage

try:
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from pydantic import ConfigDict
except ImportError as exc:  # only this module needs LangChain; the rest of the package works without it
    raise MissingExtraError("langchain-core", "all") from exc


def to_document(result: ScoredPassage) -> Document:
    p = result.passage
    return Document(
        page_content=p.text,
        metadata={
            "doc_id": p.doc_id,
            "passage_id": p.passage_id,
            "title": result.title,
            "heading": p.heading,
            "start": p.start,
            "end": p.end,
            "letter_date": result.letter_date.isoformat() if result.letter_date else None,
            "score": result.score,
            "scores": dict(result.scores),
            "rank": result.rank,
        },
    )


class LetterRetriever(BaseRetriever):
    """Hybrid search over the letters (the Assistant's retriever), with its document and date filters."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Assistant
    k: int = 4
    doc_ids: list[str] | None = None
    since: date | None = None
    until: date | None = None
    method: str | None = None  # "hybrid" (the assistant's default), "dense" or "bm25"

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        results = self.assistant.search(
            query, k=self.k, doc_ids=self.doc_ids, since=self.since, until=self.until, method=self.method
        )
        return [to_document(r) for r in results]
