"""The three roles, each allowed everything the one below it is."""

from __future__ import annotations

from enum import IntEnum

from brainhub.errors import BrainhubError


class Role(IntEnum):
    """A role; a higher one may do everything a lower one may."""

    VIEWER = 1  #: reads status, runs and pages
    OPERATOR = 2  #: also starts, pauses and resumes runs, resolves sync conflicts
    ADMIN = 3  #: also manages secrets, configuration, users and tokens

    @property
    def label(self) -> str:
        """The role as users write it: ``viewer``, ``operator``, ``admin``."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        """The role named ``text``; the error lists the valid names."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            valid = ", ".join(role.label for role in cls)
            raise BrainhubError(f"unknown role {text!r}; valid roles are {valid}") from None
