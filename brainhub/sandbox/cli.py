"""``brainhub sandbox``: serve emulators, print their record counts and API coverage,
change their data (``mutate``, which also sends the webhooks of the changes) and put it
back (``reset``: generation 0, no writes), and hold the webhook subscriptions a vendor
configures in its app settings (``webhooks add|list|remove|app-secret``).

A thin layer over :mod:`brainhub.sandbox`; every verb takes a service name
(``brainhub sandbox serve clickup``) and refuses unknown ones with the valid list.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

import click

from brainhub.errors import EmulatorError
from brainhub.redaction import hidden
from brainhub.sandbox import state
from brainhub.sandbox.emulator import Emulator
from brainhub.sandbox.faults import FAULT_KINDS
from brainhub.sandbox.kit import KitEmulator
from brainhub.sandbox.kit.coverage import coverage
from brainhub.sandbox.kit.journal import ChangeJournal
from brainhub.sandbox.kit.webhooks import SubscriptionBook, flush_outboxes
from brainhub.sandbox.ratelimit import rate_forms_text
from brainhub.sandbox.registry import emulator_class, services
from brainhub.sandbox.server import serve as serve_emulator


class ServiceType(click.ParamType):
    """A service that has an emulator; the error lists the valid ones."""

    name = "service"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        known = services()
        if value not in known:
            self.fail(f"{value!r} has no emulator; valid services are {', '.join(known)}")
        return str(value)


SERVICE = click.argument("service", type=ServiceType())
SEED = click.option("--seed", type=int, default=1, show_default=True, help="Data seed.")
SIZE = click.option(
    "--size", default="demo", show_default=True, help="Named dataset size (tiny, demo, large)."
)


class BadOptionError(click.ClickException):
    """An option value the emulator refuses: one ``Error: …`` line, exit status 2."""

    exit_code = 2


def _build(service: str, **options: Any) -> Emulator:
    try:
        return emulator_class(service)(**options)
    except EmulatorError as exc:
        raise BadOptionError(str(exc)) from None


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data))


@click.group()
def sandbox() -> None:
    """Offline emulators of vendor APIs: serve them, count their data, change it."""


@sandbox.command("serve")
@SERVICE
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@SEED
@SIZE
@click.option("--generation", type=click.IntRange(min=0), help="Data generation [stored one].")
@click.option("--latency-ms", type=click.IntRange(min=0), default=0, help="Delay per request.")
@click.option(
    "--fault-rate", type=click.FloatRange(0, 1), default=0.0, help="Share of faulty requests."
)
@click.option("--faults", help=f"Fault kinds, comma-separated: {','.join(FAULT_KINDS)} [all].")
@click.option("--fault-seed", type=int, default=0, help="Seed of the fault sequence.")
@click.option("--stall-s", type=click.FloatRange(min=0), default=3.0, help="Timeout fault stall.")
@click.option(
    "--rate-limit",
    default="0",
    help=f"Requests per credential and window: {rate_forms_text()} (N alone keeps the "
    "vendor's window), e.g. 10000/min (0 = the vendor's documented limit).",
)
@click.option(
    "--request-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append every request as a JSON line to this file.",
)
def serve_command(
    service: str,
    port: int,
    seed: int,
    size: str,
    generation: int | None,
    latency_ms: int,
    fault_rate: float,
    faults: str | None,
    fault_seed: int,
    stall_s: float,
    rate_limit: str,
    request_log: Path | None,
) -> None:
    """Serve SERVICE on 127.0.0.1 until interrupted; first prints one JSON line."""
    emulator = _build(
        service,
        seed=seed,
        size=size,
        generation=generation,
        rate_limit=rate_limit,
        latency_ms=latency_ms,
        fault_rate=fault_rate,
        faults=faults,
        fault_seed=fault_seed,
        stall_s=stall_s,
        request_log_path=request_log,
    )
    try:
        served = serve_emulator(emulator, port=port)
    except EmulatorError as exc:
        raise click.ClickException(str(exc)) from None
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    _echo_json(
        {
            "service": service,
            "base_url": served.base_url,
            "credentials": served.credentials,
            "seed": seed,
            "size": size,
            "generation": emulator.generation,
            "rate_limit": emulator.rate_limiter.limit,
            "rate_window_s": emulator.rate_limiter.window_s,
        }
    )
    sys.stdout.flush()
    try:
        while not stop.wait(0.2):
            pass
    finally:
        served.stop()


@sandbox.command("counts")
@SERVICE
@SEED
@SIZE
@click.option("--generation", type=click.IntRange(min=0), help="Data generation [stored one].")
def counts_command(service: str, seed: int, size: str, generation: int | None) -> None:
    """Print the records per stream a default sync of SERVICE extracts, as JSON."""
    _echo_json(_build(service, seed=seed, size=size, generation=generation).counts())


@sandbox.command("coverage")
@SERVICE
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def coverage_command(service: str, as_json: bool) -> None:
    """Documented GET operations of SERVICE: served, left out (with reasons), missing."""
    report = coverage(service, emulator_class(service))
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo(report.text())


@sandbox.command("mutate")
@SERVICE
@click.option("--steps", type=click.IntRange(min=1), default=1, show_default=True)
@SEED
@SIZE
def mutate_command(service: str, steps: int, seed: int, size: str) -> None:
    """Advance SERVICE's stored data generation, so the next sync has new work."""
    previous = _read_generation(service)
    emulator = _build(service, seed=seed, size=size, generation=previous + steps)
    state.write_generation(service, emulator.generation)
    webhooks = 0
    if isinstance(emulator, KitEmulator):
        emulator.webhooks = SubscriptionBook(service, state.state_dir())
        webhooks = emulator.announce_generation(previous)
        flush_outboxes()
    _echo_json(
        {
            "service": service,
            "previous_generation": previous,
            "generation": emulator.generation,
            "changes": emulator.changes(previous),
            "webhooks_sent": webhooks,
        }
    )


@sandbox.command("reset")
@click.argument("service", type=ServiceType(), required=False)
def reset_command(service: str | None) -> None:
    """Put SERVICE's stored data back to generation 0 and forget the writes clients made
    to it (its change journal); without SERVICE, every service with stored state. Prints
    one JSON line per service."""
    known = set(services())
    chosen = [service] if service else [s for s in state.stored_services() if s in known]
    for name in chosen:
        previous = _read_generation(name)
        state.write_generation(name, 0)
        cleared = ChangeJournal(state.state_dir(), name).clear()
        _echo_json(
            {
                "service": name,
                "previous_generation": previous,
                "generation": 0,
                "changes_cleared": cleared,
            }
        )


@sandbox.group("webhooks")
def webhooks_group() -> None:
    """Webhook subscriptions of the emulators (what a vendor's app settings page holds)."""


def _book(service: str) -> SubscriptionBook:
    return SubscriptionBook(service, state.state_dir())


@webhooks_group.command("add")
@SERVICE
@click.option("--url", required=True, help="Where to deliver, e.g. the receiver's /webhooks/slack.")
@click.option(
    "--events", default="*", show_default=True, help="Event names, comma-separated (* = all)."
)
def webhooks_add_command(service: str, url: str, events: str) -> None:
    """Subscribe URL to SERVICE's events, signed with $BRAINHUB_WEBHOOK_SECRET_<SERVICE>
    (Slack's signing secret, Notion's verification token…); prints the subscription."""
    name = f"BRAINHUB_WEBHOOK_SECRET_{service.upper()}"
    secret = os.environ.get(name)
    if not secret:
        raise BadOptionError(f"set {name} to the secret the deliveries are signed with")
    if not url.startswith(("http://", "https://")):
        raise BadOptionError(f"--url must be an http(s) URL, got {url!r}")
    added = _book(service).add(url, secret=secret, events=[e for e in events.split(",") if e])
    _echo_json({"service": service, "id": added.id, "url": added.url, "events": added.events})


@webhooks_group.command("list")
@SERVICE
def webhooks_list_command(service: str) -> None:
    """SERVICE's subscriptions, one JSON line each (secrets as fingerprints)."""
    for subscription in _book(service).all():
        _echo_json(
            {
                "id": subscription.id,
                "url": subscription.url,
                "events": subscription.events,
                "scope": dict(subscription.scope),
                "secret": hidden(subscription.secret),
            }
        )


@webhooks_group.command("remove")
@SERVICE
@click.argument("subscription_id")
def webhooks_remove_command(service: str, subscription_id: str) -> None:
    """Forget one of SERVICE's subscriptions."""
    if not _book(service).remove(subscription_id):
        raise BadOptionError(f"{service} has no webhook subscription {subscription_id!r}")
    _echo_json({"service": service, "removed": subscription_id})


@webhooks_group.command("app-secret")
@SERVICE
def webhooks_app_secret_command(service: str) -> None:
    """Set the app secret SERVICE signs with (Trello; Confluence: the Connect shared secret)
    from $BRAINHUB_WEBHOOK_SECRET_<SERVICE>."""
    name = f"BRAINHUB_WEBHOOK_SECRET_{service.upper()}"
    secret = os.environ.get(name)
    if not secret:
        raise BadOptionError(f"set {name} to the app secret first")
    _book(service).set_app_secret(secret)
    _echo_json({"service": service, "app_secret": hidden(secret)})


def _read_generation(service: str) -> int:
    try:
        return state.read_generation(service)
    except EmulatorError as exc:
        raise click.ClickException(str(exc)) from None
