"""The master key that encrypts the secret stores, and where it comes from.

The key is 32 random bytes, written as 44 characters of base64url. It comes from, in order:

1. ``$BRAINHUB_MASTER_KEY`` (the key itself: for containers and CI, where a secret manager
   fills the environment);
2. the key file ``$BRAINHUB_MASTER_KEY_FILE``, else ``$XDG_CONFIG_HOME/brainhub/master.key``
   (``~/.config/brainhub/master.key``). Storing the first secret creates it (mode 0600 in a
   0700 folder). A key file readable by group or others is refused, and so is one inside the
   project's ``data/`` folder: the key never lies beside the stores it opens.

A key rotation in progress leaves the next key in ``<key file>.new`` until every store is
re-encrypted (see :mod:`brainhub.secrets.rotation`); until then both keys open stores, each
store naming the key it was written under by its key id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from brainhub.private_files import write_atomically
from brainhub.secrets.errors import SecretStoreError

KEY_ENV = "BRAINHUB_MASTER_KEY"
KEY_FILE_ENV = "BRAINHUB_MASTER_KEY_FILE"
#: With ``$BRAINHUB_MASTER_KEY``, ``rotate-key`` reads the next key from here.
NEW_KEY_ENV = "BRAINHUB_NEW_MASTER_KEY"
KEY_BYTES = 32
PENDING_SUFFIX = ".new"


@dataclass(frozen=True)
class MasterKey:
    """A master key and where it came from (the key's bytes never appear in its repr)."""

    material: bytes = field(repr=False)
    source: str

    @property
    def key_id(self) -> str:
        """A public name of the key (stores record it); reveals nothing of the key."""
        return hashlib.sha256(b"brainhub master key id\0" + self.material).hexdigest()[:16]

    def encoded(self) -> str:
        """The key as written in key files and ``$BRAINHUB_MASTER_KEY``."""
        return base64.urlsafe_b64encode(self.material).decode("ascii")


@dataclass(frozen=True)
class Keyring:
    """The key new stores are written under, plus the keys that may still open older ones."""

    current: MasterKey
    others: tuple[MasterKey, ...] = ()
    #: The key file, when the key comes from one (not from ``$BRAINHUB_MASTER_KEY``).
    key_file: Path | None = None

    def by_id(self, key_id: str) -> MasterKey | None:
        """The key named ``key_id``, if this keyring has it."""
        return next((k for k in (self.current, *self.others) if k.key_id == key_id), None)

    @property
    def rotation_pending(self) -> bool:
        """Whether an interrupted rotation left a next key waiting."""
        return self.key_file is not None and pending_key_file(self.key_file).exists()


def new_key(source: str = "new key") -> MasterKey:
    """A fresh random master key."""
    return MasterKey(os.urandom(KEY_BYTES), source)


def parse_key(text: str, source: str) -> MasterKey:
    """A key from its base64url text; the error says what a key looks like."""
    stripped = text.strip()
    try:
        material = base64.urlsafe_b64decode(stripped.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        material = b""
    if len(material) != KEY_BYTES or stripped != base64.urlsafe_b64encode(material).decode():
        raise SecretStoreError(
            f"{source}: not a master key; expected {KEY_BYTES} random bytes in base64url "
            f"(44 characters, as `brainhub secrets generate-key` prints)"
        )
    return MasterKey(material, source)


def default_key_file() -> Path:
    """``$BRAINHUB_MASTER_KEY_FILE``, else ``<config dir>/brainhub/master.key``."""
    configured = os.environ.get(KEY_FILE_ENV)
    if configured:
        return Path(configured).expanduser()
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "brainhub" / "master.key"


def pending_key_file(key_file: Path) -> Path:
    """Where a rotation keeps the next key until every store is re-encrypted."""
    return key_file.with_name(key_file.name + PENDING_SUFFIX)


def read_key_file(path: Path) -> MasterKey:
    """The key in ``path``, refused unless only its owner can read it."""
    try:
        info = path.stat()
        text = path.read_text(encoding="ascii")
    except OSError as exc:
        raise SecretStoreError(f"{path}: cannot read the master key: {exc.strerror}") from None
    except UnicodeDecodeError:
        text = ""
    if not stat.S_ISREG(info.st_mode):
        raise SecretStoreError(f"{path}: the master key must be a regular file")
    if info.st_mode & 0o077:
        raise SecretStoreError(
            f"{path}: permissions {stat.S_IMODE(info.st_mode):04o} let other users read the "
            f"master key; only its owner may (chmod 600 {path})"
        )
    return parse_key(text, str(path))


def write_key_file(path: Path, key: MasterKey) -> None:
    """Write ``key`` to ``path`` (0600, its folder 0700), atomically."""
    write_atomically(path, key.encoded().encode("ascii") + b"\n", mode=0o600, dir_mode=0o700)


def check_key_location(key_file: Path, data_dir: Path) -> None:
    """Refuse a key file inside the project's data folder, beside the stores it opens."""
    key = key_file.resolve()
    if key.is_relative_to(data_dir.resolve()):
        raise SecretStoreError(
            f"{key_file}: the master key must not live inside the project's data folder "
            f"({data_dir}), beside the stores it opens; keep it in your config folder "
            f"(the default, {KEY_FILE_ENV} unset) or set {KEY_ENV}"
        )


def load_keyring(data_dir: Path, *, create: bool = False) -> Keyring:
    """The master key(s) for the stores under ``data_dir``.

    With ``create``, a missing key file is created with a new key (storing a first secret);
    otherwise its absence is an error that says how to provide a key.
    """
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        current = parse_key(from_env, f"${KEY_ENV}")
        next_env = os.environ.get(NEW_KEY_ENV)
        others = (parse_key(next_env, f"${NEW_KEY_ENV}"),) if next_env else ()
        return Keyring(current, others)
    key_file = default_key_file()
    check_key_location(key_file, data_dir)
    if not key_file.exists():
        if not create:
            raise SecretStoreError(
                f"no master key: {key_file} does not exist and {KEY_ENV} is not set; "
                f"storing a first secret (brainhub secrets set NAME) creates the key file"
            )
        write_key_file(key_file, new_key(str(key_file)))
    current = read_key_file(key_file)
    pending = pending_key_file(key_file)
    others = (read_key_file(pending),) if pending.exists() else ()
    return Keyring(current, others, key_file)
