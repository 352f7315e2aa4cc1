"""The Google Workspace emulator: Calendar events, Gmail messages and history, Drive files
and changes, and Docs documents, with a service account's token endpoint."""

from brainhub.sandbox.services.google_workspace.emulator import GoogleWorkspaceEmulator

EMULATOR = GoogleWorkspaceEmulator

__all__ = ["EMULATOR", "GoogleWorkspaceEmulator"]
