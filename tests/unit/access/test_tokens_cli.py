"""``brainhub tokens create|list|revoke``: shown once, stored hashed, audited."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest

from brainhub.access import AccessDenied, check_request
from tests.support.secret_project import Project


def audit_entries(project: Project) -> list[dict[str, object]]:
    log = project.root / "data" / "audit" / "log.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_create_prints_the_token_once_and_stores_only_its_hash(project: Project) -> None:
    created = project.brainhub("tokens", "create", "--name", "status-page", "--role", "viewer")
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("bht_")
    assert len(token) == 47

    stored = project.root / "data" / "access" / "tokens.json"
    raw = stored.read_text()
    assert token not in raw
    assert hashlib.sha256(token.encode()).hexdigest() in raw
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600

    listed = project.brainhub("tokens", "list")
    assert listed.stdout.startswith("status-page  viewer  created ")
    assert "never used" in listed.stdout
    assert token not in listed.output
    check_request(project.root, f"Bearer {token}", "runs.read")
    assert "never used" not in project.brainhub("tokens", "list").stdout


def test_two_tokens_never_share_a_value(project: Project) -> None:
    one = project.brainhub("tokens", "create", "--name", "a", "--role", "viewer").stdout
    two = project.brainhub("tokens", "create", "--name", "b", "--role", "viewer").stdout
    assert one != two


def test_revoke_refuses_the_token_from_then_on_and_both_are_audited(project: Project) -> None:
    token = project.brainhub("tokens", "create", "--name", "ci", "--role", "operator").stdout
    assert project.brainhub("tokens", "revoke", "ci").exit_code == 0
    with pytest.raises(AccessDenied) as caught:
        check_request(project.root, f"Bearer {token.strip()}", "runs.start")
    assert caught.value.status == 401
    actions = [(e["action"], e["subject"]) for e in audit_entries(project)]
    assert actions == [
        ("token.created", "ci"),
        ("token.revoked", "ci"),
        ("access.denied", "runs.start"),
    ]
    assert token.strip() not in (project.root / "data" / "audit" / "log.jsonl").read_text()


def test_bad_names_roles_and_unknown_tokens_are_one_line_errors(project: Project) -> None:
    bad_name = project.brainhub("tokens", "create", "--name", "Bad Name", "--role", "viewer")
    assert bad_name.exit_code == 1
    assert "cannot name a token" in bad_name.output
    bad_role = project.brainhub("tokens", "create", "--name", "x", "--role", "root")
    assert bad_role.exit_code == 2
    assert "'viewer', 'operator', 'admin'" in bad_role.output
    project.brainhub("tokens", "create", "--name", "x", "--role", "viewer")
    twice = project.brainhub("tokens", "create", "--name", "x", "--role", "admin")
    assert twice.exit_code == 1
    assert "a token named 'x' exists" in twice.output
    missing = project.brainhub("tokens", "revoke", "nope")
    assert missing.exit_code == 1
    assert missing.output.strip().endswith("no token named 'nope'; the tokens are: x")
