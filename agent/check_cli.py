"""`scad-agent check FILE --prompt TEXT [--previous PREV] [--json]`: does a part match what a
sentence asks for? Any mesh from anywhere (STL, 3MF, OBJ...), or a .scad program (compiled in
the sandbox first, which also lets the checks read what the program says it makes).

Prints every check made from the sentence and every stated item that could not be checked.
Exit 0 when every check passes, 1 when one fails (or there is no part), 2 on a usage error.
`--spec` checks an explicit spec instead of (or on top of) the sentence; `--previous` is the
part before a follow-up ("make it taller"), which the edit's checks compare with.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from agent.config import check_prompt
from tools.cli import load_spec
from tools.errors import ScadAgentError

if TYPE_CHECKING:  # trimesh and the intent reader load only when a check runs
    from tools.mesh import MeshReport

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _part(path: Path, work: Path) -> tuple[MeshReport, str | None]:
    """The mesh report of a mesh file, or of a .scad program compiled in the sandbox (then
    also its text)."""
    from tools.mesh import analyze_mesh

    if not path.is_file():
        raise ScadAgentError(f"{path} is not a file")
    if path.suffix.lower() != ".scad":
        return analyze_mesh(path), None
    from tools.grammar import decode_source
    from tools.openscad import compile_scad

    program = decode_source(path.read_bytes())
    out = work / path.stem
    result = compile_scad(program, out_dir=out, formats=("stl",), session_dir=path.parent)
    if not result.ok or result.stl is None:
        first = next((d.message for d in result.errors), result.status)
        raise ScadAgentError(f"{path} does not compile ({result.status}): {first}")
    return analyze_mesh(result.stl), program


def check_cmd(
    file: Annotated[Path, typer.Argument(help="A mesh (STL, 3MF, OBJ...) or a .scad program.")],
    prompt: Annotated[str | None, typer.Option(
        "--prompt", help="What the part should be, in words (a request or a follow-up).")
    ] = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="The part before a follow-up (mesh or .scad): edits compare with "
                           "it.")] = None,
    spec: Annotated[str | None, typer.Option(
        "--spec", help="An explicit spec (JSON file or text), merged over the prompt's.")
    ] = None,
    first: Annotated[Path | None, typer.Option(
        "--first", help="The part after the first prompt, for an explicit spec's grow.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check a part against what a sentence asks for (or a spec): checked and not-checked
    items; exit 0 when every check passes, 1 when one fails."""
    from agent.intent import merge_specs, read_request
    from agent.present import check_rows
    from tools.mesh import analyze_mesh
    from tools.spec import check_spec

    err = Console(stderr=True, highlight=False, soft_wrap=True)  # errors stay one line
    out = Console(highlight=False)

    def usage(message: str) -> typer.Exit:
        if as_json:
            print(json.dumps({"passed": False, "exit_code": EXIT_USAGE, "error": message}))
        else:
            err.print(f"[red]error:[/red] {escape(message)}")
        return typer.Exit(EXIT_USAGE)

    if prompt is not None:
        try:
            check_prompt(prompt)  # the agent's rule: a check reads what a turn would get
        except ScadAgentError as exc:
            raise usage(str(exc)) from None
    if previous is not None and prompt is None:
        raise usage("--previous needs --prompt (the follow-up that changed the part)")
    try:
        explicit = load_spec(spec) if spec is not None else None
        with tempfile.TemporaryDirectory(prefix="scad-check-") as tmp:
            work = Path(tmp)
            report, program = _part(file, work)
            before, before_program = (_part(previous, work) if previous is not None
                                      else (None, None))
            first_report = analyze_mesh(first) if first is not None else None
    except ScadAgentError as exc:
        raise usage(str(exc)) from None

    unchecked: list[str] = []
    wanted: dict[str, Any] = {}
    if prompt is not None:
        expect = read_request(prompt, before, follow_up=previous is not None,
                              previous_program=before_program)
        wanted, unchecked = expect.spec, list(expect.unchecked)
    if explicit is None and prompt is None:
        wanted = {"watertight": True}
    wanted = merge_specs(wanted, explicit)
    compared = before if before is not None else first_report
    result = check_spec(wanted, report, compared, program=program,
                        previous_program=before_program)
    unchecked += [f"{item} (give a .scad program to check it)" for item in result.skipped]
    passed = result.passed and not report.empty
    code = EXIT_PASS if passed else EXIT_FAIL
    if as_json:
        print(json.dumps({
            "file": str(file), "passed": passed, "exit_code": code, "spec": wanted,
            "checks": [c.to_dict() for c in result.checks], "unchecked": unchecked,
            "mesh": report.to_dict() | {"openings": len(report.openings)},
        }, default=str))
        raise typer.Exit(code)
    if report.empty:
        out.print(f"[red]no part[/red]: {escape(str(file))} holds no 3D geometry")
    else:
        out.print(escape(report.summary()))
    styles = {"pass": "green", "FAIL": "red", "not checked": "yellow"}
    messages = {c.key: c.message for c in result.checks}
    for key, verdict, actual, expected in check_rows([c.to_dict() for c in result.checks],
                                                      unchecked):
        style = styles.get(verdict, "")
        if verdict == "FAIL":
            detail = messages.get(key, "")
        elif verdict == "pass":
            detail = f"{actual} (wanted {expected})" if expected else actual
        else:
            detail = expected
        out.print(f"  [{style}]{verdict}[/{style}] {escape(key)}: {escape(detail)}")
    out.print("[green]passed[/green]" if passed else "[red]failed[/red]")
    raise typer.Exit(code)
