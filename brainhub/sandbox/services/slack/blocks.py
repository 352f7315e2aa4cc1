"""Block Kit checks of ``chat.postMessage``/``chat.update``, as Slack reports them.

``blocks`` is a JSON array (a JSON string in a form body) of at most 50 layout blocks.
Text that is not a JSON array is ``invalid_blocks_format``; a block Slack would refuse is
``invalid_blocks``, with one ``errors`` entry per problem naming where it is
(``[json-pointer:/blocks/0/text]``) and the same lines in ``response_metadata.messages``.
"""

from __future__ import annotations

import json
from typing import Any

from brainhub.sandbox.services.slack.errors import fail

MAX_BLOCKS = 50
#: Layout blocks a message may hold.
BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "rich_text",
        "section",
        "video",
    }
)
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})


def parsed_blocks(raw: Any) -> list[dict[str, Any]] | None:
    """The checked blocks of an argument (``None`` when absent), or Slack's error."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            fail("invalid_blocks_format")
    if not isinstance(raw, list):
        fail("invalid_blocks_format")
    problems = [problem for index, block in enumerate(raw) for problem in _problems(index, block)]
    if len(raw) > MAX_BLOCKS:
        problems.append(f"no more than {MAX_BLOCKS} items allowed [json-pointer:/blocks]")
    if problems:
        fail(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )
    return raw


def _problems(index: int, block: Any) -> list[str]:
    where = f"/blocks/{index}"
    if not isinstance(block, dict):
        return [f"expected object [json-pointer:{where}]"]
    kind = block.get("type")
    if not isinstance(kind, str) or not kind:
        return [f"missing required field: type [json-pointer:{where}]"]
    if kind not in BLOCK_TYPES:
        return [f"unsupported type: {kind} [json-pointer:{where}/type]"]
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return [f"must provide either text or fields [json-pointer:{where}]"]
        return _text_problems(block.get("text"), f"{where}/text", TEXT_TYPES, optional=True)
    if kind == "header":
        return _text_problems(block.get("text"), f"{where}/text", frozenset({"plain_text"}))
    if kind in ("context", "actions") and not isinstance(block.get("elements"), list):
        return [f"missing required field: elements [json-pointer:{where}]"]
    return []


def _text_problems(
    value: Any, where: str, kinds: frozenset[str], optional: bool = False
) -> list[str]:
    if value is None:
        return [] if optional else [f"missing required field: text [json-pointer:{where}]"]
    if not isinstance(value, dict):
        return [f"expected object [json-pointer:{where}]"]
    if value.get("type") not in kinds:
        valid = ", ".join(sorted(kinds))
        return [f"must be one of {valid} [json-pointer:{where}/type]"]
    if not isinstance(value.get("text"), str) or not value["text"]:
        return [f"must be more than 0 characters [json-pointer:{where}/text]"]
    return []
