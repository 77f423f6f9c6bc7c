"""The one home of output escaping: everything that comes from input passes through here.

Articles are untrusted: a title, a body, an outlet name from a manifest or a record's ``url`` can
hold markup meant to run in a reader's browser (``<script>``, ``<img onerror=…>``,
``javascript:`` links) or to break a Markdown table (``|``). The report (HTML and Markdown) and
the web app render such fields only through these helpers, so safety holds by construction:

- HTML: Jinja autoescape is always on (:func:`html_environment`); a value is inserted unescaped
  only if it is a :class:`markupsafe.Markup` built here or by code that escapes every piece
  itself (``report.build.mark_up``, ``report.charts``); never ``|safe`` on input.
- URLs become links only for ``http``/``https`` with a host (:func:`http_url`); anything else
  (``javascript:``, ``data:``, ``vbscript:``, relative paths, control characters) is shown as
  text.
- Markdown: every ``{{ … }}`` value is escaped (:func:`md_text`) by the environment's
  ``finalize`` hook (:func:`markdown_environment`): HTML metacharacters become entities (a
  CommonMark renderer passes raw HTML through), Markdown punctuation and table pipes get a
  backslash, newlines become spaces so a value never opens a new block. Trusted fragments (a
  citation link built by :func:`md_link`, a code span by :func:`md_code`) are ``Markup``.

Written by hand because no library covers it: markupsafe escapes HTML only, and Markdown
escaping has no maintained Python package that handles GFM tables.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import jinja2
from markupsafe import Markup, escape

__all__ = [
    "CSP",
    "Markup",
    "escape",
    "html_environment",
    "html_link",
    "http_url",
    "markdown_environment",
    "md_code",
    "md_id",
    "md_link",
    "md_text",
    "md_url",
]

# report.html needs no script at all, no network and no forms: deny everything but inline CSS
# (its own <style> and style attributes) and data: images. Set as a <meta> so the file is safe
# wherever it is opened (file://, a static host, an e-mail attachment).
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; "
       "script-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")

# C0/C1 controls and whitespace inside a URL are how filters get fooled ("java\tscript:"); a URL
# holding any of them is not shown as a link.
_URL_BAD = re.compile(r"[\x00-\x20\x7f-\x9f<>\"'`\\]")
_MAX_URL = 2048


def http_url(url: Any) -> str | None:
    """``url`` if it is an absolute ``http``/``https`` URL with a host and nothing odd in it,
    else None (the caller shows it as text, never as a link)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > _MAX_URL or _URL_BAD.search(url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def html_link(url: Any, text: Any = None) -> Markup:
    """An ``<a>`` for an http(s) URL, else the value as escaped text (``text`` defaults to it)."""
    shown = url if text is None else text
    good = http_url(url)
    if good is None:
        return Markup('<span class="url">{}</span>').format(shown if shown is not None else "")
    return Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(good, shown)


def html_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja environment for HTML: autoescape on for every template, whatever its name."""
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["link"] = html_link
    env.globals["csp"] = CSP
    return env


# Markdown punctuation that opens emphasis, code, links, images, strikethrough or table cells
# anywhere in a line; escaped wherever it appears in a value (CommonMark allows a backslash
# before any ASCII punctuation). "<" and "&" become entities instead: raw HTML and entities.
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
# Characters that open a block only at the start of a line (heading, quote, list, rule).
_MD_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+(?=[.)]))")
_MD_WS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]\s*")


def md_text(value: Any) -> str:
    """A value as inert inline Markdown text: no HTML, no markup, no table break, one line.

    ``& < >`` become entities; ``\\ ` * _ [ ] | ~`` get a backslash; a leading ``# > + = -``
    or ``1.`` gets one too (the value may start a line); every newline becomes a space.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    text = _MD_WS.sub(" ", str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    # "#" -> "\#"; "1." -> "1\." (the digit stays, the delimiter is escaped)
    return _MD_BLOCK_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text)


def md_code(value: Any) -> Markup:
    """A value as a Markdown code span, fenced with more backticks than it contains.

    Inside a code span nothing is interpreted (no HTML, no escapes), so the only risks are a
    backtick run closing it early and a newline leaving it; both are handled here (not for table
    cells, where ``|`` would still split the row: use :func:`md_text` there).
    """
    text = _MD_WS.sub(" ", "" if value is None else str(value))
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def md_link(label: Any, target: str) -> Markup:
    """``[label](#target)``: an in-page link whose label is escaped text; ``target`` is an id
    we generated (``report.build.passage_anchor``), checked to hold only id characters."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+", target or ""):
        return Markup(md_text(label))
    return Markup(f"[{md_text(label)}](#{target})")


def md_file_link(label: Any, path: str) -> Markup:
    """``[label](path)``: a link to a file of the report we wrote (``path`` relative, checked to
    hold only path characters we generate); otherwise the label alone, as escaped text."""
    if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)*", path or "") or ".." in path:
        return Markup(md_text(label))
    return Markup(f"[{md_text(label)}]({path})")


def md_id(value: Any) -> Markup:
    """An id for ``<a id="…">`` in Markdown: raw HTML, where escapes do not apply, so any
    character outside ``[A-Za-z0-9_-]`` is replaced (our ids never hold one)."""
    return Markup(re.sub(r"[^A-Za-z0-9_-]", "_", "" if value is None else str(value)))


def md_url(url: Any) -> Markup:
    """An autolink ``<url>`` for an http(s) URL, else the value as escaped text."""
    good = http_url(url)
    if good is None:
        return Markup(md_text(url))
    return Markup(f"<{good}>")


def _md_finalize(value: Any) -> Any:
    """Every ``{{ … }}`` in a Markdown template: trusted fragments pass, the rest is escaped."""
    if hasattr(value, "__html__"):
        return str(value)
    return md_text(value)


def markdown_environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    """A Jinja environment for Markdown: every printed value is escaped by ``finalize``.

    Autoescape stays off (it would HTML-escape only); values that are deliberately Markdown must
    be ``Markup`` from this module (``md_link``, ``md_code``, ``md_url``).
    """
    env = jinja2.Environment(loader=loader, autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             finalize=_md_finalize)
    env.filters["code"] = md_code
    env.filters["url"] = md_url
    env.filters["id"] = md_id
    env.globals["md_link"] = md_link
    env.globals["md_file_link"] = md_file_link
    return env
