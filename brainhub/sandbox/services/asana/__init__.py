"""The Asana API emulator (see :mod:`.app` for its behaviour, :mod:`.workspace` for data)."""

from brainhub.sandbox.services.asana.app import AsanaEmulator

EMULATOR = AsanaEmulator

__all__ = ["EMULATOR", "AsanaEmulator"]
