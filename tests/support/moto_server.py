"""moto's server mode on a loopback port: S3 and SES for tests of the files and SES targets."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

#: moto accepts any credentials; these say so in every config that uses them.
CREDENTIALS = {"aws_access_key_id": "sandbox", "aws_secret_access_key": "sandbox-secret"}
REGION = "us-east-1"


@dataclass(frozen=True)
class MotoServer:
    """A running moto server and clients of it."""

    endpoint_url: str

    def client(self, service: str) -> Any:
        return boto3.client(
            service, endpoint_url=self.endpoint_url, region_name=REGION, **CREDENTIALS
        )

    def settings(self) -> dict[str, str]:
        """The connection settings of target-files, tap-files and target-ses for this server."""
        return {"endpoint_url": self.endpoint_url, "region_name": REGION, **CREDENTIALS}


@contextmanager
def moto_server() -> Iterator[MotoServer]:
    """Start moto on 127.0.0.1 (a free port) for the block; stopped afterwards."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint_url = f"http://{host}:{port}"
    try:
        _reset(endpoint_url)  # moto keeps its data per process, not per server
        yield MotoServer(endpoint_url)
    finally:
        _reset(endpoint_url)
        server.stop()


def _reset(endpoint_url: str) -> None:
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - loopback
        pass
