"""A real OpenID Connect provider on loopback (oidc-provider-mock) and a dashboard server that signs
in through it, with a roles file: for the login tests and the load benchmark.

Whoever starts a provider or server stops it, by its PID (context managers).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import sys
from pathlib import Path

from tests.streamlit_server import free_port, serving_process, streamlit_server

CLIENT_ID, CLIENT_SECRET = "pog-monitor", "test-client-secret"


@contextlib.contextmanager
def oidc_provider(users: list[dict], timeout: float = 30.0):
    """oidc-provider-mock on 127.0.0.1 with predefined users (each a dict with "sub" and claims);
    yields its base URL (the issuer)."""
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        args += ["--user-claims", json.dumps(user)]
    base = f"http://127.0.0.1:{port}"
    with serving_process(args, f"{base}/.well-known/openid-configuration", timeout):
        yield base


def write_secrets(path: Path, app_base: str, provider_base: str) -> Path:
    """A secrets.toml whose [auth] section signs in through the provider (login mode)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_base}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider_base}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def write_roles(path: Path, roles: dict[str, str]) -> Path:
    path.write_text("[roles]\n" + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in roles.items()),
                    encoding="utf-8")
    return path


@contextlib.contextmanager
def login_server(db: Path, workdir: Path, users: list[dict], roles: dict[str, str]):
    """A provider with `users` and a dashboard server in login mode with `roles`; yields
    (app base URL with its .pid, provider base URL)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with oidc_provider(users) as provider:
        port = free_port()
        app_base = f"http://127.0.0.1:{port}"
        secrets_file = write_secrets(workdir / "secrets.toml", app_base, provider)
        roles_file = write_roles(workdir / "roles.toml", roles)
        with streamlit_server(db, port=port, secrets=secrets_file, env={"POG_ROLES": str(roles_file)}) as base:
            yield base, provider
