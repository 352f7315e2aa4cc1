"""The Confluence Cloud emulator: spaces, pages, blog posts, footer comments, labels,
attachments, versions and properties over REST v2."""

from brainhub.sandbox.services.confluence.emulator import ConfluenceEmulator

EMULATOR = ConfluenceEmulator

__all__ = ["EMULATOR", "ConfluenceEmulator"]
