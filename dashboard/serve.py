"""Serving the dashboard to you only: ``kith dashboard`` runs Streamlit in its own process, bound to
127.0.0.1, and refuses every request that does not name the address it serves.

Why more than Streamlit's options: the dashboard shows personal data, and a web page you visit
can reach a server on your machine by DNS rebinding: its name (evil.example) is made to resolve
to 127.0.0.1, so for the browser the dashboard becomes same-origin with the attacker's page. Only
the ``Host`` header tells the two apart. Streamlit accepts any Host by default, and its
``server.allowedHosts`` checks the WebSocket only and ignores the port. So ``HostGuard`` wraps
Streamlit's whole ASGI app (Streamlit 1.67 serves with Starlette on uvicorn): every HTTP request
and WebSocket handshake must carry ``Host: <an allowed name>:<the port served>``, and an
``Origin``, when there is one (browsers send it on every WebSocket and cross-site request),
must be ``http://`` and the same. Anything else gets 403 before Streamlit sees it.

``app.py`` checks the same (``refusal``) when it was started some other way (a bare
``streamlit run dashboard/app.py``), and shows nothing but a pointer to ``kith dashboard`` when
the server listens beyond this machine, gathers usage statistics, or was reached by another name.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

APP = Path(__file__).resolve().parent / "app.py"
LOOPBACK = ("127.0.0.1", "localhost", "::1")

# Set by ``run``: the host names this process's guard allows (app.py reads it in the same process).
_serving: frozenset[str] | None = None


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_names(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a request may use for a server bound to ``host``: its own, the loopback names, ``extra``."""
    return frozenset(url_host(n) for n in (host, *LOOPBACK, *extra) if n and not is_wildcard(n))


def is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def url_host(host: str) -> str:
    """``host`` as it appears in a URL and a Host header: lower case, an IPv6 literal in brackets."""
    host = host.strip().lower().rstrip(".")
    return f"[{host.strip('[]')}]" if ":" in host else host  # IPv6 literals travel in brackets


def host_allowed(host_header: str | None, names: frozenset[str], port: int) -> bool:
    """``Host`` is one of ``names`` with the port served (a browser omits only port 80)."""
    if not host_header:
        return False
    host = host_header.strip().lower()
    return host in {f"{n}:{port}" for n in names} or (port == 80 and host in names)


def origin_allowed(origin: str | None, names: frozenset[str], port: int) -> bool:
    """No ``Origin`` (not a browser, or a same-origin navigation), or ``http://`` one of ``names``:``port``."""
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme == "http" and not parts.path and host_allowed(parts.netloc, names, port)


class HostGuard:
    """ASGI middleware: 403 for any HTTP request or WebSocket handshake naming another host or origin."""

    def __init__(self, app, names: frozenset[str]):
        self.app, self.names = app, names

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket") and not self.allows(scope):
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 403,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
                await send({"type": "http.response.body", "body": b"Kith's dashboard answers on its own address only.\n"})
            else:
                await send({"type": "websocket.close", "code": 1008})  # before accepting: uvicorn answers 403
            return
        await self.app(scope, receive, send)

    def allows(self, scope) -> bool:
        headers = {}
        for key, value in scope.get("headers", ()):
            headers.setdefault(key.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        hosts, origins = headers.get("host", []), headers.get("origin", [])
        if len(hosts) != 1 or len(origins) > 1:  # two Host headers: which one a proxy believed is unknowable
            return False
        port = (scope.get("server") or (None, 0))[1]
        return host_allowed(hosts[0], self.names, port) and origin_allowed(
            origins[0] if origins else None, self.names, port)


def refusal(address, gather_stats, xsrf, headers: dict, port) -> str | None:
    """Why this dashboard must show nothing, or None. app.py asks on every run.

    ``address``, ``gather_stats``, ``xsrf`` and ``port``: Streamlit's server.address,
    browser.gatherUsageStats, server.enableXsrfProtection and server.port; ``headers``: those
    of the browser's WebSocket (``st.context.headers``; none under Streamlit's AppTest).
    """
    hint = "Start it with `kith dashboard`, which serves it on 127.0.0.1 only."
    if _serving is None and not is_loopback(address):
        return f"Kith's dashboard shows personal data and listens on 127.0.0.1 only, not on {address or 'every address'}. {hint}"
    if gather_stats:
        return f"Kith's dashboard does not run with Streamlit's usage statistics on (browser.gatherUsageStats). {hint}"
    if not xsrf:
        return f"Kith's dashboard does not run without XSRF protection (server.enableXsrfProtection). {hint}"
    names = _serving if _serving is not None else allowed_names("127.0.0.1")
    lower = {str(k).lower(): v for k, v in headers.items()}
    if "host" in lower and not (host_allowed(lower["host"], names, int(port))
                                and origin_allowed(lower.get("origin"), names, int(port))):
        return f"This page was opened under another name than the dashboard's own address. {hint}"
    return None


def run(host: str = "127.0.0.1", port: int = 8501, allow: Iterable[str] = ()) -> None:
    """Serve the dashboard until Ctrl-C (or SIGTERM), refusing requests for any other host."""
    global _serving
    from streamlit import config
    from streamlit.web import bootstrap
    from streamlit.web.server.starlette import starlette_server

    from kith import uploads

    names = allowed_names(host, allow)
    options = {
        "server.address": host, "server.port": port, "server.headless": True,
        "browser.gatherUsageStats": False, "browser.serverPort": port,
        "browser.serverAddress": "127.0.0.1" if is_wildcard(host) else host,  # the URL Streamlit prints
        "server.enableXsrfProtection": True, "server.enableCORS": True,
        # Streamlit's own WebSocket check as well: the guard below is the one that sees the port.
        "server.allowedHosts": sorted(n.strip("[]") for n in names),
        # Not a development server: nothing reloads (a reloaded module of this one would forget `_serving`).
        "global.developmentMode": False, "server.runOnSave": False, "server.fileWatcherType": "none",
    }
    config._main_script_path = str(APP)  # as `streamlit run` does: dashboard/.streamlit/config.toml applies
    bootstrap.load_config_options(flag_options=options)
    uploads.purge()
    _serving = names
    build = starlette_server.create_starlette_app
    # Streamlit builds its app in UvicornServer.start(); the guard goes around all of it.
    starlette_server.create_starlette_app = lambda runtime: HostGuard(build(runtime), names)
    bootstrap.run(str(APP), False, [], options)
