"""The ClickUp API v2 emulator (see :mod:`.app` for its behaviour, :mod:`.sizes` for data)."""

from brainhub.sandbox.services.clickup.app import ClickUpEmulator

EMULATOR = ClickUpEmulator

__all__ = ["EMULATOR", "ClickUpEmulator"]
