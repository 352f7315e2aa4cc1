"""Start-up: target-duckdb imports only the parts of the Singer SDK it uses, and every name
of the SDK still resolves as with an eager import (see targets.duckdb.lazy_sdk)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from targets.duckdb.lazy_sdk import defer_package_init


def _python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_target_loads_without_the_sdks_taps_and_http_streams():
    loaded = _python(
        """
        import sys
        import targets.duckdb.target
        print(sorted(m for m in ("requests", "singer_sdk.streams", "singer_sdk.tap_base")
                     if m in sys.modules))
        """
    )
    assert loaded == "[]"


def test_every_sdk_name_resolves_as_with_an_eager_import():
    out = _python(
        """
        import targets.duckdb.target
        import singer_sdk
        from singer_sdk import typing as th
        from singer_sdk import Stream, Tap, Target
        import singer_sdk.streams, singer_sdk.tap_base, singer_sdk.target_base
        print(Stream is singer_sdk.streams.Stream, Tap is singer_sdk.tap_base.Tap,
              Target is singer_sdk.target_base.Target is targets.duckdb.target.Target,
              th is singer_sdk.typing, "RESTStream" in singer_sdk.__all__)
        """
    )
    assert out == "True True True True True"


def test_attribute_access_to_a_submodule_imports_it():
    out = _python(
        """
        import targets.duckdb
        import singer_sdk
        print(singer_sdk.streams.RESTStream.__name__, singer_sdk.Tap.__name__)
        """
    )
    assert out == "RESTStream Tap"


def test_a_package_imported_already_is_left_as_it_is():
    before = sys.modules["singer_sdk"]
    defer_package_init()
    assert sys.modules["singer_sdk"] is before
