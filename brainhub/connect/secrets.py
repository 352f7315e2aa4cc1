"""Secret settings never reach what a connector writes: log records, tracebacks, errors.

``install_secret_redaction`` registers the values (every spelling of them is scrubbed, see
:mod:`brainhub.redaction`) and, once per process, makes every log record — its message and
its formatted traceback — and every uncaught exception's traceback pass through the scrubber.
``check_secret_settings`` refuses, before any request, secret settings that could only
fail later with their value in the error (a line break in a header value).
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from brainhub.errors import SettingsError
from brainhub.redaction import PROCESS_SECRETS, control_characters, redact, register_secrets

_installed = False


def install_secret_redaction(values: Iterable[object]) -> None:
    """Scrub these values (and any registered before) from every log record from now on."""
    global _installed
    register_secrets(values)
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if PROCESS_SECRETS:
            _scrub_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _scrub_uncaught_tracebacks()


def check_secret_settings(
    owner: str, secret_names: Iterable[str], config: Mapping[str, Any]
) -> None:
    """Refuse secret settings holding control characters (CR, LF, TAB, NUL…), never showing them.

    Such a value cannot be sent in a header, and the HTTP libraries' error would quote it.
    """
    problems = []
    for name in secret_names:
        value = config.get(name)
        if isinstance(value, str) and control_characters(value):
            found = ", ".join(control_characters(value))
            problems.append(
                f"setting {name!r}: (hidden) contains control characters ({found}), often a "
                "line break pasted with it; it must be the credential alone, on one line"
            )
    if problems:
        raise SettingsError(f"{owner}: " + "; ".join(problems))


def _scrub_record(record: logging.LogRecord) -> None:
    message = record.getMessage()
    scrubbed = redact(message)
    if scrubbed != message:
        record.msg, record.args = scrubbed, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _scrub_uncaught_tracebacks() -> None:
    """Uncaught exceptions, in the main thread or any other, print scrubbed tracebacks.

    Only Python's own hooks are replaced: a host that installed its own (a test runner
    collecting thread exceptions) keeps it.
    """

    def excepthook(
        kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        sys.stderr.write(redact("".join(traceback.format_exception(kind, value, tb))))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        sys.stderr.write(f"Exception in thread {name}:\n")
        excepthook(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = excepthook
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = thread_excepthook
