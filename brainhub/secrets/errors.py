"""The one error of the secret store: what is wrong, where, and what would be valid."""

from __future__ import annotations

from brainhub.errors import ConfigError


class SecretStoreError(ConfigError):
    """A secret store, a master key or a ``.env`` file cannot be used as asked.

    The message is one line naming the file or variable and what to do; it never holds a
    secret value.
    """
