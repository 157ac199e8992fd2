"""Import files: parse each, resolve who is who, write each in one transaction.

The only place where loaders meet the store, so that the CLI and the dashboard
import the same way: ``parse_file`` (pure) → ``plan_import`` (pure, against a
snapshot of the people already known) → ``Store.apply_import`` (one
transaction). A file that fails anywhere writes nothing; ``import_files`` goes
on with the next one.

Before anything is read, the file must be a regular file of at most ``max_bytes``
(``loaders/limits.py``: 100 MB unless the caller lifts it, ``kith import --max-size`` /
``--no-size-limit``), unless its first 16 KB tell a streamed format (``limits.STREAMED_FORMATS``:
an mbox), which is read in bounded memory whatever its size; the parsers then keep within the
other bounds there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from kith import clock
from kith.errors import KithError
from loaders.detect import detect
from loaders.limits import MAX_FILE_BYTES, STREAMED_FORMATS, cap_for
from loaders.parse import parse_file
from loaders.records import LoadError, ParseOptions
from loaders.resolve import ImportPlan, PeopleIndex, plan_import
from loaders.text import check_file

# Told how many rows of how many are written: ``advance(rows, total)`` (``Store.apply_import``'s progress).
# One that also has a ``reading(bytes_read, file_size)`` method is told how far a streamed file is read.
Advance = Callable[[int, int], None]


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


def region_of(e164: str) -> str | None:
    """``+447700900123`` → ``GB``: the country a phone number belongs to (None if none)."""
    import phonenumbers  # imported here: only reading phones needs it

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or None
    except phonenumbers.NumberParseException:
        return None


def options_for(store, default_region: str | None = None, max_bytes: int | None = MAX_FILE_BYTES, *,
                mail_subjects: bool = False, progress=None) -> ParseOptions:
    """Parse options that know the owner, so files can say "me".

    Numbers without a country code are read in ``default_region``, or else in the country of
    your own first phone: an address book holds mostly numbers of the country its owner lives in.
    Without either they are skipped, with the advice to say which country (never a guess).
    """
    owner = store.owner()
    details = store.person(owner["id"]) if owner else None
    if default_region is None and details and details.person.phones:
        default_region = region_of(details.person.phones[0])
    return ParseOptions(default_region=default_region,
                        owner_emails=frozenset(details.person.emails) if details else frozenset(),
                        owner_name=details.person.name if details else None,
                        max_bytes=max_bytes, mail_subjects=mail_subjects, progress=progress)


def import_file(store, path: Path, *, format: str | None = None, default_region: str | None = None,
                dry_run: bool = False, progress: Advance | None = None,
                index: PeopleIndex | None = None, max_bytes: int | None = MAX_FILE_BYTES,
                mail_subjects: bool = False) -> ImportResult:
    """Import ``path`` into ``store``; with ``dry_run`` plan and count but write nothing.

    Pass ``index`` to import several files against one snapshot (it is updated as
    each file resolves), saving a read of the whole graph per file. ``max_bytes``: the
    largest file read (None: any size), except for a streamed format (an mbox), read whatever
    its size. ``mail_subjects``: keep emails' subjects (``ParseOptions.mail_subjects``).
    """
    path = Path(path)
    format = format or _detect(path, max_bytes)
    check_file(path, cap_for(format, max_bytes))  # a FIFO, a device or a file too big is refused unopened
    if format == "kith-export":  # a whole graph from `kith export`: restored as it was, not resolved
        return _restore(store, path, dry_run)
    options = options_for(store, default_region, max_bytes, mail_subjects=mail_subjects,
                          progress=getattr(progress, "reading", None))
    parsed = parse_file(path, options, format)
    if index is None:
        index = PeopleIndex(*store.people_index_rows())
    plan = plan_import(parsed, index, now=clock.now())
    del parsed  # the plan holds what is written: the parsed records need not stay in memory meanwhile
    if dry_run:
        new, changed = store.new_or_changed_interactions(plan.network.interactions, plan.interaction_hashes)
        plan.network.interactions = [i for i in plan.network.interactions if i.id in new | changed]
        return ImportResult(plan, {}, True)
    written = store.apply_import(plan.people, plan.source_records, plan.changes, plan.network,
                                 plan.interaction_hashes, progress=progress)
    return ImportResult(plan, written, False)


def _detect(path: Path, max_bytes: int | None) -> str:
    """``detect``'s answer; of a file over ``max_bytes``, the first 16 KB are read only to tell a streamed format."""
    if max_bytes is not None and check_file(path) > max_bytes:  # check_file: a FIFO is refused unopened
        with contextlib.suppress(LoadError):
            format = detect(path)
            if format in STREAMED_FORMATS:
                return format
    return detect(path, max_bytes)  # a file too big is refused here, unread


def _restore(store, path: Path, dry_run: bool):
    from kith.export import restore_file
    from loaders.kithfile import load_json
    from loaders.text import read_text

    try:
        return restore_file(store, path, dry_run=dry_run)
    except RecursionError:  # JSON nested thousands deep: refused at the line, nothing written
        load_json(read_text(path), str(path))  # raises LoadError naming where it nests too deep
        raise LoadError(str(path), None, "nested too deeply to be read: a damaged or hostile file") from None


@dataclass
class FileOutcome:
    """One file of ``import_files``: what importing it did, or why nothing from it was written."""

    path: Path
    result: ImportResult | None = None
    error: KithError | None = None


def import_files(store, paths: Iterable[Path], *, format: str | None = None, default_region: str | None = None,
                 dry_run: bool = False,
                 progress: Callable[[Path], AbstractContextManager[Advance | None]] | None = None,
                 max_bytes: int | None = MAX_FILE_BYTES, mail_subjects: bool = False) -> Iterator[FileOutcome]:
    """Import ``paths`` in turn against one snapshot of who is known, yielding each file's outcome when done.

    A file Kith refuses (any ``KithError``: unreadable, someone it cannot tell, a record the model
    refuses …) writes nothing and does not stop the others. Its resolution may have added people to
    the snapshot before it failed, so the snapshot is read again from the store for the next file.
    ``progress(path)`` opens whatever shows one file's progress and gives its ``advance`` (or None).
    ``max_bytes``: the largest file read (None: any size; an mbox is read whatever its size).
    ``mail_subjects``: keep emails' subjects. Anything that is not a ``KithError`` is a bug, or the store gone, and stops the import.
    """
    index = PeopleIndex(*store.people_index_rows())
    for path in paths:
        path = Path(path)
        try:
            with (progress(path) if progress else contextlib.nullcontext()) as advance:
                result = import_file(store, path, format=format, default_region=default_region, dry_run=dry_run,
                                     progress=advance, index=index, max_bytes=max_bytes,
                                     mail_subjects=mail_subjects)
        except KithError as e:
            yield FileOutcome(path, error=e)
            index = PeopleIndex(*store.people_index_rows())
            continue
        if result.plan.format == "kith-export" and not result.dry_run:
            index = PeopleIndex(*store.people_index_rows())  # the restored people, for the files after it
        yield FileOutcome(path, result)
