"""Kith: your personal and professional network as a graph.

This package holds what the whole application shares: the command line
(``kith.cli``, installed as the ``kith`` command), the clock (``kith.clock``: time
is an input), the error hierarchy (``kith.errors``) and the use-cases the CLI and
the dashboard both offer (``kith.usecases``). The library itself lives beside it:
``graph/`` (the store and every Cypher statement), ``loaders/`` (files to records),
``analytics/`` (pure functions), ``reports/`` and ``dashboard/``.
"""

__version__ = "0.3.0"
