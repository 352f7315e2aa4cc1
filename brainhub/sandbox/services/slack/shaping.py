"""Shaped Slack answers: ids of the documented patterns, times in epoch seconds.

Slack's document gives its ids patterns (``^[UW][A-Z0-9]{2,}$`` for a user,
``^\\d{10}\\.\\d{6}$`` for a message ``ts``…), kept in the derived surface as ``p``.
:class:`SlackShaper` fills such a field with the workspace's own object of that kind when
the request's context names one (the channel asked about, the token's bot user, the team),
else with a made-up id of the right shape; and it writes times as Slack does, in seconds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from brainhub.sandbox.kit.shapes import Shape, Shaper

_ID_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
#: Epoch milliseconds above this are shaped dates to write in seconds.
_MS_THRESHOLD = 10**11


def _made_up(prefix: str) -> Callable[[Mapping[str, Any], int], str]:
    def value(context: Mapping[str, Any], number: int) -> str:
        digits = []
        for _ in range(10):
            number, index = divmod(number, len(_ID_CHARS))
            digits.append(_ID_CHARS[index])
        return prefix + "".join(digits)

    return value


def _known(key: str, prefix: str) -> Callable[[Mapping[str, Any], int], str]:
    fallback = _made_up(prefix)

    def value(context: Mapping[str, Any], number: int) -> str:
        known = context.get(key)
        return known if isinstance(known, str) and known else fallback(context, number)

    return value


def _ts(context: Mapping[str, Any], number: int) -> str:
    return f"{int(context['base_ts']) - number % (90 * 86_400)}.{number % 1_000_000:06d}"


#: A value of each documented pattern: the context's object of that kind when it has one.
PATTERN_VALUES: dict[str, Callable[[Mapping[str, Any], int], str]] = {
    r"^[UW][A-Z0-9]{2,}$": _known("user_id", "U"),
    r"^[WU][A-Z0-9]{8,}$": _known("user_id", "U"),
    r"^[UW][A-Z0-9]{8,}$|^$": _known("user_id", "U"),
    r"^[CGD][A-Z0-9]{8,}$": _known("channel_id", "C"),
    r"^[C][A-Z0-9]{2,}$": _known("channel_id", "C"),
    r"^[T][A-Z0-9]{2,}$": _known("team_id", "T"),
    r"^[TE][A-Z0-9]{8,}$": _known("team_id", "T"),
    r"^B[A-Z0-9]{8,}$": _known("bot_id", "B"),
    r"^A[A-Z0-9]{1,}$": _known("app_id", "A"),
    r"^(A[A-Z0-9]{1,})?$": _known("app_id", "A"),
    r"^S[A-Z0-9]{2,}$": _known("usergroup_id", "S"),
    r"^[F][A-Z0-9]{8,}$": _known("file_id", "F"),
    r"^Fc[A-Z0-9]{8,}$": _made_up("Fc"),
    r"^Rm[A-Z0-9]{8,}$": _made_up("Rm"),
    r"^[D][A-Z0-9]{8,}$": _made_up("D"),
    r"^[G][A-Z0-9]{8,}$": _made_up("G"),
    r"^[E][A-Z0-9]{8,}$": _made_up("E"),
    r"^[Q][A-Z0-9]{8,}$": _made_up("Q"),
    r"^X[a-zA-Z0-9]{9,}$": _made_up("X"),
    r"^\d{10}\.\d{6}$": _ts,
    r"^\d{10}$": lambda context, number: str(int(context["base_ts"]) - number % 86_400),
    r"^[a-fA-F0-9]{6}$": lambda context, number: f"{number % 0xFFFFFF:06x}",
    r"^([a-fA-F0-9]{6})?$": lambda context, number: f"{number % 0xFFFFFF:06x}",
    r"^[0-9a-f]{12}$": lambda context, number: f"{number % 16**12:012x}",
}


#: Values of Slack's string fields by name where a made-up text would be implausible.
NAMED_VALUES: dict[str, str] = {
    "mimetype": "image/png",
    "filetype": "png",
    "pretty_type": "PNG",
    "mode": "hosted",
    "external_type": "",
    "external_id": "",
    "preview": "",
    "thumb_tiny": "",
    "subtype": "",
    "locale": "en-US",
    "domain": "acme-chat",
    "email_domain": "acme.test",
    "discoverable": "closed",
    "pay_prod_cur": "USD",
    "two_factor_type": "app",
    "presence": "active",
    "enterprise_name": "",
}


class SlackShaper(Shaper):
    """A :class:`~brainhub.sandbox.kit.shapes.Shaper` that honours Slack's id patterns
    and writes times in epoch seconds; ``base_ts`` is the dataset's "now"."""

    def __init__(self, base_ts: int, host: str) -> None:
        super().__init__(base_ts * 1000, host)
        self.base_ts = base_ts

    def _scalar(
        self, shape: Shape, name: str, parent: str, context: Mapping[str, Any], path: str
    ) -> Any:
        pattern = shape.get("p")
        if pattern and shape.get("t", "string") == "string" and not shape.get("e"):
            known = context.get(name)
            if isinstance(known, str) and re.search(pattern, known):
                return known
            make = PATTERN_VALUES.get(pattern)
            if make is not None:
                return make({**context, "base_ts": self.base_ts}, _digest(path))
        plain = shape.get("t", "string") == "string" and not shape.get("e")
        if plain and name in NAMED_VALUES and name not in context:
            return NAMED_VALUES[name]
        value = super()._scalar(shape, name, parent, context, path)
        if isinstance(value, int) and not isinstance(value, bool) and value > _MS_THRESHOLD:
            return value // 1000  # Slack's times are epoch seconds
        if isinstance(value, str) and value.isdigit() and int(value) > _MS_THRESHOLD:
            return str(int(value) // 1000)
        return value


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
