"""The Discord emulator: the bot's guilds, channels, members, messages and threads over the
HTTP API v10, with snowflake paging, per-route rate limits and incoming webhooks."""

from brainhub.sandbox.services.discord.emulator import DiscordEmulator

EMULATOR = DiscordEmulator

__all__ = ["EMULATOR", "DiscordEmulator"]
