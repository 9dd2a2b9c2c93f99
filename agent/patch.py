"""Follow-up replies that change only numbers: parameter patches.

For "make it taller" a model may answer with only the assignments it changes,

    height = 40 * 1.5;

instead of the whole program again (a small model copying 20 lines to change one number
copies another one wrongly along the way). The patch is applied to the previous program in
place: the assignment's line keeps its comment and customizer range, every other line stays
as it was. Structural edits (new holes, a different kind of part) still come as whole
programs. The system prompt (agent/prompts.py) and the synthetic edit records
(finetune/synth/edits.py) teach this same format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.backends.base import Reply
from agent.extract import Extraction, extract_program
from tools.params import set_expressions, top_level_assignments

MAX_REPLY_CHARS = 100_000  # far above any program within reply_max_tokens: junk beyond

_FENCE = re.compile(r"^\s*```[\w+#.-]*\s*$", re.MULTILINE)
# a patch line: `name = expression;`, nothing else on it but an optional `//` comment
_PATCH_LINE = re.compile(r"^\s*(\$?[A-Za-z_]\w*)\s*=\s*([^;]+?)\s*;\s*(//.*)?$")


@dataclass(frozen=True)
class Patch:
    """The assignments a reply sets, in its order."""

    expressions: dict[str, str]

    def describe(self) -> str:
        return ", ".join(f"{name} = {expr}" for name, expr in self.expressions.items())

    def text(self) -> str:
        """The patch as a reply writes it: one `name = expr;` line per assignment."""
        return "\n".join(f"{name} = {expr};" for name, expr in self.expressions.items())


class PatchError(ValueError):
    """A patch that cannot be applied; the message is written for the model's repair turn."""


def read_patch(reply_program: str | None) -> Patch | None:
    """The patch a reply holds, or None when it is (or may be) a whole program: a patch is
    one or more assignment lines with nothing else but blank lines and `//` comments."""
    if not reply_program:
        return None
    expressions: dict[str, str] = {}
    for line in reply_program.splitlines():
        text = line.strip()
        if not text or text.startswith("//"):
            continue
        found = _PATCH_LINE.match(text)
        if found is None or '"' in found.group(2):
            return None
        expressions[found.group(1)] = found.group(2)
    return Patch(expressions) if expressions else None


def apply_patch(previous_program: str, patch: Patch) -> str:
    """The previous program with the patch's assignments rewritten in place, or PatchError
    naming what the program can be patched with."""
    known = [a.name for a in top_level_assignments(previous_program) if not a.name.startswith("$")]
    try:
        return set_expressions(previous_program, patch.expressions)
    except KeyError as exc:
        shown = ", ".join(dict.fromkeys(known)) or "none"
        raise PatchError(
            f"the patch sets {exc.args[0]}, which the previous program does not assign at its "
            f"top level (it assigns: {shown}). Reply with only changed assignments of those "
            "names, or with the whole program.") from None


def program_of_reply(previous_program: str | None, reply_program: str | None
                     ) -> tuple[str | None, Patch | None]:
    """What a follow-up reply means as a program: a patch applied to the previous program
    (returned with the patch), or the reply itself. Raises PatchError."""
    patch = read_patch(reply_program) if previous_program else None
    if patch is None or previous_program is None:
        return reply_program, None
    return apply_patch(previous_program, patch), patch


def program_from_reply(reply: Reply, previous_program: str | None) -> Extraction:
    """THE step from a model reply to a program. A grammar-constrained reply is the program
    itself (or the program in one fence); anything else goes through extraction. In a
    follow-up, a reply of only assignments is a patch on the previous program; one that
    cannot apply is no program, and its reason goes back to the model in the repair."""
    if len(reply.text) > MAX_REPLY_CHARS:
        return Extraction(None, f"no program: the reply is over {MAX_REPLY_CHARS} characters")
    if reply.constrained and "```" not in reply.text:
        program = reply.text.strip()
        found = Extraction(program, "constrained") if program else Extraction(
            None, "no program: empty reply")
    else:
        found = extract_program(reply.text)
    if found.program is None and previous_program:
        # "height = 60;" alone has no geometry, so extraction calls it prose
        bare = _FENCE.sub("", reply.text).strip() or None
        if read_patch(bare) is None:
            return found
        found = Extraction(bare, found.reason)
    try:
        program, patch = program_of_reply(previous_program, found.program)
    except PatchError as exc:
        return Extraction(None, f"no program: {exc}")
    if patch is None:
        return found
    return Extraction(program, f"patch: {patch.describe()}", found.truncated, patch.text())
