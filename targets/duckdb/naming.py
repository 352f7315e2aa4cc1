"""Table and column names: sanitised for DuckDB, collisions resolved deterministically.

DuckDB identifiers are case-insensitive, so two properties that differ only in case (or only
in characters that sanitising replaces) would land in one column. Names are resolved so that
a property whose name needs no change keeps it; the others, in lexicographic order of their
original names, take the first free name among ``base``, ``base_2``, ``base_3``…
:mod:`targets.duckdb.streams` records each choice so that it holds in later runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_INVALID = re.compile(r"[^0-9A-Za-z_]")


def sanitize(name: str) -> str:
    """Return ``name`` with every character outside ``[0-9A-Za-z_]`` replaced by ``_``.

    A leading digit gets a ``_`` prefix, and an empty name becomes ``_``.
    """
    clean = _INVALID.sub("_", name)
    if not clean or clean[0].isdigit():
        clean = f"_{clean}"
    return clean


def resolve_names(
    originals: Iterable[str], reserved: Iterable[str] = (), adoptable: Iterable[str] = ()
) -> dict[str, str]:
    """Map each original name to a unique sanitised name.

    ``reserved`` names (compared case-insensitively) are never handed out, e.g. the
    ``_sdc_*`` metadata columns or names already recorded for others. ``adoptable`` names
    (existing tables or columns no name is recorded for) are handed out only to a name
    that sanitises to exactly them. The result does not depend on the order of
    ``originals``.
    """
    taken = {r.lower() for r in reserved}
    exact = set(adoptable)
    foreign = {a.lower() for a in exact}
    result: dict[str, str] = {}
    names = sorted(set(originals))
    unchanged = [n for n in names if sanitize(n) == n]
    changed = [n for n in names if sanitize(n) != n]
    for original in unchanged + changed:
        base = sanitize(original)
        candidate, suffix = base, 1
        while candidate.lower() in taken or (
            candidate.lower() in foreign and candidate not in exact
        ):
            suffix += 1
            candidate = f"{base}_{suffix}"
        taken.add(candidate.lower())
        result[original] = candidate
    return result
