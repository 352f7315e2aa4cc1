"""The audit chain: verify finds every edit, removal, insertion, reordering and cut tail."""

from __future__ import annotations

import itertools
import json
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pytest

from brainhub.audit import AuditLog, record
from brainhub.audit.log import GENESIS, canonical, line_hash


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    log = AuditLog(tmp_path / "audit")
    for number in range(1, 6):
        log.record("secret.created", f"TOKEN_{number}", after=f"(hidden {number:08x})")
    return log


def lines(log: AuditLog) -> list[bytes]:
    return log.path.read_bytes().splitlines()


def write(log: AuditLog, new_lines: list[bytes]) -> None:
    log.path.write_bytes(b"".join(line + b"\n" for line in new_lines))


def test_an_untouched_log_verifies_and_chains_every_entry(log: AuditLog) -> None:
    problems, entries = log.verify()
    assert problems == []
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev == GENESIS
    assert all(b.prev == a.hash for a, b in itertools.pairwise(entries))
    assert json.loads(log.head_path.read_text()) == {"seq": 5, "hash": entries[-1].hash}


def _edit(line: bytes) -> bytes:
    entry = json.loads(line)
    entry["who"] = "someone-else"
    return canonical(entry)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (
            lambda ls: [*ls[:2], _edit(ls[2]), *ls[3:]],
            "line 4: its prev hash does not match line 3",
        ),
        (lambda ls: [*ls[:2], *ls[3:]], "line 3: entry seq 4 where 3 belongs"),
        (lambda ls: [*ls[:2], ls[1], *ls[2:]], "line 3: entry seq 2 where 3 belongs"),
        (lambda ls: [ls[0], ls[2], ls[1], *ls[3:]], "line 2: entry seq 3 where 2 belongs"),
        (lambda ls: ls[:4], "the log ends at seq 4"),  # the tail cut
        (lambda ls: [*ls[:4], _edit(ls[4])], "the log ends at seq 5 with"),  # the last edited
        (lambda ls: [*ls[:2], b'{"seq": 3}', *ls[3:]], "line 3: expected the fields"),
    ],
    ids=["edited", "removed", "inserted", "reordered", "tail-cut", "last-edited", "garbage"],
)
def test_verify_finds_each_kind_of_tampering(
    log: AuditLog, tamper: Callable[[list[bytes]], list[bytes]], expected: str
) -> None:
    write(log, tamper(lines(log)))
    problems, _ = log.verify()
    assert problems, "tampering went unnoticed"
    assert any(expected in problem for problem in problems), problems


def test_an_entry_forged_with_a_consistent_seq_still_breaks_the_chain(log: AuditLog) -> None:
    """Inserting an entry and renumbering the rest leaves the prev hashes wrong."""
    original = [json.loads(line) for line in lines(log)]
    forged = {**original[1], "subject": "FORGED", "seq": 3}
    renumbered = [*original[:2], forged, *({**e, "seq": e["seq"] + 1} for e in original[2:])]
    write(log, [canonical(e) for e in renumbered])
    problems, _ = log.verify()
    assert any("line 3: its prev hash does not match line 2" in p for p in problems)


def test_an_anchor_kept_elsewhere_detects_a_rewritten_log(log: AuditLog, tmp_path: Path) -> None:
    anchor = log.verify()[1][2].hash
    assert log.verify([anchor])[0] == []
    rewritten = AuditLog(tmp_path / "rewritten")
    for number in range(1, 6):
        rewritten.record("secret.created", f"OTHER_{number}")
    log.path.write_bytes(rewritten.path.read_bytes())
    log.head_path.write_bytes(rewritten.head_path.read_bytes())
    assert log.verify()[0] == []  # consistent on its own: an unkeyed chain cannot tell
    assert any("anchor" in p for p in log.verify([anchor])[0])


def test_a_line_cut_by_a_killed_writer_is_reported_then_dropped_by_the_next_append(
    log: AuditLog,
) -> None:
    with log.path.open("ab") as handle:
        handle.write(b'{"action":"secret.cre')
    assert any("incomplete last entry" in p for p in log.verify()[0])
    entry = log.record("secret.deleted", "TOKEN_1")
    assert entry.seq == 6
    problems, entries = log.verify()
    assert problems == []
    assert entries[-1].prev == line_hash(lines(log)[4])


def _append_many(directory: str, writer: int, count: int) -> None:
    log = AuditLog(Path(directory))
    for number in range(count):
        log.record("test.appended", f"writer {writer}", detail={"n": number})


def test_concurrent_writers_keep_the_chain_valid(tmp_path: Path) -> None:
    directory = tmp_path / "audit"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_many, args=(str(directory), writer, 25))
        for writer in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
        assert worker.exitcode == 0
    problems, entries = AuditLog(directory).verify()
    assert problems == []
    assert [e.seq for e in entries] == list(range(1, 101))
    for writer in range(4):
        mine = [e.detail["n"] for e in entries if e.subject == f"writer {writer}"]
        assert mine == list(range(25))


def test_record_writes_to_the_project_of_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MELTANO_PROJECT_ROOT", str(tmp_path))
    entry = record("schedule.paused", "clickup-hourly", detail={"reason": "maintenance"})
    assert (tmp_path / "data" / "audit" / "log.jsonl").read_bytes() == entry.line + b"\n"
    assert entry.who
    assert entry.at.endswith("Z")
