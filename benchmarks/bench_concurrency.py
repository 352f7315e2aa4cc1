"""Concurrent child partitions: tap-clickup with its default worker pool vs one worker.

The emulator serves ≥1,000 lists with 20 ms of latency per request and ClickUp's Enterprise
limit of 10,000 requests per minute. Both syncs read every stream but `task_comments` (one
request per task: 135,000 requests would measure the rate limit, not the tap). The request log
counts the 429s each sync drew.

    .venv/bin/python benchmarks/bench_concurrency.py [--latency-ms 20] [--rounds 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, WORK, selected_catalog, served_emulator, timed_subprocess

from taps.runtime.settings import DEFAULT_MAX_WORKERS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    log = WORK / "concurrency-requests.jsonl"
    log.unlink(missing_ok=True)
    options = ("--size", "large", "--latency-ms", str(args.latency_ms), "--rate-limit", "10000/min")
    with served_emulator("clickup", *options, request_log=log) as served:
        configs = {}
        for workers in (DEFAULT_MAX_WORKERS, 1):
            config = WORK / f"concurrency-{workers}.json"
            config.write_text(
                json.dumps(
                    {
                        "base_url": served["base_url"],
                        **served["credentials"],
                        "start_date": "2020-01-01T00:00:00Z",
                        "rate_limit_requests": 10000,
                        "max_workers": workers,
                    }
                )
            )
            configs[workers] = config
        catalog = selected_catalog("clickup", configs[1], lambda name: name != "task_comments")
        times: dict[int, list[float]] = {w: [] for w in configs}
        throttled: Counter[int] = Counter()
        requests: Counter[int] = Counter()
        for _ in range(args.rounds):
            for workers, config in configs.items():
                seen = sum(1 for _ in log.open()) if log.exists() else 0
                seconds, _ = timed_subprocess(
                    [str(BIN / "tap-clickup"), "--config", str(config), "--catalog", str(catalog)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                times[workers].append(seconds)
                entries = [json.loads(line) for line in log.open()][seen:]
                requests[workers] = len(entries)
                throttled[workers] += sum(1 for e in entries if e["status"] == 429)
    sequential = statistics.median(times[1])
    print(f"latency {args.latency_ms} ms, rate limit 10000/min, {requests[1]} requests per sync")
    print(f"{'max_workers':>11} {'median s':>9} {'speed-up':>9} {'429s':>5}")
    for workers in configs:
        median = statistics.median(times[workers])
        print(f"{workers:>11} {median:9.2f} {sequential / median:9.2f} {throttled[workers]:>5}")


if __name__ == "__main__":
    main()
