"""``docs/sandbox.md`` is generated from the emulators' code and stays true to it: the
coverage ``brainhub sandbox coverage`` reports, the declared clients and manners (whose
proofs must name tests that exist), and which services are not yet on the kit."""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from brainhub.cli import main
from brainhub.docs import REPO, generated_docs
from brainhub.redaction import is_secret_name
from brainhub.sandbox.clients import TESTED
from brainhub.sandbox.kit.emulator import KitEmulator
from brainhub.sandbox.reference import render_sandbox_page
from brainhub.sandbox.registry import emulator_class, services

PAGE_PATH = REPO / "docs" / "sandbox.md"


@cache
def page() -> str:
    return render_sandbox_page()


def section(service: str) -> str:
    """The part of the page about ``service``."""
    text = page()
    start = text.index(f'<a id="{service}"></a>')
    end = text.find('<a id="', start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_committed_page_is_the_generated_one() -> None:
    assert PAGE_PATH in generated_docs()
    committed = PAGE_PATH.read_text(encoding="utf-8") if PAGE_PATH.exists() else ""
    assert committed == generated_docs()[PAGE_PATH], "regenerate with `brainhub docs --write`"


@pytest.mark.parametrize("service", services())
def test_each_service_has_the_coverage_the_command_reports(service: str) -> None:
    result = CliRunner().invoke(main, ["sandbox", "coverage", service, "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    text = section(service)
    if not report["described"]:
        assert "Not yet on the emulator kit" in text or "On the emulator kit" in text
        assert all(f"`{route}`" in text for route in report["routes"])
        return
    served, left_out, missing = report["served"], report["left_out"], report["missing"]
    assert (
        f"{len(served)} of {report['documented']} documented GET operations served, "
        f"{len(left_out)} left out, {len(missing)} missing." in text
    )
    for key, reason in left_out.items():
        line = next(row for row in text.splitlines() if row.startswith(f"- {reason} ("))
        assert f"`{key}`" in line
    assert all(f"`{key}`" in text for key in missing)


@pytest.mark.parametrize("service", services())
def test_services_not_on_the_kit_are_listed_as_such(service: str) -> None:
    on_kit = issubclass(emulator_class(service), KitEmulator)
    row = next(
        line for line in page().splitlines() if line.startswith("| [") and f"(#{service})" in line
    )
    assert row.split(" | ")[1] == ("yes" if on_kit else "not yet")
    assert ("Not yet on the emulator kit" in section(service)) is not on_kit


def test_every_service_declares_the_clients_it_is_tested_with() -> None:
    assert sorted(TESTED) == services()
    for service, tested in TESTED.items():
        assert tested.clients, service
        for client in tested.clients:
            assert f"`{client.proof}`" in section(service)


def _proofs() -> list[str]:
    proofs = []
    for tested in TESTED.values():
        proofs += [client.proof for client in tested.clients]
        proofs += [manner.proof for manner in tested.manners]
        proofs += [tested.manners_proof] if tested.manners_proof else []
    return proofs


@pytest.mark.parametrize("proof", _proofs())
def test_every_proof_names_a_test_that_exists(proof: str) -> None:
    file, _, name = proof.partition("::")
    path = Path(REPO / file)
    assert path.is_file(), f"{proof}: no such test module"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tests = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }
    assert tests, f"{proof}: the module has no tests"
    assert not name or name in tests, f"{proof}: no test of that name in {file}"


def test_credentials_are_named_never_shown() -> None:
    for service in services():
        emulator = emulator_class(service)(size="tiny", generation=1)
        for name, value in emulator.credentials.items():
            assert f"`{name}`" in section(service)
            if is_secret_name(name):
                assert value not in page()
