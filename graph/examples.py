"""The example queries of ``graph/SCHEMA.md``, for the dashboard's Cypher page and the tests.

SCHEMA.md is the one place they are written: each ``### heading`` followed by a
```` ```cypher ```` block is one example. The test suite lints and runs every one.
"""

from __future__ import annotations

import re
from pathlib import Path

SCHEMA_MD = Path(__file__).with_name("SCHEMA.md")
_EXAMPLE = re.compile(r"^### (.+)\n(?:(?!```).*\n)*?```cypher\n([\s\S]*?)```", re.M)


def examples(text: str | None = None) -> dict[str, str]:
    """Example queries by heading, in the order SCHEMA.md gives them (``text`` defaults to its contents)."""
    if text is None:
        text = SCHEMA_MD.read_text(encoding="utf-8")
    return {m.group(1).strip(): m.group(2).strip() for m in _EXAMPLE.finditer(text)}
