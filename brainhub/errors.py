"""Every public exception of brainhub, grouped by what the caller does next.

::

    BrainhubError                      base of everything brainhub raises on purpose
    ├── ConfigError                    the user must fix a setting or a file; never retried
    │   ├── SpecError                  a connector spec is invalid (file, path, value, valid values)
    │   └── SettingsError              a tap/target setting is missing or malformed
    ├── APIError                       an HTTP API answered badly (subclasses say what happens next)
    │   ├── RetriableError             transient: retried by the HTTP policy with backoff
    │   │   └── ThrottledError         the API asked us to slow down (429, 403 + remaining 0, …)
    │   ├── FatalAPIError              retrying cannot help (401, 403, 400, retries exhausted)
    │   │   ├── AuthError              credentials rejected: names the setting to fix
    │   │   └── CircuitOpenError       the API kept failing until the circuit outlasted the retry time
    │   └── SkippableError             the spec says this response means "no data here" (e.g. 404)
    └── EmulatorError                  the sandbox was asked for something it cannot do

    SyncInterrupted                    SIGINT/SIGTERM asked the run to stop; exit 128 + signal
                                       (a BaseException, like KeyboardInterrupt: code that
                                       catches Exception for errors neither logs nor keeps it)

API errors subclass the Singer SDK's own ``RetriableAPIError`` / ``FatalAPIError`` so that
the SDK's stream machinery treats them as it treats its own.
"""

from __future__ import annotations

import signal

from singer_sdk.exceptions import FatalAPIError as _SDKFatalAPIError
from singer_sdk.exceptions import RetriableAPIError as _SDKRetriableAPIError


class BrainhubError(Exception):
    """Base class of every error brainhub raises on purpose."""


class ConfigError(BrainhubError):
    """Something the user configured is wrong; the message says what and where."""


class SpecError(ConfigError):
    """A connector spec is invalid.

    The message names the file, the path inside it, the bad value and the valid values.
    """

    def __init__(self, message: str, *, file: str | None = None, path: str = "") -> None:
        self.file = file
        self.path = path
        where = ": ".join(p for p in (file, path) if p)
        super().__init__(f"{where}: {message}" if where else message)


class SettingsError(ConfigError):
    """A tap or target setting is missing or malformed."""


class APIError(BrainhubError):
    """An HTTP API answered in a way the connector cannot use as data."""


class RetriableError(APIError, _SDKRetriableAPIError):
    """A transient failure: 5xx, connection reset, timeout, truncated body."""


class ThrottledError(RetriableError):
    """The API asked us to slow down; ``wait`` is how long it asked for, if it said."""

    def __init__(self, message: str, wait: float | None = None) -> None:
        super().__init__(message)
        self.wait = wait


class FatalAPIError(APIError, _SDKFatalAPIError):
    """Retrying cannot help; the run stops with this message."""


class AuthError(FatalAPIError):
    """The API rejected the credentials."""


class CircuitOpenError(FatalAPIError):
    """The API kept failing: a request's retry budget ran out while the circuit was open."""


class SkippableError(APIError):
    """The spec declares this response as "nothing here" (for example 404 on a deleted parent)."""


class SyncInterrupted(BaseException):
    """A signal (SIGINT, SIGTERM) asked the run to stop; ``exit_code`` is 128 + its number.

    Not an ``Exception``: a stop is no failure of the code it passes through, which must
    neither log it as one nor swallow it.
    """

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name if signum in signal.valid_signals() else str(signum)
        super().__init__(f"stopped by {name}")


class EmulatorError(BrainhubError):
    """The sandbox was asked for something it cannot do."""
