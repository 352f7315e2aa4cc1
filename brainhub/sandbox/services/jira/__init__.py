"""The Jira Cloud emulator (see :mod:`.app` for its behaviour, :mod:`.sizes` for data)."""

from brainhub.sandbox.services.jira.app import JiraEmulator

EMULATOR = JiraEmulator

__all__ = ["EMULATOR", "JiraEmulator"]
