"""A program's customizer parameters: the knobs at its top, read the way OpenSCAD reads them.

    /* [Size] */                          a group header: the parameters below are in "Size"
    // width of the plate                 the `//` line right above describes the parameter
    width = 60;        // [20:120]        slider from 20 to 120 (step 1); `[120]`: 0 to 120
    hole_d = 5;        // [2:0.5:8]       slider with step 0.5
    holes = 4;         // [2, 4, 6]       dropdown (numbers or strings; `value:label` too)
    style = "round";   // [round, square] dropdown of strings
    size = [60, 40];                      vectors of literals are parameters too
    half = width / 2;                     computed: not a parameter
    $fn = 32;                             $-variables are not parameters
    /* [Hidden] */                        what follows is not shown
    module plate() { ... }                parameters end here

The rules follow OpenSCAD's customizer (src/comment.cc in 2021.01): a parameter is a
top-level assignment of a literal (number, boolean, string, or vector of those) that starts
before the first line opening a `{` outside strings and comments, i.e. the first module
definition or block statement such as `difference() {`. A brace-less statement does not end
the parameters (OpenSCAD's own examples/Parametric/candleStand.scad has knobs after
`cylinder(length, width - 2);`). Like Thingiverse's customizer we also stop at the first
`module` or `function` definition, even one without braces. One assignment per line is read;
an assignment spread over lines, or two on one line, is not a parameter.

Everything here is plain text work on tools.scad_text's lexer: no OpenSCAD process.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tools.scad_text import NUMBER, Scalar, Value, lines, number, parse_literal

_ASSIGN = re.compile(r"^\s*(\$?[A-Za-z_]\w*)\s*=\s*(.*?)\s*;\s*$")
_DEFINITION = re.compile(r"^\s*(module|function)\b")
_GROUP = re.compile(r"^\s*\[\s*([^\]]*?)\s*\]\s*$")
_ANNOTATION = re.compile(r"^\s*\[([^\]]*)\]\s*$")
_DECORATION = re.compile(r"[*=\-_#/~+. ]*")  # `// -----` describes nothing
_SLIDER = re.compile(rf"^\s*({NUMBER})\s*(?::\s*({NUMBER})\s*)?(?::\s*({NUMBER})\s*)?$")


@dataclass(frozen=True)
class Slider:
    minimum: float
    step: float
    maximum: float


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Value  # the literal as Python data (strings unescaped, vectors as lists)
    literal: str  # the literal as written (line[span[0]:span[1]], comments and all)
    line: int  # 0-based index into program.splitlines()
    span: tuple[int, int]  # columns of the literal in that line (to write a new value)
    annotation: str | None  # the text inside a trailing `// [...]`
    comment: str | None  # a trailing comment that is not an annotation
    description: str | None  # the `//` line right above (even the file's first line)
    group: str | None  # the `/* [Group] */` above

    @property
    def slider(self) -> Slider | None:
        """`[max]`, `[min:max]` or `[min:step:max]` on a number: a slider."""
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            return None
        found = _SLIDER.match(self.annotation or "")
        if found is None:
            return None
        a, b, c = found.groups()
        if b is None:
            low, step, high = 0.0, 1.0, float(a)
        elif c is None:
            low, step, high = float(a), 1.0, float(b)
        else:
            low, step, high = float(a), float(b), float(c)
        ok = step > 0 and low <= high and all(map(math.isfinite, (low, step, high)))
        return Slider(low, step, high) if ok else None

    @property
    def options(self) -> tuple[tuple[str, Scalar], ...]:
        """`[a, b, c]` or `[value:label, ...]`: (label, value) pairs, values typed like the
        parameter's own (numbers for a number); () when the annotation is no such list."""
        if (self.annotation is None or _SLIDER.match(self.annotation)
                or isinstance(self.value, bool | list)):
            return ()  # a range-shaped annotation is a slider (or nothing), never a list
        numeric = isinstance(self.value, int | float)
        choices = []
        for item in self.annotation.split(","):
            if not item.strip():
                continue
            value_text, _, label = item.partition(":")
            value_text = value_text.strip().strip('"')
            if numeric:
                if not re.fullmatch(NUMBER, value_text):
                    return ()
                value: Scalar = number(value_text)
            else:
                value = value_text
            choices.append((label.strip().strip('"') or value_text, value))
        return tuple(choices)


def group_header(comment: str) -> str | None:
    """The group a block comment's text names (`[Size]` -> "Size"), else None."""
    found = _GROUP.match(comment)
    return found.group(1) if found else None


def customizer_params(program: str | None) -> list[Parameter]:
    """The customizer parameters of `program`, in source order (none in the Hidden group)."""
    params: list[Parameter] = []
    group: str | None = None
    description: str | None = None
    text = program or ""
    for index, (line, scanned) in enumerate(zip(text.splitlines(), lines(text), strict=True)):
        code = scanned.code if scanned.brace is None else scanned.code[: scanned.brace]
        if scanned.brace is not None or _DEFINITION.match(code):
            break
        if not code.strip():
            headers = [h for h in map(group_header, scanned.blocks) if h is not None]
            if headers:
                group, description = headers[-1], None
            elif scanned.comment is not None and not scanned.blocks and not scanned.in_comment:
                description = _describe(scanned.comment)
            else:
                description = None
            continue
        found = _ASSIGN.match(code)
        if found and not found.group(1).startswith("$") and (group or "").lower() != "hidden":
            parameter = _parameter(found, line, index, scanned.comment, description, group)
            if parameter is not None:
                params.append(parameter)
        description = None
    return params


def top_level_values(program: str | None) -> dict[str, float]:
    """The numbers a program's top-level assignments hold, simple arithmetic included
    (`height = 40 * 1.5;` -> 60.0, `inner = od - 2 * wall;`): what a follow-up's checks compare
    before and after an edit. Assignments inside blocks and modules are not read; one that
    is not plain arithmetic on numbers and earlier names is left out."""
    values: dict[str, float] = {}
    for scanned in lines(program or ""):
        found = _ASSIGN.match(scanned.masked) if scanned.depth == 0 else None
        if found and not found.group(1).startswith("$"):
            value = evaluate(scanned.code[found.start(2):found.end(2)], values)
            if value is not None:
                values[found.group(1)] = value
    return values


@dataclass(frozen=True)
class Assignment:
    """A top-level `name = expression;` on one line, where a patch may rewrite it."""

    name: str
    expression: str
    line: int  # 0-based index into program.splitlines()
    span: tuple[int, int]  # columns of the expression in that line


def top_level_assignments(program: str | None) -> list[Assignment]:
    """Every one-line assignment outside blocks and modules, in source order ($-variables
    too): the lines a follow-up's parameter patch may replace. A name assigned twice is
    listed twice (OpenSCAD keeps the last)."""
    found: list[Assignment] = []
    text = program or ""
    for index, (line, scanned) in enumerate(zip(text.splitlines(), lines(text), strict=True)):
        match = _ASSIGN.match(scanned.masked) if scanned.depth == 0 else None
        if match and ";" not in match.group(2):  # `a = 1; b = 2;` is not one line's
            start, end = match.span(2)
            found.append(Assignment(match.group(1), line[start:end], index, (start, end)))
    return found


def set_expressions(program: str, expressions: dict[str, str]) -> str:
    """`program` with the expressions of the named top-level assignments replaced in place
    (the rest of each line, its comment and customizer range included, kept). Every name must
    be assigned at the top level; the last assignment of a name is the one rewritten."""
    lines = program.splitlines(keepends=True)
    last = {a.name: a for a in top_level_assignments(program)}
    missing = sorted(set(expressions) - set(last))
    if missing:
        raise KeyError(", ".join(missing))
    for name, expression in expressions.items():
        target = last[name]
        start, end = target.span
        text = lines[target.line]
        lines[target.line] = text[:start] + expression + text[end:]
    return "".join(lines)


_FUNCTIONS = {
    "sqrt": math.sqrt, "abs": abs, "min": min, "max": max, "floor": math.floor,
    "ceil": math.ceil, "round": round, "sin": lambda d: math.sin(math.radians(d)),
    "cos": lambda d: math.cos(math.radians(d)), "tan": lambda d: math.tan(math.radians(d)),
}


def evaluate(expression: str, names: dict[str, float] | None = None) -> float | None:
    """The value of an OpenSCAD arithmetic expression over numbers and `names`, or None
    when it is anything else (vectors, strings, conditionals, unknown names)."""
    import ast
    import operator

    binary = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Div: operator.truediv, ast.Mod: operator.mod, ast.Pow: operator.pow}
    known = {"PI": math.pi, **(names or {})}

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in known:
            return known[node.id]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp) and type(node.op) in binary:
            return float(binary[type(node.op)](value(node.left), value(node.right)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _FUNCTIONS and not node.keywords:
            return float(_FUNCTIONS[node.func.id](*(value(a) for a in node.args)))
        raise ValueError("not arithmetic")

    if len(expression) > 200:
        return None
    try:
        tree = ast.parse(expression.replace("^", "**"), mode="eval")
        result = value(tree.body)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    return result if math.isfinite(result) else None


def _describe(comment: str) -> str | None:
    text = comment.lstrip("/").strip()
    return None if _DECORATION.fullmatch(text) else text


def _parameter(found: re.Match[str], line: str, index: int, comment: str | None,
               description: str | None, group: str | None) -> Parameter | None:
    value = parse_literal(found.group(2))  # the code: comments blanked out
    if value is None:
        return None
    trailing = comment.strip() if comment is not None else None
    annotated = _ANNOTATION.match(trailing) if trailing else None
    return Parameter(
        name=found.group(1), value=value, literal=line[found.start(2):found.end(2)], line=index,
        span=(found.start(2), found.end(2)),
        annotation=annotated.group(1).strip() if annotated else None,
        comment=None if annotated or not trailing else trailing,
        description=description, group=group)
