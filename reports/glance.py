"""One person at a glance: your tie with them, in a number and a sentence.

``kith person show`` prints it beside what Kith knows about them. The number is the same
one every report uses (``reports.build.owner_ties``, 0–100, as of a day); when there is no
number to give (no owner yet, no history with them) the line says why instead of leaving
a gap that reads as "zero".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.projection import Projection


@dataclass(frozen=True)
class TieGlance:
    strength: float | None   # 0–100, None when there is no tie to measure
    explanation: str         # why that number, or why there is none

    def line(self) -> str:
        """'62/100: mostly you reaching out; last seen 3 weeks ago; …' or the reason there is none."""
        return self.explanation if self.strength is None else f"{self.strength:.0f}/100: {self.explanation}"


def tie_glance(P: Projection, person: str, as_of: date) -> TieGlance:
    """Your tie with ``person`` as of ``as_of`` (interactions up to the end of that day)."""
    from reports.build import owner_ties  # the analytics stack loads only when a tie is asked for

    if P.owner is None:
        return TieGlance(None, "unknown: Kith does not know who you are yet (`kith me --name \"Your Name\"`)")
    if person == P.owner:
        return TieGlance(None, "this is you")
    ties = owner_ties(P, as_of)
    if person not in ties.index:
        return TieGlance(None, f"none yet: no interactions with you up to {as_of:%d %B %Y} "
                               "(`kith log NAME` or import mail, calendars, messages)")
    row = ties.loc[person]
    return TieGlance(round(float(row["strength"]), 1), str(row["explain"]))
