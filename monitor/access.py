"""Who may see what: login mode, roles, and which rows each role sees (docs/access.md).

Pure functions, no streamlit: app_state.py asks them on every run, pages call app_state.

Roles (from the roles file, e.g. config/roles.toml):
- national           everything;
- oblast:<KATOTTG>   national figures and every oblast's aggregates, but officer-level rows
                     (officer ids, assignments, overlaps) and rejected rows of its own oblast only;
- analyst            every aggregate page, and the data-quality page in full (every oblast's
                     rejected rows and overlaps); no officer assignments on hromada profiles.
An identity with no role sees a page saying so, and nothing else.

With no login configured (local mode) the person at the machine is national: the server then
answers on loopback only (serving/guard.py), and every page says so.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ROLES_FILE = REPO / "config" / "roles.toml"

NATIONAL, OBLAST, ANALYST = "national", "oblast", "analyst"
KINDS = (NATIONAL, OBLAST, ANALYST)


class RolesFileError(ValueError):
    """The roles file cannot be used: one line naming the file and the fault."""


@dataclass(frozen=True)
class Role:
    kind: str  # NATIONAL | OBLAST | ANALYST
    oblast: str | None = None  # the KATOTTG code of an oblast role

    @classmethod
    def parse(cls, text: str) -> Role:
        """'national', 'analyst' or 'oblast:<KATOTTG>'; ValueError otherwise."""
        kind, _, code = str(text).strip().partition(":")
        kind = kind.strip().lower()
        if kind in (NATIONAL, ANALYST) and not code:
            return cls(kind)
        if kind == OBLAST and len(code.strip()) == 19 and code.strip().upper().startswith("UA"):
            return cls(OBLAST, code.strip().upper())
        raise ValueError(f"not a role: {text!r} (national, analyst or oblast:<19-character KATOTTG code>)")


@dataclass(frozen=True)
class Scope:
    """The oblasts whose rows a role sees in one place: all of them, or a set (maybe empty)."""

    every_oblast: bool = False
    oblasts: frozenset[str] = frozenset()

    def allows(self, oblast: str | None) -> bool:
        return self.every_oblast or (oblast is not None and oblast in self.oblasts)


ALL, NONE = Scope(every_oblast=True), Scope()


def assignment_scope(role: Role) -> Scope:
    """Officer assignments (officer ids, dates, the officer chart) on hromada profiles."""
    if role.kind == NATIONAL:
        return ALL
    if role.kind == OBLAST:
        return Scope(oblasts=frozenset({role.oblast}))
    return NONE  # analysts check data quality; the deployment register is for command lines


def quality_scope(role: Role) -> Scope:
    """Rejected rows and overlapping assignments on the data-quality page."""
    if role.kind in (NATIONAL, ANALYST):
        return ALL
    return Scope(oblasts=frozenset({role.oblast}))


def restrict(df: pd.DataFrame, scope: Scope, *oblast_columns: str) -> pd.DataFrame:
    """The rows of df that the scope allows: a row passes when any of its oblast columns does
    (an overlap between two oblasts is both oblasts' business). A row with no oblast passes only
    the every-oblast scope."""
    if scope.every_oblast:
        return df
    if not oblast_columns:
        raise ValueError("restrict needs the oblast column(s) of the rows")
    keep = pd.Series(False, index=df.index)
    for col in oblast_columns:
        keep |= df[col].isin(scope.oblasts)
    return df[keep]


# ---------------------------------------------------------------- the roles file
@dataclass(frozen=True)
class RoleTable:
    by_subject: Mapping[str, Role]
    by_email: Mapping[str, Role]  # lower-case e-mail -> role

    def role_of(self, user: Mapping) -> Role | None:
        """The role of a logged-in identity: its subject (claim 'sub') first, then its e-mail
        (claim 'email', compared ignoring case, not when the provider says it is unverified)."""
        sub = user.get("sub")
        if sub and str(sub) in self.by_subject:
            return self.by_subject[str(sub)]
        email = user.get("email")
        if email and user.get("email_verified") is not False:
            return self.by_email.get(str(email).strip().lower())
        return None


def roles_file() -> Path:
    """POG_ROLES, else config/roles.toml."""
    return Path(os.environ.get("POG_ROLES") or DEFAULT_ROLES_FILE)


def load_roles(path: Path, known_oblasts: Iterable[str] | None = None) -> RoleTable:
    """Read the roles file: a [roles] table of identity = "role" (see config/roles.example.toml).

    Raises RolesFileError (one line: file and fault) for a missing or unreadable file, a value
    that is not a role, or an oblast code not in `known_oblasts` (when given).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RolesFileError(f"{path}: no roles file (copy config/roles.example.toml)") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RolesFileError(f"{path}: {e}") from None
    table = data.get("roles")
    if not isinstance(table, dict):
        raise RolesFileError(f"{path}: no [roles] table")
    known = {c.upper() for c in known_oblasts} if known_oblasts is not None else None
    by_subject: dict[str, Role] = {}
    by_email: dict[str, Role] = {}
    for identity, value in table.items():
        if not isinstance(value, str):
            raise RolesFileError(f"{path}: {identity!r}: the role must be text, e.g. \"national\"")
        try:
            role = Role.parse(value)
        except ValueError as e:
            raise RolesFileError(f"{path}: {identity!r}: {e}") from None
        if role.oblast and known is not None and role.oblast not in known:
            raise RolesFileError(f"{path}: {identity!r}: {role.oblast} is not an oblast of the warehouse")
        key = identity.strip()
        by_subject[key] = role
        if "@" in key:
            by_email[key.lower()] = role
    return RoleTable(by_subject=by_subject, by_email=by_email)


# ---------------------------------------------------------------- login mode
AUTH_KEYS = ("redirect_uri", "cookie_secret")


def login_configured(auth: Mapping | None) -> bool:
    """Whether secrets.toml's [auth] section sets up an OpenID Connect login: redirect_uri,
    cookie_secret and a provider (client_id + server_metadata_url, at the top or in a section)."""
    if not auth or any(not auth.get(k) for k in AUTH_KEYS):
        return False

    def is_provider(section: Mapping) -> bool:
        return bool(section.get("client_id") and section.get("server_metadata_url"))

    return is_provider(auth) or any(isinstance(v, Mapping) and is_provider(v) for v in auth.values())


# ---------------------------------------------------------------- who is looking
LOCAL, SIGNED_OUT, NO_ROLE, ROLES_BROKEN, ADMITTED = "local", "signed_out", "no_role", "roles_broken", "admitted"


@dataclass(frozen=True)
class Viewer:
    """The person running this session, and whether the pages are open to them."""

    state: str  # LOCAL | SIGNED_OUT | NO_ROLE | ROLES_BROKEN | ADMITTED
    role: Role | None = None
    identity: str = ""  # e-mail (or subject) shown in the sidebar
    problem: str = ""  # ROLES_BROKEN: the one-line fault

    @property
    def may_enter(self) -> bool:
        return self.role is not None


LOCAL_VIEWER = Viewer(LOCAL, Role(NATIONAL))


def viewer_for(login: bool, user: Mapping, roles: RoleTable | RolesFileError | None) -> Viewer:
    """Decide who is looking. `login`: login_configured(); `user`: st.user; `roles`: the loaded
    table, or the error loading it raised (every identity is then refused: fail closed)."""
    if not login:
        return LOCAL_VIEWER
    if not user.get("is_logged_in"):
        return Viewer(SIGNED_OUT)
    identity = str(user.get("email") or user.get("sub") or "")
    if isinstance(roles, RolesFileError) or roles is None:
        return Viewer(ROLES_BROKEN, identity=identity, problem=str(roles or "no roles file"))
    role = roles.role_of(user)
    if role is None:
        return Viewer(NO_ROLE, identity=identity)
    return Viewer(ADMITTED, role=role, identity=identity)


# ---------------------------------------------------------------- where the server answers
ALLOW_OPEN_ENV = "POG_ALLOW_OPEN_WITHOUT_LOGIN"  # =1: serve a non-loopback address with no login
# Host-header spellings of loopback ('[::1]' as Starlette keeps it, '::1' as urlsplit gives it)
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 or localhost (the empty address means every interface: not loopback)."""
    import ipaddress

    a = address.strip().strip("[]").lower()
    if a == "localhost":
        return True
    try:
        return ipaddress.ip_address(a).is_loopback
    except ValueError:
        return False


def open_without_login(address: str, login: bool, env: Mapping[str, str]) -> bool:
    """True when serving `address` must be refused: no login configured, an address other people
    can reach, and no explicit POG_ALLOW_OPEN_WITHOUT_LOGIN=1."""
    return not login and not is_loopback(address) and env.get(ALLOW_OPEN_ENV, "") != "1"


def allowed_host_names(configured: Iterable[str] | None) -> list[str]:
    """Host names the server answers: Streamlit's server.allowedHosts, plus loopback names (a
    Host header naming loopback cannot come from another site's page); loopback alone if unset."""
    names = [h.strip().lower().rstrip(".") for h in (configured or []) if h and h.strip()]
    return list(dict.fromkeys([*names, *LOOPBACK_NAMES]))


def host_allowed(host: str, configured: Iterable[str] | None) -> bool:
    """Whether a Host header ('name' or 'name:port') is one of allowed_host_names()."""
    from urllib.parse import urlsplit

    try:
        name = (urlsplit(f"//{host}").hostname or "").rstrip(".")
    except ValueError:
        return False
    for pattern in allowed_host_names(configured):
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False
