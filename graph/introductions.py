"""The life of an introduction, double opt-in: the one place its steps are checked.

You never connect two people who have not both said yes: ask A whether they want to
meet B, then (A willing) ask B, mentioning that A agreed, and only then send the joint
introduction. The states, in order::

    suggested → asked-a → a-agreed → asked-b → agreed → made → (outcome: good | neutral | bad)
        └──────────┴──────────┴──────────┴─────────┴──→ declined (by a, b or you)

``advance`` and ``with_outcome`` are pure: they take an ``Introduction`` and return the
next one (or raise ``StepError`` naming the current state and the steps allowed from it),
so the CLI, the dashboard and the tests share exactly these rules. ``made`` straight
from any open state is allowed only with ``skip_opt_in`` (an introduction you made
earlier, outside Kith).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from graph.model import (
    INTRODUCTION_DECLINERS,
    INTRODUCTION_OUTCOMES,
    INTRODUCTION_STATUSES,
    INTRODUCTION_STEP_TIMES,
    Introduction,
    check_choice,
    utc,
)
from kith.errors import InvalidRecord

NEXT = {
    "suggested": ("asked-a", "declined"),
    "asked-a": ("a-agreed", "declined"),
    "a-agreed": ("asked-b", "declined"),
    "asked-b": ("agreed", "declined"),
    "agreed": ("made", "declined"),
    "made": (),
    "declined": (),
}
OPEN = ("suggested", "asked-a", "a-agreed", "asked-b", "agreed")
# Who can say no at each state: B has not heard of it before being asked; you can stop any time.
CAN_DECLINE = {
    "suggested": ("you",),
    "asked-a": ("a", "you"),
    "a-agreed": ("a", "you"),
    "asked-b": ("a", "b", "you"),
    "agreed": ("a", "b", "you"),
}
# Whose move it is in each state: "you" (send the next message), "a" or "b" (their answer).
WAITING_ON = {"suggested": "you", "asked-a": "a", "a-agreed": "you", "asked-b": "b", "agreed": "you"}
assert tuple(NEXT) == INTRODUCTION_STATUSES


class StepError(InvalidRecord):
    """A step the introduction's state does not allow: ``… is asked-a; next: a-agreed, declined``."""


def allowed(status: str) -> tuple[str, ...]:
    """The steps allowed from ``status`` (an outcome is the only thing left after ``made``)."""
    return NEXT[status] or (("outcome",) if status == "made" else ())


def _refuse(n: Introduction, step: str, why: str = "") -> StepError:
    nexts = ", ".join(allowed(n.status)) or "nothing (it is closed)"
    return StepError(f"introduction {n.id} is {n.status}: cannot go to {step}{why}; next allowed: {nexts}")


def check_step(step: str) -> None:
    check_choice("introduction", "step", step, INTRODUCTION_STATUSES)


def advance(n: Introduction, step: str, at: datetime, *, by: str | None = None, skip_opt_in: bool = False,
            note: str | None = None) -> Introduction:
    """``n`` moved on to ``step`` at ``at``; ``by`` says who declined (a, b or you)."""
    check_step(step)
    at = utc(at)
    changes: dict = {INTRODUCTION_STEP_TIMES.get(step, "at"): at, "status": step}
    if step == "declined":
        if by is None:
            raise StepError("say who declined: --by a, b or you")
        check_choice("introduction", "declined_by", by, INTRODUCTION_DECLINERS)
        if n.status not in CAN_DECLINE:
            raise _refuse(n, step)
        if by not in CAN_DECLINE[n.status]:
            raise _refuse(n, step, f" by {by} ({by.upper()} has not been asked yet)")
        changes["declined_by"] = by
    elif step == "made" and skip_opt_in and n.status in OPEN and n.status != "agreed":
        changes["skipped_opt_in"] = True
    elif step not in NEXT[n.status]:
        hint = (" without both agreeing (use --skip-opt-in for one made outside Kith)"
                if step == "made" and n.status in OPEN else "")
        raise _refuse(n, step, hint)
    if note:
        changes["note"] = f"{n.note}; {note}" if n.note else note
    return replace(n, **changes)


def with_outcome(n: Introduction, outcome: str, at: datetime, *, note: str | None = None) -> Introduction:
    """How a made introduction went; recording it again replaces the earlier outcome."""
    check_choice("introduction", "outcome", outcome, INTRODUCTION_OUTCOMES)
    if n.status != "made":
        raise _refuse(n, "an outcome", " before it is made")
    return replace(n, outcome=outcome, outcome_at=utc(at), note=(f"{n.note}; {note}" if n.note else note) if note else n.note)


def since(n: Introduction) -> datetime:
    """When ``n`` reached its current state (or got its outcome)."""
    if n.status == "made" and n.outcome_at:
        return n.outcome_at
    return getattr(n, INTRODUCTION_STEP_TIMES[n.status]) if n.status in INTRODUCTION_STEP_TIMES else n.at


def waiting_on(n: Introduction) -> str | None:
    """Whose move it is: "you", "a", "b", or None once declined or made with an outcome."""
    if n.status == "made":
        return None if n.outcome else "you"
    return WAITING_ON.get(n.status)


def next_message(n: Introduction) -> str | None:
    """Which draft you send next: "to_a", "to_b", "joint", or None."""
    return {"suggested": "to_a", "a-agreed": "to_b", "agreed": "joint"}.get(n.status)
