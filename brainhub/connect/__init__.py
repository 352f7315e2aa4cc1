"""Connections to services: auth, HTTP policy, credential fingerprint, secrets, served URLs.

Both directions use one :class:`Connection` per run, built from the connector spec and the
config; the tap runtime keeps only what reading needs (streams, paging, records, state).

Modules: ``connection`` (the connection, ``open_base_url``, ``guard_secrets``), ``auth``
(authenticators of the spec's ``auth:`` kinds), ``secrets`` (redaction of secret settings in
logs and tracebacks), ``schemes`` (base URLs served by a provider: ``sandbox://``).
"""

from brainhub.connect.connection import Connection, guard_secrets, open_base_url
from brainhub.connect.schemes import StartedService, register_scheme

__all__ = ["Connection", "StartedService", "guard_secrets", "open_base_url", "register_scheme"]
