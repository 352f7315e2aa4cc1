"""The seeded project of the monitoring page's tests."""

from tests.support.ui_project import ui_project

__all__ = ["ui_project"]
