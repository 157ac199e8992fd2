"""KITH_HOME is readable by its owner only: what Kith and ArcadeDB create, and what a start repairs.

Also the helpers other modules use for their own files (``write_private``, ``private_file``).
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path

import pytest

from graph.server import EmbeddedServer, make_private, private_file, write_private
from tests.conftest import run_kith


@contextlib.contextmanager
def umask(mask: int):
    # Pinned, so that a file left to the umask would show up as 0644 whatever the machine's default.
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def loose(root: Path) -> list[str]:
    """Every folder and file under root (root included) that its group or others may use."""
    found = []
    for folder, _, files in os.walk(root):
        for path in [Path(folder), *(Path(folder) / n for n in files)]:
            mode = path.lstat().st_mode
            if not stat.S_ISLNK(mode) and mode & 0o077:
                found.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(root)}")
    return found


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_fresh_home_is_private_after_start_and_after_a_demo(tmp_path):
    home = tmp_path / "home"
    env = {"KITH_HOME": str(home)}
    try:
        with umask(0o022):
            done = run_kith("db", "start", env=env)
            assert done.returncode == 0, done.stderr
            assert loose(home) == []
            # ArcadeDB's own files, not only Kith's: its databases, WAL, config and the log folder in its cwd.
            for made_by_java in ("arcadedb/databases/kith", "arcadedb/databases/kith/schema.json",
                                 "arcadedb/config/server-users.jsonl", "log"):
                assert (home / made_by_java).exists(), made_by_java
            assert list((home / "arcadedb/databases/kith").glob("*.wal"))
            done = run_kith("demo", env=env)
            assert done.returncode == 0, done.stderr
        files = [p for p in home.rglob("*") if p.is_file()]
        assert len(files) > 30  # the demo made its types, buckets and indexes
        assert loose(home) == []
        assert mode(home) == 0o700
    finally:
        EmbeddedServer(home).stop()


def test_a_loosened_home_is_tightened_at_the_next_start(tmp_path):
    home = tmp_path / "home"
    server = EmbeddedServer(home)
    outside = tmp_path / "outside.txt"
    outside.write_text("not Kith's")
    outside.chmod(0o644)
    try:
        server.start()
        database = home / "arcadedb" / "databases" / "kith"
        loosened = {home: 0o755, home / "secret": 0o644, database: 0o777, database / "schema.json": 0o666,
                    home / "logs" / "server.out": 0o640, home / "java.args": 0o604}
        for path, loose_mode in loosened.items():
            path.chmod(loose_mode)
        (home / "notes.txt").write_text("restored from a backup")
        (home / "notes.txt").chmod(0o644)
        (home / "run.sh").write_text("#!/bin/sh\n")
        (home / "run.sh").chmod(0o755)
        (home / "link-out").symlink_to(outside)
        assert len(loose(home)) == len(loosened) + 2

        done = run_kith("db", "start", env={"KITH_HOME": str(home)})  # the server already runs
        assert done.returncode == 0, done.stderr
        assert loose(home) == []
        assert mode(home) == 0o700 and mode(database) == 0o700
        assert mode(home / "secret") == 0o600 and mode(database / "schema.json") == 0o600
        assert mode(home / "run.sh") == 0o700  # only group and other bits go: the owner's are kept
        assert mode(outside) == 0o644  # a link is not followed out of the home
    finally:
        server.stop()


def test_a_shared_folder_is_refused_as_a_home(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    (shared / "someone-elses.txt").write_text("x")
    (shared / "someone-elses.txt").chmod(0o644)
    done = run_kith("db", "start", env={"KITH_HOME": str(shared)})
    assert done.returncode == 1
    assert "not a folder of Kith's own" in done.stderr
    assert mode(shared) == 0o1777 and mode(shared / "someone-elses.txt") == 0o644
    assert sorted(p.name for p in shared.iterdir()) == ["someone-elses.txt"]


def test_make_private_reports_what_it_changed(tmp_path):
    (tmp_path / "a").mkdir(mode=0o755)
    (tmp_path / "a" / "b.txt").write_text("b")
    (tmp_path / "a" / "b.txt").chmod(0o664)
    (tmp_path / "c.txt").write_text("c")
    (tmp_path / "c.txt").chmod(0o600)
    tmp_path.chmod(0o700)
    assert sorted(make_private(tmp_path)) == [tmp_path / "a", tmp_path / "a" / "b.txt"]
    assert make_private(tmp_path) == []


def test_write_private_makes_a_0600_file_whatever_the_umask_or_the_old_mode(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("old")
    path.chmod(0o644)
    with umask(0):
        write_private(path, "name\nAda\n")
        write_private(tmp_path / "report.bin", b"\x00\x01")
    assert path.read_text() == "name\nAda\n" and mode(path) == 0o600
    assert (tmp_path / "report.bin").read_bytes() == b"\x00\x01" and mode(tmp_path / "report.bin") == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "report.bin"]  # no temporary file left


def test_a_failed_private_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "report.md"
    write_private(path, "the old report")
    with pytest.raises(RuntimeError):
        with private_file(path) as f:
            f.write("half of a new")
            raise RuntimeError("the report failed")
    assert path.read_text() == "the old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_reader_never_sees_a_partial_private_file(tmp_path):
    path = tmp_path / "server.json"
    versions = [b"a" * 4_000_000, b"b" * 3_000_000]
    write_private(path, versions[0])
    seen: list[int] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            data = path.read_bytes()
            seen.append(len(data))
            if data not in versions:
                stop.set()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(40):
            write_private(path, versions[i % 2])
    finally:
        stop.set()
        reader.join()
    assert set(seen) <= {len(v) for v in versions}, f"a partial file was read: {sorted(set(seen))[:5]}"
    assert len(seen) > 10, "the reader did not get to read while the file was written"


def test_a_fresh_home_gets_a_secret_even_over_an_empty_one(tmp_path):
    with umask(0o022):
        first = EmbeddedServer(tmp_path / "a").password()
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "secret").write_text("\n")
        second = EmbeddedServer(tmp_path / "b").password()
    assert len(first) >= 32 and len(second) >= 32 and first != second
    assert mode(tmp_path / "a" / "secret") == 0o600 and mode(tmp_path / "b" / "secret") == 0o600
    assert mode(tmp_path / "a") == 0o700
    assert EmbeddedServer(tmp_path / "a").password() == first  # kept, not made again
