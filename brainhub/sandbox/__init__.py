"""Offline emulators of vendor APIs, served in-process or on a 127.0.0.1 port.

Each emulator is written from the vendor's reference (paths, envelopes, pagination,
filters, auth failures, rate-limit headers), with seeded deterministic data, a request
log, latency and fault injection. Public API:

- :class:`Emulator` — base class; its module docstring shows how to write one
- :func:`serve` / :class:`ServedEmulator` — run an emulator on a loopback port
- :func:`start_for_url` — serve what ``sandbox://clickup?size=demo&seed=1`` describes
- :func:`emulator_class` / :func:`services` — the registry of emulators
- :class:`FaultPolicy`, :class:`FixedWindowRateLimiter`, :class:`LoggedRequest`
- :mod:`brainhub.sandbox.state` — the stored data generation per service
"""

from __future__ import annotations

from brainhub.sandbox.emulator import Emulator, LoggedRequest
from brainhub.sandbox.faults import FAULT_KINDS, FaultPolicy
from brainhub.sandbox.ratelimit import FixedWindowRateLimiter, RateLimitDecision
from brainhub.sandbox.registry import emulator_class, services
from brainhub.sandbox.server import ServedEmulator, serve, start_for_url

__all__ = [
    "FAULT_KINDS",
    "Emulator",
    "FaultPolicy",
    "FixedWindowRateLimiter",
    "LoggedRequest",
    "RateLimitDecision",
    "ServedEmulator",
    "emulator_class",
    "serve",
    "services",
    "start_for_url",
]
