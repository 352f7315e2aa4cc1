"""tap-clickup throughput against a floor: a plain requests + json loop over the same pages.

The emulator serves ≥100,000 tasks over ≥1,000 lists from its own process with its rate
limit raised. The tap syncs the `tasks` stream (its parents are read to find the lists); its
request log is then replayed by the floor: ``requests.get`` + ``json.loads`` of each page +
``json.dumps`` of each record, written to the same sink. Runs alternate; ratios are printed.

    .venv/bin/python benchmarks/bench_tap_clickup.py [--rounds 3] [--workers 1,8]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, WORK, selected_catalog, served_emulator, timed_subprocess

RECORD_ARRAYS = ("tasks", "teams", "spaces", "folders", "lists")


def run_tap(config: Path, catalog: Path, sink: Path) -> tuple[float, int, int]:
    with sink.open("wb") as out:
        seconds, peak = timed_subprocess(
            [str(BIN / "tap-clickup"), "--config", str(config), "--catalog", str(catalog)],
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    records = sum(1 for line in sink.open("rb") if line.startswith(b'{"type":"RECORD"'))
    return seconds, peak, records


def run_floor(base: str, token: str, requests_log: list[dict], sink: Path) -> tuple[float, int]:
    session = requests.Session()
    session.headers["Authorization"] = token
    records = 0
    started = time.perf_counter()
    with sink.open("w") as out:
        for entry in requests_log:
            response = session.get(base + entry["path"], params=entry["query"])
            body = json.loads(response.content)
            for key in RECORD_ARRAYS:
                for record in body.get(key, ()):
                    out.write(json.dumps(record))
                    out.write("\n")
                    records += 1 if key == "tasks" else 0
    return time.perf_counter() - started, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,8", help="max_workers values to time")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    log = WORK / "clickup-requests.jsonl"
    log.unlink(missing_ok=True)
    with served_emulator(
        "clickup", "--size", "large", "--rate-limit", "1000000", request_log=log
    ) as served:
        root = served["base_url"].split("/api/v2")[0]
        token = served["credentials"]["api_token"]
        configs = {}
        for workers in (int(w) for w in args.workers.split(",")):
            config = WORK / f"tap-clickup-{workers}.json"
            config.write_text(
                json.dumps(
                    {
                        "base_url": served["base_url"],
                        "api_token": token,
                        "start_date": "2020-01-01T00:00:00Z",
                        "rate_limit_requests": 1000000,
                        "max_workers": workers,
                    }
                )
            )
            configs[workers] = config
        catalog = selected_catalog(
            "clickup", next(iter(configs.values())), lambda name: name == "tasks"
        )
        sink = Path("/dev/null")
        # One warm-up sync also records the pages the floor replays.
        _, _, records = run_tap(next(iter(configs.values())), catalog, WORK / "warmup.jsonl")
        pages = [json.loads(line) for line in log.open()]
        pages = [p for p in pages if p["status"] == 200]
        print(f"emulator: {records} task records in {len(pages)} requests")
        results: dict[str, list[float]] = {"floor": []}
        peaks: dict[str, int] = {}
        for _ in range(args.rounds):
            seconds, floor_records = run_floor(root, token, pages, sink)
            assert floor_records == records, (floor_records, records)
            results["floor"].append(seconds)
            for workers, config in configs.items():
                seconds, peak, _ = run_tap(config, catalog, sink)
                results.setdefault(f"tap max_workers={workers}", []).append(seconds)
                peaks[f"tap max_workers={workers}"] = max(
                    peak, peaks.get(f"tap max_workers={workers}", 0)
                )
    floor = statistics.median(results["floor"])
    print(f"{'run':<22} {'median s':>9} {'records/s':>10} {'x floor':>8} {'peak MiB':>9}")
    for name, times in results.items():
        median = statistics.median(times)
        peak = f"{peaks[name] / 1024:9.0f}" if name in peaks else f"{'':>9}"
        print(f"{name:<22} {median:9.2f} {records / median:10.0f} {median / floor:8.2f} {peak}")


if __name__ == "__main__":
    main()
