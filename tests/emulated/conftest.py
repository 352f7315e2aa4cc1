"""Shared fixtures of the emulated tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from brainhub.http import forget_breakers, forget_buckets
from brainhub.sandbox.server import serve


@pytest.fixture(autouse=True)
def _fresh_rate_limit_buckets() -> Iterator[None]:
    """Buckets and breakers are shared per credential in a process: each test starts afresh."""
    forget_buckets()
    forget_breakers()
    yield
    forget_buckets()
    forget_breakers()


@pytest.fixture(scope="module")
def served(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test module's ``EMULATOR`` served on a loopback port for the module's tests."""
    with serve(request.module.EMULATOR) as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """One HTTP session for the module's requests (a module may give its own, with auth)."""
    with requests.Session() as http:
        yield http
