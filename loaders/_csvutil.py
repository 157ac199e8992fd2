"""CSV exports: rows with their true line numbers, and a table found by its header.

Every CSV loader reads through ``open_table`` (text decoded by ``loaders.text``, Kith's one
encoding policy) so that line numbers in errors always point at the physical line a user sees
in an editor, even when a quoted cell spans several lines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
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
    columns: set[str]   # case-folded column names (as renamed by ``open_table``'s ``rename``)
    rows: Iterator[Row]
    # Rows left out while ``rows`` is read (``ragged`` tables only): (line, reason), for ParsedFile.skipped.
    skipped: list[tuple[int, str]] = field(default_factory=list)
    original: set[str] = field(default_factory=set)  # the case-folded column names as the file writes them


def open_table(path: Path, is_header: Callable[[set[str]], bool], layout: str, preamble_rows: int = 0, *,
               max_bytes: int | None = None, ragged: bool = False,
               rename: Callable[[str], str] | None = None) -> Table:
    """The header and the data rows of a CSV export.

    ``is_header`` recognises the layout from the case-folded column names. Up to
    ``preamble_rows`` rows before the header are passed over (LinkedIn puts notes there).
    ``rename`` then gives each case-folded column the name the parser asks for (a German
    ``vorname`` becomes ``first name``). ``max_bytes``: the largest file read (``ParseOptions.max_bytes``).

    A row whose cell count differs from the header's cannot be trusted to have its cells under
    the right columns: an error, unless ``ragged``. Exports written by programs (Outlook drops a
    row's trailing empty cells) are ``ragged``: a short row is padded with empty cells, a long
    one is left out (``Table.skipped``): where its extra cell is cannot be told.
    """
    where = str(path)
    rows = csv_rows(read_text(path, max_bytes=max_bytes), where)
    first: tuple[int, list[str]] | None = None
    for seen, (line, cells) in enumerate(rows):
        first = first or (line, cells)
        header = [cell.strip().casefold() for cell in cells]
        if is_header(set(header)):
            original = set(header)
            if rename:
                header = [rename(column) for column in header]
            skipped: list[tuple[int, str]] = []
            data = _ragged_rows(header, rows, skipped) if ragged else _data_rows(header, rows, where)
            return Table(line, set(header), data, skipped, original)
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


def _ragged_rows(header: list[str], rows: Iterator[tuple[int, list[str]]],
                 skipped: list[tuple[int, str]]) -> Iterator[Row]:
    width = len(header)
    for line, cells in rows:
        if len(cells) > width:  # even with empty extra cells: a cell too many may be anywhere in the row
            skipped.append((line, f"row left out: it has {len(cells)} cells but the header has {width}, "
                                  "so its values cannot be matched to their columns"))
            continue
        cells = cells + [""] * (width - len(cells))
        yield Row(line, dict(zip(header, cells)))


def describe_row(cells: list[str], limit: int = 80) -> str:
    """A short quotation of a row for error messages."""
    text = ",".join(cells)
    return repr(text if len(text) <= limit else text[:limit] + "…")
