"""Kith's errors: one hierarchy, so callers catch Kith's own failures by type.

The CLI turns any ``KithError`` into one red line and exit status 1; the dashboard
shows it in an error box. Anything else is a bug and keeps its traceback.

    KithError
    ├── InvalidRecord    a record breaks the model's rules (an unknown kind, a bad status …)
    ├── LoadError        a file Kith refuses, with its path and line; nothing from it is written
    ├── StoreError       the graph refuses a write or cannot find someone
    │   └── NoOwner      the graph does not know who you are yet
    ├── MergeError       a merge or its undo cannot be done exactly
    ├── CypherError      a user's Cypher query was refused or failed
    ├── ServerError      the embedded store would not start, stop or answer
    └── ClockError       KITH_TODAY is not a date

Each also derives from the built-in it used to be (``ValueError`` or ``RuntimeError``),
so ``except ValueError`` around a parser keeps working.
"""

from __future__ import annotations


class KithError(Exception):
    """Base of every error Kith raises on purpose."""


class InvalidRecord(KithError, ValueError):
    """A record breaks the model's rules: ``Interaction kind 'pigeon' is not one of …``."""


class LoadError(KithError, ValueError):
    """A file Kith refuses: ``path:line: what was wrong``. Nothing from it is written."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.reason = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class StoreError(KithError, ValueError):
    """The graph refuses a write, or a person cannot be found or told apart."""


class NoOwner(StoreError):
    """The graph has no owner yet."""

    def __init__(self, message: str = "the graph has no owner yet: add yourself with "
                                      "`kith me --name \"Your Name\" --email you@example.com`, or say which "
                                      "person you are with `kith me --person NAME`"):
        super().__init__(message)


class MergeError(KithError, ValueError):
    """A merge cannot be done exactly (a relationship Kith does not know how to move …)."""


class CypherError(KithError, ValueError):
    """A user's Cypher query was refused (a write in read-only mode) or failed on the server."""


class ServerError(KithError, RuntimeError):
    """The embedded graph store would not start, stop or answer."""


class ClockError(KithError, ValueError):
    """``KITH_TODAY`` is set to something that is not a date."""
