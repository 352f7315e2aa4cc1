"""The GitLab REST API v4 emulator (see :mod:`.app` for its behaviour, :mod:`.dataset` for data)."""

from brainhub.sandbox.services.gitlab.app import GitLabEmulator

EMULATOR = GitLabEmulator

__all__ = ["EMULATOR", "GitLabEmulator"]
