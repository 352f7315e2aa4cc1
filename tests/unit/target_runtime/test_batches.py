"""Batch requests and their answers: one request from many creates, one outcome per item."""

from __future__ import annotations

import pytest

from brainhub.spec.writes import WriteBatch
from targets.runtime.batches import BatchAnswerError, ItemOutcome, batch_call, item_outcomes
from targets.runtime.records import RenderedCall

BY_POSITION = WriteBatch(
    path="/bulk",
    size=50,
    items_at="issueUpdates",
    results="$.issues[*]",
    failures="$.errors[*]",
    failure_index="failedElementNumber",
    failure_error="elementErrors",
    failure_status="status",
)
PER_ITEM = WriteBatch(
    path="/batch/{config.space}",
    size=10,
    items_at="data.actions",
    item={"method": "post", "relative_path": "{call.path}", "data": "{call.body.data}"},
    body={"data": {"options": {"pretty": True}}},
    results="$.data[*]",
    status="status_code",
    answer="body",
)


def create(path: str, body: dict) -> RenderedCall:
    return RenderedCall(method="POST", path=path, endpoint=path, params={}, body=body)


def test_items_are_each_create_as_sent_alone_at_their_place_in_the_body() -> None:
    items = [
        ({"name": "a"}, create("/tasks", {"data": {"name": "a"}})),
        ({"name": "b"}, create("/tasks", {"data": {"name": "b", "notes": "n"}})),
    ]

    call = batch_call(PER_ITEM, items, {"space": "7"})

    assert (call.method, call.path, call.endpoint) == ("POST", "/batch/7", "/batch/{config.space}")
    assert call.body == {
        "data": {
            "options": {"pretty": True},
            "actions": [
                {"method": "post", "relative_path": "/tasks", "data": {"name": "a"}},
                {"method": "post", "relative_path": "/tasks", "data": {"name": "b", "notes": "n"}},
            ],
        }
    }


def test_without_an_item_template_each_item_is_the_create_body() -> None:
    items = [({}, create("/issue", {"fields": {"summary": "a"}}))]
    assert batch_call(BY_POSITION, items, {}).body == {
        "issueUpdates": [{"fields": {"summary": "a"}}]
    }


def test_failures_by_position_leave_the_made_items_their_results_in_order() -> None:
    answer = {
        "issues": [{"key": "ENG-1"}, {"key": "ENG-3"}],
        "errors": [
            {
                "status": 400,
                "elementErrors": {"errorMessages": [], "errors": {"summary": "Required"}},
                "failedElementNumber": 1,
            }
        ],
    }

    outcomes = item_outcomes(BY_POSITION, answer, 3, 201)

    assert outcomes == [
        ItemOutcome(answer={"key": "ENG-1"}, status=201),
        ItemOutcome(status=400, error='{"errorMessages": [], "errors": {"summary": "Required"}}'),
        ItemOutcome(answer={"key": "ENG-3"}, status=201),
    ]
    assert [o.made for o in outcomes] == [True, False, True]


def test_a_status_per_item_reads_each_answer_or_error() -> None:
    answer = {
        "data": [
            {"status_code": 201, "body": {"data": {"gid": "1"}}},
            {"status_code": 400, "body": {"errors": [{"message": "due_on: Not a valid date"}]}},
        ]
    }

    outcomes = item_outcomes(PER_ITEM, answer, 2, 200)

    assert outcomes[0] == ItemOutcome(answer={"data": {"gid": "1"}}, status=201)
    assert (outcomes[1].status, outcomes[1].made) == (400, False)
    assert "due_on: Not a valid date" in str(outcomes[1].error)


@pytest.mark.parametrize(
    ("batch", "answer", "expected"),
    [
        (PER_ITEM, {"data": [{"status_code": 201, "body": {}}]}, "1 results for 2 items"),
        (BY_POSITION, {"issues": [{"key": "A"}], "errors": []}, "1 made and 0 failed"),
        (
            BY_POSITION,
            {"issues": [], "errors": [{"failedElementNumber": 7}]},
            "a failure names item 7 of 2",
        ),
    ],
    ids=["results missing", "made items missing", "failure out of range"],
)
def test_an_answer_that_does_not_account_for_every_item_is_an_error(
    batch: WriteBatch, answer: dict, expected: str
) -> None:
    with pytest.raises(BatchAnswerError, match=expected):
        item_outcomes(batch, answer, 2, 200)
