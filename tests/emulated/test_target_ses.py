"""target-ses against SES as served by moto's server mode on loopback: one email per record,
templated emails, STATE only after SES answered, refusals with SES's own error text."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from targets.ses.target import RejectedEmailsError, TargetSES
from tests.support.moto_server import MotoServer, moto_server
from tests.support.targets import singer_lines

SENDER = "alerts@example.com"
SCHEMA = {
    "type": "SCHEMA",
    "stream": "alerts",
    "schema": {
        "properties": {
            k: {} for k in ("to", "cc", "subject", "body", "html_body", "template", "template_data")
        }
    },
    "key_properties": [],
}


@pytest.fixture
def ses() -> Iterator[MotoServer]:
    with moto_server() as server:
        yield server


def _config(ses: MotoServer, **settings: Any) -> dict[str, Any]:
    return {"from_address": SENDER, "verify_sender": True, **ses.settings(), **settings}


def _sent(ses: MotoServer) -> dict[str, list[dict[str, Any]]]:
    with urllib.request.urlopen(f"{ses.endpoint_url}/moto-api/data.json") as answer:  # noqa: S310 - loopback
        data = json.load(answer)["ses"]
    return {"plain": data["Message"], "templated": data["TemplateMessage"]}


def _listen(target: TargetSES, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        target.listen(io.StringIO(singer_lines(messages)))
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def test_each_record_is_one_email_and_state_follows_the_answers(ses: MotoServer) -> None:
    ses.client("ses").create_template(
        Template={
            "TemplateName": "overdue",
            "SubjectPart": "{{n}} overdue",
            "TextPart": "Hi {{name}}",
        }
    )
    records = [
        {"to": "ana@example.com", "subject": "Digest", "body": "3 tasks due — ✓"},
        {
            "to": ["bo@example.com", "cy@example.com"],
            "cc": "dee@example.com",
            "subject": "S",
            "html_body": "<b>x</b>",
        },
        {"to": "ana@example.com", "template": "overdue", "template_data": {"n": 2, "name": "Ana"}},
    ]
    states = _listen(
        TargetSES(config=_config(ses)),
        [SCHEMA, *({"type": "RECORD", "stream": "alerts", "record": r} for r in records),
         {"type": "STATE", "value": {"bookmarks": {"alerts": {"sent": 3}}}}],
    )  # fmt: skip

    assert states == [{"bookmarks": {"alerts": {"sent": 3}}}]
    sent = _sent(ses)
    assert [
        (m["source"], m["destinations"]["ToAddresses"], m["subject"]) for m in sent["plain"]
    ] == [
        (SENDER, ["ana@example.com"], "Digest"),
        (SENDER, ["bo@example.com", "cy@example.com"], "S"),
    ]
    assert sent["plain"][0]["body"] == "3 tasks due — ✓"
    assert sent["plain"][1]["destinations"]["CcAddresses"] == ["dee@example.com"]
    (templated,) = sent["templated"]
    assert templated["template"] == "overdue"
    assert json.loads(templated["template_data"]) == {"n": 2, "name": "Ana"}


def test_refused_records_carry_ses_error_text_and_the_others_are_sent(ses: MotoServer) -> None:
    records = [
        {"to": "not-an-address", "subject": "S", "body": "b"},
        {"to": "ana@example.com", "subject": "S", "body": "b"},
        {"to": "ana@example.com", "template": "missing"},
        {"subject": "no recipient", "body": "b"},
    ]
    target = TargetSES(config=_config(ses))
    with pytest.raises(RejectedEmailsError) as refused:
        _listen(
            target,
            [SCHEMA, *({"type": "RECORD", "stream": "alerts", "record": r} for r in records)],
        )
    assert target.rejects == [
        "stream 'alerts', record 1 to not-an-address: SES refused it: InvalidParameterValue: Missing domain",
        "stream 'alerts', record 3 to ana@example.com: SES refused it: TemplateDoesNotExist: "
        "Template (missing) does not exist",
        "stream 'alerts', record 4: to: required (an address or a list of addresses)",
    ]
    assert str(refused.value).startswith("3 emails of 4 refused by SES")
    assert len(_sent(ses)["plain"]) == 1


def test_an_unverified_sender_is_refused_with_ses_text(ses: MotoServer) -> None:
    target = TargetSES(config=_config(ses, verify_sender=False))
    with pytest.raises(
        RejectedEmailsError,
        match=re.escape("MessageRejected: Email address not verified alerts@example.com"),
    ):
        _listen(
            target,
            [
                SCHEMA,
                {
                    "type": "RECORD",
                    "stream": "alerts",
                    "record": {"to": "a@example.com", "subject": "s", "body": "b"},
                },
            ],
        )


def test_the_executable_ends_with_one_line_and_exit_1(ses: MotoServer, tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(_config(ses)))
    record = {
        "type": "RECORD",
        "stream": "alerts",
        "record": {"to": "x@", "subject": "s", "body": "b"},
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "target-ses"), "--config", str(config)],
        input=singer_lines([SCHEMA, record]), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "sandbox-secret" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(
            "target-ses: 1 email of 1 refused by SES (each logged above); the first: stream 'alerts', "
            "record 1 to x@: SES refused it: InvalidParameterValue:"
        )
    )


def test_a_missing_sender_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"region_name": "us-east-1"}))
    done = subprocess.run(
        [str(Path(sys.executable).parent / "target-ses"), "--config", str(config)],
        input="", capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "target-ses: setting 'from_address': give the sender's address (e.g. alerts@example.com), got None"
    )
