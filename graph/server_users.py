"""Who may log in to the embedded store, and what each may do: Kith's own users, put back at every start.

ArcadeDB locks a user *name* out for 30 s after 5 failed logins within 30 s, over HTTP and Bolt
alike and whatever the client's address; during the lock-out even the right password is refused
(tests/test_readonly_attacks.py shows it). ``root`` is a name anyone can guess, so anyone able to
reach the ports could keep a Kith that logs in as root locked out for good. So Kith logs in as two
users whose names nobody can guess: names and passwords are derived from ``KITH_HOME/secret`` with
HMAC-SHA256, which needs no extra file and follows the secret (``kith db reset-password``).

- the admin (``kith-admin-…``), group ``admin`` on every database: Kith's own reads and writes,
  ``kith cypher --write``, and graph/compact.py's scratch databases;
- the reader (``kith-reader-…``), group ``kith-reader`` on ``kith``, which may read records and do
  nothing else (no creating, updating or deleting records, no schema, security or database
  settings): every read-only user query runs as the reader, so read-only is the server's rule.

``root`` stays as graph/server.py keeps it (its password is the secret; ArcadeDB's server commands,
such as ``create database``, are root's alone), but Kith's own connections never log in as root.

At every start, while the server is stopped, ``server-users.jsonl`` and ``server-groups.json`` are
rewritten to exactly root and these two users and their groups: a user someone created (``CREATE
USER``, the HTTP API, an edit of the file) is gone, a changed password or group of Kith's users is
put back, and so is root's password if it was changed. A server that is already running is checked
(cheaply) instead, and when its users are not Kith's (it was started by an earlier Kith, which only
knew root, or they were changed since), the files are rewritten and the server's own reload of them
(every 5 s) is waited for.

The secret is only trusted to rewrite anything when the store already knows it: Kith's admin was
written with it (its salt, derived from the secret, says so without hashing) or root's password is
it. Otherwise (a secret from another home, an old backup) nothing is touched, and the start fails
as graph/server.py says (``PasswordRefused``).

Passwords are stored the way ArcadeDB stores them (``PBKDF2WithHmacSHA256$65536$salt$hash``, with
the salt's base64 text as the salt bytes), so the server checks them itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATABASE = "kith"  # graph/server.py's DATABASE (graph/server.py imports this module, not the reverse)
ROOT = "root"
ADMIN_GROUP = "admin"
READER_GROUP = "kith-reader"
ALGORITHM = "PBKDF2WithHmacSHA256"  # ArcadeDB's arcadedb.server.securityAlgorithm, which Kith leaves as it is
ITERATIONS = 65536                  # … and arcadedb.server.saltIterations
RELOAD_PERIOD_S = 5.0               # arcadedb.server.reloadEvery: how often a running server rereads the files
LOGIN_TRIES = 3                     # after a reload: fewer than the 5 failures that would lock Kith's name out

ADMIN_RIGHTS = {
    "resultSetLimit": -1,
    "readTimeout": -1,
    "access": ["updateSecurity", "updateSchema", "updateDatabaseSettings"],
    "types": {"*": {"access": ["createRecord", "readRecord", "updateRecord", "deleteRecord"]}},
}
# Reading records, and nothing else. ArcadeDB refuses creating or deleting a record at once, and
# updating one at commit, which a read-only query never reaches: graph/cypher.py rolls it back.
READER_RIGHTS = {
    "resultSetLimit": -1,
    "readTimeout": -1,  # it bounds each scan of a type, not a query: graph/query_guard.py stops queries
    "access": [],
    "types": {"*": {"access": ["readRecord"]}},
}
NO_RIGHTS = {"resultSetLimit": -1, "readTimeout": -1, "access": [], "types": {"*": {"access": []}}}
GROUPS = {"databases": {"*": {"groups": {ADMIN_GROUP: ADMIN_RIGHTS, READER_GROUP: READER_RIGHTS, "*": NO_RIGHTS}}},
          "version": 2}


@dataclass(frozen=True)
class Login:
    user: str
    password: str

    @property
    def auth(self) -> tuple[str, str]:
        return self.user, self.password


def admin(server) -> Login:
    """Kith's own user: every connection of Kith's but those of read-only user queries."""
    secret = server.password()
    return Login(f"kith-admin-{_derive(secret, 'admin-name')[:16]}", _derive(secret, "admin-password")[:32])


def reader(server) -> Login:
    """The user read-only user queries run as: it may read records and nothing else."""
    secret = server.password()
    return Login(f"kith-reader-{_derive(secret, 'reader-name')[:16]}", _derive(secret, "reader-password")[:32])


def admin_auth(server) -> tuple[str, str]:
    return admin(server).auth


def users_file(server) -> Path:
    return server.home / "arcadedb" / "config" / "server-users.jsonl"


def groups_file(server) -> Path:
    return server.home / "arcadedb" / "config" / "server-groups.json"


def provision(server) -> None:
    """Make the store's users and groups Kith's; ``EmbeddedServer.start`` calls it under its lock.

    Stopped: the files are rewritten, and the server about to start reads them. Running: only
    when they are not Kith's, rewritten the same way, and the server's reload is waited for.
    """
    state = server.running()
    if state is not None and in_place(server):
        return
    users = _read_users(server)
    if users is not None and not _knows_secret(server, users):
        return  # not ours to rewrite: the start fails with PasswordRefused, and says what to do
    _write(users_file(server), "".join(json.dumps(u) + "\n" for u in expected_users(server, users or [])))
    _write(groups_file(server), json.dumps(GROUPS, indent=2) + "\n")
    if state is not None:
        _await_reload(server, state)


def expected_users(server, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Root, Kith's admin and Kith's reader, as server-users.jsonl holds them; entries already right are kept."""
    secret = server.password()
    found = {u.get("name"): u for u in current}
    root = found.get(ROOT)
    if not root or ("password" in root and not password_matches(secret, root["password"])):
        root = {"name": ROOT, "password": encode_password(secret, _salt(secret, ROOT))}
    # Without a password (graph/server.py's reset_password), ArcadeDB sets root's from the secret itself.
    users = [{**root, "databases": {"*": [ADMIN_GROUP]}}]
    for login, databases in ((admin(server), {"*": [ADMIN_GROUP]}), (reader(server), {DATABASE: [READER_GROUP]})):
        entry = found.get(login.user)
        if not (entry and _is_ours(secret, entry, databases)):
            entry = {"name": login.user, "password": encode_password(login.password, _salt(secret, login.user)),
                     "databases": databases}
        users.append(entry)
    return users


def in_place(server) -> bool:
    """True when the files hold root and exactly Kith's users, with Kith's passwords, and Kith's groups."""
    users = _read_users(server)
    try:
        groups = json.loads(groups_file(server).read_text())
    except (OSError, ValueError):
        return False
    if users is None or groups != GROUPS:
        return False
    secret = server.password()
    found = {u.get("name"): u for u in users}
    ours = {admin(server).user: {"*": [ADMIN_GROUP]}, reader(server).user: {DATABASE: [READER_GROUP]}}
    return (set(found) == {ROOT, *ours} and found[ROOT].get("databases") == {"*": [ADMIN_GROUP]}
            and all(_is_ours(secret, found[name], databases) for name, databases in ours.items()))


def encode_password(password: str, salt: str) -> str:
    """A password as ArcadeDB stores it: ``algorithm$iterations$salt$hash`` (ServerSecurity.encodePassword)."""
    return _encode(password, salt, ITERATIONS)


def password_matches(password: str, stored: str) -> bool:
    parts = str(stored).split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit():
        return False
    return hmac.compare_digest(_encode(password, parts[2], int(parts[1])), stored)


def _encode(password: str, salt: str, iterations: int) -> str:
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations, 32)
    return f"{ALGORITHM}${iterations}${salt}${base64.b64encode(key).decode()}"


def _is_ours(secret: str, entry: dict[str, Any], databases: dict[str, list[str]]) -> bool:
    # The salt is derived from the secret, so an entry with it was written by Kith with this secret;
    # ArcadeDB gives a password set any other way a random salt. No hashing needed to tell.
    parts = str(entry.get("password", "")).split("$")
    return entry.get("databases") == databases and parts[:3] == [ALGORITHM, str(ITERATIONS), _salt(secret, entry["name"])]


def _knows_secret(server, users: list[dict[str, Any]]) -> bool:
    """Whether the store already trusts this secret: Kith wrote its admin with it, or root has it (or none)."""
    secret = server.password()
    found = {u.get("name"): u for u in users}
    if (entry := found.get(admin(server).user)) and _is_ours(secret, entry, {"*": [ADMIN_GROUP]}):
        return True
    root = found.get(ROOT)
    return root is None or "password" not in root or password_matches(secret, root["password"])


def _read_users(server) -> list[dict[str, Any]] | None:
    """The users file's entries; None when there is no file yet (a new home)."""
    try:
        text = users_file(server).read_text()
    except FileNotFoundError:
        return None
    users = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            users.append(entry)
    return users


def _await_reload(server, state) -> None:
    """Wait until the running server has reread the files: Kith's admin can log in over HTTP.

    Each early try is a failed login, and 5 would lock Kith's own name out for 30 s: so the first
    waits one reload period, and there are at most LOGIN_TRIES.
    """
    time.sleep(RELOAD_PERIOD_S + 0.5)
    login = admin(server)
    token = base64.b64encode(f"{login.user}:{login.password}".encode()).decode()
    for _ in range(LOGIN_TRIES):
        request = urllib.request.Request(f"http://{state.host}:{state.http_port}/api/v1/databases",
                                         headers={"Authorization": f"Basic {token}"})
        try:
            with urllib.request.urlopen(request, timeout=5):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(RELOAD_PERIOD_S / 2)


def _derive(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode(), f"kith:{purpose}".encode(), hashlib.sha256).hexdigest()


def _salt(secret: str, name: str) -> str:
    # As long as ArcadeDB's own (32 bytes, base64) and as unique: one per home and user.
    return base64.b64encode(hmac.new(secret.encode(), f"kith:salt:{name}".encode(), hashlib.sha256).digest()).decode()


def _write(path: Path, text: str) -> None:
    """Replace the file whole (a running server may read it at any time), readable by its owner only."""
    from graph.server import private_dirs, write_private  # graph/server.py imports this module: not at the top

    private_dirs(path.parent)
    write_private(path, text)
