"""Azure Blob Storage for the sandbox: Azurite, Microsoft's storage emulator, from the npm
registry (``tools/azurite``, pinned by its lock file; ``scripts/install-services.sh`` runs
``npm ci`` there).

Only its Blob service runs, on 127.0.0.1, with telemetry off, keeping its blobs under the
service's home. Clients use the emulator's well-known development account
(:data:`ACCOUNT`, :data:`ACCOUNT_KEY`, published in Azurite's documentation; it opens
nothing but a local emulator), most simply through :meth:`AzuriteServer.connection_string`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from brainhub.services.server import LOOPBACK, DetachedServer, Settings

#: Where the pinned Azurite package is installed (relative to the project root).
AZURITE_PACKAGE = Path(__file__).resolve().parents[2] / "tools" / "azurite"
#: Azurite's development storage account and its published key.
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

#: The container the sandbox environment's ``target-files--azure`` writes to.
SANDBOX_CONTAINER = "brainhub-sandbox"


def azurite_blob_binary() -> Path | None:
    """The installed ``azurite-blob`` executable, if ``npm ci`` has run."""
    binary = AZURITE_PACKAGE / "node_modules" / ".bin" / "azurite-blob"
    return binary if binary.exists() else None


class AzuriteServer(DetachedServer):
    """A private Azure Blob Storage endpoint (the development account's key)."""

    name: ClassVar[str] = "azurite"
    default_port: ClassVar[int] = 59100
    package: ClassVar[str] = "nodejs and npm, then azurite from tools/azurite"
    pid_name: ClassVar[str] = "azurite.pid"
    user: ClassVar[str] = ACCOUNT
    password: ClassVar[str] = ACCOUNT_KEY
    database: ClassVar[str] = ""

    @property
    def settings(self) -> Settings:
        """Host and port; the account name and key as user and password."""
        return Settings(LOOPBACK, self.port, self.user, self.password, self.database)

    def connection_string(self) -> str:
        """The connection string of the development account on this emulator."""
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://{LOOPBACK}:{self.port}/{ACCOUNT};"
        )

    def status(self) -> dict[str, Any]:
        """The shared status line plus the ``azure_connection_string`` setting to use."""
        return {**super().status(), "azure_connection_string": self.connection_string()}

    def missing_binaries(self) -> str | None:
        """None when Node.js and the pinned Azurite are installed."""
        if azurite_blob_binary() is None:
            return "azurite-blob not found under tools/azurite (npm ci has not run there)"
        return None

    def initialized(self) -> bool:
        """The blob directory exists."""
        return (self.home / "blobs").is_dir()

    def initialize(self) -> None:
        """Create the directory Azurite keeps its blobs and metadata in."""
        (self.home / "blobs").mkdir(parents=True, exist_ok=True)

    def command(self) -> list[str]:
        """Azurite's Blob service on the loopback port, telemetry off, blobs in the home."""
        binary = azurite_blob_binary()
        assert binary is not None
        return [str(binary), "--blobHost", LOOPBACK, "--blobPort", str(self.port),
                "--location", str(self.home / "blobs"), "--disableTelemetry",
                "--skipApiVersionCheck", "--loose", "--silent"]  # fmt: skip

    def prepare(self) -> None:
        """Create the sandbox's container (:data:`SANDBOX_CONTAINER`) unless it exists."""
        from adlfs import AzureBlobFileSystem

        blobs = AzureBlobFileSystem(
            connection_string=self.connection_string(), skip_instance_cache=True
        )
        if not blobs.exists(SANDBOX_CONTAINER):
            blobs.mkdir(SANDBOX_CONTAINER)
