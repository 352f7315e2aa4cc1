"""Real arguments and Slack's own envelope check for the Slack conformance test.

A generated id names nothing, so channel, user, thread, user group, bot, team and e-mail
arguments are replaced by ones of the seeded workspace, and a generated cursor (which no
server issued) is dropped. Slack answers method errors as HTTP 200 with
``{"ok": false, "error": …}``, documented as each method's ``default`` response:
:func:`slack_envelope_conformance` validates such a body against that schema (its
``error`` one the method lists, or one :data:`UNLISTED_ERRORS` names) and a success body
against the documented 200 schema.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from schemathesis.specs.openapi.checks import response_schema_conformance

from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.directory import user_groups
from tests.support.slack_reference import UNLISTED_ERRORS


def real_ids(emulator: SlackEmulator) -> dict[str, str]:
    """Arguments naming live objects of the seeded workspace, by argument name."""
    ws = emulator.workspace
    channel = next(c for c in ws.visible_channels() if c.readable and c.replies)
    parent = next(iter(channel.replies))
    person = ws.users[2]
    return {
        "channel": channel.id,
        "ts": parent,
        "message_ts": parent,
        "timestamp": parent,
        "user": person["id"],
        "email": person["profile"]["email"],
        "usergroup": user_groups(ws)[0].id,
        "bot": ws.bot_id,
        "team": ws.team_id,
        "file": "F" + ws.team_id[1:],
    }


def real_values(emulator: SlackEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` arguments with ids replaced by real ones and no cursor or token."""
    real = real_ids(emulator)
    return {
        name: real.get(name, value)
        for name, value in generated.items()
        if name not in ("cursor", "token")
    }


def slack_envelope_conformance(ctx: Any, response: Any, case: Any) -> bool | None:
    """An ``ok: false`` body is valid against the method's documented error schema; any
    other body is checked against the documented 200 schema by schemathesis."""
    body = response.json()
    if not isinstance(body, dict) or body.get("ok") is not False:
        return response_schema_conformance(ctx, response, case)
    operation = case.operation.definition.raw
    schema = operation["responses"]["default"]["schema"]
    method = case.operation.path.lstrip("/")
    listed = set(schema.get("properties", {}).get("error", {}).get("enum", ()))
    allowed = listed | UNLISTED_ERRORS["*"] | UNLISTED_ERRORS.get(method, set())
    if method == "api.test":  # answers the error its ``error`` argument names
        allowed.add(str((case.query or {}).get("error")))
    assert body["error"] in allowed, f"{method}: error {body['error']!r} is not documented"
    relaxed = {
        **schema,
        "properties": {**schema.get("properties", {}), "error": {"type": "string"}},
    }
    relaxed["properties"]["response_metadata"] = {"type": "object"}
    resolver_root = case.operation.schema.raw_schema
    jsonschema.Draft4Validator({**relaxed, "definitions": resolver_root["definitions"]}).validate(
        body
    )
    return True
