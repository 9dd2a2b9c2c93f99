"""Parameter patches: the follow-up reply that changes only top-level values.

For "make it a bit longer" the assistant answers with the changed assignment lines alone,

    length = 40 * 1.25;

and the agent rewrites those lines of the previous program in place (agent/patch.py; the line
keeps its customizer range). A 5M-parameter model that copies one line instead of twenty has
nineteen fewer chances to copy a number wrongly. Edits that change anything but values (new
holes, a hollowed body, another kind of part) still answer with the whole program.

The writer below decides by construction: a patch is offered only when applying it to the
previous program gives the new program exactly, apart from the customizer ranges that the
patched lines keep.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tools.params import set_expressions, top_level_assignments

# one patch line: `name = expression;` (the format agent/patch.py reads)
PATCH_LINE = re.compile(r"^([A-Za-z_]\w*) = ([^;\n]+);$")
_RANGE = re.compile(r" // \[[^\]]*\]$", re.M)


def _without_ranges(program: str) -> str:
    return _RANGE.sub("", program)


def _expressions(program: str) -> dict[str, str]:
    return {a.name: a.expression for a in top_level_assignments(program)
            if not a.name.startswith("$")}


def make_patch(previous: str, new: str) -> tuple[str, str] | None:
    """(patch text, the previous program with the patch applied) when `new` differs from
    `previous` only in the values of top-level assignments; None when the edit is structural
    (or changes nothing)."""
    before, after = _expressions(previous), _expressions(new)
    if list(before) != list(after):
        return None
    changed = {name: expr for name, expr in after.items() if before[name] != expr}
    if not changed:
        return None
    patched = set_expressions(previous, changed)
    if _without_ranges(patched) != _without_ranges(new):
        return None  # a note or the body changed too
    return "\n".join(f"{name} = {expr};" for name, expr in changed.items()) + "\n", patched


def is_patch(reply: str) -> bool:
    """Does a reply consist of patch lines only?"""
    lines = [line for line in reply.splitlines() if line.strip()]
    return bool(lines) and all(PATCH_LINE.match(line) for line in lines)


def apply(previous: str, reply: str) -> str:
    """The program a reply stands for: a patch applied to `previous`, or the reply itself.
    KeyError names a patched variable the previous program lacks."""
    if not is_patch(reply):
        return reply
    found = (PATCH_LINE.match(line) for line in reply.splitlines() if line.strip())
    return set_expressions(previous, {m.group(1): m.group(2) for m in found if m})


def resolve(replies: Iterable[str]) -> list[str]:
    """The whole program after each assistant reply of a conversation."""
    programs: list[str] = []
    for reply in replies:
        programs.append(apply(programs[-1], reply) if programs else reply)
    return programs
