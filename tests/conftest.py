"""Fixtures every test gets."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _root_log_handlers_are_put_back() -> Iterator[None]:
    """Remove the root log handlers a test added.

    A plugin run in this process (a target's or tap's command line called directly) has the
    SDK add a handler writing to the ``sys.stderr`` of that moment — pytest's or click's
    capture stream, which is closed when the test ends. Left on the root logger, it makes
    every later log record in the same worker print a "Logging error" traceback into
    whatever the next test captures.
    """
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    yield
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
    root.setLevel(level)
