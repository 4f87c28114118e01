"""Block names (contract §1): the 200-character bound, qualifiers for blocks sharing a name, what a name is made of."""

from __future__ import annotations

import re
from collections import defaultdict

MAX_NAME = 200
# A cfg qualifier longer than this would crowd out the name itself: the group is told apart by position instead.
MAX_CFG_QUALIFIER = 100
ELLIPSIS = "…"
QUALIFIER = re.compile(r" \[(?:\d+|cfg\(.*\))\]$")
POSITION = re.compile(r" \[\d+\]$")
# The item's own identifier at the end of a path (`Type::name`, `<T as Trait>::name`, `module::Item`).
OWN_IDENTIFIER = re.compile(r"(?:^|::)((?:r#)?[A-Za-z_][A-Za-z0-9_]*)$")
IDENTIFIER_KINDS = frozenset({"fn", "struct", "enum", "union", "trait", "type", "const", "static"})


def label(kind: str, name: str) -> str:
    """A block as a person names it: "fn CachedTeam::forget", "use" (the `use` block), "file config.toml", and an impl
    by its name alone, which starts with its kind ("impl TeamKey", never "impl impl TeamKey")."""
    return name if kind == name or name.startswith(f"{kind} ") else f"{kind} {name}"


def bounded(name: str, limit: int = MAX_NAME) -> str:
    """``name`` cut to ``limit`` characters, ending in an ellipsis where it was cut."""
    return name if len(name) <= limit else name[: limit - 1] + ELLIPSIS


def qualified(entries: list[tuple[str, str, list[str]]]) -> list[str]:
    """Unique names for (kind, name, cfg predicates as written) in file order: where several share a kind and a
    name, each gets its cfg (`name [cfg(unix)]`) where those tell all of them apart, else its 1-based position
    (`name [2]`). Every name is at most 200 characters."""
    names = [bounded(name) for _, name, _ in entries]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, (kind, _, _) in enumerate(entries):
        groups[(kind, names[index])].append(index)
    for members in groups.values():
        if len(members) == 1:
            continue
        cfgs = [", ".join(entries[index][2]) for index in members]
        by_cfg = all(cfgs) and len(set(cfgs)) == len(cfgs) and max(map(len, cfgs)) <= MAX_CFG_QUALIFIER
        for position, index in enumerate(members, start=1):
            qualifier = f"[{cfgs[position - 1]}]" if by_cfg else f"[{position}]"
            names[index] = f"{bounded(names[index], MAX_NAME - len(qualifier) - 1)} {qualifier}"
    return names


def base_name(name: str) -> str:
    """The name without its qualifier."""
    return QUALIFIER.sub("", name)


def is_positional(name: str) -> bool:
    """True where only a position tells this block from others of its name: the qualifier says nothing of identity."""
    return POSITION.search(name) is not None


def own_name(kind: str, name: str) -> str:
    """What the item itself is called, without the path its impl or module gives it: `recv` of `Receiver::recv`."""
    base = base_name(name)
    if kind in IDENTIFIER_KINDS:
        found = OWN_IDENTIFIER.search(base)
        if found:
            return found.group(1)
    return base
