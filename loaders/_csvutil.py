"""CSV exports: rows with their true line numbers, and a table found by its header.

Every CSV loader reads through ``open_table`` (text decoded by ``loaders.text``, Kith's one
encoding policy) so that line numbers in errors always point at the physical line a user sees
in an editor, even when a quoted cell spans several lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from loaders.records import LoadError
from loaders.text import read_text


def csv_rows(text: str, where: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV row with the line it starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if cells:
                yield start, cells
    except csv.Error as e:
        raise LoadError(where, end + 1, f"broken CSV in the row starting here ({e})") from None


@dataclass
class Row:
    line: int
    cells: dict[str, str]  # by case-folded column name

    def __getitem__(self, column: str) -> str:
        """The cell under ``column``, stripped; empty when the file has no such column."""
        return self.cells.get(column.casefold(), "").strip()


@dataclass
class Table:
    line: int           # where the header is
    columns: set[str]   # case-folded column names
    rows: Iterator[Row]


def open_table(path: Path, is_header: Callable[[set[str]], bool], layout: str, preamble_rows: int = 0, *,
               max_bytes: int | None = None) -> Table:
    """The header and the data rows of a CSV export.

    ``is_header`` recognises the layout from the case-folded column names. Up to
    ``preamble_rows`` rows before the header are passed over (LinkedIn puts notes there).
    A row whose cell count differs from the header's is an error: its cells cannot be trusted
    to sit under the right columns. ``max_bytes``: the largest file read (``ParseOptions.max_bytes``).
    """
    where = str(path)
    rows = csv_rows(read_text(path, max_bytes=max_bytes), where)
    first: tuple[int, list[str]] | None = None
    for seen, (line, cells) in enumerate(rows):
        first = first or (line, cells)
        header = [cell.strip().casefold() for cell in cells]
        if is_header(set(header)):
            return Table(line, set(header), _data_rows(header, rows, where))
        if seen >= preamble_rows:
            break
    if first is None:
        raise LoadError(where, None, f"empty file, expected a {layout}")
    raise LoadError(where, first[0], f"unknown layout: {describe_row(first[1])} is not the header of a {layout}")


def _data_rows(header: list[str], rows: Iterator[tuple[int, list[str]]], where: str) -> Iterator[Row]:
    for line, cells in rows:
        if len(cells) != len(header):
            raise LoadError(where, line, f"row has {len(cells)} cells but the header has {len(header)}")
        yield Row(line, dict(zip(header, cells)))


def describe_row(cells: list[str], limit: int = 80) -> str:
    """A short quotation of a row for error messages."""
    text = ",".join(cells)
    return repr(text if len(text) <= limit else text[:limit] + "…")
