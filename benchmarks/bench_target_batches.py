"""target-jira and target-asana creating records through their batch endpoints, beside the
same records one create per request, in one run.

Each service's emulator (its own process, 20 ms of latency per request, its rate limit
lifted so that only the round trips count) is reset before every pass; the target creates
`--records` records with a STATE every 100, once with batches (Jira's bulk create, 50 a
request; Asana's `/batch`, 10 actions a request) and once with `batch_size: 1`. The
request log gives the requests per record; records per second are records over the
target's wall time (start-up included).

    .venv/bin/python benchmarks/bench_target_batches.py [--records 500] [--latency-ms 20]

On a shared 2-core machine, 500 records, 20 ms latency (the rest of each record's time
is the id map: an intent row and a written row per create, committed one by one):

    service  path         seconds  records/s  requests/record
    jira     batched         10.4      48.11            0.020
    jira     one by one      25.3      19.79            1.000
    asana    batched         14.6      34.17            0.100
    asana    one by one      28.5      17.54            1.000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, WORK, served_emulator, timed_subprocess


def singer(stream: str, records: list[dict[str, Any]]) -> str:
    properties = {name: {"type": "string"} for name in records[0]}
    lines: list[dict[str, Any]] = [
        {
            "type": "SCHEMA",
            "stream": stream,
            "schema": {"properties": properties},
            "key_properties": ["key"],
        }
    ]
    for n, record in enumerate(records):
        lines.append({"type": "RECORD", "stream": stream, "record": record})
        if n % 100 == 99:
            lines.append({"type": "STATE", "value": {"written": n + 1}})
    return "".join(json.dumps(line) + "\n" for line in lines)


def jira_input(count: int, _served: dict[str, Any]) -> str:
    records = [
        {"key": f"b{n}", "project_key": "ENG", "issue_type": "Task", "summary": f"Bench {n}"}
        for n in range(count)
    ]
    return singer("issues", records)


def asana_input(count: int, served: dict[str, Any]) -> str:
    headers = {"Authorization": f"Bearer {served['credentials']['access_token']}"}
    answer = requests.get(served["base_url"] + "/workspaces", headers=headers, timeout=30)
    workspace = answer.json()["data"][0]["gid"]
    records = [{"key": f"b{n}", "name": f"Bench {n}", "workspace": workspace} for n in range(count)]
    return singer("tasks", records)


SERVICES: dict[str, Callable[[int, dict[str, Any]], str]] = {
    "jira": jira_input,
    "asana": asana_input,
}


def one_pass(service: str, count: int, latency_ms: int, batch_size: int | None) -> dict[str, Any]:
    """Seconds, records created and requests sent for one target run on a fresh emulator."""
    env = {**os.environ, "BRAINHUB_SANDBOX_DIR": str(WORK / "sandbox")}
    subprocess.run(
        [str(BIN / "brainhub"), "sandbox", "reset", service],
        check=True,
        capture_output=True,
        env=env,
    )
    log = WORK / f"batches-{service}-requests.jsonl"
    log.unlink(missing_ok=True)
    warehouse = WORK / f"batches-{service}.duckdb"
    warehouse.unlink(missing_ok=True)
    options = ("--size", "demo", "--latency-ms", str(latency_ms), "--rate-limit", "1000000/min")
    with served_emulator(service, *options, request_log=log) as served:
        config = {
            "base_url": served["base_url"],
            **served["credentials"],
            "warehouse": str(warehouse),
            "rate_limit_requests": 1_000_000,
        }
        if batch_size is not None:
            config["batch_size"] = batch_size
        config_file = WORK / f"batches-{service}.json"
        config_file.write_text(json.dumps(config))
        source = WORK / f"batches-{service}.singer"
        source.write_text(SERVICES[service](count, served))
        seen = sum(1 for _ in log.open()) if log.exists() else 0
        with source.open() as stdin:
            seconds, _rss = timed_subprocess(
                [str(BIN / f"target-{service}"), "--config", str(config_file)],
                stdin=stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        entries = [json.loads(line) for line in log.open()][seen:]
    writes = [e for e in entries if e["method"] != "GET"]
    failed = [e for e in writes if (e["status"] or 500) >= 300 and e["status"] != 201]
    return {"seconds": seconds, "requests": len(writes), "failed": len(failed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    print(f"{args.records} records, latency {args.latency_ms} ms, rate limit lifted")
    print(f"{'service':<8} {'path':<11} {'seconds':>8} {'records/s':>10} {'requests/record':>16}")
    for service in SERVICES:
        for path, batch_size in (("batched", None), ("one by one", 1)):
            found = one_pass(service, args.records, args.latency_ms, batch_size)
            rate = args.records / found["seconds"]
            per_record = found["requests"] / args.records
            note = f"   ({found['failed']} failed requests)" if found["failed"] else ""
            print(
                f"{service:<8} {path:<11} {found['seconds']:8.1f} {rate:10.2f} "
                f"{per_record:16.3f}{note}"
            )


if __name__ == "__main__":
    main()
