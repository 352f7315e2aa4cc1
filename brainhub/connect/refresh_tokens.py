"""Refresh tokens a vendor rotated, kept at once so the next run starts with the live one.

Atlassian, Asana and Notion answer each refresh with a new refresh token and refuse the old
one from then on (``invalid_grant``). A connector that kept using the configured token
would work for one run only. So when a token answer carries a new refresh token, before
the access token is used, :func:`keep_rotated` saves it:

1. **in the credential store**, when the run gets its secrets from it (``brainhub run``
   names the project and environment in ``$BRAINHUB_SECRETS_PROJECT`` and
   ``$BRAINHUB_SECRETS_ENVIRONMENT``): every stored secret holding the old token (a tap's
   and a target's may share it) is replaced atomically, under the store's lock, and the
   audit log records each one by name with fingerprints — never the value. The store part
   lives with the store (``brainhub.secrets.refresh_tokens``, named here, not imported: the
   store sits above this core);
2. **otherwise in a side file**, ``data/oauth/refresh_tokens.json`` under the project
   (``$MELTANO_PROJECT_ROOT``, else the working directory; ``$BRAINHUB_OAUTH_TOKENS_FILE``
   overrides the path), written atomically with mode 0600. It maps a SHA-256 of the client
   id and the *configured* refresh token to the newest one, so the configured value (in
   ``meltano.yml``, ``.env`` or the environment) can stay as it is: :func:`newest_refresh_token`
   finds its successor at the start of the next run. The side file holds the live token in
   clear, as the configuration it stands in for does; use the store to keep it encrypted.

If the store cannot take the token (a master key rotation is half done, the key is missing),
the side file gets it, with a warning: the vendor has already spent the old one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from importlib import import_module
from pathlib import Path
from typing import Any

from brainhub.private_files import locked, write_atomically

logger = logging.getLogger(__name__)

PROJECT_ENV = "BRAINHUB_SECRETS_PROJECT"
ENVIRONMENT_ENV = "BRAINHUB_SECRETS_ENVIRONMENT"
SIDE_FILE_ENV = "BRAINHUB_OAUTH_TOKENS_FILE"
#: The function that saves a rotated token into the credential store (see the module doc).
STORE_KEEPER = "brainhub.secrets.refresh_tokens:save_rotated_refresh_token"


def side_file() -> Path:
    """Where rotated refresh tokens go when they did not come from the credential store."""
    override = os.environ.get(SIDE_FILE_ENV)
    if override:
        return Path(override)
    project = Path(os.environ.get("MELTANO_PROJECT_ROOT") or ".")
    return project / "data" / "oauth" / "refresh_tokens.json"


def _key(client_id: str, configured: str) -> str:
    return hashlib.sha256(f"{client_id}\x1f{configured}".encode()).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("%s: unreadable (%s); the configured refresh token is used", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def newest_refresh_token(client_id: str, configured: str) -> str:
    """The refresh token to use: the newest the side file holds for ``configured``, else it."""
    entry = _read(side_file()).get(_key(client_id, configured))
    if isinstance(entry, dict) and isinstance(entry.get("refresh_token"), str):
        return str(entry["refresh_token"])
    return configured


def keep_rotated(client_id: str, configured: str, old: str, new: str, owner: str) -> str:
    """Save ``new``, which replaces ``old`` (first given as ``configured``); where it went."""
    project, environment = os.environ.get(PROJECT_ENV), os.environ.get(ENVIRONMENT_ENV)
    if project and environment:
        module, _, function = STORE_KEEPER.partition(":")
        try:
            saved = getattr(import_module(module), function)(
                Path(project), environment, {configured, old}, new, owner
            )
        except Exception as exc:  # the vendor spent the old token: never lose the new one
            logger.warning(
                "%s: could not save the rotated refresh token in the %s store (%s); "
                "it is kept in %s instead",
                owner,
                environment,
                exc,
                side_file(),
            )
        else:
            if saved:
                return f"the {environment} store ({', '.join(saved)})"
    path = save_in_side_file(client_id, configured, new)
    return str(path)


def save_in_side_file(client_id: str, configured: str, new: str) -> Path:
    """Record ``new`` as the successor of ``configured`` in the 0600 side file, atomically."""
    path = side_file()
    with locked(path.with_name(f".{path.name}.lock")):
        data = _read(path)
        data[_key(client_id, configured)] = {"refresh_token": new}
        write_atomically(path, json.dumps(data, indent=1, sort_keys=True).encode() + b"\n")
    return path
