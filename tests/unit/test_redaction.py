"""Secrets out of logs, errors and tracebacks, in every spelling, whatever they contain."""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from urllib.parse import quote, quote_plus

import pytest
import requests

from brainhub.connect import secrets as connection_secrets
from brainhub.errors import SettingsError
from brainhub.http.messages import body_excerpt, redact, request_secrets
from brainhub.redaction import MIN_SECRET_CHARS, SecretScrubber, hidden, is_secret_name
from tests.support.secrets import CONTROL_SECRETS, HOSTILE_SECRETS, leaks

LONG = {name: value for name, value in HOSTILE_SECRETS.items() if len(value) >= MIN_SECRET_CHARS}


def _prepared(params: dict[str, str], headers: dict[str, str]) -> requests.PreparedRequest:
    return requests.Request(
        "GET", "http://127.0.0.1:9/1/members/me/boards", params=params, headers=headers
    ).prepare()


def _every_spelling(secret: str, user: str = "robot@example.test") -> str:
    """One text holding the secret in every encoding a library might write it in."""
    raw = secret.encode()
    return " | ".join(
        [
            f"raw {secret}",
            f"quoted {quote(secret, safe='')} {quote(secret)} {quote_plus(secret)}",
            f"json {json.dumps(secret)} {json.dumps(secret, ensure_ascii=False)}",
            f"repr {secret!r} {raw!r} {(secret + chr(39) + chr(34))!r}",
            f"alone {base64.b64encode(raw).decode()} {base64.urlsafe_b64encode(raw).decode()}",
            f"basic {base64.b64encode(f'{user}:{secret}'.encode()).decode()}",
            f"shifted {base64.b64encode(f'u:{secret}'.encode()).decode()}",
        ]
    )


@pytest.mark.parametrize("name", [*LONG, *CONTROL_SECRETS])
def test_every_spelling_of_a_secret_is_redacted(name: str) -> None:
    secret = {**LONG, **CONTROL_SECRETS}[name]
    text = SecretScrubber([secret]).scrub(_every_spelling(secret))
    assert leaks(secret, text, basic_user="robot@example.test") == []
    assert leaks(secret, text, basic_user="u") == []
    assert text.startswith("raw <redacted> | quoted <redacted> <redacted> <redacted>")


def test_query_strings_are_cut_whole_even_after_a_replaced_value() -> None:
    key, token = HOSTILE_SECRETS["specials"], "AT+T/a=b&c%d<e>9f"
    request = _prepared({"filter": "open", "key": key, "token": token}, {})
    assert request.path_url.count("?") == 1
    text = f"Max retries exceeded with url: {request.path_url} (Caused by NewConnectionError)"
    scrubbed = redact(text, [*request_secrets(request), "open"])
    assert (
        scrubbed
        == "Max retries exceeded with url: /1/members/me/boards?<redacted> (Caused by NewConnectionError)"
    )
    assert leaks(key, scrubbed) == []
    assert leaks(token, scrubbed) == []


def test_request_secrets_are_the_credentials_not_every_query_value() -> None:
    request = _prepared(
        {"filter": "open", "key": "k-123456", "nextPageToken": "p1"},
        {"Authorization": "Bearer tok-123456", "Accept": "application/json"},
    )
    assert sorted(request_secrets(request)) == ["Bearer tok-123456", "k-123456", "tok-123456"]


def test_short_secrets_are_redacted_in_their_place_but_not_inside_words() -> None:
    short = HOSTILE_SECRETS["short"]
    scrubber = SecretScrubber([short, "ab1"])
    text = (
        f"Authorization: Bearer {short}; Authorization: ab1; headers {{'Authorization': 'ab1'}}; "
        f"GET /x?token={quote_plus(short)} HTTP/1.1; a tab1e of k9 rows; Basic auth failed; Token invalid"
    )
    assert scrubber.scrub(text) == (
        "Authorization: Bearer <redacted>; Authorization: <redacted>; "
        "headers {'Authorization': '<redacted>'}; GET /x?<redacted> HTTP/1.1; a tab1e of k9 rows; "
        "Basic auth failed; Token invalid"
    )


def test_a_secret_is_redacted_before_a_body_excerpt_is_cut() -> None:
    secret = "sk_live_" + "7" * 30
    response = requests.Response()
    response._content = ("x" * 190 + secret + " more").encode()
    response.encoding = "utf-8"
    excerpt = body_excerpt(response, [secret])
    assert secret[:10] not in excerpt
    assert excerpt == "x" * 190 + "<redacted>…"


def test_log_messages_and_their_tracebacks_are_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    secret = HOSTILE_SECRETS["unicode"] + "-log"
    connection_secrets.install_secret_redaction([secret])
    logger = logging.getLogger("tests.redaction")
    handler = logging.StreamHandler(sys.stderr)
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(f"Invalid header value {('Bearer ' + secret).encode()!r}")
        except ValueError:
            logger.exception("request with %r failed", secret)
    finally:
        logger.removeHandler(handler)
    err = capsys.readouterr().err
    assert "request with '<redacted>' failed" in err
    assert "ValueError: Invalid header value b'Bearer <redacted>'" in err
    assert leaks(secret, err) == []


@pytest.mark.parametrize("name", CONTROL_SECRETS)
def test_secret_settings_with_control_characters_are_refused_unseen(name: str) -> None:
    secret = CONTROL_SECRETS[name]
    config = {"api_token": secret, "page_size": "a\nb"}
    with pytest.raises(SettingsError) as caught:
        connection_secrets.check_secret_settings("tap-toy", ["api_token"], config)
    message = str(caught.value)
    assert message.startswith("tap-toy: setting 'api_token': (hidden) contains control characters")
    assert "\n" not in message
    assert "\r" not in message
    assert leaks(secret, message) == []
    assert secret.splitlines()[0] not in message


def test_printable_secrets_pass_the_check() -> None:
    connection_secrets.check_secret_settings("tap-toy", ["a", "b"], {"a": LONG["specials"], "b": 7})


def test_hidden_tells_credentials_apart_without_showing_them() -> None:
    assert hidden("tok-1") == hidden("tok-1") != hidden("tok-2")
    assert hidden("tok-1").startswith("(hidden ")
    assert "tok" not in hidden("tok-1")


def test_an_uncaught_exception_in_a_process_prints_no_secret() -> None:
    """An exception no handler expected still reaches stderr scrubbed."""
    secret = LONG["specials"]
    code = (
        "import sys; from brainhub.connect.secrets import install_secret_redaction\n"
        f"install_secret_redaction([{secret!r}])\n"
        f"raise KeyError({secret!r})\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert "KeyError: '<redacted>'" in done.stderr
    assert leaks(secret, done.stderr) == []


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("Authorization", True),
        ("Proxy-Authorization", True),
        ("X-Api-Key", True),
        ("apiKey", True),
        ("key", True),
        ("token", True),
        ("access_token", True),
        ("X-Auth-Token", True),
        ("client_secret", True),
        ("Cookie", True),
        ("author", False),
        ("nextPageToken", False),
        ("keys", False),
        ("X-GitHub-Api-Version", False),
        ("opt_fields", False),
    ],
)
def test_credential_names_are_told_from_look_alikes(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_an_uncaught_exception_in_a_thread_prints_no_secret() -> None:
    secret = LONG["specials"] + "-thread"
    code = (
        "import threading; from brainhub.connect.secrets import install_secret_redaction\n"
        f"install_secret_redaction([{secret!r}])\n"
        "def fail(): raise KeyError(" + repr(secret) + ")\n"
        "worker = threading.Thread(target=fail, name='worker'); worker.start(); worker.join()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert "Exception in thread worker:" in done.stderr
    assert "KeyError: '<redacted>'" in done.stderr
    assert leaks(secret, done.stderr) == []
