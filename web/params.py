"""The knobs at the top of a program, read the way OpenSCAD's customizer reads them.

    width = 60;        // [20:120]        slider from 20 to 120, step 1
    hole_d = 5;        // [2:0.5:8]       slider with step 0.5
    holes = 4;         // [2, 4, 6]       dropdown (numbers or strings; `value:label` too)
    style = "round";   // [round, square] dropdown of strings
    chamfer = true;                       checkbox
    thickness = 5;                        number field (no spec)
    label = "A";                          text field
    /* [Hidden] */                        what follows is not shown

Only top-level `name = literal;` assignments before the first module or function count.
Values coming back from the browser are client data: `coerce` checks them against the spec
(range, choices, type) before they reach tools.openscad, which validates them again as
OpenSCAD literals for `-D`. (scrape.text has a customizer reader for corpus statistics; the
faces may not import scrape, and this one also needs typed values and line positions.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tools.openscad import validate_param

Kind = Literal["slider", "dropdown", "number", "checkbox", "text"]
Value = int | float | bool | str
MAX_TEXT = 200  # characters of a text parameter
MAX_PARAMS = 40  # beyond this a program is data, not knobs

_ASSIGN = re.compile(r"^(\s*)([A-Za-z_]\w*)(\s*=\s*)(.+?)(\s*;)(\s*(?://(.*))?)$")
_GROUP = re.compile(r"^\s*/\*\s*\[\s*([^\]]*?)\s*\]\s*\*/\s*$")
_DEFINITION = re.compile(r"^\s*(module|function)\b")
_NUMBER = r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\[\s*({_NUMBER})\s*(?::\s*({_NUMBER})\s*)?(?::\s*({_NUMBER})\s*)?\]$")
_CHOICES = re.compile(r"^\[(.+)\]$")


class ParamError(ValueError):
    """A value from the browser that the parameter's spec does not allow."""


@dataclass(frozen=True)
class Param:
    name: str
    value: Value
    kind: Kind
    line: int  # 0-based line of the assignment
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[tuple[str, Value], ...] = field(default_factory=tuple)  # (label, value)
    description: str | None = None
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["choices"] = [list(c) for c in self.choices]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Param:
        values = dict(data)
        values["choices"] = tuple(tuple(c) for c in values.get("choices", ()))
        return cls(**values)


def _literal(raw: str) -> Value | None:
    raw = raw.strip()
    if re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if re.fullmatch(_NUMBER, raw):
        number = float(raw)
        return number if math.isfinite(number) else None
    if raw in ("true", "false"):
        return raw == "true"
    if re.fullmatch(r'"[^"\\]*"', raw):
        return raw[1:-1]
    return None  # expressions, vectors: not a knob


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and re.fullmatch(r"-?\d+", text.strip()) else value


def _choice(item: str, numeric: bool) -> tuple[str, Value]:
    value_text, _, label = item.partition(":")
    value_text = value_text.strip().strip('"')
    value: Value = _number(value_text) if numeric else value_text
    return (label.strip().strip('"') or value_text, value)


def _spec(name: str, value: Value, comment: str | None, line: int, description: str | None,
          group: str | None) -> Param:
    base = {"name": name, "value": value, "line": line, "description": description,
            "group": group}
    spec = (comment or "").strip()
    if isinstance(value, bool):
        return Param(kind="checkbox", **base)
    numeric = isinstance(value, int | float)
    ranged = _RANGE.match(spec)
    if numeric and ranged:
        a, b, c = ranged.groups()
        if b is None:  # [max]
            low, step, high = 0.0, 1.0, float(a)
        elif c is None:  # [min:max]
            low, step, high = float(a), 1.0, float(b)
        else:  # [min:step:max]
            low, step, high = float(a), float(b), float(c)
        if step > 0 and low <= high:
            return Param(kind="slider", minimum=min(low, float(value)),
                         maximum=max(high, float(value)), step=step, **base)
    listed = _CHOICES.match(spec) if not ranged else None
    if listed:
        items = [i for i in listed.group(1).split(",") if i.strip()]
        try:
            choices = tuple(_choice(i, numeric) for i in items)
        except ValueError:
            choices = ()
        if choices and value in [v for _, v in choices]:
            return Param(kind="dropdown", choices=choices, **base)
    return Param(kind="number" if numeric else "text", **base)


def parse_params(program: str | None) -> list[Param]:
    """The customizer parameters of `program`, in source order."""
    params: list[Param] = []
    if not program:
        return params
    group: str | None = None
    description: str | None = None
    depth = 0
    for index, line in enumerate(program.splitlines()):
        if depth == 0 and _DEFINITION.match(line):
            break
        grouped = _GROUP.match(line)
        if grouped:
            group, description = grouped.group(1), None
            continue
        stripped = line.strip()
        if depth == 0 and stripped.startswith("//"):
            # the comment right above an assignment describes it; the first line is a title
            description = (stripped.lstrip("/").strip() or None) if index else None
            continue
        match = _ASSIGN.match(line) if depth == 0 else None
        if match and (group or "").lower() != "hidden":
            value = _literal(match.group(4))
            if value is not None:
                params.append(_spec(match.group(2), value, match.group(7), index, description,
                                    group))
                if len(params) >= MAX_PARAMS:
                    break
        description = None
        depth += line.count("{") - line.count("}")
    return params


def coerce(param: Param, raw: object) -> Value:
    """The value the browser sent, checked against the parameter's spec."""
    if param.kind == "checkbox":
        if not isinstance(raw, bool):
            raise ParamError(f"{param.name} must be true or false")
        return raw
    if param.kind == "dropdown":
        for label, value in param.choices:
            if raw == value or raw == label or (isinstance(value, int | float)
                                                and _same_number(raw, value)):
                return value
        raise ParamError(f"{param.name} must be one of {[v for _, v in param.choices]}")
    if param.kind == "text":
        if not isinstance(raw, str) or len(raw) > MAX_TEXT:
            raise ParamError(f"{param.name} must be text of at most {MAX_TEXT} characters")
        return raw
    number = _as_number(param.name, raw)
    if param.kind == "slider":
        assert param.minimum is not None and param.maximum is not None
        if not param.minimum <= number <= param.maximum:
            raise ParamError(f"{param.name} must be between {param.minimum:g} and "
                             f"{param.maximum:g}")
    whole = isinstance(param.value, int) and (param.step is None or float(param.step)
                                              .is_integer())
    if whole:
        if not float(number).is_integer():
            raise ParamError(f"{param.name} must be a whole number")
        return int(number)
    return float(number)


def _as_number(name: str, raw: object) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ParamError(f"{name} must be a number")
    try:
        number = float(raw)
    except ValueError:
        raise ParamError(f"{name} must be a number") from None
    if not math.isfinite(number):
        raise ParamError(f"{name} must be a finite number")
    return number


def _same_number(raw: object, value: float) -> bool:
    try:
        return float(raw) == float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def coerce_all(params: list[Param], values: Mapping[str, object]) -> dict[str, Value]:
    known = {p.name: p for p in params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ParamError(f"unknown parameter(s) {unknown}")
    return {name: coerce(known[name], raw) for name, raw in values.items()}


def changed(params: list[Param], values: Mapping[str, Value]) -> dict[str, Value]:
    """Only the values that differ from the program's own."""
    defaults = {p.name: p.value for p in params}
    return {k: v for k, v in values.items() if k in defaults and v != defaults[k]}


def apply_values(program: str, params: list[Param], values: Mapping[str, Value]) -> str:
    """The program with new values written into its assignments (same lines, same
    comments), so the saved program says what the mesh shows. Literals come from
    tools.openscad.validate_param: data only, never code."""
    lines = program.splitlines(keepends=True)
    for param in params:
        if param.name not in values:
            continue
        literal = validate_param(param.name, values[param.name])
        line = lines[param.line]
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        match = _ASSIGN.match(body)
        if match is None or match.group(2) != param.name:
            raise ParamError(f"line {param.line + 1} is not the assignment of {param.name}")
        lines[param.line] = (match.group(1) + match.group(2) + match.group(3) + literal
                             + match.group(5) + match.group(6) + ending)
    return "".join(lines)
