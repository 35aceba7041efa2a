"""Before and around every request: no open address without login, answer only the configured
host names (monitor.access holds both rules; here they meet the server)."""

from __future__ import annotations

import os
import sys

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from streamlit import config

from monitor import access


def login_configured() -> bool:
    from streamlit.auth_util import get_secrets_auth_section

    return access.login_configured(get_secrets_auth_section())


def refuse_open_address() -> None:
    """Stop with one line when no login is configured and the address is not loopback (unless
    POG_ALLOW_OPEN_WITHOUT_LOGIN=1): runs as serve.py is loaded, before any request is answered."""
    address = config.get_option("server.address") or ""
    if access.open_without_login(address, login_configured(), os.environ):
        print(f"POG Monitor: no login is configured (.streamlit/secrets.toml [auth]), so it serves on "
              f"127.0.0.1 only, not on {address or 'every address'}; set {access.ALLOW_OPEN_ENV}=1 to "
              f"serve it open anyway (docs/deployment.md)", file=sys.stderr)
        raise SystemExit(2)


def host_check() -> Middleware:
    """Starlette's TrustedHostMiddleware over every HTTP request and WebSocket: a Host header
    other than Streamlit's server.allowedHosts (plus loopback names) gets 400 and nothing else."""
    names = access.allowed_host_names(config.get_option("server.allowedHosts"))
    return Middleware(TrustedHostMiddleware, allowed_hosts=names, www_redirect=False)
