"""Real values for the GitHub conformance test: a generated id names nothing, so path
parameters and a few query parameters are replaced by ones of the seeded organization
(the rest is in :mod:`tests.support.conformance`)."""

from __future__ import annotations

from typing import Any

from brainhub.sandbox.services.github import GitHubEmulator

#: The version the document describes.
API_VERSION = "2022-11-28"


def real_ids(emulator: GitHubEmulator) -> dict[str, Any]:
    """Values of the seeded organization, by parameter name."""
    repo = next(r for r in emulator.data.repos if r.comments and r.releases)
    pull = next(i for i in repo.issues if i.is_pull)
    return {
        "org": "octo-sandbox",
        "owner": "octo-sandbox",
        "repo": repo.name,
        "username": emulator.data.users[1].login,
        "team_slug": "core",
        "issue_number": 1,
        "pull_number": pull.number,
        "comment_id": repo.comments[0].id,
        "ref": repo.commits[-1].sha,
        "run_id": 1,
        "q": f"repo:{repo.full_name} is:issue",
    }


def real_values(emulator: GitHubEmulator, generated: dict[str, Any]) -> dict[str, Any]:
    """``generated`` parameters with ids (and a search ``q``) replaced by real ones."""
    real = real_ids(emulator)
    return {name: real.get(name, value) for name, value in generated.items()}


def patched_document(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its one known defect patched (errata).

    An event's ``payload`` is documented as ``oneOf`` sixteen payload schemas, one of
    which (``public-event``) has no properties and requires nothing, so every payload
    but ``{}`` matches it *and* its own schema and no real event could be valid: the
    ``oneOf`` is read as ``anyOf``.
    """
    payload = document["components"]["schemas"]["event"]["properties"]["payload"]
    payload["anyOf"] = payload.pop("oneOf")
    return document
