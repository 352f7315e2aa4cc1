"""The credential store: round trips, keys, tampering, permissions, what reaches the screen."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest

from brainhub.redaction import hidden
from tests.support.secret_project import SECRET, Project
from tests.support.secrets import HOSTILE_SECRETS


def test_a_secret_round_trips_and_only_reveal_prints_it(project: Project) -> None:
    stored = project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET + "\n")
    assert stored.exit_code == 0, stored.output
    assert SECRET not in stored.output
    assert hidden(SECRET) in stored.output

    shown = project.brainhub("secrets", "get", "TAP_CLICKUP_API_TOKEN")
    assert shown.stdout == f"TAP_CLICKUP_API_TOKEN {hidden(SECRET)}\n"
    listed = project.brainhub("secrets", "list")
    assert listed.stdout.startswith(f"TAP_CLICKUP_API_TOKEN  {hidden(SECRET)}  set ")
    revealed = project.brainhub("secrets", "get", "TAP_CLICKUP_API_TOKEN", "--reveal")
    assert revealed.stdout == SECRET + "\n"


def test_the_store_file_holds_no_plaintext_and_only_its_owner_reads_it(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    store = project.store()
    raw = store.read_bytes()
    assert SECRET.encode() not in raw
    assert b"TAP_CLICKUP_API_TOKEN" not in raw  # names are encrypted too
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(project.key_file.stat().st_mode) == 0o600
    assert not project.key_file.is_relative_to(project.root)


def test_environments_have_separate_stores(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", "-e", "prod", input=SECRET)
    assert project.store("prod").exists()
    assert not project.store("sandbox").exists()
    assert project.brainhub("secrets", "list").stdout == "no secrets in the sandbox store\n"
    # A store copied into another environment's place does not open there.
    project.store("sandbox").write_bytes(project.store("prod").read_bytes())
    result = project.brainhub("secrets", "list")
    assert result.exit_code == 1
    assert "holds the secrets of environment 'prod', not 'sandbox'" in result.output


def test_a_wrong_key_fails_with_one_line(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    other = project.brainhub("secrets", "generate-key").stdout.strip()
    result = project.brainhub("secrets", "get", "TAP_CLICKUP_API_TOKEN", BRAINHUB_MASTER_KEY=other)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "written under master key" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("field", ["ciphertext", "nonce"])
def test_a_tampered_store_fails_with_one_line_never_garbage(project: Project, field: str) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    document = json.loads(project.store().read_text())
    raw = bytearray(base64.b64decode(document[field]))
    raw[len(raw) // 2] ^= 0x01
    document[field] = base64.b64encode(bytes(raw)).decode()
    project.store().write_text(json.dumps(document))
    result = project.brainhub("secrets", "get", "TAP_CLICKUP_API_TOKEN", "--reveal")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {Path('data/secrets/sandbox.enc')}: the store was altered or damaged "
        "(its authentication check failed); restore it from a backup"
    ]


def test_a_store_that_is_not_json_says_so(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    project.store().write_bytes(b"\x00\x01garbage")
    result = project.brainhub("secrets", "list")
    assert result.exit_code == 1
    assert "not a brainhub secret store (not JSON)" in result.output


def test_a_key_file_others_can_read_is_refused(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    project.key_file.chmod(0o644)
    result = project.brainhub("secrets", "list")
    assert result.exit_code == 1
    assert "permissions 0644 let other users read the master key" in result.output


def test_a_key_file_inside_the_data_folder_is_refused(project: Project) -> None:
    inside = project.root / "data" / "master.key"
    result = project.brainhub(
        "secrets", "set", "X_TOKEN", input=SECRET, BRAINHUB_MASTER_KEY_FILE=str(inside)
    )
    assert result.exit_code == 1
    assert "must not live inside the project's data folder" in result.output
    assert not inside.exists()


def test_a_malformed_master_key_says_what_a_key_looks_like(project: Project) -> None:
    result = project.brainhub(
        "secrets", "set", "X_TOKEN", input=SECRET, BRAINHUB_MASTER_KEY="hunter2"
    )
    assert result.exit_code == 1
    assert "$BRAINHUB_MASTER_KEY: not a master key; expected 32 random bytes" in result.output
    assert "hunter2" not in result.output


def test_without_any_key_reading_says_how_to_get_one(project: Project) -> None:
    project.brainhub("secrets", "set", "TAP_CLICKUP_API_TOKEN", input=SECRET)
    project.key_file.unlink()
    result = project.brainhub("secrets", "list")
    assert result.exit_code == 1
    assert "no master key" in result.output


def test_value_on_the_command_line_warns_about_shell_history(project: Project) -> None:
    result = project.brainhub("secrets", "set", "X_TOKEN", "--value", SECRET)
    assert result.exit_code == 0
    assert "shell history" in result.stderr
    assert SECRET not in result.output


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "the value is empty"), ("abc\ndef", "control characters (U+000A)")],
)
def test_unusable_values_are_refused(project: Project, value: str, message: str) -> None:
    result = project.brainhub("secrets", "set", "X_TOKEN", input=value)
    assert result.exit_code == 1
    assert message in result.output
    assert not project.store().exists()


def test_names_must_be_environment_variable_names(project: Project) -> None:
    result = project.brainhub("secrets", "set", "tap-clickup.api_token", input=SECRET)
    assert result.exit_code == 1
    assert "upper-case letters, digits and '_'" in result.output


def test_delete_removes_and_unknown_names_list_what_is_held(project: Project) -> None:
    project.brainhub("secrets", "set", "A_TOKEN", input=SECRET)
    project.brainhub("secrets", "set", "B_TOKEN", input=SECRET + "b")
    assert project.brainhub("secrets", "delete", "A_TOKEN").exit_code == 0
    missing = project.brainhub("secrets", "get", "A_TOKEN")
    assert missing.exit_code == 1
    assert "it holds: B_TOKEN" in missing.output
    assert project.brainhub("secrets", "delete", "A_TOKEN").exit_code == 1


def test_an_unknown_environment_lists_the_valid_ones(project: Project) -> None:
    result = project.brainhub("secrets", "list", "-e", "staging")
    assert result.exit_code == 1
    assert "valid environments are sandbox, prod" in result.output


@pytest.mark.parametrize("value", HOSTILE_SECRETS.values(), ids=HOSTILE_SECRETS.keys())
def test_hostile_values_round_trip_exactly(project: Project, value: str) -> None:
    assert project.brainhub("secrets", "set", "X_TOKEN", input=value + "\n").exit_code == 0
    assert value.encode() not in project.store().read_bytes()
    shown = project.brainhub("secrets", "get", "X_TOKEN", "--reveal")
    assert shown.stdout == value + "\n"
