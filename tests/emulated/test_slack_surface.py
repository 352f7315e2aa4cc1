"""The Slack emulator's declared surface against Slack's own document.

- the operation table accounts for exactly the document's 80 GET methods: the read
  methods a bot token can call served (≥ 90 % of them), the rest left out with a reason;
- every served method also answers POST, as Slack's SDKs call it;
- ``surface.json`` is what ``scripts/derive_surface.py`` derives from the document now;
- ``brainhub sandbox coverage slack`` reports them served, routed to their handlers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.surface import derive_surface
from brainhub.sandbox.services.slack import SlackEmulator
from brainhub.sandbox.services.slack.errors import ERRORS
from brainhub.sandbox.services.slack.operations import OPERATIONS, WRITES
from tests.support.conformance import declared_operations, documented_gets
from tests.support.slack_reference import ABSENT_REASON, DOCUMENT, PREFIX, load_document

pytestmark = pytest.mark.skipif(not DOCUMENT.exists(), reason=ABSENT_REASON)

#: Methods outside the read surface: Enterprise Grid administration, app management, the
#: OAuth and migration exchanges, the RTM socket, and writes the document lists as GET.
OUT_OF_SCOPE = ("admin.", "apps.", "oauth.", "views.", "workflows.", "dialog.", "migration.")
OUT_OF_SCOPE_METHODS = {"auth.revoke", "files.remote.share", "rtm.connect"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def test_the_operation_table_accounts_for_every_documented_get_and_no_other(document):
    documented = documented_gets(document, PREFIX)
    assert len(documented) == 80
    assert declared_operations(OPERATIONS) == documented


def test_at_least_nine_in_ten_read_methods_are_served_and_every_omission_has_a_reason():
    served = {op.path.lstrip("/") for op in OPERATIONS.served}
    left_out = {item.path.lstrip("/"): item.reason for item in OPERATIONS.left_out}
    in_scope = {
        name
        for name in served | set(left_out)
        if not name.startswith(OUT_OF_SCOPE) and name not in OUT_OF_SCOPE_METHODS
    }
    assert len(in_scope) == 39
    assert len(served & in_scope) / len(in_scope) >= 0.9
    assert all(reason.strip() for reason in left_out.values())
    core = {
        "conversations.list",
        "conversations.history",
        "conversations.replies",
        "conversations.info",
        "conversations.members",
        "users.list",
        "users.info",
        "users.lookupByEmail",
        "users.getPresence",
        "users.profile.get",
        "users.conversations",
        "team.info",
        "usergroups.list",
        "usergroups.users.list",
        "files.list",
        "files.info",
        "reactions.get",
        "reactions.list",
        "pins.list",
        "emoji.list",
        "auth.test",
        "bots.info",
        "dnd.info",
        "stars.list",
        "search.messages",
    }
    assert core <= served


def test_every_served_method_also_answers_post():
    posted = {op.path for op in OPERATIONS.extra if op.method == "POST" and op not in WRITES}
    assert posted == {op.path for op in OPERATIONS.served}


def test_the_surface_file_is_derived_from_the_current_document(document):
    surface = Path(SlackEmulator.surface_file or "")
    derived = derive_surface(document, PREFIX, patterns=True)
    assert json.loads(surface.read_text(encoding="utf-8")) == derived


def test_coverage_reports_every_served_method_routed_and_none_missing():
    report = coverage("slack", SlackEmulator)
    assert report.described
    assert report.documented == 80
    assert len(report.served) == 39
    assert len(report.left_out) == 41
    assert report.missing == report.unrouted == report.undocumented == []
    assert report.served["GET /conversations.history"] == "conversations_history"
    assert report.served["GET /files.list"] == "shaped"
    text = CliRunner().invoke(main, ["sandbox", "coverage", "slack"])
    assert text.exit_code == 0
    assert text.output.startswith("slack: 39 of 80 documented GET operations served, 41 left out")


def test_the_error_table_holds_slacks_documented_codes(document):
    documented: set[str] = set()
    for item in document["paths"].values():
        for operation in item.values():
            error = operation["responses"]["default"]["schema"].get("properties", {}).get("error")
            documented.update((error or {}).get("enum", ()))
    beyond_the_document = {
        "no_such_subteam",  # usergroups.users.list of an unknown group (method page)
        "ratelimited",  # the 429 body (rate-limits guide)
        "unknown_method",  # the 404 body of a method that does not exist
        "invalid_blocks",  # chat.postMessage/chat.update method pages (Block Kit)
        "invalid_blocks_format",  # the same pages: blocks that are not a JSON array
        "invalid_attachments",  # the same pages: attachments that are not a JSON array
    }
    assert set(ERRORS.errors) - documented == beyond_the_document
    assert all(e.body == {"ok": False, "error": e.name} for e in ERRORS.errors.values())
    statuses = {e.name: e.status for e in ERRORS.errors.values() if e.status != 200}
    assert statuses == {"ratelimited": 429, "unknown_method": 404, "internal_error": 500}
