"""The receiver accepts each vendor's signed deliveries and refuses everything else."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from brainhub.webhooks.schemes import SCHEMES, signed_headers, verify
from tests.unit.webhooks.conftest import BODIES, NOW, SECRETS, Harness

SERVICES = sorted(SCHEMES)


@pytest.mark.parametrize("service", SERVICES)
def test_a_validly_signed_delivery_is_committed_and_handed_on(
    harness: Harness, service: str
) -> None:
    response = harness.post(service)
    assert response.status_code == 200, response.text
    event_id = response.json["accepted"]
    stored = harness.inbox.get(event_id)
    assert stored is not None
    assert stored.status == "pending"
    assert json.loads(stored.body) == BODIES[service]
    assert [event.id for event in harness.accepted] == [event_id]


@pytest.mark.parametrize("service", SERVICES)
def test_a_tampered_body_is_refused_401_with_an_audit_entry(harness: Harness, service: str) -> None:
    raw = json.dumps(BODIES[service]).encode()
    headers = signed_headers(
        service, SECRETS[service], raw, timestamp=NOW, url=f"http://localhost/webhooks/{service}"
    )
    tampered = raw.replace(b"}", b',"x":1}', 1)
    response = harness.client.post(f"/webhooks/{service}", data=tampered, headers=headers)
    assert response.status_code == 401
    assert "does not match" in response.text
    assert response.text.count("\n") == 1
    assert harness.accepted == []
    assert harness.inbox.recent() == []
    assert harness.audit_actions() == ["webhook.signature_rejected"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_wrong_secret_is_refused_and_never_logged(harness: Harness, service: str) -> None:
    response = harness.post(service, secret="not-the-secret")
    assert response.status_code == 401
    assert harness.accepted == []
    audit_text = (harness.root / "data" / "audit" / "log.jsonl").read_text()
    assert SECRETS[service] not in audit_text
    assert "not-the-secret" not in audit_text


@pytest.mark.parametrize("service", SERVICES)
def test_a_missing_signature_is_refused(harness: Harness, service: str) -> None:
    response = harness.client.post(f"/webhooks/{service}", json=BODIES[service])
    assert response.status_code == 401
    assert f"missing {SCHEMES[service].header}" in response.text


@pytest.mark.parametrize("service", SERVICES)
def test_a_replayed_delivery_is_refused_409_and_not_handed_on_again(
    harness: Harness, service: str
) -> None:
    assert harness.post(service).status_code == 200
    again = harness.post(service)
    assert again.status_code == 409
    assert "already received" in again.text
    assert len(harness.accepted) == 1
    assert "webhook.replay_rejected" in harness.audit_actions()


@pytest.mark.parametrize("service", SERVICES)
def test_an_oversized_body_is_refused_413(harness: Harness, service: str) -> None:
    response = harness.post(service, {"padding": "x" * 5000})
    assert response.status_code == 413
    assert harness.accepted == []


def test_an_oversized_chunked_body_without_a_length_is_refused_413(harness: Harness) -> None:
    environ = EnvironBuilder(path="/webhooks/clickup", method="POST").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BytesIO(b"x" * 6000)
    environ["wsgi.input_terminated"] = True  # what a server sets for a chunked request
    response = harness.receiver.respond(Request(environ))
    assert response.status_code == 413
    assert harness.accepted == []


def test_a_stale_slack_timestamp_is_refused(harness: Harness) -> None:
    response = harness.post("slack", timestamp=NOW - 301)
    assert response.status_code == 401
    assert "X-Slack-Request-Timestamp is more than 300 s away" in response.text
    assert harness.post("slack", timestamp=NOW - 299).status_code == 200


def test_a_slack_retry_of_a_held_delivery_gets_200_and_no_trigger(harness: Harness) -> None:
    assert harness.post("slack").status_code == 200
    retry = harness.post("slack", headers={"X-Slack-Retry-Num": "1"})
    assert retry.status_code == 200
    assert retry.json == {"duplicate": "Ev01"}
    assert len(harness.accepted) == 1


def test_an_unknown_service_and_an_unknown_method_are_refused(harness: Harness) -> None:
    assert harness.client.post("/webhooks/nowhere", data=b"{}").status_code == 404
    assert harness.client.put("/webhooks/github", data=b"{}").status_code == 405


def test_no_configured_secret_is_a_401_naming_the_variable(harness: Harness) -> None:
    harness.receiver.secrets = type(harness.receiver.secrets)({})
    response = harness.post("clickup")
    assert response.status_code == 401
    assert "set BRAINHUB_WEBHOOK_SECRET_CLICKUP" in response.text


# ---------------------------------------------------------------------- handshakes


def test_slack_url_verification_is_answered_with_its_challenge(harness: Harness) -> None:
    response = harness.post("slack", {"type": "url_verification", "challenge": "3eZbrw1a"})
    assert response.status_code == 200
    assert response.json == {"challenge": "3eZbrw1a"}
    assert harness.accepted == []


def test_github_ping_is_answered_without_a_trigger(harness: Harness) -> None:
    response = harness.post(
        "github", {"zen": "Keep it logically awesome."}, headers={"X-GitHub-Event": "ping"}
    )
    assert response.status_code == 200
    assert harness.accepted == []


def test_asana_handshake_echoes_and_remembers_the_secret(harness: Harness) -> None:
    harness.receiver.secrets = type(harness.receiver.secrets)({})
    response = harness.client.post("/webhooks/asana", headers={"X-Hook-Secret": "fresh-secret"})
    assert response.status_code == 200
    assert response.headers["X-Hook-Secret"] == "fresh-secret"
    assert harness.receiver.secrets.get("asana") == "fresh-secret"
    assert harness.post("asana", secret="fresh-secret").status_code == 200
    # a second handshake may not replace the secret
    again = harness.client.post("/webhooks/asana", headers={"X-Hook-Secret": "attacker"})
    assert again.status_code == 401
    assert harness.receiver.secrets.get("asana") == "fresh-secret"


def test_notion_verification_token_is_remembered_then_signs(harness: Harness) -> None:
    harness.receiver.secrets = type(harness.receiver.secrets)({})
    response = harness.client.post("/webhooks/notion", json={"verification_token": "secret_tok"})
    assert response.status_code == 200
    assert harness.receiver.secrets.get("notion") == "secret_tok"
    assert harness.post("notion", secret="secret_tok").status_code == 200


@pytest.mark.parametrize("method", ["HEAD", "GET"])
def test_trello_callback_check_is_answered_200(harness: Harness, method: str) -> None:
    response = harness.client.open("/webhooks/trello", method=method)
    assert response.status_code == 200


# ---------------------------------------------------------------------- the schemes


def test_github_signature_matches_the_documented_example() -> None:
    headers = signed_headers("github", "It's a Secret to Everybody", b"Hello, World!")
    assert headers["X-Hub-Signature-256"] == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_slack_signature_signs_version_timestamp_and_body() -> None:
    body = b"token=abc&team_id=T1"
    expected = hmac.new(b"s3cr3t", b"v0:1531420618:" + body, hashlib.sha256).hexdigest()
    headers = signed_headers("slack", "s3cr3t", body, timestamp=1531420618)
    assert headers == {
        "X-Slack-Request-Timestamp": "1531420618",
        "X-Slack-Signature": "v0=" + expected,
    }


def test_trello_signature_is_base64_sha1_of_body_and_callback_url() -> None:
    body, url = b'{"action":{}}', "https://example.com/webhooks/trello"
    expected = base64.b64encode(hmac.new(b"app", body + url.encode(), hashlib.sha1).digest())
    assert signed_headers("trello", "app", body, url=url)["X-Trello-Webhook"] == expected.decode()
    assert (
        verify(
            "trello",
            "app",
            body,
            {"X-Trello-Webhook": expected.decode()},
            now=0,
            url="https://example.com/elsewhere",
        )
        is not None
    )
