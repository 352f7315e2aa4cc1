"""Microsoft 365 through Microsoft Graph v1.0: the emulator (see :mod:`.emulator`)."""

from brainhub.sandbox.services.microsoft365.emulator import Microsoft365Emulator

EMULATOR = Microsoft365Emulator
