"""Refresh tokens the vendor rotates are kept at once: in the store (audited) or a side file.

The Asana emulator's token endpoint (``POST /-/oauth_token``) issues a new refresh token with
each access token and refuses a spent one with ``invalid_grant``; access tokens expire on the
emulator's clock. A connector spec on Asana's API with ``auth: oauth2_refresh_token`` runs
three times, each run with a new emulator over the same sandbox state (as separate runs are).
"""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from brainhub.connect.refresh_tokens import ENVIRONMENT_ENV, PROJECT_ENV, SIDE_FILE_ENV
from brainhub.redaction import hidden
from brainhub.sandbox import serve
from brainhub.sandbox.kit.oauth import CLIENT_ID, CLIENT_SECRET
from brainhub.sandbox.services.asana import AsanaEmulator
from brainhub.sandbox.services.jira import JiraEmulator
from brainhub.sandbox.services.notion import NotionEmulator
from brainhub.secrets import Secret, SecretStore, load_keyring
from brainhub.secrets.keys import new_key
from brainhub.secrets.store import data_dir, now
from brainhub.spec.loader import load_spec
from taps.runtime.tap import tap_class
from tests.support.oauth_spec import asana_oauth_spec

REPO = Path(__file__).resolve().parents[2]
NAME = "TAP_ASANA_REFRESH_TOKEN"
TARGET_NAME = "TARGET_ASANA_REFRESH_TOKEN"
TTL_S = 30


class FakeClock:
    """The emulators' clock, moved by hand (no test waits for time to pass)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def oauth_spec(tmp_path: Path) -> Path:
    return asana_oauth_spec(tmp_path / "spec")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose sandbox store the run's refresh token comes from."""
    root = tmp_path / "project"
    root.mkdir()
    monkeypatch.setenv("BRAINHUB_MASTER_KEY", new_key().encoded())
    monkeypatch.setenv("MELTANO_PROJECT_ROOT", str(root))
    monkeypatch.setenv(SIDE_FILE_ENV, str(tmp_path / "side" / "refresh_tokens.json"))
    monkeypatch.delenv(PROJECT_ENV, raising=False)
    monkeypatch.delenv(ENVIRONMENT_ENV, raising=False)
    return root


def store_of(root: Path) -> SecretStore:
    return SecretStore(root, "sandbox", load_keyring(data_dir(root), create=True))


def run_once(spec: Path, state: Path, clock: FakeClock, refresh_token: str, capsys: Any) -> int:
    """One run: a new emulator over the stored sandbox state, one tap; the records read."""
    emulator = AsanaEmulator(size="tiny", state_dir=state, clock=clock, oauth_ttl_s=TTL_S)
    with serve(emulator) as served:
        config = {
            "base_url": served.base_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token,
        }
        tap_class(load_spec(spec))(config=config).sync_all()
    out = capsys.readouterr().out
    return sum(1 for line in out.splitlines() if '"type":"RECORD"' in line.replace(" ", ""))


def refresh(emulator: Any, path: str, token: str) -> Any:
    body = {
        "grant_type": "refresh_token",
        "refresh_token": token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    return Client(emulator).post(path, data=body)


def test_three_runs_each_keep_the_rotated_token_in_the_store(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    spec, state, clock = oauth_spec(tmp_path), tmp_path / "sandbox", FakeClock()
    first = AsanaEmulator(size="tiny", state_dir=state).token_issuer
    assert first is not None
    with store_of(project).editing() as stored:  # the tap's and the target's share the token
        for name in (NAME, TARGET_NAME):
            stored[name] = Secret(name, first.initial_refresh_token(), now())
    monkeypatch.setenv(PROJECT_ENV, str(project))
    monkeypatch.setenv(ENVIRONMENT_ENV, "sandbox")

    used = [first.initial_refresh_token()]
    for _ in range(3):
        records = run_once(spec, state, clock, store_of(project).get(NAME).value, capsys)
        assert records > 0
        newest = store_of(project).get(NAME).value
        assert newest not in used
        assert store_of(project).get(TARGET_NAME).value == newest
        used.append(newest)
        clock.now += TTL_S + 1  # every access token of this run has expired

    replay = AsanaEmulator(size="tiny", state_dir=state, clock=clock)
    for spent in used[:-1]:
        refused = refresh(replay, "/-/oauth_token", spent)
        assert refused.status_code == 400
        assert refused.json["error"] == "invalid_grant"
    assert refresh(replay, "/-/oauth_token", used[-1]).status_code == 200

    audit = (project / "data" / "audit" / "log.jsonl").read_text()
    entries = [json.loads(line) for line in audit.splitlines()]
    rotated = [e for e in entries if e["action"] == "secret.refresh_token_rotated"]
    assert [e["subject"] for e in rotated] == [NAME, TARGET_NAME] * 3
    assert [e["after"] for e in rotated[::2]] == [hidden(token) for token in used[1:]]
    assert not any(token in audit for token in used)
    assert not (tmp_path / "side").exists()


def test_without_the_store_a_0600_side_file_carries_the_newest_token(
    project: Path, tmp_path: Path, capsys: Any
) -> None:
    spec, state, clock = oauth_spec(tmp_path), tmp_path / "sandbox", FakeClock()
    issuer = AsanaEmulator(size="tiny", state_dir=state).token_issuer
    assert issuer is not None
    configured = issuer.initial_refresh_token()  # as in meltano.yml: never edited
    side = tmp_path / "side" / "refresh_tokens.json"
    seen = set()
    for _ in range(3):
        assert run_once(spec, state, clock, configured, capsys) > 0
        kept = side.read_text()
        assert configured not in kept
        seen.add(kept)
        clock.now += TTL_S + 1
    assert len(seen) == 3  # a new token after each run
    assert stat.S_IMODE(side.stat().st_mode) == 0o600


def test_a_spent_refresh_token_fails_with_one_line_naming_the_grant(
    project: Path, tmp_path: Path, capsys: Any
) -> None:
    spec, state, clock = oauth_spec(tmp_path), tmp_path / "sandbox", FakeClock()
    issuer = AsanaEmulator(size="tiny", state_dir=state).token_issuer
    assert issuer is not None
    spent = issuer.initial_refresh_token()
    assert refresh(AsanaEmulator(size="tiny", state_dir=state), "/-/oauth_token", spent).json
    with pytest.raises(Exception, match="invalid_grant") as caught:
        run_once(spec, state, clock, spent, capsys)
    assert "already used or revoked" in str(caught.value)
    assert spent not in str(caught.value)


@pytest.mark.parametrize(
    ("emulator_class", "path", "status", "api_path", "headers"),
    [
        (AsanaEmulator, "/-/oauth_token", 400, "/api/1.0/workspaces", {}),
        (JiraEmulator, "/oauth/token", 403, "/rest/api/3/myself", {}),
        (NotionEmulator, "/v1/oauth/token", 400, "/v1/users", {"Notion-Version": "2022-06-28"}),
    ],
)
def test_each_vendor_rotates_refuses_replays_and_expires_access_tokens(
    emulator_class: Any, path: str, status: int, api_path: str, headers: dict[str, str]
) -> None:
    clock = FakeClock()
    emulator = emulator_class(size="tiny", generation=0, clock=clock, oauth_ttl_s=TTL_S)
    issuer = emulator.token_issuer
    first = refresh(emulator, path, issuer.initial_refresh_token())
    assert first.status_code == 200, first.get_data(as_text=True)
    answer = first.json
    assert answer["refresh_token"] != issuer.initial_refresh_token()
    replayed = refresh(emulator, path, issuer.initial_refresh_token())
    assert (replayed.status_code, replayed.json["error"]) == (status, "invalid_grant")
    bearer = {"Authorization": f"Bearer {answer['access_token']}", **headers}
    assert Client(emulator).get(api_path, headers=bearer).status_code == 200
    clock.now += TTL_S + 1
    assert Client(emulator).get(api_path, headers=bearer).status_code == 401
    assert refresh(emulator, path, answer["refresh_token"]).status_code == 200


def test_notion_takes_its_own_shape_json_with_the_client_as_basic_auth() -> None:
    emulator = NotionEmulator(size="tiny", generation=0)
    start = emulator.oauth_credentials()
    client = base64.b64encode(f"{start['client_id']}:{start['client_secret']}".encode()).decode()
    body = {"grant_type": "refresh_token", "refresh_token": start["refresh_token"]}
    answer = Client(emulator).post(
        "/v1/oauth/token", json=body, headers={"Authorization": f"Basic {client}"}
    )
    assert answer.status_code == 200
    assert {"access_token", "refresh_token", "bot_id", "workspace_id"} <= set(answer.json)
    assert "expires_in" not in answer.json  # Notion does not say
    wrong = base64.b64encode(b"sandbox-client:wrong").decode()
    refused = Client(emulator).post(
        "/v1/oauth/token", json=body, headers={"Authorization": f"Basic {wrong}"}
    )
    assert refused.json["error"] == "invalid_client"
