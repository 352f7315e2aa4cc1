"""API tokens: 256 random bits, shown once at creation, stored only as their SHA-256.

``data/access/tokens.json`` (0600, replaced atomically under a lock) holds one entry per
token: its name, role, when it was created and last used, and the SHA-256 of the token. A
token is ``bht_`` and 43 URL-safe base64 characters; with that much entropy an unkeyed hash
cannot be reversed or guessed, so a copy of the file grants nothing. Looking a token up
compares its hash with every entry in constant time (:func:`hmac.compare_digest`, no early
exit), so timing tells nothing of the stored hashes. Revoking deletes the entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from brainhub.access.roles import Role
from brainhub.errors import BrainhubError
from brainhub.private_files import locked, write_atomically

PREFIX = "bht_"
#: What a token looks like; anything else is refused before any lookup.
TOKEN_FORMAT = re.compile(rf"{PREFIX}[A-Za-z0-9_-]{{43}}")
TOKEN_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: ``last_used`` is written at most this often per token (seconds).
LAST_USED_RESOLUTION_S = 60


class TokenError(BrainhubError):
    """A token cannot be created, found or revoked; the message says what would be valid."""


def token_digest(token: str) -> str:
    """The SHA-256 (hex) stored in place of ``token``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class TokenRecord:
    """One stored token: everything but the token itself."""

    name: str
    role: Role
    created: str
    last_used: str | None
    digest: str

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role.label,
            "created": self.created,
            "last_used": self.last_used,
            "sha256": self.digest,
        }


class TokenStore:
    """The API tokens of a project."""

    def __init__(self, project_root: Path) -> None:
        self.project_root = project_root
        self.path = project_root / "data" / "access" / "tokens.json"

    def records(self) -> list[TokenRecord]:
        """Every token's record, by name."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            entries = raw["tokens"]
            return sorted(
                (
                    TokenRecord(
                        str(e["name"]),
                        Role.parse(str(e["role"])),
                        str(e["created"]),
                        e.get("last_used"),
                        str(e["sha256"]),
                    )
                    for e in entries
                ),
                key=lambda r: r.name,
            )
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError, BrainhubError):
            raise TokenError(
                f"{self.path}: not a brainhub token file (expected {{tokens: [{{name, role, "
                "created, last_used, sha256}]}); restore it from a backup or delete it and "
                "create the tokens again"
            ) from None

    def _write(self, records: list[TokenRecord]) -> None:
        document = {"tokens": [r.as_json() for r in sorted(records, key=lambda r: r.name)]}
        write_atomically(self.path, json.dumps(document, indent=1).encode("utf-8") + b"\n")

    def _lock(self) -> Any:
        return locked(self.path.with_name(".tokens.lock"))

    def create(self, name: str, role: Role) -> tuple[str, TokenRecord]:
        """A new token for ``name`` (returned once, never stored) and its record."""
        if not TOKEN_NAME.fullmatch(name):
            raise TokenError(
                f"{name!r} cannot name a token; use 1 to 64 lower-case letters, digits, '.', "
                "'_' and '-', starting with a letter or digit (e.g. status-page)"
            )
        token = PREFIX + secrets.token_urlsafe(32)
        with self._lock():
            records = self.records()
            if any(r.name == name for r in records):
                raise TokenError(
                    f"a token named {name!r} exists; revoke it first (brainhub tokens revoke "
                    f"{name}) or choose another name"
                )
            record = TokenRecord(name, role, _now(), None, token_digest(token))
            self._write([*records, record])
        return token, record

    def revoke(self, name: str) -> TokenRecord:
        """Delete the token ``name``; its record as it was."""
        with self._lock():
            records = self.records()
            found = [r for r in records if r.name == name]
            if not found:
                names = ", ".join(r.name for r in records) or "none"
                raise TokenError(f"no token named {name!r}; the tokens are: {names}")
            self._write([r for r in records if r.name != name])
        return found[0]

    def find(self, token: str) -> TokenRecord | None:
        """The record of ``token`` (compared in constant time with every entry), or None."""
        digest = token_digest(token)
        match = None
        for record in self.records():
            if hmac.compare_digest(record.digest, digest):
                match = record
        return match

    def mark_used(self, record: TokenRecord) -> None:
        """Note that ``record``'s token was just used (at most once a minute per token)."""
        now = _now()
        if record.last_used and _seconds_between(record.last_used, now) < LAST_USED_RESOLUTION_S:
            return
        with self._lock():
            records = self.records()
            self._write(
                [replace(r, last_used=now) if r.digest == record.digest else r for r in records]
            )


def _seconds_between(earlier: str, later: str) -> float:
    def parse(text: str) -> datetime:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    try:
        return (parse(later) - parse(earlier)).total_seconds()
    except ValueError:
        return float("inf")
