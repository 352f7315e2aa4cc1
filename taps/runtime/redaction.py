"""Secret values never reach a log line: every log record is scrubbed of them."""

from __future__ import annotations

import logging
from collections.abc import Iterable

REDACTED = "***"
_secrets: set[str] = set()
_installed = False


def install_secret_redaction(values: Iterable[object]) -> None:
    """Scrub these values (and any registered before) from every log record from now on."""
    global _installed
    _secrets.update(str(v) for v in values if v not in (None, "") and len(str(v)) >= 4)
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            message = record.getMessage()
            scrubbed = redact(message)
            if scrubbed != message:
                record.msg, record.args = scrubbed, None
        return record

    logging.setLogRecordFactory(factory)


def redact(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text
