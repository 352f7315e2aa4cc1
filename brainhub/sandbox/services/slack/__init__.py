"""The Slack Web API emulator (see :mod:`.app` for its behaviour, :mod:`.workspace` for data)."""

from brainhub.sandbox.services.slack.app import SlackEmulator

EMULATOR = SlackEmulator

__all__ = ["EMULATOR", "SlackEmulator"]
