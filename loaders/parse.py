"""One entry point for every import: find the file's format (or take the one forced) and parse it."""

from __future__ import annotations

import importlib
from pathlib import Path

from loaders.detect import detect
from loaders.records import FORMATS, LoadError, ParsedFile, ParseOptions

# format -> (module, function). Modules are imported on first use, so one format's
# dependencies (vobject, icalendar …) are only needed when a file of that format comes in.
PARSERS = {
    "linkedin-connections": ("loaders.linkedin", "parse_connections"),
    "linkedin-messages": ("loaders.linkedin", "parse_messages"),
    "google-csv": ("loaders.google", "parse"),
    "outlook-csv": ("loaders.outlook", "parse"),
    "vcard": ("loaders.vcard", "parse"),
    "ical": ("loaders.ical", "parse"),
    "kith-csv": ("loaders.kithfile", "parse_csv"),
    "kith-json": ("loaders.kithfile", "parse_json"),
    "kith-export": ("kith.export", "parse"),  # never parsed: loaders/importer.py restores it (kith/export.py)
    "edgelist": ("loaders.edgelist", "parse"),
}


def parse_file(path: Path, options: ParseOptions, format: str | None = None) -> ParsedFile:
    """Parse ``path`` as ``format``, or as whatever ``detect`` finds it to be.

    Raises LoadError for a file that cannot be read as that format, or as a format Kith
    does not know.
    """
    if format is None:
        format = detect(path)
    elif format not in PARSERS:
        raise LoadError(str(path), None, f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    module, function = PARSERS[format]
    return getattr(importlib.import_module(module), function)(path, options)
