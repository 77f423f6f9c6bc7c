"""compare stage: align a story's articles into facts, find conflicts, frame, and brief.

Entry point: :func:`compare_story` (``newsprism.compare.story``). Charts and report partials
for its output live in ``newsprism.report.charts`` and ``report/templates/_story.*.j2``.
"""

from __future__ import annotations

from typing import Any


def compare_story(story: Any, articles: Any, **kwargs: Any) -> dict[str, Any]:
    """See :func:`newsprism.compare.story.compare_story` (imported lazily: it loads spaCy)."""
    from newsprism.compare.story import compare_story as _compare

    return _compare(story, articles, **kwargs)


__all__ = ["compare_story"]
