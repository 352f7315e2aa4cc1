"""The private project of the access tests (tokens and the audit log live in it)."""

from tests.support.secret_project import project

__all__ = ["project"]
