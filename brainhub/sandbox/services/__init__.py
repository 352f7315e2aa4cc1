"""One package per emulated service; each exposes its emulator class as ``EMULATOR``."""
