"""Private local database servers for the sandbox environment (``brainhub services``).

Each server runs from the Debian package's binaries, listens on 127.0.0.1 only and keeps its
data under ``data/services/<name>/``; no system-wide service is touched. The servers of
:data:`brainhub.services.table.SERVICES` are one table: a new kind of server (a cache, a
queue, a cloud emulator) is one more entry there.
"""

from brainhub.services.server import LocalServer, ServiceError, Settings
from brainhub.services.table import SERVICES, server_for

__all__ = ["SERVICES", "LocalServer", "ServiceError", "Settings", "server_for"]
