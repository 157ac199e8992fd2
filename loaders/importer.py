"""Import one file: parse it, resolve who is who, write it in one transaction.

The only place where loaders meet the store, so that the CLI and the dashboard
import the same way: ``parse_file`` (pure) → ``plan_import`` (pure, against a
snapshot of the people already known) → ``Store.apply_import`` (one
transaction). A file that fails anywhere writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from loaders.parse import parse_file
from loaders.records import ParseOptions
from loaders.resolve import ImportPlan, PeopleIndex, plan_import


@dataclass
class ImportResult:
    plan: ImportPlan
    written: dict[str, int]
    dry_run: bool

    def summary(self) -> dict[str, int]:
        s = self.plan.summary()
        if not self.dry_run:
            s["interactions"] = self.written.get("interactions_new", 0) + self.written.get("interactions_updated", 0)
        return s


def options_for(store, default_region: str | None = None) -> ParseOptions:
    """Parse options that know the owner, so files can say "me"."""
    owner = store.owner()
    details = store.person(owner["id"]) if owner else None
    return ParseOptions(default_region=default_region,
                        owner_emails=frozenset(details.person.emails) if details else frozenset(),
                        owner_name=details.person.name if details else None)


def import_file(store, path: Path, *, format: str | None = None, default_region: str | None = None,
                dry_run: bool = False, progress=None, index: PeopleIndex | None = None) -> ImportResult:
    """Import ``path`` into ``store``; with ``dry_run`` plan and count but write nothing.

    Pass ``index`` to import several files against one snapshot (it is updated as
    each file resolves), saving a read of the whole graph per file.
    """
    parsed = parse_file(Path(path), options_for(store, default_region), format)
    if index is None:
        index = PeopleIndex(*store.people_index_rows())
    plan = plan_import(parsed, index, now=datetime.now(timezone.utc))
    if dry_run:
        new, changed = store.new_or_changed_interactions(plan.network.interactions, plan.interaction_hashes)
        plan.network.interactions = [i for i in plan.network.interactions if i.id in new | changed]
        return ImportResult(plan, {}, True)
    written = store.apply_import(plan.people, plan.source_records, plan.changes, plan.network,
                                 plan.interaction_hashes, progress=progress)
    return ImportResult(plan, written, False)
