"""Each emulator's main listings, paged as a client pages them, against a static server.

For every service (``--service clickup`` or ``all``) the emulator runs in its own process
at ``large`` with its rate limit raised, on the sandbox's HTTP server (werkzeug, threaded,
HTTP/1.1 keep-alive). One client finds the parents (lists, repositories, channels,
projects, boards, databases) and pages the service's main listing for each, every page to
the end, the vendor's way: page numbers, ``Link`` headers, cursors, offset tokens. ClickUp
pages its first 120 lists by default, each generated on first use as a sync meets it.
Then a static server (the same HTTP server, a WSGI app answering each request with the
next recorded page: the very bytes and ``Content-Encoding`` the emulator sent) gets the
same requests in the same order, five times over.

Printed per service: records, records/s by wall clock and per CPU-second of the server
process (user + system time from /proc, counted in clock ticks, so the CPU seconds are
printed too), for both, the ratios, and whether the emulator meets the floor of 2,000
records per server CPU-second.

What each service pages is the table ``SERVICES``: path templates, paging kind and where
the records sit in each body; nothing else in the script knows a vendor.

    .venv/bin/python benchmarks/bench_emulator.py [--service all] [--parents N] [--size large]
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import WORK, served_emulator

TICKS = os.sysconf("SC_CLK_TCK")
#: Records per CPU-second of the server an emulator must reach.
FLOOR_RECORDS_PER_CPU_S = 2_000
RATE_LIMIT = "1000000"
STATIC_SERVER = """
import pickle, sys, threading
from werkzeug.serving import make_server
from werkzeug.wrappers import Response
from brainhub.sandbox.server import HOST, _QuietRequestHandler

with open(sys.argv[1], "rb") as file:
    pages = pickle.load(file)
lock = threading.Lock()
position = 0

def app(environ, start_response):
    global position
    with lock:
        body, headers = pages[position % len(pages)]
        position += 1
    return Response(body, headers=headers)(environ, start_response)

server = make_server(HOST, 0, app, threaded=True, request_handler=_QuietRequestHandler)
print(server.socket.getsockname()[1], flush=True)
server.serve_forever()
"""
#: Times the static server answers the recorded pages: its CPU time per pass is a few
#: clock ticks, too coarse to divide by once.
STATIC_PASSES = 5
#: Response headers the static server repeats with each recorded body.
KEPT_HEADERS = ("Content-Type", "Content-Encoding", "Link", "Vary")


# ---------------------------------------------------------------------- paging kinds


@dataclass(frozen=True)
class Request:
    """One request as the client sends it (path relative to the base URL)."""

    method: str
    path: str
    params: dict[str, str]
    body: dict[str, Any] | None = None


@dataclass(frozen=True)
class Single:
    """Everything in one answer."""

    def first(self, request: Request) -> Request:
        return request

    def next(self, request: Request, body: Any, answer: requests.Response) -> Request | None:
        return None


@dataclass(frozen=True)
class PageNumbers:
    """``?<param>=N`` from ``start`` until the body's ``last`` flag is true."""

    param: str
    last: str
    start: int = 0

    def first(self, request: Request) -> Request:
        return _with_params(request, {self.param: str(self.start)})

    def next(self, request: Request, body: Any, answer: requests.Response) -> Request | None:
        if dig(body, self.last):
            return None
        return _with_params(request, {self.param: str(int(request.params[self.param]) + 1)})


@dataclass(frozen=True)
class LinkNext:
    """The ``Link`` header's ``rel="next"`` URL, until there is none."""

    def first(self, request: Request) -> Request:
        return request

    def next(self, request: Request, body: Any, answer: requests.Response) -> Request | None:
        url = answer.links.get("next", {}).get("url")
        if not url:
            return None
        return Request(request.method, url, {}, request.body)


@dataclass(frozen=True)
class Cursor:
    """The token at ``token`` in the body sent back as ``param`` (query or JSON body),
    until the token is empty or missing."""

    param: str
    token: str
    in_body: bool = False

    def first(self, request: Request) -> Request:
        return request

    def next(self, request: Request, body: Any, answer: requests.Response) -> Request | None:
        token = dig(body, self.token)
        if not token:
            return None
        if self.in_body:
            return Request(
                request.method,
                request.path,
                request.params,
                {**(request.body or {}), self.param: token},
            )
        return _with_params(request, {self.param: str(token)})


@dataclass(frozen=True)
class RelativeNext:
    """The next page's URL relative to the host at ``where`` in the body (Confluence's
    ``_links.next``, under the API's ``prefix``), until there is none."""

    where: str
    prefix: str

    def first(self, request: Request) -> Request:
        return request

    def next(self, request: Request, body: Any, answer: requests.Response) -> Request | None:
        url = dig(body, self.where)
        if not url:
            return None
        return Request(request.method, str(url).removeprefix(self.prefix), {}, request.body)


Paging = Single | PageNumbers | LinkNext | Cursor | RelativeNext


def _with_params(request: Request, params: dict[str, str]) -> Request:
    return Request(request.method, request.path, {**request.params, **params}, request.body)


def dig(body: Any, where: str) -> Any:
    """The value at dotted path ``where`` (``""`` = the body itself); ``*`` steps into
    every item of a list, and the lists found under it are joined into one."""
    values, spread = [body], False
    for part in where.split(".") if where else ():
        if part == "*":
            values, spread = [item for value in values for item in value or ()], True
        else:
            values = [value.get(part) if isinstance(value, dict) else None for value in values]
    if spread:
        return [item for value in values for item in value or ()]
    return values[0]


# ---------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Listing:
    """One listing: path template (``{parent}`` is the previous step's id), paging, where
    the records sit in each body, and which records lead on (parent steps only)."""

    path: str
    records: str
    paging: Paging = Single()
    params: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: dict[str, Any] | None = None
    id_key: str = "id"
    keep: tuple[str, Any] | None = None


@dataclass(frozen=True)
class ServiceBench:
    """What a client of one service pages: parent steps, then the main listing."""

    auth: Callable[[dict[str, str]], tuple[dict[str, str], dict[str, str]]]
    main: Listing
    parents: tuple[Listing, ...] = ()
    #: At most this many parents are paged by default (``--parents`` overrides).
    max_parents: int | None = None


SERVICES: dict[str, ServiceBench] = {
    "clickup": ServiceBench(
        auth=lambda c: ({"Authorization": c["api_token"]}, {}),
        parents=(
            Listing("/team", "teams"),
            Listing("/team/{parent}/space", "spaces"),
            Listing("/space/{parent}/folder", "folders.*.lists"),
        ),
        main=Listing(
            "/list/{parent}/task",
            "tasks",
            PageNumbers("page", last="last_page"),
            params={"include_closed": "true", "subtasks": "true"},
        ),
        max_parents=120,
    ),
    "github": ServiceBench(
        auth=lambda c: ({"Authorization": f"Bearer {c['api_token']}"}, {}),
        parents=(
            Listing("/orgs/{owner}/repos", "", LinkNext(), {"per_page": "100"}, id_key="name"),
        ),
        main=Listing(
            "/repos/{owner}/{parent}/issues",
            "",
            LinkNext(),
            params={"state": "all", "per_page": "100"},
        ),
    ),
    "slack": ServiceBench(
        auth=lambda c: ({"Authorization": f"Bearer {c['api_token']}"}, {}),
        parents=(
            Listing(
                "/conversations.list",
                "channels",
                Cursor("cursor", "response_metadata.next_cursor"),
                {"types": "public_channel,private_channel", "limit": "200"},
                keep=("is_member", True),
            ),
        ),
        main=Listing(
            "/conversations.history",
            "messages",
            Cursor("cursor", "response_metadata.next_cursor"),
            params={"channel": "{parent}", "limit": "200"},
        ),
    ),
    "asana": ServiceBench(
        auth=lambda c: ({"Authorization": f"Bearer {c['access_token']}"}, {}),
        parents=(
            Listing("/workspaces", "data", id_key="gid"),
            Listing(
                "/projects",
                "data",
                Cursor("offset", "next_page.offset"),
                {"workspace": "{parent}", "limit": "100"},
                id_key="gid",
            ),
        ),
        main=Listing(
            "/tasks",
            "data",
            Cursor("offset", "next_page.offset"),
            params={"project": "{parent}", "limit": "100"},
        ),
    ),
    "trello": ServiceBench(
        auth=lambda c: ({}, {"key": c["api_key"], "token": c["api_token"]}),
        parents=(Listing("/members/me/boards", "", params={"filter": "open"}),),
        main=Listing("/boards/{parent}/cards/all", ""),
    ),
    "notion": ServiceBench(
        auth=lambda c: (
            {"Authorization": f"Bearer {c['api_token']}", "Notion-Version": "2022-06-28"},
            {},
        ),
        parents=(
            Listing(
                "/search",
                "results",
                Cursor("start_cursor", "next_cursor", in_body=True),
                method="POST",
                body={"filter": {"property": "object", "value": "database"}, "page_size": 100},
            ),
        ),
        main=Listing(
            "/databases/{parent}/query",
            "results",
            Cursor("start_cursor", "next_cursor", in_body=True),
            method="POST",
            body={"page_size": 100},
        ),
    ),
    "jira": ServiceBench(
        auth=lambda c: (
            {
                "Authorization": "Basic "
                + base64.b64encode(f"{c['email']}:{c['api_token']}".encode()).decode()
            },
            {},
        ),
        main=Listing(
            "/rest/api/3/search/jql",
            "issues",
            Cursor("nextPageToken", "nextPageToken"),
            params={
                "jql": "project IS NOT EMPTY ORDER BY updated ASC",
                "fields": "*navigable,comment,worklog",
                "maxResults": "100",
            },
        ),
    ),
    "gitlab": ServiceBench(
        auth=lambda c: ({"PRIVATE-TOKEN": c["api_token"]}, {}),
        parents=(Listing("/projects", "", LinkNext(), {"per_page": "100"}),),
        main=Listing(
            "/projects/{parent}/issues",
            "",
            LinkNext(),
            params={"state": "all", "per_page": "100"},
        ),
    ),
    "confluence": ServiceBench(
        auth=lambda c: (
            {
                "Authorization": "Basic "
                + base64.b64encode(f"{c['email']}:{c['api_token']}".encode()).decode()
            },
            {},
        ),
        main=Listing(
            "/pages",
            "results",
            RelativeNext("_links.next", "/wiki/api/v2"),
            params={"limit": "25", "body-format": "storage"},
        ),
    ),
}


# ---------------------------------------------------------------------- measuring


@dataclass
class Measure:
    """What one pass over the main listing cost."""

    records: int
    requests: int
    seconds: float
    cpu: float

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds else float("inf")

    @property
    def per_cpu_second(self) -> float:
        return self.records / self.cpu if self.cpu else float("inf")


@dataclass(frozen=True)
class Answered:
    """One page as the client met it: its request, the answer, the bytes on the wire
    (compressed when the server compressed them) and the parsed body."""

    request: Request
    answer: requests.Response
    wire: bytes
    body: Any


class Client:
    """A ``requests`` session on one base URL with the service's credentials."""

    def __init__(self, base: str, headers: dict[str, str], params: dict[str, str]) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.headers.update(headers)
        self.auth_params = params

    def send(self, request: Request) -> requests.Response:
        url = request.path if "://" in request.path else self.base + request.path
        params = {**self.auth_params, **request.params} if "://" not in request.path else {}
        answer = self.http.request(
            request.method, url, params=params, json=request.body, timeout=60, stream=True
        )
        answer.raise_for_status()
        return answer

    def pages(self, listing: Listing, values: dict[str, str]) -> Iterator[Answered]:
        """Every page of ``listing``, in order."""
        request: Request | None = listing.paging.first(
            Request(
                listing.method,
                listing.path.format(**values),
                {k: v.format(**values) for k, v in listing.params.items()},
                listing.body,
            )
        )
        while request is not None:
            answer = self.send(request)
            wire = answer.raw.read(decode_content=False)
            plain = (
                gzip.decompress(wire) if answer.headers.get("Content-Encoding") == "gzip" else wire
            )
            page = Answered(request, answer, wire, json.loads(plain))
            yield page
            request = listing.paging.next(request, page.body, answer)


def parent_ids(client: Client, bench: ServiceBench, values: dict[str, str]) -> list[str]:
    """The ids the main listing is paged for (one empty id when it has no parent)."""
    ids = [""]
    for step in bench.parents:
        found: list[str] = []
        for parent in ids:
            for page in client.pages(step, {**values, "parent": parent}):
                for record in dig(page.body, step.records):
                    if step.keep is None or record.get(step.keep[0]) == step.keep[1]:
                        found.append(str(record[step.id_key]))
        ids = found
    return ids


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


def bench_emulator(
    service: str, bench: ServiceBench, size: str, max_parents: int | None
) -> tuple[Measure, list[Request], list[tuple[bytes, dict[str, str]]]]:
    """Page the main listing on the served emulator: the measure, the requests, the pages."""
    options = ("--size", size, "--rate-limit", RATE_LIMIT)
    with served_emulator(service, *options) as announced:
        base, credentials = announced["base_url"].rstrip("/"), announced["credentials"]
        pid = server_pid(int(base.split(":")[2].split("/")[0]))
        client = Client(base, *bench.auth(credentials))
        values = {"owner": credentials.get("owner", "")}
        ids = parent_ids(client, bench, values)
        limit = max_parents if max_parents is not None else bench.max_parents
        ids = ids[:limit] if limit else ids
        sent: list[Request] = []
        recorded: list[tuple[bytes, dict[str, str]]] = []
        records = 0
        cpu_before, started = cpu_seconds(pid), time.perf_counter()
        for parent in ids:
            for page in client.pages(bench.main, {**values, "parent": parent}):
                records += len(dig(page.body, bench.main.records))
                sent.append(page.request)
                headers = page.answer.headers
                kept = {name: headers[name] for name in KEPT_HEADERS if name in headers}
                recorded.append((page.wire, kept))
        seconds, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu_before
        return Measure(records, len(sent), seconds, cpu), sent, recorded


def bench_static(
    bench: ServiceBench, sent: list[Request], recorded: list[tuple[bytes, dict[str, str]]]
) -> Measure:
    """Send the same requests to a server answering the recorded pages in order."""
    static_file = WORK / "static_pages.pickle"
    static_file.write_bytes(pickle.dumps(recorded))
    process = subprocess.Popen(
        [sys.executable, "-c", STATIC_SERVER, str(static_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base = f"http://127.0.0.1:{int(process.stdout.readline())}"
        client = Client(base, {}, {})
        records = 0
        cpu_before, started = cpu_seconds(process.pid), time.perf_counter()
        for request in sent * STATIC_PASSES:
            path = (
                "/" + request.path.split("://", 1)[1].split("/", 1)[1]
                if "://" in request.path
                else request.path
            )
            answer = client.send(Request(request.method, path, request.params, request.body))
            records += len(dig(answer.json(), bench.main.records))
        seconds, cpu = time.perf_counter() - started, cpu_seconds(process.pid) - cpu_before
        return Measure(records, len(sent) * STATIC_PASSES, seconds, cpu)
    finally:
        process.terminate()
        process.wait(timeout=10)


def rounded(value: float, digits: int = 0) -> float | None:
    """``value`` rounded, or ``None`` when too little CPU time was measured to divide by."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return round(value, digits) if digits else round(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--service", default="all", choices=["all", *SERVICES], help="Which emulator."
    )
    parser.add_argument("--parents", type=int, help="Page at most this many parents per service.")
    parser.add_argument(
        "--size", default="large", help="Dataset size (large unless smoke-testing)."
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    chosen = list(SERVICES) if args.service == "all" else [args.service]
    header = (
        f"{'service':<8} {'server':>8} {'records':>8} {'requests':>8} "
        f"{'rec/s wall':>11} {'CPU-s':>6} {'rec/CPU-s':>10}"
    )
    summary = {}
    for service in chosen:
        bench = SERVICES[service]
        emulated, sent, recorded = bench_emulator(service, bench, args.size, args.parents)
        static = bench_static(bench, sent, recorded)
        print(header)
        for name, measure in (("emulator", emulated), ("static", static)):
            print(
                f"{service:<8} {name:>8} {measure.records:>8} {measure.requests:>8} "
                f"{measure.per_second:>11.0f} {measure.cpu:>6.2f} {measure.per_cpu_second:>10.0f}"
            )
        met = emulated.per_cpu_second >= FLOOR_RECORDS_PER_CPU_S if emulated.cpu else None
        summary[service] = {
            "records": emulated.records,
            "emulator_server_cpu_s": round(emulated.cpu, 2),
            "emulator_records_per_s": rounded(emulated.per_second),
            "static_records_per_s": rounded(static.per_second),
            "emulator_records_per_server_cpu_s": rounded(emulated.per_cpu_second),
            "static_records_per_server_cpu_s": rounded(static.per_cpu_second),
            "ratio_wall": rounded(emulated.per_second / static.per_second, 2),
            "ratio_server_cpu": rounded(emulated.per_cpu_second / static.per_cpu_second, 2),
            "floor_met": met,
        }
        print(
            f"{service}: floor {FLOOR_RECORDS_PER_CPU_S:,} records per server CPU-second "
            f"{ {True: 'met', False: 'NOT met', None: 'not measured (no CPU tick)'}[met] }",
            flush=True,
        )
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
