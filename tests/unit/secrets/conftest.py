"""The private project every secret store test runs in."""

from tests.support.secret_project import project

__all__ = ["project"]
