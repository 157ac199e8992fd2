"""Render a report frame as Markdown (for a terminal), HTML (to forward), CSV or JSON (for scripts).

Every value in a report is data someone else may have typed (a LinkedIn name, a calendar title),
so each format keeps it text: HTML escapes it, Markdown backslash-escapes what would make a link,
an image, raw HTML or emphasis, and CSV defuses cells a spreadsheet would run as a formula
(``csv_cell``, which every CSV Kith writes goes through).
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from datetime import date, datetime

import pandas as pd

from reports.registry import get


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


FORMATS = ("md", "html", "csv", "json")


def render(kind: str, frame: pd.DataFrame, fmt: str, *, as_of: date, why: str | None = None) -> str:
    """``why``: for an empty frame, why it is empty and what to add (reports/empty.py)."""
    if fmt == "json":
        doc = {"report": kind, "as_of": as_of.isoformat(), "items": records(frame)}
        if frame.empty and why:
            doc["empty_because"] = why
        return json.dumps(doc, indent=2, ensure_ascii=False)
    if fmt == "csv":
        return to_csv(frame)
    if fmt == "md":
        return _markdown(kind, frame, as_of, why)
    if fmt == "html":
        return _html(kind, frame, as_of, why)
    raise ValueError(f"unknown format {fmt!r}: {', '.join(FORMATS)}")


# -- CSV ---------------------------------------------------------------------------------

# OWASP's CSV injection guidance: a spreadsheet runs a cell starting with one of these as a
# formula (=HYPERLINK(…) sends data away, =cmd|… ran programs), so such a cell gets a leading
# apostrophe, which spreadsheets show as text and hide. A value that is a number written out
# ("-3", "+447700900123") is no formula and stays as it is.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(value):
    """``value`` safe to open in a spreadsheet; numbers (and anything not text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """A frame as CSV text with a header row, every cell and header through ``csv_cell``."""
    safe = frame.rename(columns=csv_cell)
    for i in range(len(safe.columns)):  # by position: two columns may share a name
        values = safe.iloc[:, i]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            # Built as objects: DataFrame.map would infer types again (a column of 31 and None is 31.0 after).
            safe.isetitem(i, pd.Series([csv_cell(v) for v in values], index=safe.index, dtype=object))
    return safe.to_csv(index=False)


def write_csv(stream, columns: list, rows) -> None:
    """CSV rows to ``stream`` (a header first), every cell through ``csv_cell``."""
    w = csv.writer(stream)
    w.writerow([csv_cell(c) for c in columns])
    w.writerows([[csv_cell(v) for v in row] for row in rows])


# -- Markdown and HTML -----------------------------------------------------------------------

# What makes Markdown out of text: links and images (no "](" without "["), raw HTML and
# autolinks (< >), emphasis and code (* _ ` ~), tables (|), headings (#), maths ($) and escapes
# (\\). Other punctuation is left alone: a piped report stays readable.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>|~#$])")


def md(value) -> str:
    """Data as literal text in Markdown, on one line (a line break would end a table row)."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(value).splitlines()))


def _cell(v) -> str:
    v = _plain(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.2f}" if abs(v) < 10 else f"{v:.0f}"
    if isinstance(v, list):
        return ", ".join(map(str, v))
    return str(v)


def _nothing(why: str | None) -> str:
    return f"Nothing to report. {why}" if why else "Nothing to report."


def _markdown(kind: str, frame: pd.DataFrame, as_of: date, why: str | None = None) -> str:
    report = get(kind)
    lines = [f"# {report.title}", "", f"As of {as_of:%d %B %Y}.", ""]
    if frame.empty:
        return "\n".join(lines + [_nothing(why)]) + "\n"
    if report.cards:
        for i, r in enumerate(frame.itertuples(), 1):
            # A draft's lines stay lines of the quote; each is escaped like any data.
            draft = "\n   > ".join(_MARKDOWN.sub(r"\\\1", line) for line in str(r.draft).splitlines())
            lines += [f"{i}. **{md(r.a_name)} ↔ {md(r.b_name)}** (score {r.score:.0f})", "",
                      f"   {md(r.explanation)}", "", f"   > {draft}", ""]
        return "\n".join(lines)
    cols = [c for c in frame.columns if c not in ("person", "a", "b")]
    lines.append("| " + " | ".join(cols) + " |")
    lines.append("|" + "---|" * len(cols))
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row))
        lines.append("| " + " | ".join(md(_cell(values[c])) for c in cols) + " |")
    return "\n".join(lines) + "\n"


STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;
text-align:left;vertical-align:top}th{background:#f5f5f5}.card{border:1px solid #ddd;border-radius:8px;padding:1rem;
margin:1rem 0}.score{color:#666;font-size:.9rem}blockquote{margin:.5rem 0;padding:.5rem 1rem;background:#f7f7f2;
border-left:3px solid #bbb}"""


def _html(kind: str, frame: pd.DataFrame, as_of: date, why: str | None = None) -> str:
    e = html.escape
    report = get(kind)
    body = [f"<h1>{e(report.title)}</h1>", f"<p>As of {as_of:%d %B %Y}.</p>"]
    if frame.empty:
        body.append(f"<p>{e(_nothing(why))}</p>")
    elif report.cards:
        for r in frame.itertuples():
            body.append(f'<div class="card"><h2>{e(r.a_name)} &harr; {e(r.b_name)} '
                        f'<span class="score">score {r.score:.0f}</span></h2><p>{e(r.explanation)}</p>'
                        f"<blockquote>{e(r.draft)}</blockquote></div>")
    else:
        cols = [c for c in frame.columns if c not in ("person", "a", "b")]
        body.append("<table><tr>" + "".join(f"<th>{e(c)}</th>" for c in cols) + "</tr>")
        for row in frame.to_dict("records"):
            body.append("<tr>" + "".join(f"<td>{e(_cell(row[c]))}</td>" for c in cols) + "</tr>")
        body.append("</table>")
    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{e(report.title)}</title>'
            f"<style>{STYLE}</style><body>{''.join(body)}</body></html>\n")
