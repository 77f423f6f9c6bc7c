"""Clean stage: RawDocument -> Article with clean text, metadata and date evidence."""

from newsprism.clean.document import clean_document, content_id

__all__ = ["clean_document", "content_id"]
