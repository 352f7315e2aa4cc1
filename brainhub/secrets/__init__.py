"""The credential store: secrets encrypted at rest, one store per environment, injected at run time.

- :mod:`~brainhub.secrets.store` — the encrypted file of one environment (:class:`SecretStore`);
- :mod:`~brainhub.secrets.keys` — the master key: ``$BRAINHUB_MASTER_KEY`` or a 0600 key file
  outside the project;
- :mod:`~brainhub.secrets.rotation` — re-encryption under a new key that survives a crash;
- :mod:`~brainhub.secrets.names` — which environment variables hold secret settings;
- :mod:`~brainhub.secrets.envfile` — importing them from a ``.env`` file;
- :mod:`~brainhub.secrets.injection` — ``meltano run`` with the secrets in its environment.
"""

from brainhub.secrets.errors import SecretStoreError
from brainhub.secrets.keys import Keyring, MasterKey, load_keyring
from brainhub.secrets.store import Secret, SecretStore

__all__ = ["Keyring", "MasterKey", "Secret", "SecretStore", "SecretStoreError", "load_keyring"]
