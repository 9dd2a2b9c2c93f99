"""The knobs at the top of a program as form fields, and the values the browser sends back.

tools.params reads the parameters the way OpenSCAD's customizer does; here each one becomes
a field:

    width = 60;        // [20:120]        slider from 20 to 120, step 1
    holes = 4;         // [2, 4, 6]       dropdown (when the value is one of the options)
    chamfer = true;                       checkbox
    thickness = 5;                        number field (no annotation)
    label = "A";                          text field
    size = [60, 40];                      not shown: a form has no vector field

Values coming back from the browser are client data: `coerce` checks them against the field
(range, choices, type) before they reach tools.openscad, which validates them again as
OpenSCAD literals for `-D`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tools.openscad import validate_param
from tools.params import Parameter, customizer_params

Kind = Literal["slider", "dropdown", "number", "checkbox", "text"]
Value = int | float | bool | str
MAX_TEXT = 200  # characters of a text parameter
MAX_PARAMS = 40  # beyond this a program is data, not knobs


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


def _param(found: Parameter) -> Param:
    # a comment on the file's first line titles the file; the form shows no title as a
    # description (OpenSCAD's customizer does)
    description = None if found.line == 1 else found.description
    base = {"name": found.name, "value": found.value, "line": found.line,
            "description": description, "group": found.group}
    if isinstance(found.value, bool):
        return Param(kind="checkbox", **base)
    numeric = isinstance(found.value, int | float)
    slider = found.slider
    if slider is not None:
        # a program whose value lies outside its own range still shows that value
        return Param(kind="slider", minimum=min(slider.minimum, float(found.value)),
                     maximum=max(slider.maximum, float(found.value)), step=slider.step,
                     **base)
    choices = found.options
    if choices and found.value in [v for _, v in choices]:
        return Param(kind="dropdown", choices=choices, **base)
    return Param(kind="number" if numeric else "text", **base)


def parse_params(program: str | None) -> list[Param]:
    """The customizer parameters of `program` that a form can show, in source order."""
    shown = [p for p in customizer_params(program) if not isinstance(p.value, list)]
    return [_param(p) for p in shown[:MAX_PARAMS]]


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
    written = {p.name: p for p in customizer_params(program)}
    for param in params:
        if param.name not in values:
            continue
        literal = validate_param(param.name, values[param.name])
        found = written.get(param.name)
        if found is None or found.line != param.line:
            raise ParamError(f"line {param.line + 1} is not the assignment of {param.name}")
        start, end = found.span
        line = lines[param.line]
        lines[param.line] = line[:start] + literal + line[end:]
    return "".join(lines)
