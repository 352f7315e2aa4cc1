"""The GitHub REST API emulator (see :mod:`.app` for its behaviour, :mod:`.sizes` for data)."""

from brainhub.sandbox.services.github.app import GitHubEmulator

EMULATOR = GitHubEmulator

__all__ = ["EMULATOR", "GitHubEmulator"]
