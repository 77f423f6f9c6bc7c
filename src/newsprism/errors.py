"""Exception tree and coded messages.

    NewsError                 base: catch this to catch everything newsprism raises on purpose
    ├── InputError            a user's input cannot be read (bad file, URL, feed, JSON); one line
    │   └── FetchError        a URL or feed could not be fetched (network, status, type, size)
    ├── StoreError            the database cannot be opened or migrated
    └── ConfigError           a settings / alias file is malformed

Messages carry a code so users can search for them: ``E101: empty file``.
"""

from __future__ import annotations


class NewsError(Exception):
    """Base class of every error newsprism raises deliberately."""


class InputError(NewsError):
    """An input cannot be ingested; the message is one line naming the problem."""

    def __init__(self, code: str, message: str, location: str = "") -> None:
        self.code = code
        self.message = message
        self.location = location
        super().__init__(f"{code}: {message}")


class FetchError(InputError):
    """A URL or feed could not be fetched."""


class StoreError(NewsError):
    """The store cannot be opened, migrated or written."""


class ConfigError(NewsError):
    """A settings or alias file is malformed."""


# Coded templates (kept in one place so docs and tests can list them).
E_EMPTY = "E101"  # empty file / record
E_BINARY = "E102"  # binary or undecodable content
E_TOO_SHORT = "E103"  # no usable article text after cleaning
E_JSON = "E104"  # malformed JSON / JSONL
E_FEED = "E105"  # malformed or empty feed
E_FETCH = "E106"  # network failure / timeout
E_HTTP = "E107"  # HTTP status not 2xx
E_TYPE = "E108"  # unsupported content type
E_SIZE = "E109"  # larger than the size limit
E_NOTFOUND = "E110"  # path does not exist
E_WARC = "E111"  # malformed WARC
E_MANIFEST = "E112"  # malformed manifest
E_HTML = "E113"  # HTML without extractable main text
E_INFLATE = "E114"  # decompressed size over the cap (gzip bomb)
E_TRUNCATED = "E115"  # archive record cut short (truncated download / copy)
E_LONG = "E116"  # article longer than the word limit


class StoryTooLarge(NewsError):
    """A story with more statements than one comparison may hold (``Limits.max_story_statements``)."""
