"""monitor.access, the rules of who sees what, on tiny inline inputs: roles file, scopes, row
filters, login mode, the viewer's state, loopback and host names."""

from __future__ import annotations

import pandas as pd
import pytest

from monitor import access
from monitor.access import ANALYST, NATIONAL, OBLAST, Role

VIN, LVIV, KYIV = "UA05000000000010236", "UA46000000000026241", "UA80000000000093317"

ROLES = f"""
[roles]
"Head@NPU.gov.ua" = "national"
"analyst@npu.gov.ua" = "analyst"
"vin@npu.gov.ua" = "oblast:{VIN}"
"subject-17" = "oblast:{LVIV.lower()}"
"""


@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES, encoding="utf-8")
    return access.load_roles(path, [VIN, LVIV, KYIV])


def test_roles_by_email_ignoring_case_and_by_subject(table):
    assert table.role_of({"email": "head@npu.gov.ua"}) == Role(NATIONAL)
    assert table.role_of({"email": " HEAD@npu.gov.UA"}) == Role(NATIONAL)
    assert table.role_of({"sub": "subject-17", "email": "someone@else"}) == Role(OBLAST, LVIV)
    assert table.role_of({"sub": "x", "email": "vin@npu.gov.ua"}) == Role(OBLAST, VIN)
    assert table.role_of({"sub": "x", "email": "analyst@npu.gov.ua"}) == Role(ANALYST)


def test_no_role_for_an_unlisted_identity_or_an_unverified_email(table):
    assert table.role_of({"sub": "nobody", "email": "nobody@npu.gov.ua"}) is None
    assert table.role_of({}) is None
    assert table.role_of({"email": "head@npu.gov.ua", "email_verified": False}) is None
    assert table.role_of({"email": "head@npu.gov.ua", "email_verified": True}) == Role(NATIONAL)
    # a subject is matched exactly, never ignoring case
    assert table.role_of({"sub": "SUBJECT-17"}) is None


@pytest.mark.parametrize(("text", "words"), [
    (None, "no roles file"),
    ("[roles\n", "roles.toml"),
    ("[people]\na = 'national'\n", "no [roles] table"),
    ("[roles]\n'a@b' = 'chief'\n", "not a role"),
    ("[roles]\n'a@b' = 'oblast:UA05'\n", "not a role"),
    ("[roles]\n'a@b' = 3\n", "must be text"),
    ("[roles]\n'a@b' = 'oblast:UA99000000000000000'\n", "not an oblast of the warehouse"),
])
def test_a_bad_roles_file_is_one_line_naming_the_file(tmp_path, text, words):
    path = tmp_path / "roles.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(access.RolesFileError) as err:
        access.load_roles(path, [VIN])
    message = str(err.value)
    assert str(path) in message and words in message and "\n" not in message


def test_the_example_roles_file_is_valid():
    table = access.load_roles(access.REPO / "config" / "roles.example.toml", [VIN, LVIV])
    assert {r.kind for r in [*table.by_subject.values()]} == {NATIONAL, ANALYST, OBLAST}


def test_scopes_of_each_role():
    assert access.assignment_scope(Role(NATIONAL)).every_oblast
    assert access.assignment_scope(Role(OBLAST, VIN)).allows(VIN)
    assert not access.assignment_scope(Role(OBLAST, VIN)).allows(LVIV)
    assert not access.assignment_scope(Role(ANALYST)).allows(VIN)
    assert access.quality_scope(Role(ANALYST)).every_oblast
    assert access.quality_scope(Role(NATIONAL)).every_oblast
    vin = access.quality_scope(Role(OBLAST, VIN))
    assert vin.allows(VIN) and not vin.allows(LVIV) and not vin.allows(None)


REJECTS = pd.DataFrame({"row": [2, 3, 4, 5], "oblast_katottg": [VIN, LVIV, None, VIN]})
OVERLAPS = pd.DataFrame({"officer_id": ["A", "B", "C"], "first_oblast": [VIN, LVIV, KYIV],
                         "second_oblast": [LVIV, LVIV, VIN]})


def test_restrict_keeps_the_rows_of_the_scope():
    assert access.restrict(REJECTS, access.ALL, "oblast_katottg").equals(REJECTS)
    vin = access.quality_scope(Role(OBLAST, VIN))
    assert access.restrict(REJECTS, vin, "oblast_katottg")["row"].tolist() == [2, 5]
    # an overlap touching the oblast on either side is its business
    assert access.restrict(OVERLAPS, vin, "first_oblast", "second_oblast")["officer_id"].tolist() == ["A", "C"]
    assert access.restrict(OVERLAPS, access.NONE, "first_oblast").empty
    assert list(access.restrict(OVERLAPS, access.NONE, "first_oblast").columns) == list(OVERLAPS.columns)
    with pytest.raises(ValueError):
        access.restrict(REJECTS, vin)


AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "s" * 32,
        "client_id": "pog", "client_secret": "x", "server_metadata_url": "http://idp/.well-known/openid-configuration"}


def test_login_is_configured_only_by_a_complete_auth_section():
    assert access.login_configured(AUTH)
    assert not access.login_configured({})
    assert not access.login_configured(None)
    assert not access.login_configured({k: v for k, v in AUTH.items() if k != "cookie_secret"})
    assert not access.login_configured({k: v for k, v in AUTH.items() if k != "server_metadata_url"})
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
             "police": {"client_id": "pog", "server_metadata_url": "http://idp/x"}}
    assert access.login_configured(named)


def test_the_viewer_in_each_state(table, tmp_path):
    assert access.viewer_for(False, {"is_logged_in": True}, None) == access.LOCAL_VIEWER
    assert access.LOCAL_VIEWER.role == Role(NATIONAL) and access.LOCAL_VIEWER.may_enter
    assert access.viewer_for(True, {}, table).state == access.SIGNED_OUT
    signed_out = access.viewer_for(True, {"is_logged_in": False, "email": "head@npu.gov.ua"}, table)
    assert signed_out.state == access.SIGNED_OUT
    nobody = access.viewer_for(True, {"is_logged_in": True, "email": "x@y"}, table)
    assert (nobody.state, nobody.identity, nobody.may_enter) == (access.NO_ROLE, "x@y", False)
    head = access.viewer_for(True, {"is_logged_in": True, "email": "vin@npu.gov.ua"}, table)
    assert (head.state, head.role, head.may_enter) == (access.ADMITTED, Role(OBLAST, VIN), True)
    broken = access.viewer_for(True, {"is_logged_in": True, "email": "head@npu.gov.ua"},
                               access.RolesFileError("roles.toml: no [roles] table"))
    assert (broken.state, broken.problem, broken.may_enter) == (access.ROLES_BROKEN, "roles.toml: no [roles] table",
                                                                False)


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.0.1.7", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("", False), ("10.1.2.3", False), ("::", False), ("pog.npu", False),
])
def test_loopback_addresses(address, loopback):
    assert access.is_loopback(address) is loopback


def test_an_open_address_without_login_is_refused_unless_told_explicitly():
    assert access.open_without_login("0.0.0.0", False, {})
    assert access.open_without_login("", False, {})
    assert access.open_without_login("10.0.0.5", False, {access.ALLOW_OPEN_ENV: "yes"})
    assert not access.open_without_login("10.0.0.5", False, {access.ALLOW_OPEN_ENV: "1"})
    assert not access.open_without_login("127.0.0.1", False, {})
    assert not access.open_without_login("0.0.0.0", True, {})


@pytest.mark.parametrize(("host", "ok"), [
    ("127.0.0.1:8501", True), ("localhost", True), ("[::1]:8501", True), ("pog.npu.example", True),
    ("POG.NPU.EXAMPLE:443", True), ("a.reports.npu.example", True), ("evil.example", False),
    ("pog.npu.example.evil.example", False), ("", False), ("[bad", False),
])
def test_host_names(host, ok):
    assert access.host_allowed(host, ["pog.npu.example", "*.reports.npu.example"]) is ok


def test_host_names_default_to_loopback_only():
    assert access.host_allowed("127.0.0.1:1", None)
    assert not access.host_allowed("pog.npu.example", [])
    assert access.host_allowed("anything", ["*"])
