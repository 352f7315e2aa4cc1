"""Strings made to match the simple regular expressions vendor documents give their ids.

:func:`patterned` reads a pattern of the forms documents use — literals, escapes (``\\d``,
``\\w``, ``\\.``), character classes with ranges (``[A-Z0-9]``, ``[^,]``), groups with
alternatives (``(0|[1-9][0-9]*)``), anchors and the quantifiers ``? * + {n} {n,} {n,m}`` —
and writes one string it matches, chosen by ``number`` so that different fields differ.
Anything else (look-arounds, back-references) raises :class:`ValueError`.
"""

from __future__ import annotations

import string

_ESCAPES = {
    "d": string.digits,
    "w": string.ascii_letters + string.digits + "_",
    "s": " ",
    "D": "x",
    "W": "-",
    "S": "x",
}
_PRINTABLE = string.ascii_letters + string.digits + "-_."


def patterned(pattern: str, number: int) -> str:
    """One string that ``pattern`` matches (whole), its choices taken from ``number``."""
    reader = _Reader(pattern, number)
    made = reader.alternatives()
    if reader.at < len(pattern):
        raise ValueError(f"unbalanced ')' at {reader.at} in {pattern!r}")
    return made


class _Reader:
    def __init__(self, pattern: str, number: int) -> None:
        self.pattern = pattern
        self.at = 0
        self.number = number

    def _choose(self, options: str) -> str:
        choice = options[self.number % len(options)]
        self.number = self.number // len(options) + 7  # the next choice differs
        return choice

    def _peek(self) -> str:
        return self.pattern[self.at] if self.at < len(self.pattern) else ""

    def alternatives(self) -> str:
        options = [self.sequence()]
        while self._peek() == "|":
            self.at += 1
            options.append(self.sequence())
        chosen = [o for o in options if o] or options
        return chosen[self.number % len(chosen)]

    def sequence(self) -> str:
        out = []
        while self._peek() not in ("", "|", ")"):
            start = self.at
            atom = self.atom()
            low, high = self.quantifier()
            if atom is None:  # an anchor
                continue
            count = low if high == low else max(low, 1)
            pieces = [atom]
            for _ in range(count - 1):  # each repetition read afresh: new choices
                self.at = start
                pieces.append(self.atom() or "")
                self.quantifier()
            out.append("".join(pieces[:count]))
        return "".join(out)

    def atom(self) -> str | None:
        char = self.pattern[self.at]
        self.at += 1
        if char in "^$":
            return None
        if char == "(":
            if self.pattern.startswith("?:", self.at):
                self.at += 2
            elif self._peek() == "?":
                raise ValueError(f"unsupported group at {self.at} in {self.pattern!r}")
            inner = self.alternatives()
            if self._peek() != ")":
                raise ValueError(f"unclosed group in {self.pattern!r}")
            self.at += 1
            return inner
        if char == "[":
            return self._choose(self.character_class())
        if char == "\\":
            escaped = self.pattern[self.at]
            self.at += 1
            if escaped.isdigit() or escaped in "bB":
                raise ValueError(f"unsupported escape \\{escaped} in {self.pattern!r}")
            return self._choose(_ESCAPES.get(escaped, escaped))
        if char == ".":
            return self._choose(string.ascii_lowercase)
        return char

    def character_class(self) -> str:
        negated = self._peek() == "^"
        self.at += negated
        members: list[str] = []
        first = True
        while self._peek() and (self._peek() != "]" or first):
            first = False
            char = self.pattern[self.at]
            self.at += 1
            if char == "\\":
                char = self.pattern[self.at]
                self.at += 1
                if char in _ESCAPES:
                    members.extend(_ESCAPES[char])
                    continue
            if self._peek() == "-" and self.pattern[self.at + 1 : self.at + 2] not in ("", "]"):
                end = self.pattern[self.at + 1]
                self.at += 2
                members.extend(chr(c) for c in range(ord(char), ord(end) + 1))
            else:
                members.append(char)
        if self._peek() != "]":
            raise ValueError(f"unclosed character class in {self.pattern!r}")
        self.at += 1
        if negated:
            members = [c for c in _PRINTABLE if c not in members]
        if not members:
            raise ValueError(f"empty character class in {self.pattern!r}")
        return "".join(members)

    def quantifier(self) -> tuple[int, int]:
        char = self._peek()
        bounds = {"?": (0, 1), "*": (0, 8), "+": (1, 8)}
        if char in bounds:
            self.at += 1
            low, high = bounds[char]
        elif char == "{" and "}" in self.pattern[self.at :]:
            end = self.pattern.index("}", self.at)
            text = self.pattern[self.at + 1 : end]
            low_text, _, high_text = text.partition(",")
            if not low_text.isdigit() or (high_text and not high_text.isdigit()):
                return 1, 1  # a literal brace
            self.at = end + 1
            low = int(low_text)
            high = int(high_text) if high_text else (low if "," not in text else low + 8)
        else:
            return 1, 1
        if self._peek() == "?":  # lazy: the same strings
            self.at += 1
        return low, high
