"""A Singer tap class built from a connector spec.

``tap_class(spec)`` returns a ``singer_sdk.Tap`` subclass named ``tap-<service>`` whose
streams and settings come from the spec; how it talks to the service (auth, HTTP policy,
secrets, a ``sandbox://<service>?size=…&seed=…`` base URL started for the run) is the core's
:class:`~brainhub.connect.Connection`.
"""

from __future__ import annotations

import contextlib
import weakref
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import cached_property
from typing import IO, Any

import requests
from singer_sdk import Tap
from singer_sdk.helpers._util import load_json
from singer_sdk.plugin_base import _ConfigInput
from singer_sdk.singerlib import StateMessage
from singer_sdk.streams import Stream

from brainhub.connect import Connection, StartedService, guard_secrets, open_base_url
from brainhub.errors import SyncInterrupted
from brainhub.http import RequestStats, stop
from brainhub.operate.record import RunRecorder
from brainhub.operate.record.logs import quiet_metrics
from brainhub.spec.model import ConnectorSpec
from taps.runtime.settings import DEFAULT_MAX_WORKERS, check_config, coerce_numbers, config_schema
from taps.runtime.stopping import (
    OutputClosed,
    committed_state,
    install_signal_handlers,
    signal_received,
)
from taps.runtime.stream import SpecStream, stream_class
from taps.runtime.writer import BufferedSingerWriter

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
        self._served: StartedService | None
        config, self._served = open_base_url(config)
        if self._served is not None:
            weakref.finalize(self, self._served.stop)
        config = coerce_numbers(self.connector, config)
        guard_secrets(self.connector, config, self.name)
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
        quiet_metrics(cls.name)
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
        recorder = RunRecorder("tap", self.progress_sample, self.logger).start()
        try:
            self.sync_all()
        except SyncInterrupted as exc:
            self._stop_workers()
            # A target stopped by the same Ctrl-C may no longer read: the signal is the news.
            with contextlib.suppress(OutputClosed):
                self.write_message(StateMessage(value=committed_state(dict(self.state))))
            recorder.finish(exc)
            raise
        except BaseException as exc:
            self._stop_workers()
            # Whatever a stop signal's unwinding raised, the signal is what ended the run.
            signum = signal_received()
            recorder.finish(exc if signum is None else SyncInterrupted(signum))
            raise
        recorder.finish()

    def progress_sample(self) -> dict[str, dict[str, Any]]:
        """Per stream that started: what it read, requested and waited so far."""
        sample = {}
        for stream in self.streams.values():
            if isinstance(stream, SpecStream):
                values = stream.progress()
                if values["read"] or values["requests"] or values["waiting"]:
                    sample[stream.name] = values
        return sample

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
    def connection(self) -> Connection:
        """How this tap talks to the service (shared by its streams)."""
        return Connection(self.connector, dict(self.config))

    def session_for(self, stream: SpecStream, stats: RequestStats) -> requests.Session:
        """A session whose every request goes through the connection's HTTP policy."""
        spec = stream.spec
        # A sync token the API no longer accepts is read whole again (taps.runtime.sync_tokens);
        # a refused delta link comes back to the stream, which reads the partition whole again.
        expired = spec.sync_token.expired if spec.sync_token else ()
        resync = spec.delta.resync.statuses if spec.delta and spec.delta.resync else ()
        return self.connection.session(stats, skip_statuses=(*spec.skip_on, *expired, *resync))

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
            "name": f"tap-{connector.service}",
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
