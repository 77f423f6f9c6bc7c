"""newsprism: multi-source news analysis with every statement traced to its passage."""

from newsprism.errors import ConfigError, FetchError, InputError, NewsError, StoreError
from newsprism.model import (
    Article,
    Attribution,
    DateEvidence,
    Entity,
    Mention,
    NumberClaim,
    Origin,
    Published,
    Quote,
    RawDocument,
    Removed,
    Span,
    Story,
    TimeExpr,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Attribution",
    "ConfigError",
    "DateEvidence",
    "Entity",
    "FetchError",
    "InputError",
    "Mention",
    "NewsError",
    "NumberClaim",
    "Origin",
    "Published",
    "Quote",
    "RawDocument",
    "Removed",
    "Span",
    "StoreError",
    "Story",
    "TimeExpr",
    "__version__",
]
