"""Every report Kith can produce, in one table: name → title, builder, columns.

The CLI (``kith report NAME``), the renderer (titles, layout) and the dashboard all
look reports up here, so adding a report is one entry. Builders are named, not
imported, so that the CLI can list reports without loading the analytics. A builder
(a function of ``reports.build``) takes a
``Projection``, an ``as_of`` date and optionally ``top`` (plus the extra arguments the entry
names in ``takes``) and returns a frame with exactly ``columns``, empty or not.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kith.errors import KithError

if TYPE_CHECKING:
    import pandas as pd


class UnknownReport(KithError, ValueError):
    """A report name that is not in the registry."""


@dataclass(frozen=True)
class Report:
    name: str                      # as typed: ``kith report keep-in-touch``
    title: str                     # the heading a person reads
    builder: str                   # the function of reports.build that makes it
    columns: tuple[str, ...]       # the frame's columns, in order
    takes: tuple[str, ...] = ()    # extra arguments beyond (P, as_of, top)
    cards: bool = False            # rendered as one card per item rather than a table

    def run(self, P, as_of, top: int | None = None, **extra) -> pd.DataFrame:
        """The report's frame; ``top=None`` keeps the builder's own default."""
        build = getattr(importlib.import_module("reports.build"), self.builder)
        return build(P, as_of, **extra, **({} if top is None else {"top": top}))


TIE_STATE_COLUMNS = ("state", "risk", "days_since", "usual_gap", "strength_now", "strength_peak", "reason")


_ALL = [
    Report("intros", "Introductions worth making", "intros",
           ("a", "b", "a_name", "b_name", "score", "complementarity", "common_ground", "structural", "bridging",
            "reach", "explanation", "draft"), cards=True),
    Report("decay", "Ties going quiet", "decay",
           ("person", "name", *TIE_STATE_COLUMNS)),
    Report("keep-in-touch", "Keep in touch", "keep_in_touch",
           ("person", "name", "layer", "cadence_days", "days_since", "overdue_days", "status", "reason_kind",
            "reason", "strength")),
    Report("ledger", "Give and ask", "ledger",
           ("person", "name", "given", "received", "asked", "yes", "no", "ignored", "pending", "balance",
            "push_luck", "thanks_owed", "last_favor")),
    Report("circles", "Circles and brokers", "circles",
           ("person", "name", "circle", "tags", "betweenness", "constraint", "effective_size", "degree")),
    Report("birthdays", "Birthdays coming up", "birthdays",
           ("person", "name", "date", "in_days", "turning", "children", "suggest", "wished")),
    Report("opportunity", "Who to tell", "opportunity",
           ("person", "name", "score", "fit", "reach", "matches"), takes=("description",)),
]
REPORTS: dict[str, Report] = {r.name: r for r in _ALL}

# What `kith report NAME` offers: the reports that need nothing but a date.
PLAIN = tuple(name for name, r in REPORTS.items() if not r.takes)


def get(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise UnknownReport(f"no report {name!r}: choose one of {', '.join(PLAIN)}") from None
