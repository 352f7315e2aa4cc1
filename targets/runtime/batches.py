"""Batch endpoints: many creates in one request, and what the answer says of each.

A spec's ``batch`` (:class:`~brainhub.spec.writes.WriteBatch`) names an endpoint that
takes the creates of several records at once. :func:`batch_call` renders the one request
from each record's create as it would be sent alone; :func:`item_outcomes` reads the answer
back into one :class:`ItemOutcome` per item, in the order the items were sent, so each
record is recorded (made) or rejected (with the service's message for that item) on its
own. Two answer shapes are read:

* ``status``: one result per item, in order, each with its HTTP status and its own answer
  (Asana's ``POST /batch``);
* ``failures``: the made items' results in order, and an entry per failed item naming its
  position (Jira's ``POST /issue/bulk``, ``errors[].failedElementNumber``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from singer_sdk.helpers.jsonpath import extract_jsonpath

from brainhub.errors import BrainhubError
from brainhub.redaction import redact
from brainhub.spec.jsonpaths import body_value
from brainhub.spec.writes import WriteBatch
from targets.runtime.records import UNSET, RenderedCall, fill

ERROR_TEXT_LIMIT = 2000


class BatchAnswerError(BrainhubError):
    """A batch answer that does not say what became of each item."""


@dataclass(frozen=True)
class ItemOutcome:
    """What a batch answered for one item: its own answer, or its status and error."""

    answer: Any = None
    status: int | None = None
    error: str | None = None

    @property
    def made(self) -> bool:
        return self.error is None


def batch_call(
    batch: WriteBatch,
    items: Sequence[tuple[Mapping[str, Any], RenderedCall]],
    config: Mapping[str, Any],
) -> RenderedCall:
    """The one request carrying every item: ``(record, create call as sent alone)`` pairs."""
    scopes: dict[str, Any] = {"config": config}
    rendered = []
    for record, call in items:
        seen_as = {"method": call.method, "path": call.path, "body": call.body or {}}
        template = batch.item if batch.item is not None else "{call.body}"
        value = fill(template, {**scopes, "record": record, "call": seen_as})
        rendered.append({} if value is UNSET else value)
    body = fill(batch.body, scopes)
    body = {} if body is UNSET else dict(body)
    _place(body, batch.items_at, rendered)
    params = fill(batch.params, scopes)
    return RenderedCall(
        method=batch.method,
        path=str(fill(batch.path, scopes)),
        endpoint=batch.path,
        params={} if params is UNSET else params,
        body=body,
    )


def item_outcomes(batch: WriteBatch, answer: Any, count: int, status: int) -> list[ItemOutcome]:
    """One outcome per item sent, in order.

    ``status`` is the HTTP status of the whole answer (an item's own, when the answer
    gives none for it).

    Raises:
        BatchAnswerError: the answer does not account for every item.
    """
    results = list(extract_jsonpath(batch.results, answer)) if answer is not None else []
    if batch.status is not None:
        if len(results) != count:
            raise BatchAnswerError(f"the batch answered {len(results)} results for {count} items")
        outcomes = []
        for result in results:
            own = body_value(result, batch.answer) if batch.answer else result
            code = _status(body_value(result, batch.status)) or status
            if code < 300:
                outcomes.append(ItemOutcome(answer=own, status=code))
            else:
                outcomes.append(ItemOutcome(status=code, error=_text(own)))
        return outcomes
    assert batch.failures is not None  # the spec's checks want status or failures
    failed: dict[int, ItemOutcome] = {}
    for entry in extract_jsonpath(batch.failures, answer) if answer is not None else []:
        position = body_value(entry, batch.failure_index)
        if not isinstance(position, int) or not 0 <= position < count:
            raise BatchAnswerError(f"a failure names item {position!r} of {count}")
        error = body_value(entry, batch.failure_error) if batch.failure_error else entry
        own_status = (
            _status(body_value(entry, batch.failure_status)) if batch.failure_status else None
        )
        failed[position] = ItemOutcome(status=own_status or status, error=_text(error))
    made = [i for i in range(count) if i not in failed]
    if len(results) != len(made):
        raise BatchAnswerError(
            f"the batch answered {len(results)} made and {len(failed)} failed items "
            f"for {count} sent"
        )
    outcomes_by_index = {
        **failed,
        **{i: ItemOutcome(answer=r, status=status) for i, r in zip(made, results, strict=True)},
    }
    return [outcomes_by_index[i] for i in range(count)]


def _place(body: dict[str, Any], dotted: str, items: list[Any]) -> None:
    """Put ``items`` at the dotted path ``dotted`` of ``body`` (making the objects on the way)."""
    *parents, last = dotted.split(".")
    node = body
    for part in parents:
        child = node.get(part)
        node[part] = child = dict(child) if isinstance(child, dict) else {}
        node = child
    node[last] = items


def _status(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return redact(text[:ERROR_TEXT_LIMIT]) or "no error given"
