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


#: The schemes whose signature covers the body (GitLab's token and Connect's JWT do not).
BODY_SIGNED = [service for service in SERVICES if SCHEMES[service].signs_body]


@pytest.mark.parametrize("service", BODY_SIGNED)
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


# ---------------------------------------------------------------------- GitLab, Bitbucket, Confluence


def test_gitlab_sends_its_secret_token_as_it_is_and_a_wrong_one_is_refused(
    harness: Harness,
) -> None:
    assert signed_headers("gitlab", "tok-1", b"{}") == {"X-Gitlab-Token": "tok-1"}
    response = harness.post("gitlab", secret="gitlab-secret-token-2")
    assert response.status_code == 401
    assert response.text == "X-Gitlab-Token does not match the configured secret token\n"
    assert harness.accepted == []
    assert harness.audit_actions() == ["webhook.signature_rejected"]


def test_gitlab_event_uuid_names_the_delivery_so_a_replay_is_refused(harness: Harness) -> None:
    headers = {"X-Gitlab-Event": "Issue Hook", "X-Gitlab-Event-UUID": "4f7a-uuid"}
    first = harness.post("gitlab", headers=headers)
    assert first.status_code == 200, first.text
    stored = harness.inbox.get(first.json["accepted"])
    assert stored is not None
    assert (stored.delivery_id, stored.event_type) == ("4f7a-uuid", "issue.update")
    replay = harness.post("gitlab", {"object_kind": "note"}, headers=headers)
    assert replay.status_code == 409


def test_bitbucket_signature_is_sha256_hmac_of_the_body_and_the_event_key_names_it(
    harness: Harness,
) -> None:
    body = b'{"issue":{}}'
    expected = hmac.new(b"bb", body, hashlib.sha256).hexdigest()
    assert signed_headers("bitbucket", "bb", body) == {"X-Hub-Signature": "sha256=" + expected}
    response = harness.post(
        "bitbucket", headers={"X-Event-Key": "issue:updated", "X-Request-UUID": "req-1"}
    )
    assert response.status_code == 200, response.text
    stored = harness.inbox.get(response.json["accepted"])
    assert stored is not None
    assert (stored.delivery_id, stored.event_type) == ("req-1", "issue:updated")


def _jwt_parts(token: str) -> tuple[dict[str, object], dict[str, object]]:
    def decoded(part: str) -> dict[str, object]:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))

    header, claims, _signature = token.split(".")
    return decoded(header), decoded(claims)


def test_confluence_jwt_is_hs256_with_qsh_of_method_path_and_query() -> None:
    url = "http://localhost/webhooks/confluence?event=page_updated&b=2"
    value = signed_headers("confluence", "shared", b"{}", timestamp=NOW, url=url)["Authorization"]
    assert value.startswith("JWT ")
    header, claims = _jwt_parts(value[4:])
    assert header == {"alg": "HS256", "typ": "JWT"}
    canonical = "POST&/webhooks/confluence&b=2&event=page_updated"
    assert claims["qsh"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert (claims["iat"], claims["exp"]) == (NOW, NOW + 180)
    head, payload, signature = value[4:].split(".")
    mac = hmac.new(b"shared", f"{head}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "=") == mac


@pytest.mark.parametrize(
    ("timestamp", "url", "reason"),
    [
        (NOW - 181, "", "JWT expired (stale or replayed request)"),
        (NOW + 301, "", "JWT was issued more than 300 s away from now"),
        (NOW, "http://localhost/webhooks/other", "JWT 'qsh' does not match"),
    ],
)
def test_a_stale_or_misdirected_confluence_jwt_is_refused(
    harness: Harness, timestamp: int, url: str, reason: str
) -> None:
    raw = json.dumps(BODIES["confluence"]).encode()
    signed = signed_headers(
        "confluence",
        SECRETS["confluence"],
        raw,
        timestamp=timestamp,
        url=url or "http://localhost/webhooks/confluence",
    )
    response = harness.client.post("/webhooks/confluence", data=raw, headers=signed)
    assert response.status_code == 401
    assert reason in response.text
    assert harness.accepted == []


def test_a_confluence_jwt_with_another_algorithm_or_an_altered_claim_is_refused(
    harness: Harness,
) -> None:
    raw = json.dumps(BODIES["confluence"]).encode()
    url = "http://localhost/webhooks/confluence"
    token = signed_headers("confluence", SECRETS["confluence"], raw, timestamp=NOW, url=url)[
        "Authorization"
    ][4:]
    head, payload, signature = token.split(".")

    def encoded(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    _header, claims = _jwt_parts(token)
    later = encoded({**claims, "exp": NOW + 10_000})
    unsigned = encoded({"alg": "none", "typ": "JWT"})
    cases = {
        f"{head}.{later}.{signature}": "JWT signature does not match",
        f"{unsigned}.{payload}.": "JWT must be signed with HS256",
        "not-a-token": "must carry a JWT of three dot-separated parts",
    }
    for value, reason in cases.items():
        response = harness.client.post(
            "/webhooks/confluence", data=raw, headers={"Authorization": f"JWT {value}"}
        )
        assert response.status_code == 401
        assert reason in response.text
    assert harness.accepted == []


def test_confluence_names_the_event_by_the_module_url(harness: Harness) -> None:
    raw = json.dumps(BODIES["confluence"]).encode()
    url = "http://localhost/webhooks/confluence?event=page_updated"
    signed = signed_headers("confluence", SECRETS["confluence"], raw, timestamp=NOW, url=url)
    response = harness.client.post(
        "/webhooks/confluence?event=page_updated", data=raw, headers=signed
    )
    assert response.status_code == 200, response.text
    stored = harness.inbox.get(response.json["accepted"])
    assert stored is not None
    assert stored.event_type == "page_updated"
