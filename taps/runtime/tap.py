"""A Singer tap class built from a connector spec.

``tap_class(spec)`` returns a ``singer_sdk.Tap`` subclass named ``tap-<service>`` whose
streams, settings and HTTP policy all come from the spec. A ``base_url`` of
``sandbox://<service>?size=…&seed=…`` starts the service's emulator on a loopback port for the
run and fills in the credentials it accepts, unless given.
"""

from __future__ import annotations

import contextlib
import weakref
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any

import requests
from singer_sdk import Tap
from singer_sdk.helpers._util import load_json
from singer_sdk.plugin_base import _ConfigInput
from singer_sdk.singerlib import StateMessage
from singer_sdk.streams import Stream

from brainhub.errors import SyncInterrupted
from brainhub.http import HttpPolicy, PolicyAdapter, RequestStats, credential_fingerprint, stop
from brainhub.spec.model import ConnectorSpec
from taps.runtime.auth import build_authenticator
from taps.runtime.redaction import check_secret_settings, install_secret_redaction
from taps.runtime.settings import DEFAULT_MAX_WORKERS, check_config, coerce_numbers, config_schema
from taps.runtime.stopping import (
    OutputClosed,
    committed_state,
    install_signal_handlers,
    signal_received,
)
from taps.runtime.stream import SpecStream, stream_class
from taps.runtime.writer import BufferedSingerWriter

if TYPE_CHECKING:
    from brainhub.sandbox.server import ServedEmulator

SANDBOX_SCHEME = "sandbox://"
#: Seconds a stopping tap waits for requests already on the wire before it exits anyway.
STOP_GRACE_S = 5.0


class SpecTap(Tap):
    """Base of every spec-built tap; subclasses only set ``connector``."""

    connector: ConnectorSpec
    message_writer_class = BufferedSingerWriter

    def __init__(
        self,
        *,
        config: dict[str, Any] | None = None,
        validate_config: bool = True,
        **kwargs: Any,
    ) -> None:
        config = dict(config or {})
        self.sync_started = datetime.now(tz=UTC)
        self._sandbox: ServedEmulator | None = None
        if str(config.get("base_url", "")).startswith(SANDBOX_SCHEME):
            config = self._start_sandbox(config)
        config = coerce_numbers(self.connector, config)
        install_secret_redaction(config.get(name) for name in self.connector.secret_settings)
        check_secret_settings(self.name, self.connector.secret_settings, config)
        # Discovery (validate_config=False, the Singer SDK convention) needs no credentials:
        # values given are still checked, required ones may be absent.
        check_config(self.connector, _without_env_only(config), require=validate_config)
        super().__init__(config=config, validate_config=validate_config, **kwargs)

    # ---- the SDK's questions ---------------------------------------------------------------

    def discover_streams(self) -> list[Stream]:
        streams = [cls(self) for cls in self.stream_classes]
        # The SDK links each stream to the parent named by its class; a stream read for
        # several parents (ClickUp lists: in folders and folderless in spaces) is linked to
        # the others here.
        by_name = {stream.name: stream for stream in streams}
        for stream in streams:
            for parent in stream.spec.parent_names[1:]:
                by_name[parent].child_streams.append(stream)
        return list(streams)

    @classmethod
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: _ConfigInput | None = None,
        state: IO[str] | None = None,
        catalog: IO[str] | None = None,
    ) -> None:
        """Run a sync from the command line, as the SDK's ``Tap.invoke`` does, but through
        :meth:`sync_until_stopped`."""
        super(Tap, cls).invoke(about=about, about_format=about_format)
        cls.print_version(print_fn=cls.logger.info)
        config = config or _ConfigInput()
        tap = cls(
            config=config.config,
            state=None if state is None else load_json(state.read()),
            catalog=None if catalog is None else load_json(catalog.read()),
            parse_env_config=config.parse_env,
            validate_config=True,
        )
        tap.sync_until_stopped()

    def sync_until_stopped(self) -> None:
        """Sync every selected stream; on a stop signal, end with the committed state.

        Whatever ends a run early (a signal, a fatal API error, a closed output), the worker
        pool's queued fetches are cancelled and its running ones wake from any wait, so the
        process exits at once instead of finishing them.
        """
        if signal_received() is None:
            stop.reset_stop()
        try:
            self.sync_all()
        except SyncInterrupted:
            self._stop_workers()
            # A target stopped by the same Ctrl-C may no longer read: the signal is the news.
            with contextlib.suppress(OutputClosed):
                self.write_message(StateMessage(value=committed_state(dict(self.state))))
            raise
        except BaseException:
            self._stop_workers()
            raise

    def _stop_workers(self) -> None:
        """Cancel queued fetches, wake waiting workers, give running requests a moment."""
        stop.request_stop()
        if "pool" not in self.__dict__:
            return
        self.pool.shutdown(wait=False, cancel_futures=True)
        running = [
            future
            for stream in self.streams.values()
            if isinstance(stream, SpecStream)
            for future in stream.prefetched_futures()
        ]
        # A worker in the middle of a request finishes it (its timeouts bound that); its
        # log lines then come before the run's last line.
        wait(running, timeout=STOP_GRACE_S)

    def _setup_signal_handlers(self) -> None:
        # The SDK's handlers write the state from inside the signal handler and exit 0
        # after the workers drain; see taps.runtime.stopping for what happens instead.
        install_signal_handlers()

    # ---- what streams share ----------------------------------------------------------------

    @property
    def max_workers(self) -> int:
        return int(self.config.get("max_workers") or DEFAULT_MAX_WORKERS)

    @property
    def prefetch_window(self) -> int:
        """How many child partitions are fetched together at most."""
        return self.max_workers * 4

    @cached_property
    def pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(self.max_workers, thread_name_prefix=f"{self.name}-fetch")

    @cached_property
    def authenticator(self) -> Any:
        config = dict(self.config)
        return build_authenticator(self.connector.auth, config, config["base_url"])

    @cached_property
    def http_policy(self) -> HttpPolicy:
        spec = self.connector
        return HttpPolicy.from_spec(spec.http, list(spec.errors)).with_overrides(dict(self.config))

    def session_for(self, stream: SpecStream, stats: RequestStats) -> requests.Session:
        """A session whose every request goes through the connector's HTTP policy."""
        spec = self.connector
        rules = [{"when": {"status": s}, "action": "skip"} for s in stream.spec.skip_on]
        policy = (
            HttpPolicy.from_spec(spec.http, rules + list(spec.errors)).with_overrides(
                dict(self.config)
            )
            if rules
            else self.http_policy
        )
        adapter = PolicyAdapter(
            policy,
            spec.name,
            credential_fingerprint(self._credential_text()),
            auth_hint=self._auth_hint(),
            stats=stats,
        )
        session = requests.Session()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def _credential_text(self) -> str:
        names = sorted(self.connector.secret_settings)
        return "\x1f".join(str(self.config.get(name, "")) for name in names)

    def _auth_hint(self) -> str:
        secrets = self.connector.secret_settings
        if not secrets:
            return ""
        listed = ", ".join(secrets)
        return f"check the {listed} setting{'s' if len(secrets) > 1 else ''}"

    def _start_sandbox(self, config: dict[str, Any]) -> dict[str, Any]:
        from brainhub.sandbox.server import start_for_url

        served = start_for_url(config["base_url"])
        self._sandbox = served
        weakref.finalize(self, served.stop)
        config["base_url"] = served.base_url
        for name, value in served.emulator.credentials.items():
            config.setdefault(name, value)
        return config

    @cached_property
    def stream_classes(self) -> list[type[SpecStream]]:
        classes = {
            name: stream_class(self.connector, s) for name, s in self.connector.streams.items()
        }
        for cls in classes.values():
            if cls.spec.parents:
                cls.parent_stream_type = classes[cls.spec.parents[0].stream]
        return list(classes.values())


def tap_class(connector: ConnectorSpec) -> type[SpecTap]:
    """A new tap class for a connector spec."""
    name = "".join(part.title() for part in connector.name.split("_"))
    return type(
        f"Tap{name}",
        (SpecTap,),
        {
            "__doc__": " ".join((connector.description or connector.title).split()),
            "name": f"tap-{connector.name}",
            "package_name": "brainhub",
            "connector": connector,
            "config_jsonschema": config_schema(connector),
            "__module__": __name__,
        },
    )


def _without_env_only(config: dict[str, Any]) -> dict[str, Any]:
    """The config minus the Singer SDK's own settings, which it checks itself."""
    sdk_own = {
        "stream_maps",
        "stream_map_config",
        "flattening_enabled",
        "flattening_max_depth",
        "batch_config",
        "faker_config",
    }
    return {k: v for k, v in config.items() if k not in sdk_own}
