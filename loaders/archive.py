"""Whole exports read straight from their .zip: a LinkedIn data export, a Google Takeout.

An archive is one file for Kith: every member it reads is parsed by the loader of that format
(``loaders.parse.parse_file``, or ``loaders/linkedin_archive.py`` for LinkedIn's other CSVs) and
the results are merged into one ``ParsedFile``, imported in one transaction: all or nothing. A
member Kith cannot read refuses the whole archive, named ``archive.zip › member:line``; what a
member leaves out is said in ``skipped`` as ``member: reason``, and members Kith does not read are
listed there as ``not read``.

Safety, since a zip is input from anywhere (``loaders/limits.py`` for the bounds):

- members are never extracted by their name: each one read is streamed into a private temporary
  directory (``tempfile``: mode 0700, files 0600) under a name of Kith's own, parsed and deleted
  at once; the directory is always removed. A member whose name leaves the archive (``../``, an
  absolute path, a drive) refuses the archive as damaged or hostile before anything is written;
  directories are passed over, symbolic links and encrypted members are not read;
- a zip bomb: the members read hold at most ``options.max_bytes`` uncompressed *in all* (the
  bound of one file: ``kith import --max-size`` / ``--no-size-limit`` lift it, as a Takeout with
  years of mail needs), checked on the sizes the archive declares before anything is extracted
  and again on the bytes actually inflated, which may never exceed what a member declares;
  without a cap, they must fit in the free space of the temporary directory;
- at most ``MAX_MEMBERS`` entries, counted from the archive's end record before Python's zipfile
  reads its whole directory into memory.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path

from loaders import linkedin_archive
from loaders._fields import clean_emails, join_name
from loaders.kithfile import load_json
from loaders.limits import megabytes
from loaders.parse import bounded, parse_file
from loaders.records import Contact, LoadError, ParsedFile, ParseOptions, Tie
from loaders.text import check_file, read_text

MAX_MEMBERS = 100_000  # a Takeout of mail, contacts and calendars holds a few hundred; Photos, tens of thousands
CHUNK = 1024 * 1024
SEPARATOR = " › "  # between the archive and a member, in errors: "export.zip › Connections.csv:12"
_END = b"PK\x05\x06"
_END64_LOCATOR, _END64 = b"PK\x06\x07", b"PK\x06\x06"
_END_MAX = 22 + 0xFFFF + 20  # the end record, its longest comment and a zip64 locator before it

# LinkedIn: members at the root, by their case-folded name. The two formats Kith reads alone, then
# the other CSVs of the full export (loaders/linkedin_archive.py).
LINKEDIN_FORMATS = {"connections.csv": "linkedin-connections", "messages.csv": "linkedin-messages"}
IMPORTED_CONTACTS = ("importedcontacts.csv", "imported contacts.csv")
LINKEDIN_MARKERS = {*LINKEDIN_FORMATS, *linkedin_archive.READERS, *IMPORTED_CONTACTS,
                    "registration.csv", "rich_media.csv", "learning.csv", "ad_targeting.csv", "inferences_about_you.csv"}
TAKEOUT_ROOT = "takeout/"
TAKEOUT_PROFILE = "takeout/profile/profile.json"
_TAKEOUT_ORDER = ("profile", "vcard", "google-csv", "ical", "mbox")

Reader = Callable[[Path, ParseOptions], ParsedFile]


# -- which archive is this ------------------------------------------------------------------

def zip_format(path: Path) -> str:
    """``linkedin-zip`` or ``takeout-zip`` by the names of the members, or LoadError saying what it holds."""
    with _open_zip(path) as zf:
        names = [info.filename for info in _regular_members(zf, str(path), [])]
    return _format_of(names, str(path))


def _format_of(names: list[str], where: str) -> str:
    folded = [name.casefold() for name in names]
    if any(name.startswith(TAKEOUT_ROOT) for name in folded):
        return "takeout-zip"
    if any(name in LINKEDIN_MARKERS for name in folded):
        return "linkedin-zip"
    shown = ", ".join(repr(name) for name in names[:5]) + (f" … ({len(names):,} files)" if len(names) > 5 else "")
    raise LoadError(where, None, "a zip archive that is neither a LinkedIn data export nor a Google Takeout: "
                                 + (f"it holds {shown}" if names else "it holds no files"))


# -- opening, listing and extracting safely -------------------------------------------------

@contextmanager
def _open_zip(path: Path) -> Iterator[zipfile.ZipFile]:
    """The archive, once its end record says it has at most ``MAX_MEMBERS`` entries."""
    where = str(path)
    try:
        f = open(path, "rb")
    except OSError as e:
        raise LoadError(where, None, f"cannot read it ({e.strerror or e})") from None
    with f:
        try:
            entries = _entry_count(f)
            if entries is not None and entries > MAX_MEMBERS:
                raise LoadError(where, None, f"a zip archive of {entries:,} entries, more than the {MAX_MEMBERS:,} "
                                             "Kith reads: export only what Kith imports (in Takeout: Contacts, "
                                             "Calendar, Mail)")
            zf = zipfile.ZipFile(f)
        except LoadError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, struct.error, ValueError,
                NotImplementedError) as e:  # what zipfile raises for a damaged directory
            raise LoadError(where, None, f"not a readable zip archive ({e}): a damaged or partly downloaded "
                                         "file") from None
        with zf:
            yield zf


def _entry_count(f) -> int | None:
    """How many entries the end of central directory record declares (zip64 too); None if not found."""
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - _END_MAX))
    tail = f.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        return None  # zipfile says what is wrong
    (entries,) = struct.unpack("<H", tail[at + 10:at + 12])
    if entries == 0xFFFF and at >= 20 and tail[at - 20:at - 16] == _END64_LOCATOR:
        (offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
        f.seek(offset)
        record = f.read(40)
        if len(record) == 40 and record[:4] == _END64:
            (entries,) = struct.unpack("<Q", record[32:40])
    return entries


_DRIVE = re.compile(r"^[A-Za-z]:")


def _regular_members(zf: zipfile.ZipFile, where: str, skipped: list[tuple[int, str]]) -> list[zipfile.ZipInfo]:
    """The files of the archive; LoadError for a name that leaves it, symbolic links and encrypted files skipped."""
    found, seen = [], set()
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
            raise LoadError(where, None, f"member {name!r} has a path outside the archive: a damaged or hostile "
                                         "archive (nothing was extracted)")
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            skipped.append((0, f"{name}: a symbolic link, not read"))
            continue
        if info.flag_bits & 0x1:
            skipped.append((0, f"{name}: encrypted, not read"))
            continue
        if name.casefold() in seen:
            raise LoadError(where, None, f"holds {name!r} twice: a damaged or hostile archive")
        seen.add(name.casefold())
        found.append(info)
    return found


class _Archive:
    """An open archive and a private temporary directory: members are extracted there one at a time."""

    def __init__(self, zf: zipfile.ZipFile, where: str, directory: Path, options: ParseOptions):
        self.zf, self.where, self.directory, self.options = zf, where, directory, options
        self.skipped: list[tuple[int, str]] = []
        self.members = _regular_members(zf, where, self.skipped)
        self._count = 0

    def check_room(self, infos: list[zipfile.ZipInfo]) -> None:
        """Refuse, before extracting anything, members that hold more than Kith reads or the disk has room for."""
        # A mailbox is streamed (limits.STREAMED_FORMATS): it takes room on disk, not memory.
        total = sum(info.file_size for info in infos if _takeout_kind(info.filename) != "mbox")
        cap = self.options.max_bytes
        if cap is not None and total > cap:
            raise LoadError(self.where, None, f"the members Kith reads hold {megabytes(total)} uncompressed, more than "
                                              f"the {megabytes(cap)} Kith reads from one file: lift the cap "
                                              "(`kith import --max-size MB`, or `--no-size-limit`)")
        free = shutil.disk_usage(self.directory).free
        if max((i.file_size for i in infos), default=0) > free:
            raise LoadError(self.where, None, f"a member holds {megabytes(max(i.file_size for i in infos))} "
                                              f"uncompressed, more than the {megabytes(free)} free for temporary "
                                              f"files in {self.directory.parent} (TMPDIR)")

    def extract(self, info: zipfile.ZipInfo) -> Path:
        """``info`` streamed into a file of Kith's own naming (0600), never more than it declares."""
        self._count += 1
        target = self.directory / f"member-{self._count}"
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        written = 0
        try:
            with os.fdopen(fd, "wb") as out, self.zf.open(info) as source:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > info.file_size:
                        raise LoadError(self._name(info), None, f"inflates past the {info.file_size:,} bytes it "
                                                                "declares: a damaged or hostile archive")
                    out.write(chunk)
        except LoadError:
            raise
        except OSError as e:
            if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
                raise LoadError(self._name(info), None, f"no room left for temporary files in "
                                                        f"{self.directory.parent} (TMPDIR)") from None
            raise LoadError(self._name(info), None, f"cannot be extracted ({e}): a damaged archive") from None
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError,
                struct.error) as e:  # what zipfile raises for a damaged header, stream or checksum
            raise LoadError(self._name(info), None, f"cannot be extracted ({e}): a damaged archive") from None
        return target

    def parse(self, info: zipfile.ZipInfo, reader: str | Reader, options: ParseOptions) -> ParsedFile:
        """One member parsed by its format's loader (a format name) or a reader; errors name the member."""
        path = self.extract(info)
        try:
            if isinstance(reader, str):
                return parse_file(path, options, format=reader)
            check_file(path, options.max_bytes)
            try:
                return bounded(reader(path, options))
            except RecursionError:
                raise LoadError(str(path), None, "nested too deeply to be read: a damaged or hostile file") from None
        except LoadError as e:
            raise LoadError(self._name(info), e.line, e.reason) from None
        finally:
            path.unlink(missing_ok=True)  # the disk holds one member at a time

    def _name(self, info: zipfile.ZipInfo) -> str:
        return f"{self.where}{SEPARATOR}{info.filename}"


@contextmanager
def _archive(path: Path, options: ParseOptions) -> Iterator[_Archive]:
    with _open_zip(path) as zf, tempfile.TemporaryDirectory(prefix="kith-archive-") as directory:
        yield _Archive(zf, str(path), Path(directory), options)


def _not_read(names: list[str], depth: int) -> list[tuple[int, str]]:
    """Members Kith does not read, for ``skipped``: one entry per folder ``depth`` deep, with its count."""
    groups: dict[str, int] = {}
    for name in names:
        parts = name.split("/")
        key = "/".join(parts[:depth]) + "/" if len(parts) > depth else name
        groups[key] = groups.get(key, 0) + 1
    return [(0, f"{key}: not read" if n == 1 and not key.endswith("/") else f"{key}: {n:,} files not read")
            for key, n in groups.items()]


# -- merging members into one file ----------------------------------------------------------

def merge(where: str, format: str, parts: list[tuple[str, ParsedFile]],
          skipped: list[tuple[int, str]] = ()) -> ParsedFile:
    """One ParsedFile of every member's: one Contact per source record (fields joined), each interaction,
    tie, favor and introduction once, skipped entries named by member, the owners' pieces joined."""
    merged = ParsedFile(where, format, skipped=list(skipped))
    contacts: dict[tuple[str, str], Contact] = {}
    activities, favors, introductions = {}, {}, {}
    owner: Contact | None = None
    for member, parsed in parts:
        for c in parsed.contacts:
            key = (c.source, c.source_id)
            contacts[key] = _combine(contacts[key], c) if key in contacts else c
        for a in parsed.activities:
            activities.setdefault((a.source, a.source_id), a)
        for f in parsed.favors:
            favors.setdefault(f.source_id, f)
        for i in parsed.introductions:
            introductions.setdefault(i.source_id, i)
        merged.ties += parsed.ties
        merged.skipped += [(line, f"{member}: {reason}") for line, reason in parsed.skipped]
        if parsed.owner is not None:
            owner = _join_owner(owner, parsed.owner)
    merged.contacts = list(contacts.values())
    merged.activities, merged.favors = list(activities.values()), list(favors.values())
    merged.introductions = list(introductions.values())
    merged.ties = unique_ties(merged.ties)
    merged.owner = _named(owner, merged.skipped)
    return merged


def _named(owner: Contact | None, skipped: list[tuple[int, str]]) -> Contact | None:
    """The owner, if the archive says their name or an address: skills alone say nobody."""
    if owner is None or owner.name:
        return owner
    if owner.emails:
        owner.name = owner.emails[0]
        return owner
    skipped.append((owner.line, "your skills and position left out: the archive says neither your name nor your "
                                "address (no Profile.csv or Email Addresses.csv)"))
    return None


_LIST_FIELDS = tuple(f.name for f in fields(Contact) if f.type.startswith("list"))
_SCALAR_FIELDS = tuple(f.name for f in fields(Contact)
                       if f.name not in (*_LIST_FIELDS, "source", "source_id", "line", "name"))


def _combine(first: Contact, other: Contact) -> Contact:
    """One source record said by two members: the first's values, the other's where the first has none,
    every list value of both."""
    for name in _LIST_FIELDS:
        setattr(first, name, list(dict.fromkeys([*getattr(first, name), *getattr(other, name)])))
    for name in _SCALAR_FIELDS:
        if getattr(first, name) is None:
            setattr(first, name, getattr(other, name))
    if not first.name or first.name == first.source_id.rsplit("/", 1)[-1]:
        first.name = other.name or first.name  # a URL's last part stood in for a name not yet seen
    return first


def _join_owner(owner: Contact | None, piece: Contact) -> Contact:
    """The owner's pieces (name, addresses, skills …) as one Contact, known by a profile URL when one says it."""
    if owner is None:
        return replace(piece)
    generic = owner.source_id == linkedin_archive.OWNER_ID
    if not owner.name:
        owner.name = piece.name
    owner = _combine(owner, piece)
    if generic and piece.source_id != linkedin_archive.OWNER_ID:
        owner.source, owner.source_id = piece.source, piece.source_id
    return owner


def unique_ties(ties: list[Tie]) -> list[Tie]:
    """Each pair once: the earliest ``since``, every context joined."""
    by_pair: dict[frozenset[str], Tie] = {}
    for tie in ties:
        pair = frozenset((tie.a, tie.b))
        if pair not in by_pair:
            by_pair[pair] = replace(tie)
            continue
        kept = by_pair[pair]
        kept.since = min((d for d in (kept.since, tie.since) if d), default=None)
        contexts = [c for c in (kept.context, tie.context) if c]
        kept.context = "; ".join(dict.fromkeys(contexts)) or None
    return list(by_pair.values())


def _owner_options(options: ParseOptions, owner: Contact | None) -> ParseOptions:
    """The options members are parsed with: the export's owner is ``me`` in them.

    Without an owner in Kith, the export's name and addresses say who you are; with one, the export's
    addresses join yours only when they share one (the export is yours).
    """
    if owner is None:
        return options
    if not options.owner_name and not options.owner_emails:
        return replace(options, owner_name=owner.name or None, owner_emails=frozenset(owner.emails))
    if set(owner.emails) & set(options.owner_emails):
        return replace(options, owner_emails=options.owner_emails | frozenset(owner.emails))
    return options


# -- LinkedIn -------------------------------------------------------------------------------

def parse_linkedin_zip(path: Path, options: ParseOptions) -> ParsedFile:
    """A LinkedIn data export (``Basic_LinkedInDataExport_MM-DD-YYYY.zip``), every member Kith knows."""
    with _archive(path, options) as archive:
        read, not_read = _linkedin_plan(archive.members)
        archive.check_room([info for info, _ in read])
        parts: list[tuple[str, ParsedFile]] = []
        owner = None
        for info, reader in read:
            if info.filename.casefold() not in linkedin_archive.OWNER_MEMBERS:
                break
            parts.append((info.filename, archive.parse(info, reader, options)))
            owner = _join_owner(owner, parts[-1][1].owner) if parts[-1][1].owner else owner
        member_options = _owner_options(options, owner)
        for info, reader in read[len(parts):]:
            parts.append((info.filename, archive.parse(info, reader, member_options)))
        skipped = archive.skipped + _not_read([i.filename for i in not_read], 1)
    found = [parsed for member, parsed in parts if member.casefold() == "connections.csv"]
    connections = {c.source_id for parsed in found for c in parsed.contacts}
    for member, parsed in parts:
        if member.casefold() == "invitations.csv":
            linkedin_archive.drop_pending(parsed, connections)
    # You know each connection: those ties first, so that an invitation adds to their context.
    parts[:0] = [("Connections.csv", ParsedFile(str(path), "linkedin-connections",
                                                ties=linkedin_archive.connection_ties(parsed))) for parsed in found]
    merged = merge(str(path), "linkedin-zip", parts, skipped)
    owner_known = merged.owner is not None or bool(options.owner_name or options.owner_emails)
    linkedin_archive.finish(merged, connections, owner_known)
    return merged


def _linkedin_plan(members: list[zipfile.ZipInfo]) -> tuple[list[tuple[zipfile.ZipInfo, str | Reader]],
                                                            list[zipfile.ZipInfo]]:
    """Members to read with their reader (the owner's first), and members not read."""
    from loaders import linkedin

    readers: dict[str, str | Reader] = {**LINKEDIN_FORMATS, **linkedin_archive.READERS}
    imported = getattr(linkedin, "parse_imported_contacts", None)  # the address book you let LinkedIn import
    if imported is not None:
        readers.update(dict.fromkeys(IMPORTED_CONTACTS, imported))
    read, not_read = [], []
    for info in members:
        reader = readers.get(info.filename.casefold())
        (read.append((info, reader)) if reader is not None else not_read.append(info))
    first = linkedin_archive.OWNER_MEMBERS
    read.sort(key=lambda item: first.index(item[0].filename.casefold()) if item[0].filename.casefold() in first
              else len(first))
    return read, not_read


# -- Google Takeout -------------------------------------------------------------------------

def parse_takeout_zip(path: Path, options: ParseOptions) -> ParsedFile:
    """A Google Takeout archive (``takeout-YYYYMMDDTHHMMSSZ-001.zip``): profile, contacts, calendars, mail.

    Each part of a Takeout split into several zips is an archive of its own: import each.
    """
    with _archive(path, options) as archive:
        read, not_read = _takeout_plan(archive.members)
        archive.check_room([info for info, _ in read])
        parts: list[tuple[str, ParsedFile]] = []
        if read and read[0][1] is read_google_profile:
            info, reader = read.pop(0)
            parts.append((info.filename, archive.parse(info, reader, options)))
        member_options = _owner_options(options, parts[0][1].owner if parts else None)
        for info, reader in read:
            parts.append((info.filename, archive.parse(info, reader, member_options)))
        skipped = archive.skipped + _not_read([i.filename for i in not_read], 2)
    merged = merge(str(path), "takeout-zip", parts, skipped)
    return merged


def _takeout_kind(name: str) -> str | Reader | None:
    """How a Takeout member is read, by where Takeout puts it and its extension (None: not read)."""
    folded = name.casefold()
    if folded == TAKEOUT_PROFILE:
        return read_google_profile
    if not folded.startswith(TAKEOUT_ROOT):
        return None
    if folded.endswith(".vcf"):
        return "vcard"
    if folded.endswith(".ics"):
        return "ical"
    if folded.endswith(".csv") and folded.startswith(TAKEOUT_ROOT + "contacts/"):
        return "google-csv"
    if folded.endswith(".mbox"):
        return "mbox"
    return None


def _takeout_plan(members: list[zipfile.ZipInfo]) -> tuple[list[tuple[zipfile.ZipInfo, str | Reader]],
                                                           list[zipfile.ZipInfo]]:
    """Members to read with their reader, and members not read.

    The profile first (who you are), then address books: their cards carry companies and titles, so
    that a calendar's or a mailbox's bare address joins the person a card (or an earlier import) made,
    not a new one the card would then only be a name-alike of.
    """
    read, not_read = [], []
    for info in members:
        kind = _takeout_kind(info.filename)
        if kind is None:
            not_read.append(info)
        else:
            read.append((info, kind))
    read.sort(key=lambda item: _TAKEOUT_ORDER.index("profile" if item[1] is read_google_profile else item[1]))
    return read, not_read


def read_google_profile(path: Path, options: ParseOptions) -> ParsedFile:
    """``Takeout/Profile/Profile.json``: the account's name and addresses, which are yours."""
    parsed = ParsedFile(str(path), "google-profile")
    data = load_json(read_text(path, max_bytes=options.max_bytes), str(path))
    if not isinstance(data, dict):
        raise LoadError(str(path), 1, "not a Takeout profile: expected a JSON object")
    name = data.get("name") if isinstance(data.get("name"), dict) else {}
    given, family = _text(name.get("givenName")), _text(name.get("familyName"))
    full = _text(name.get("formattedName")) or _text(data.get("displayName")) or join_name(given, family)
    values = [_text(e.get("value")) for e in data.get("emails") or [] if isinstance(e, dict)]
    emails = clean_emails([v for v in values if v], 1, parsed.skipped)
    if full or emails:
        parsed.owner = Contact(source="google", source_id="account:" + (emails[0] if emails else full), line=1,
                               name=full or emails[0], given_name=given or None, family_name=family or None,
                               emails=emails)
    return parsed


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
