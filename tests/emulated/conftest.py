"""Shared fixtures of the emulated tap tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from brainhub.http import forget_breakers, forget_buckets


@pytest.fixture(autouse=True)
def _fresh_rate_limit_buckets() -> Iterator[None]:
    """Buckets and breakers are shared per credential in a process: each test starts afresh."""
    forget_buckets()
    forget_breakers()
    yield
    forget_buckets()
    forget_breakers()
