"""target-clickup creating tasks against the emulator, beside the rate limit and a plain loop.

The emulator (its own process) adds 20 ms of latency per request and allows 1,000 requests
per minute; target-clickup, told the same limit (`rate_limit_requests`), creates `--tasks`
tasks spread over the emulator's lists. Its writes per second are set beside the limit (the
most any client may sustain) and beside a plain `requests.post` loop at concurrency 1 on an
emulator of the same latency with the limit lifted (the cost of the HTTP round trips alone). The
request log counts the 429s the target drew (none expected: it paces itself).

    .venv/bin/python benchmarks/bench_target_writes.py [--tasks 5000] [--latency-ms 20]

On a shared 2-core machine, 5,000 tasks: target-clickup 304.8 s, 16.40 writes/s (98% of the
16.67/s limit, 0 429s, peak RSS 131 MiB); the plain loop, unlimited, 34.48 writes/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, WORK, served_emulator, timed_subprocess

LIMIT_PER_MINUTE = 1000


def task_messages(count: int, list_ids: list[str]) -> str:
    lines = [
        {
            "type": "SCHEMA",
            "stream": "tasks",
            "schema": {"properties": {k: {"type": "string"} for k in ("key", "name", "list_id")}},
            "key_properties": ["key"],
        }
    ]
    for n in range(count):
        record = {"key": f"b{n}", "name": f"Bench task {n}", "list_id": list_ids[n % len(list_ids)]}
        lines.append({"type": "RECORD", "stream": "tasks", "record": record})
        if n % 100 == 99:
            lines.append({"type": "STATE", "value": {"written": n + 1}})
    return "".join(json.dumps(line) + "\n" for line in lines)


def list_ids(base_url: str, token: str) -> list[str]:
    headers = {"Authorization": token}
    get = lambda path: requests.get(base_url + path, headers=headers, timeout=30).json()  # noqa: E731
    found = []
    for team in get("/team")["teams"]:
        for space in get(f"/team/{team['id']}/space")["spaces"]:
            found += [lst["id"] for lst in get(f"/space/{space['id']}/list")["lists"]]
            for folder in get(f"/space/{space['id']}/folder")["folders"]:
                found += [lst["id"] for lst in folder.get("lists", [])]
    return found


def plain_loop(count: int, latency_ms: int) -> float:
    """Seconds a bare ``requests.post`` loop takes for ``count`` creates (no limit)."""
    options = ("--size", "demo", "--latency-ms", str(latency_ms), "--rate-limit", "1000000/min")
    with served_emulator("clickup", *options) as served:
        base_url, token = served["base_url"], served["credentials"]["api_token"]
        lists = list_ids(base_url, token)
        session = requests.Session()
        started = time.perf_counter()
        for n in range(count):
            response = session.post(
                f"{base_url}/list/{lists[n % len(lists)]}/task",
                json={"name": f"Plain task {n}"},
                headers={"Authorization": token},
                timeout=30,
            )
            response.raise_for_status()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    log = WORK / "target-writes-requests.jsonl"
    log.unlink(missing_ok=True)
    warehouse = WORK / "target-writes.duckdb"
    warehouse.unlink(missing_ok=True)
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(WORK / "sandbox")}
    subprocess.run(  # the tasks of an earlier run are forgotten
        [str(BIN / "brainhub"), "sandbox", "reset", "clickup"],
        check=True,
        capture_output=True,
        env=env,
    )
    options = (
        "--size",
        "demo",
        "--latency-ms",
        str(args.latency_ms),
        "--rate-limit",
        f"{LIMIT_PER_MINUTE}/min",
    )
    with served_emulator("clickup", *options, request_log=log) as served:
        lists = list_ids(served["base_url"], served["credentials"]["api_token"])
        config = WORK / "target-writes.json"
        config.write_text(
            json.dumps(
                {
                    "base_url": served["base_url"],
                    **served["credentials"],
                    "warehouse": str(warehouse),
                    "rate_limit_requests": LIMIT_PER_MINUTE,
                }
            )
        )
        source = WORK / "target-writes.singer"
        source.write_text(task_messages(args.tasks, lists))
        seen = sum(1 for _ in log.open()) if log.exists() else 0
        with source.open() as stdin:
            seconds, rss = timed_subprocess(
                [str(BIN / "target-clickup"), "--config", str(config)],
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        entries = [json.loads(line) for line in log.open()][seen:]
    creates = sum(1 for e in entries if e["method"] == "POST" and e["status"] == 200)
    throttled = sum(1 for e in entries if e["status"] == 429)
    plain = plain_loop(args.tasks, args.latency_ms)
    limit = LIMIT_PER_MINUTE / 60
    target_rate = creates / seconds
    plain_rate = args.tasks / plain
    print(f"{args.tasks} tasks, latency {args.latency_ms} ms, limit {LIMIT_PER_MINUTE}/min")
    print(f"{'':>22} {'seconds':>8} {'writes/s':>9}")
    print(
        f"{'target-clickup':>22} {seconds:8.1f} {target_rate:9.2f}   ({creates} creates, {throttled} 429s, peak RSS {rss // 1024} MiB)"
    )
    print(
        f"{'rate limit':>22} {args.tasks / limit:8.1f} {limit:9.2f}   target = {target_rate / limit:.0%} of the limit"
    )
    print(f"{'requests.post loop':>22} {plain:8.1f} {plain_rate:9.2f}   (no limit; concurrency 1)")


if __name__ == "__main__":
    main()
