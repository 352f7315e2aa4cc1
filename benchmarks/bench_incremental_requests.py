"""Requests of a second sync against the first, per service: what an incremental run costs.

For each service the emulator serves one dataset (its rate limit raised so nothing waits)
from its own process with a request log. The tap syncs every default stream; ``brainhub
sandbox mutate`` then changes a few records (what it changes is printed); the tap syncs
again from the first run's state. The table compares the requests of the two runs; a 304
(``Not Modified``) is counted as a request, and separately, since vendors such as GitHub do
not charge for it. The goal is a second run costing at most 10% of the first.

    .venv/bin/python benchmarks/bench_incremental_requests.py [--size large] [--services github,jira]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, WORK, served_emulator

SERVICES = ("clickup", "github", "jira", "slack", "asana", "notion", "trello")
GOAL = 0.10
RATE_LIMIT = "1000000"

#: Streams the vendor gives no way to filter by change time or to detect change cheaply.
NO_CHANGE_SIGNAL = {
    "clickup": [
        ("custom_fields", "one request per list; fields carry no change time and no ETag"),
        ("spaces, folders, lists, tags", "structure: no updated-since filter, read whole"),
        ("tasks", "one request per list (date_updated_gt filters within a list, not lists)"),
    ],
    "github": [
        ("releases, labels, milestones", "no `since`; conditional requests make them 304s"),
        ("repositories", "parent of every stream: read whole so children know the repos"),
    ],
    "jira": [
        ("boards, sprints, projects, users", "no updated filter on these endpoints"),
    ],
    "slack": [
        ("conversations.history", "one request per channel (`oldest` filters within it)"),
        ("users.list, conversations.list", "no change filter; read whole"),
    ],
    "asana": [
        ("sections", "one request per project; no modified_since on sections"),
        ("tasks", "one request per project (modified_since filters within a project)"),
    ],
    "notion": [
        ("block children", "no last_edited filter; read again for each edited page"),
    ],
    "trello": [
        (
            "cards, lists, checklists, members",
            "one request per open board; changes spread over every board, and only a whole "
            "read lets hard-deleted cards be retired (ACTIVATE_VERSION); no ETags. Boards "
            "carry dateLastActivity, but mutate's changes move it on all 20 open boards: "
            "only_changed_parents on these four streams measured 101 requests, as without",
        ),
    ],
}


def _sandbox_env() -> dict[str, str]:
    return {**os.environ, "BRAINHUB_SANDBOX_DIR": str(WORK / "sandbox")}


def _sandbox(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [str(BIN / "brainhub"), "sandbox", *args],
        capture_output=True,
        text=True,
        check=True,
        env=_sandbox_env(),
    )
    return json.loads(done.stdout) if done.stdout.strip() else {}


def _sync(service: str, config: Path, state: dict[str, Any] | None) -> dict[str, Any]:
    """One tap run; returns its last state."""
    args = [str(BIN / f"tap-{service}"), "--config", str(config)]
    if state is not None:
        state_file = WORK / f"{service}-state.json"
        state_file.write_text(json.dumps(state))
        args += ["--state", str(state_file)]
    last_state: dict[str, Any] = {}
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as tap:
        assert tap.stdout is not None
        for line in tap.stdout:
            if line.startswith((b'{"type":"STATE"', b'{"type": "STATE"')):
                last_state = json.loads(line)["value"]
    if tap.returncode != 0:
        raise SystemExit(f"tap-{service} failed with exit code {tap.returncode}")
    return last_state


def _statuses(log: Path, skip: int) -> tuple[Counter[int], int]:
    lines = log.read_text().splitlines()
    return Counter(json.loads(line)["status"] for line in lines[skip:]), len(lines)


def measure(service: str, size: str) -> dict[str, Any]:
    """First and second sync of one service: requests, 304s and what mutate changed."""
    WORK.mkdir(exist_ok=True)
    log = WORK / f"{service}-incremental-requests.jsonl"
    log.unlink(missing_ok=True)
    _sandbox("reset", service)
    records = sum(_sandbox("counts", service, "--size", size, "--generation", "0").values())
    started = time.perf_counter()
    with served_emulator(
        service, "--size", size, "--rate-limit", RATE_LIMIT, request_log=log
    ) as served:
        config = WORK / f"tap-{service}-incremental.json"
        settings = {
            "base_url": served["base_url"],
            **served["credentials"],
            "start_date": "2000-01-01T00:00:00Z",
            "rate_limit_requests": int(RATE_LIMIT),
        }
        config.write_text(json.dumps(settings))
        state = _sync(service, config, None)
        first, seen = _statuses(log, 0)
        mutated = _sandbox("mutate", service, "--size", size)
        time.sleep(0.3)  # the served emulator notices the stored generation on its next request
        _sync(service, config, state)
        second, _ = _statuses(log, seen)
    return {
        "service": service,
        "first": sum(first.values()),
        "second": sum(second.values()),
        "second_304": second.get(304, 0),
        "changes": mutated.get("changes", {}),
        "changed_share": sum(mutated.get("changes", {}).values()) / max(records, 1),
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large", help="emulator dataset size")
    parser.add_argument("--services", default=",".join(SERVICES))
    args = parser.parse_args()
    results = []
    for service in args.services.split(","):
        result = measure(service, args.size)
        results.append(result)
        print(
            f"{service}: {result['first']} then {result['second']} requests "
            f"({result['seconds']:.0f} s); mutate changed {result['changes']}",
            flush=True,
        )
    print()
    print(f"size: {args.size}; goal: second run <= {GOAL:.0%} of the first")
    print("changed: records mutate changed / records; charged: second run without 304s")
    header = (
        f"{'service':<9} {'changed':>8} {'first':>8} {'second':>7} {'ratio':>7} {'304s':>5} "
        f"{'charged':>8}  goal"
    )
    print(header)
    for r in results:
        ratio = r["second"] / r["first"]
        charged = (r["second"] - r["second_304"]) / r["first"]
        verdict = "ok" if min(ratio, charged) <= GOAL else "over"
        print(
            f"{r['service']:<9} {r['changed_share']:>8.2%} {r['first']:>8} {r['second']:>7} "
            f"{ratio:>7.1%} "
            f"{r['second_304']:>5} {charged:>8.1%}  {verdict}"
        )
    print()
    print("streams the vendor API offers no way to filter or detect change:")
    for r in results:
        for streams, why in NO_CHANGE_SIGNAL.get(r["service"], []):
            print(f"  {r['service']}: {streams} - {why}")


if __name__ == "__main__":
    main()
