"""The kit's change journal: sequence, durability, concurrent appenders, clear and replay."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from brainhub.errors import EmulatorError
from brainhub.sandbox.kit.journal import Change, ChangeJournal, Draft, Pending, Replay

SCOPE = {"seed": 1, "size": "tiny"}


def _append(directory: str, name: str, count: int) -> None:
    journal = ChangeJournal(Path(directory), "toy")
    for number in range(count):
        journal.record(
            lambda pending: None,
            lambda n=number: Draft("create", "pet", f"{name}-{n}", {"n": n}),
            lambda change: None,
            SCOPE,
        )


def test_two_processes_appending_at_once_keep_the_journal_valid(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append, args=(str(tmp_path), name, 150)) for name in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    lines = (tmp_path / "toy.changes.jsonl").read_text().splitlines()
    changes = [json.loads(line) for line in lines]
    assert [c["seq"] for c in changes] == list(range(1, 301))
    assert [c["at"] for c in changes] == sorted(c["at"] for c in changes)
    assert len({c["at"] for c in changes}) == 300
    for name in ("a", "b"):
        mine = [c["data"]["n"] for c in changes if c["id"].startswith(f"{name}-")]
        assert mine == list(range(150))


def test_record_catches_up_first_and_a_failed_build_appends_nothing(tmp_path):
    writer, reader = ChangeJournal(tmp_path, "toy"), ChangeJournal(tmp_path, "toy")
    applied: list[str] = []
    seen: list[Pending] = []
    writer.record(seen.append, lambda: Draft("create", "pet", "p1"), lambda c: None, SCOPE)

    def refuse() -> Draft:
        raise ValueError("bad body")

    with pytest.raises(ValueError, match="bad body"):
        reader.record(seen.append, refuse, lambda c: applied.append(c.id), SCOPE)
    assert [c.id for c in seen[-1].changes] == ["p1"]  # the reader caught up first
    change = reader.record(
        seen.append, lambda: Draft("delete", "pet", "p1"), lambda c: applied.append(c.id), SCOPE
    )
    assert (change.seq, applied) == (2, ["p1"])
    assert [c.seq for c in writer.pending().changes] == [2]
    assert writer.pending().changes == []


def test_clear_makes_readers_start_over(tmp_path):
    writer, reader = ChangeJournal(tmp_path, "toy"), ChangeJournal(tmp_path, "toy")
    for name in ("p1", "p2"):
        writer.record(
            lambda p: None, lambda n=name: Draft("create", "pet", n), lambda c: None, SCOPE
        )
    assert [c.id for c in reader.pending().changes] == ["p1", "p2"]
    assert ChangeJournal(tmp_path, "toy").clear() == 2
    assert reader.pending() == Pending([], restart=True)
    writer.record(lambda p: None, lambda: Draft("create", "pet", "p3"), lambda c: None, SCOPE)
    writer.record(lambda p: None, lambda: Draft("create", "pet", "p4"), lambda c: None, SCOPE)
    again = ChangeJournal(tmp_path, "toy")
    assert [(c.seq, c.id) for c in again.read_all()] == [(1, "p3"), (2, "p4")]


def test_a_reader_notices_a_cleared_journal_that_grew_again(tmp_path):
    writer, reader = ChangeJournal(tmp_path, "toy"), ChangeJournal(tmp_path, "toy")
    writer.record(lambda p: None, lambda: Draft("create", "pet", "p1"), lambda c: None, SCOPE)
    assert len(reader.pending().changes) == 1
    writer.clear()
    for name in ("p2", "p3", "p4"):
        writer.record(
            lambda p: None, lambda n=name: Draft("create", "pet", n), lambda c: None, SCOPE
        )
    pending = reader.pending()
    assert pending.restart
    assert [c.id for c in pending.changes] == ["p2", "p3", "p4"]


def test_replay_names_the_kinds_it_applies():
    replay = Replay({("pet", "create"): lambda change: None})
    change = Change(7, "2026-01-01T00:00:00.000000Z", "delete", "pet", "p1")
    with pytest.raises(EmulatorError, match=r"change 7: cannot apply 'pet delete'; .*pet create"):
        replay.apply(change)


def test_a_damaged_journal_is_one_clear_error(tmp_path):
    (tmp_path / "toy.changes.jsonl").write_text('{"seq": 1}\nnot json\n')
    with pytest.raises(
        EmulatorError, match=r"toy.changes.jsonl: line 1 .*brainhub sandbox reset toy"
    ):
        ChangeJournal(tmp_path, "toy").read_all()


def test_drafts_refuse_unknown_operations():
    with pytest.raises(ValueError, match="op must be one of create, update, delete"):
        Draft("upsert", "pet", "p1")
