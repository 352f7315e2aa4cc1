"""Bitbucket Cloud (REST 2.0) sandbox emulator."""

from brainhub.sandbox.services.bitbucket.emulator import BitbucketEmulator

EMULATOR = BitbucketEmulator

__all__ = ["EMULATOR", "BitbucketEmulator"]
