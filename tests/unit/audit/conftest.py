"""The private project of the secret store's tests, for the changes the audit log records."""

from tests.support.secret_project import project

__all__ = ["project"]
