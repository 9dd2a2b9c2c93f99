"""Repair conversations: the request, a broken program, the REAL diagnostics the agent would
send back (agent.prompts.repair_message fed with a real compile and real spec checks), and
the fixed program.

Breakages are the mistakes a small model makes: a misspelt module, a lost semicolon, an
undefined variable, an unbalanced brace, a hole that stops inside the part, a wrong number.
A breakage that OpenSCAD and the spec cannot see is useless for training, so each broken
program is compiled and kept only if something real complains.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from random import Random
from typing import Any

from finetune.synth.family import Family
from finetune.synth.records import assistant, record, user
from finetune.synth.verify import compile_and_check

Breaker = Callable[[str, Random, dict], str | None]

MODULE_TYPOS: dict[str, tuple[str, ...]] = {
    "cylinder": ("cilinder", "cylindr", "cylnder", "cyclinder", "cylender", "Cylinder"),
    "cube": ("cub", "cueb", "Cube", "box"),
    "translate": ("traslate", "translte", "tranlate", "move", "Translate"),
    "difference": ("diference", "differnce", "subtract", "differece"),
    "rotate": ("rotat", "roate", "rot"),
    "hull": ("hul", "Hull"),
    "union": ("unoin", "Union"),
    "sphere": ("sphear", "spere", "ball"),
    "linear_extrude": ("linear_extrud", "extrude", "linearextrude"),
    "rotate_extrude": ("rotate_extrud", "revolve"),
    "polygon": ("polygone", "poly"),
    "circle": ("circel", "circ"),
}
VARIABLE_TYPOS = ("_dia", "_size", "2", "_mm")


def _lines_with(program: str, pattern: str) -> list[int]:
    return [i for i, line in enumerate(program.splitlines()) if re.search(pattern, line)]


def _replace_line(program: str, index: int, new: str) -> str:
    lines = program.splitlines()
    lines[index] = new
    return "\n".join(lines) + "\n"


def typo_module(program: str, rng: Random, spec: dict) -> str | None:
    found = [m for m in MODULE_TYPOS if re.search(rf"\b{m}\s*\(", program)]
    if not found:
        return None
    module = rng.choice(found)
    spots = _lines_with(program, rf"\b{module}\s*\(")
    i = rng.choice(spots)
    line = program.splitlines()[i]
    return _replace_line(program, i, re.sub(rf"\b{module}\b", rng.choice(MODULE_TYPOS[module]),
                                            line, count=1))


def missing_semicolon(program: str, rng: Random, spec: dict) -> str | None:
    lines = program.splitlines()
    # a statement that ends a line and is followed by more code
    spots = [i for i, line in enumerate(lines[:-1])
             if re.search(r";\s*(//.*)?$", line) and not line.lstrip().startswith("//")
             and any(x.strip() and not x.strip().startswith("//") for x in lines[i + 1:])]
    if not spots:
        return None
    i = rng.choice(spots)
    return _replace_line(program, i, re.sub(r";(\s*(//.*)?)$", r"\1", lines[i], count=1))


def undefined_variable(program: str, rng: Random, spec: dict) -> str | None:
    header, _, body = program.partition("\n\n")
    names = [m.group(1) for m in re.finditer(r"^([a-z_][a-z0-9_]*) = ", header, re.M)]
    used = [n for n in names if re.search(rf"\b{n}\b", body)]
    if not used:
        return None
    name = rng.choice(used)
    wrong = name + rng.choice(VARIABLE_TYPOS)
    if rng.random() < 0.3 and "_" in name:
        wrong = name.replace("_", "")
    spots = [m.start() for m in re.finditer(rf"\b{name}\b", body)]
    at = rng.choice(spots)
    body = body[:at] + wrong + body[at + len(name):]
    return f"{header}\n\n{body}"


def unbalanced_brace(program: str, rng: Random, spec: dict) -> str | None:
    if "}" not in program:
        return None
    if rng.random() < 0.6:
        at = program.rfind("}")
        return program[:at] + program[at + 1:]
    at = program.find("{")
    if at < 0:
        return None
    return program[:at + 1] + " {" + program[at + 1:]


def missing_bracket(program: str, rng: Random, spec: dict) -> str | None:
    spots = [m.start() for m in re.finditer(r"\]\)", program)]
    if not spots:
        return None
    at = rng.choice(spots)
    return program[:at] + program[at + 1:]


def short_hole(program: str, rng: Random, spec: dict) -> str | None:
    """A through-hole that stops inside the part: the classic 'forgot the +2' mistake."""
    spots = [m for m in re.finditer(r"h = ([a-z_]+) \+ 2\)", program)]
    if not spots or not spec.get("genus"):
        return None
    m = rng.choice(spots)
    name = m.group(1)
    wrong = rng.choice([f"h = {name} / 2)", f"h = {name} - 2)", f"h = {name} / 3)"])
    return program[:m.start()] + wrong + program[m.end():]


def wrong_dimension(program: str, rng: Random, spec: dict) -> str | None:
    """A parameter with the wrong value (a slipped digit or a unit mix-up)."""
    if "size" not in spec and "size_xyz" not in spec:
        return None
    header, _, body = program.partition("\n\n")
    lines = header.splitlines()
    spots = [i for i, line in enumerate(lines)
             if re.match(r"(length|width|height|thickness|diameter|outer_d) = [0-9.]+;", line)]
    if not spots:
        return None
    i = rng.choice(spots)
    name, value = re.match(r"(\w+) = ([0-9.]+);", lines[i]).groups()  # type: ignore[union-attr]
    v = float(value)
    new = rng.choice([v * 10, v / 10, v * 2, v + 25])
    lines[i] = lines[i].replace(f"= {value};", f"= {new:g};", 1)
    return "\n".join(lines) + "\n\n" + body


BREAKERS: dict[str, Breaker] = {
    "typo_module": typo_module,
    "missing_semicolon": missing_semicolon,
    "undefined_variable": undefined_variable,
    "unbalanced_brace": unbalanced_brace,
    "missing_bracket": missing_bracket,
    "short_hole": short_hole,
    "wrong_dimension": wrong_dimension,
}


def repair_record(family: Family, rng: Random, rec_id: str) -> dict[str, Any] | None:
    """A repair conversation, or None when no breakage produced a real complaint."""
    from agent.prompts import check_failures, repair_message

    part = family.part(rng)
    kinds = list(BREAKERS)
    rng.shuffle(kinds)
    with tempfile.TemporaryDirectory(prefix="synth-repair-") as tmp:
        for n, kind in enumerate(kinds):
            broken = BREAKERS[kind](part.program, rng, part.spec)
            if not broken or broken.strip() == part.program.strip():
                continue
            result, report, checked = compile_and_check(broken, part.spec, Path(tmp) / str(n))
            if checked is None:
                failures: list[str] = []
                if not result.diagnostics:
                    continue  # nothing the model could act on
            else:
                failures = check_failures(checked, report)
                if not failures:
                    continue  # the breakage did not change the part
            message = repair_message(broken, result, failures)
            messages = [user(part.prompt), assistant(broken), user(message),
                        assistant(part.program)]
            rec = record(rec_id, family.name, "repair", messages, part.spec)
            rec["breakage"] = kind
            return rec
    return None
