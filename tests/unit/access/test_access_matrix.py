"""Every declared action by every kind of caller: allowed or denied as the table says, and
every denial audited (401 without a valid token, 403 with a role too low)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from brainhub.access import ACTIONS, AccessDenied, Role, TokenStore, check_request, local_admin
from tests.support.secret_project import Project

#: Callers that hold a valid token of a role.
ROLES = {"viewer": Role.VIEWER, "operator": Role.OPERATOR, "admin": Role.ADMIN}
CALLERS = ("no token", "viewer", "operator", "admin", "revoked", "malformed")
MALFORMED = (
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer not-a-brainhub-token",
    "bht_" + "a" * 43,  # no scheme
    "Bearer bht_" + "a" * 42 + "!",
)


def headers(root: Path) -> dict[str, str | None]:
    """The Authorization header each caller sends."""
    store = TokenStore(root)
    sent: dict[str, str | None] = {"no token": None, "malformed": MALFORMED[2]}
    for name, role in ROLES.items():
        token, _ = store.create(name, role)
        sent[name] = f"Bearer {token}"
    revoked, _ = store.create("old", Role.ADMIN)
    store.revoke("old")
    sent["revoked"] = f"Bearer {revoked}"
    return sent


def denials(root: Path) -> list[dict[str, object]]:
    log = root / "data" / "audit" / "log.jsonl"
    if not log.exists():
        return []
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    return [e for e in entries if e["action"] == "access.denied"]


def test_the_full_matrix_of_actions_and_callers(project: Project) -> None:
    sent = headers(project.root)
    expected_denials = []
    for action, least in ACTIONS.items():
        for caller in CALLERS:
            allowed = caller in ROLES and ROLES[caller] >= least
            if allowed:
                principal = check_request(project.root, sent[caller], action, source="10.0.0.9")
                assert (principal.name, principal.role, principal.via) == (
                    caller,
                    ROLES[caller],
                    "token",
                )
                continue
            with pytest.raises(AccessDenied) as caught:
                check_request(project.root, sent[caller], action, source="10.0.0.9")
            status = 403 if caller in ROLES else 401
            assert caught.value.status == status, (action, caller)
            if status == 401:
                assert caught.value.headers["WWW-Authenticate"].startswith(
                    'Bearer realm="brainhub"'
                )
            else:
                assert f"needs the {least.label} role" in caught.value.public_message
            expected_denials.append((action, status, caller if status == 403 else None))

    recorded = denials(project.root)
    assert [(e["subject"], e["detail"]["status"], e["detail"].get("token")) for e in recorded] == (
        expected_denials
    )
    assert all(e["detail"]["source"] == "10.0.0.9" for e in recorded)
    log = (project.root / "data" / "audit" / "log.jsonl").read_text()
    for header in sent.values():
        if header:
            assert header.split()[-1] not in log  # no token ever reaches the audit log


def test_the_table_gives_each_role_exactly_its_rights() -> None:
    by_role = {role: sorted(a for a, least in ACTIONS.items() if least <= role) for role in Role}
    assert by_role[Role.VIEWER] == ["pages.read", "runs.read", "status.read"]
    assert set(by_role[Role.OPERATOR]) - set(by_role[Role.VIEWER]) == {
        "conflicts.resolve",
        "runs.pause",
        "runs.resume",
        "runs.start",
    }
    assert set(by_role[Role.ADMIN]) - set(by_role[Role.OPERATOR]) == {
        "config.change",
        "secrets.manage",
        "tokens.manage",
        "users.manage",
    }


@pytest.mark.parametrize("header", MALFORMED)
def test_every_malformed_header_is_a_401_that_names_the_expected_form(
    project: Project, header: str
) -> None:
    with pytest.raises(AccessDenied) as caught:
        check_request(project.root, header, "status.read")
    assert caught.value.status == 401
    assert "expected Authorization: Bearer bht_" in caught.value.public_message
    assert len(denials(project.root)) == 1


def test_an_undeclared_action_is_a_programming_error_not_a_denial(project: Project) -> None:
    with pytest.raises(KeyError, match=r"undeclared action 'runs\.delete'"):
        check_request(project.root, None, "runs.delete")
    assert denials(project.root) == []


def test_the_command_line_on_the_machine_acts_as_admin() -> None:
    principal = local_admin()
    assert principal.via == "local"
    assert all(principal.may(action) for action in ACTIONS)


def test_a_use_is_remembered_in_last_used(project: Project) -> None:
    store = TokenStore(project.root)
    token, record = store.create("status-page", Role.VIEWER)
    assert record.last_used is None
    check_request(project.root, f"Bearer {token}", "status.read")
    assert store.records()[0].last_used is not None
