"""The ClickUp emulator's task paging against a static JSON file on the same HTTP server.

Both servers run in their own process on 127.0.0.1 with the sandbox's HTTP server
(werkzeug, threaded, HTTP/1.1 keep-alive): the emulator at ``large`` (≥100,000 tasks over
≥1,000 lists, rate limit raised) and a WSGI app answering every request with the bytes of
the pages the emulator sent, read from a file. One client pages ``GET /list/{id}/task`` over
``--lists`` lists (every page of each, closed tasks and subtasks included; each list is
generated on first use, as a sync would meet it), then asks the static server as many
times; it answers the same page bodies, read from a file, in the same order.
Printed: records/s by wall clock and per CPU-second of the server process (its user +
system time from /proc), for both, and the ratio.

    .venv/bin/python benchmarks/bench_emulator.py [--lists 40] [--rounds 3]
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
from common import WORK, served_emulator

TICKS = os.sysconf("SC_CLK_TCK")
STATIC_SERVER = """
import itertools, sys, threading
from pathlib import Path
from werkzeug.serving import make_server
from werkzeug.wrappers import Response
from brainhub.sandbox.server import HOST, _QuietRequestHandler

pages = itertools.cycle(Path(sys.argv[1]).read_bytes().splitlines())
lock = threading.Lock()

def app(environ, start_response):
    with lock:
        body = next(pages)
    return Response(body, content_type="application/json; charset=utf-8")(environ, start_response)

server = make_server(HOST, 0, app, threaded=True, request_handler=_QuietRequestHandler)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever()
"""


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def server_pid(port: int) -> int:
    """The pid listening on 127.0.0.1:``port`` (from /proc/net/tcp and fd links)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        if parts[3] == "0A" and int(parts[1].split(":")[1], 16) == port:
            inode = parts[9]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    raise SystemExit(f"no process listens on port {port}")


def page_lists(base: str, token: str, list_ids: list[str]) -> tuple[int, int, float, list[bytes]]:
    """(records, requests, seconds, the page bodies) paging every task of ``list_ids``."""
    records = calls = 0
    bodies: list[bytes] = []
    with requests.Session() as http:
        http.headers["Authorization"] = token
        started = time.perf_counter()
        for list_id in list_ids:
            page = 0
            while True:
                answer = http.get(
                    f"{base}/list/{list_id}/task",
                    params={"page": page, "include_closed": "true", "subtasks": "true"},
                )
                body = answer.json()
                calls += 1
                records += len(body["tasks"])
                bodies.append(answer.content)
                if body["last_page"]:
                    break
                page += 1
        return records, calls, time.perf_counter() - started, bodies


def fetch_static(url: str, times: int) -> tuple[int, float]:
    records = 0
    with requests.Session() as http:
        started = time.perf_counter()
        for _ in range(times):
            records += len(http.get(url, timeout=30).json()["tasks"])
        return records, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=40, help="Lists paged per round.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds (new lists each).")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    options = ("--size", "large", "--rate-limit", "1000000")
    with served_emulator("clickup", *options) as announced:
        base, token = announced["base_url"], announced["credentials"]["api_token"]
        pid = server_pid(int(base.split(":")[2].split("/")[0]))
        auth = {"Authorization": token}
        team = requests.get(f"{base}/team", headers=auth, timeout=30).json()
        team_id = team["teams"][0]["id"]
        spaces = requests.get(f"{base}/team/{team_id}/space", headers=auth, timeout=30)
        list_ids: list[str] = []
        for space in spaces.json()["spaces"]:
            folders = requests.get(
                f"{base}/space/{space['id']}/folder", headers=auth, timeout=30
            ).json()["folders"]
            list_ids += [tl["id"] for folder in folders for tl in folder["lists"]]
        emulated = []
        pages: list[bytes] = []
        for number in range(args.rounds):
            chosen = list_ids[number * args.lists : (number + 1) * args.lists]
            cpu_before = cpu_seconds(pid)
            records, calls, seconds, bodies = page_lists(base, token, chosen)
            cpu = cpu_seconds(pid) - cpu_before
            pages += bodies
            emulated.append((records, calls, seconds, cpu))
    static_file = WORK / "static_pages.jsonl"
    static_file.write_bytes(b"\n".join(pages))
    process = subprocess.Popen(
        [sys.executable, "-c", STATIC_SERVER, str(static_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        statics = []
        for _records, calls, _seconds, _cpu in emulated:
            cpu_before = cpu_seconds(process.pid)
            records, seconds = fetch_static(f"http://127.0.0.1:{port}/", calls)
            statics.append((records, calls, seconds, cpu_seconds(process.pid) - cpu_before))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(
        f"{'round':>5} {'server':>8} {'records':>8} {'requests':>8} {'rec/s wall':>11} {'rec/CPU-s':>10}"
    )
    for number, (emu, static) in enumerate(zip(emulated, statics, strict=True), 1):
        for name, (records, calls, seconds, cpu) in (("emulator", emu), ("static", static)):
            per_cpu = records / cpu if cpu else float("inf")
            print(
                f"{number:>5} {name:>8} {records:>8} {calls:>8} {records / seconds:>11.0f} {per_cpu:>10.0f}"
            )
    emu_wall = sum(r for r, *_ in emulated) / sum(s for _, _, s, _ in emulated)
    static_wall = sum(r for r, *_ in statics) / sum(s for _, _, s, _ in statics)
    emu_cpu = sum(r for r, *_ in emulated) / max(1e-9, sum(c for *_, c in emulated))
    static_cpu = sum(r for r, *_ in statics) / max(1e-9, sum(c for *_, c in statics))
    print(
        json.dumps(
            {
                "emulator_records_per_s": round(emu_wall),
                "static_records_per_s": round(static_wall),
                "emulator_records_per_server_cpu_s": round(emu_cpu),
                "static_records_per_server_cpu_s": round(static_cpu),
                "ratio_wall": round(emu_wall / static_wall, 2),
                "ratio_server_cpu": round(emu_cpu / static_cpu, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
