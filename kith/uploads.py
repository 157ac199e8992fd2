"""The dashboard's uploads on disk only while a page run needs them (the loaders read paths).

Streamlit keeps an upload in memory until the uploader lets it go; Kith writes it to a private
temporary folder for the run that previews or imports it and removes the folder when the run
ends, whatever way it ends (a rerun, an error). Contact exports are personal data: nothing of
them is left behind in /tmp. Folders left by a dashboard that was killed, or by older versions
that kept every upload, are removed when the dashboard starts (``purge``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from graph.server import write_private

PREFIX = "kith-upload-"


@contextlib.contextmanager
def saved(uploads: Iterable) -> Iterator[list[tuple[str, Path, str]]]:
    """``(name, path, digest)`` for each of Streamlit's ``UploadedFile``s, removed on exit.

    The folder's name carries this process's id so that ``purge`` in another dashboard leaves
    it alone while this one runs.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))  # 0700: yours only
    try:
        files = []
        for f in uploads:
            content = f.getvalue()
            digest = hashlib.sha256(content).hexdigest()[:16]
            path = folder / digest / _file_name(f.name)
            if not path.exists():
                path.parent.mkdir(mode=0o700, exist_ok=True)
                write_private(path, content)
            files.append((f.name, path, digest))
        yield files
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _file_name(name: str) -> str:
    # The browser names the file: only its last part is used, and never "", "." or "..".
    base = Path(name.replace("\\", "/")).name
    return base if base not in ("", ".", "..") else "upload"


def purge(temp: Path | None = None) -> list[Path]:
    """Remove upload folders no running process of yours owns; returns what was removed."""
    removed = leftovers(temp)
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def leftovers(temp: Path | None = None) -> list[Path]:
    """Upload folders of yours that no running dashboard is using (``kith person forget`` shreds them)."""
    found = []
    for folder in Path(temp or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if not folder.is_dir() or folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and _alive(int(pid)):  # a dashboard (maybe this one) is using it now
            continue
        found.append(folder)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: not a dashboard of yours
        return False
    return True
