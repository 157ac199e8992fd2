"""The store's start-up cache (graph/aot_cache.py, kith/startup_training.py): made by a real
training run, then mapped by the real server's JVM; never able to stop the store from starting."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from graph import aot_cache
from graph.server import EmbeddedServer, startup_cache_file
from graph.store import Store
from kith import startup_training
from tests.conftest import run_kith


def fake_runtime(root: Path, version: str, jars: dict[str, bytes]) -> tuple[Path, Path]:
    java_home, jar_dir = root / "jre", root / "jars"
    java_home.mkdir(parents=True)
    jar_dir.mkdir()
    (java_home / "release").write_text(f'JAVA_VERSION="{version}"\nMODULES="java.base"\n')
    for name, data in jars.items():
        (jar_dir / name).write_bytes(data)
    return java_home, jar_dir


def mapped_files(pid: int) -> set[str]:
    return {line.split(maxsplit=5)[5] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()
            if len(line.split(maxsplit=5)) == 6}


def test_a_runtime_before_java_25_gets_no_cache_option(tmp_path, monkeypatch):
    monkeypatch.setenv("KITH_CACHE_DIR", str(tmp_path / "cache"))
    java_home, jars = fake_runtime(tmp_path, "17.0.15", {"a.jar": b"x"})
    assert aot_cache.java_major(java_home) == 17
    assert aot_cache.cache_file(java_home, jars) is None
    assert aot_cache.jvm_args(java_home, jars) == []  # an unknown -XX option would stop Java 17 from starting


def test_the_cache_name_changes_with_the_runtime_and_every_jar(tmp_path, monkeypatch):
    monkeypatch.setenv("KITH_CACHE_DIR", str(tmp_path / "cache"))
    java_home, jars = fake_runtime(tmp_path, "25.0.4.1", {"a.jar": b"x", "b.jar": b"yy"})
    first = aot_cache.cache_file(java_home, jars)
    assert first is not None and first.parent == tmp_path / "cache"
    assert aot_cache.cache_file(java_home, jars) == first  # stable
    (jars / "b.jar").write_bytes(b"yyy")
    second = aot_cache.cache_file(java_home, jars)
    assert second != first
    (jars / "c.jar").write_bytes(b"z")
    assert aot_cache.cache_file(java_home, jars) not in (first, second)
    (java_home / "release").write_text('JAVA_VERSION="26"\n')
    assert aot_cache.java_major(java_home) == 26


def test_used_only_when_there_and_not_switched_off(tmp_path, monkeypatch):
    monkeypatch.setenv("KITH_CACHE_DIR", str(tmp_path / "cache"))
    java_home, jars = fake_runtime(tmp_path, "25.0.4.1", {"a.jar": b"x"})
    path = aot_cache.cache_file(java_home, jars)
    assert aot_cache.jvm_args(java_home, jars) == []
    path.parent.mkdir()
    path.write_bytes(b"cache")
    assert aot_cache.jvm_args(java_home, jars) == [f"-XX:AOTCache={path}"]
    monkeypatch.setenv("KITH_STARTUP_CACHE", "off")
    assert aot_cache.jvm_args(java_home, jars) == []
    assert aot_cache.jvm_args(java_home, jars, record_to=tmp_path / "t.aot") == [f"-XX:AOTCacheOutput={tmp_path / 't.aot'}"]


def _small_work(store: Store) -> None:
    store.load(__import__("demo").build_demo(startup_training.DEMO_AS_OF))
    store.counts()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = tmp_path_factory.mktemp("startup-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KITH_CACHE_DIR", str(cache))
        mp.delenv("KITH_STARTUP_CACHE", raising=False)
        yield startup_training.build(_small_work), mp


def test_a_training_run_writes_a_private_cache_the_server_then_maps(built, tmp_path):
    made, _ = built
    assert made.path == startup_cache_file()
    assert made.size > 1_000_000 and made.path.stat().st_size == made.size
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert not list(made.path.parent.glob(".*.tmp"))  # the recording was renamed, not left behind

    server = EmbeddedServer(tmp_path / "home")
    try:
        state = server.start()
        assert f"-XX:AOTCache={made.path}" in server.argfile.read_text()
        assert str(made.path) in mapped_files(state.pid)  # the JVM did not just accept the option: it uses it
        with Store.connect(server.home) as store:
            assert store.counts()["people"] == 0
    finally:
        server.stop()
    assert "[aot]" not in (server.log_dir / "server.out").read_text()  # no error, no warning about it


def test_switched_off_the_server_starts_without_it(built, tmp_path):
    made, mp = built
    mp.setenv("KITH_STARTUP_CACHE", "off")
    server = EmbeddedServer(tmp_path / "home")
    try:
        state = server.start()
        assert "AOTCache" not in server.argfile.read_text()
        assert str(made.path) not in mapped_files(state.pid)
    finally:
        server.stop()
        mp.delenv("KITH_STARTUP_CACHE")


def test_a_damaged_cache_never_stops_the_store(built, tmp_path):
    made, _ = built
    good = made.path.read_bytes()
    made.path.write_bytes(b"not a cache" + good[:4096])
    server = EmbeddedServer(tmp_path / "home")
    try:
        server.start()
        with Store.connect(server.home) as store:
            assert store.counts()["people"] == 0
    finally:
        server.stop()
        made.path.write_bytes(good)


def test_db_status_says_where_the_cache_is(built, tmp_path):
    made, _ = built
    home = {"KITH_HOME": str(tmp_path / "never-started")}
    result = run_kith("db", "status", env=home)
    assert result.returncode == 3  # not running
    assert "start-up cache: in use" in result.stdout
    made.path.rename(made.path.with_suffix(".away"))
    try:
        assert "start-up cache: none (`kith db cache` makes one" in run_kith("db", "status", env=home).stdout
    finally:
        made.path.with_suffix(".away").rename(made.path)
