"""Re-encrypt every store of a project under a new master key, surviving a crash anywhere.

With a key file, the steps and what a crash after each leaves:

1. the next key is written whole to ``<key file>.new`` (temp, fsync, rename). A crash
   before the rename leaves the old key alone in charge; after it, the keyring holds both
   keys, so every store still opens;
2. each store is rewritten under the next key, one atomic replacement at a time. A crash
   leaves some stores under the old key and some under the next; each names its key, and
   both keys are in the keyring;
3. ``<key file>.new`` is renamed over the key file: the switch. Before it, the old key still
   opens the stores not yet rewritten; after it, every store is under the (now only) key.

A rerun after a crash finds ``<key file>.new``, takes that key instead of drawing another,
skips the stores already under it, and completes. Changing a secret waits until then.

With ``$BRAINHUB_MASTER_KEY`` there is no file to switch: the next key comes from
``$BRAINHUB_NEW_MASTER_KEY``; step 2 runs the same way (rerunnable), and the user then moves
the new key into ``$BRAINHUB_MASTER_KEY``.

Only the stores of this project are rewritten: projects sharing one key file should each
have their own (``$BRAINHUB_MASTER_KEY_FILE``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from brainhub.private_files import fsync_folder, locked
from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.keys import (
    NEW_KEY_ENV,
    Keyring,
    MasterKey,
    new_key,
    pending_key_file,
    read_key_file,
    write_key_file,
)
from brainhub.secrets.store import (
    STORE_SUFFIX,
    SecretStore,
    decrypt,
    stored_key_id,
    stores_dir,
)


@dataclass(frozen=True)
class Rotation:
    """What a rotation did: the key ids, and the environments whose stores it rewrote."""

    old_key_id: str
    new_key_id: str
    rewritten: tuple[str, ...]
    already_done: tuple[str, ...]
    key_file: Path | None


def store_environments(project_root: Path) -> list[str]:
    """The environments that have a store in this project."""
    folder = stores_dir(project_root)
    return sorted(p.name.removesuffix(STORE_SUFFIX) for p in folder.glob(f"*{STORE_SUFFIX}"))


def _next_key(keyring: Keyring) -> MasterKey:
    if keyring.key_file is None:
        if not keyring.others:
            raise SecretStoreError(
                f"the master key comes from $BRAINHUB_MASTER_KEY: put the new key in "
                f"${NEW_KEY_ENV} (brainhub secrets generate-key makes one) and run "
                "rotate-key again"
            )
        return keyring.others[0]
    pending = pending_key_file(keyring.key_file)
    if pending.exists():  # an interrupted rotation: finish it with the same key
        return read_key_file(pending)
    key = new_key(str(pending))
    write_key_file(pending, key)
    return key


def rotate_key(project_root: Path, keyring: Keyring) -> Rotation:
    """Re-encrypt every store of ``project_root`` under a new key, then switch to it."""
    lock = stores_dir(project_root) / ".rotation.lock"
    with locked(lock):
        old = keyring.current
        new = _next_key(keyring)
        ring = Keyring(old, (*[k for k in keyring.others if k != new], new), keyring.key_file)
        rewritten, done = [], []
        for environment in store_environments(project_root):
            store = SecretStore(project_root, environment, ring)
            with locked(store.path.with_name(f".{store.path.name}.lock")):
                blob = store.path.read_bytes()
                if stored_key_id(blob, store.path) == new.key_id:
                    done.append(environment)
                    continue
                secrets = decrypt(blob, ring, store.path, environment)
                store.write(secrets, new)
                rewritten.append(environment)
        if keyring.key_file is not None:
            os.replace(pending_key_file(keyring.key_file), keyring.key_file)
            fsync_folder(keyring.key_file.parent)
    return Rotation(old.key_id, new.key_id, tuple(rewritten), tuple(done), keyring.key_file)
