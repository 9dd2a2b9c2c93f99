"""`scad-agent compile FILE.scad` and `scad-agent check FILE.stl` (also under `scad-agent tools`).

compile: OpenSCAD makes the STL (and any format it writes natively); the PNG preview, GLB and
OBJ are made from that STL by tools.render, headless. check: the mesh report, printability
problems and, given a spec, every spec check. Both print one JSON object with --json and
exit non-zero when the part fails.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tools.compile_result import Limits  # not tools.openscad: only a compile needs the sandbox
from tools.errors import ScadAgentError

if TYPE_CHECKING:  # trimesh (through tools.mesh) loads only in the command that checks a mesh
    from tools.mesh import MeshReport
    from tools.spec import SpecResult

# formats we make from the STL ourselves; everything else is asked of OpenSCAD
DERIVED_FORMATS = ("png", "glb", "obj")
NATIVE_FORMATS = ("stl", "off", "amf", "3mf")
ALL_FORMATS = NATIVE_FORMATS + DERIVED_FORMATS

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console(highlight=False)


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def parse_define(item: str) -> tuple[str, object]:
    """`-D k=v`: v read as JSON when it is (numbers, true/false, lists), else as a string."""
    name, sep, raw = item.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ScadAgentError(f"-D expects name=value, got {item!r}")
    raw = raw.strip()
    try:
        value: object = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name, value


def parse_formats(formats: str | None, output: Path | None) -> list[str]:
    """--format wins; else the -o suffix when it names a format; else STL."""
    if formats:
        wanted = [f.strip().lower().lstrip(".") for f in formats.split(",") if f.strip()]
    elif output is not None and output.suffix.lower().lstrip(".") in ALL_FORMATS:
        wanted = [output.suffix.lower().lstrip(".")]
    else:
        wanted = ["stl"]
    unknown = [f for f in wanted if f not in ALL_FORMATS]
    if unknown:
        raise ScadAgentError(
            f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(ALL_FORMATS)}"
        )
    return list(dict.fromkeys(wanted))


def output_paths(source: Path, output: Path | None, formats: list[str]) -> dict[str, Path]:
    """Where each format lands. -o FILE.ext: that format there, the others beside it with the
    same stem; -o DIR (no known suffix): DIR/<stem>.<fmt>; no -o: beside the source."""
    if output is None:
        folder, stem, exact = source.parent, source.stem, None
    elif output.suffix.lower().lstrip(".") in ALL_FORMATS:
        folder, stem, exact = output.parent, output.stem, output
    else:
        folder, stem, exact = output, source.stem, None
    paths = {fmt: folder / f"{stem}.{fmt}" for fmt in formats}
    if exact is not None:
        paths[exact.suffix.lower().lstrip(".")] = exact
    return paths


def load_spec(value: str) -> dict:
    """A spec from a JSON file or a JSON string; an eval case (with "spec") gives its spec."""
    path = Path(value)
    try:
        text = path.read_text() if len(value) < 4096 and path.is_file() else value
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ScadAgentError(f"--spec is neither a JSON file nor JSON text: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("spec"), dict):
        data = data["spec"]
    if not isinstance(data, dict):
        raise ScadAgentError("--spec must be a JSON object like {\"genus\": 2}")
    return data


def _report_table(report: MeshReport) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    x, y, z = report.extents
    rows = [
        ("size", f"{x:.2f} x {y:.2f} x {z:.2f} mm"),
        ("watertight", "yes" if report.watertight else "[red]no[/red]"),
        ("bodies", str(report.bodies)),
        ("through-holes", "?" if report.genus is None else str(report.genus)),
        ("volume", f"{report.volume:.1f} mm^3"),
        ("faces", str(report.faces)),
    ]
    for k, v in rows:
        table.add_row(k, v)
    return table


def _print_checks(report: MeshReport, spec_result: SpecResult | None) -> None:
    if not report.empty:
        console.print(_report_table(report))
    for problem in report.problems():
        console.print(f"[yellow]problem:[/yellow] {escape(problem)}")
    if spec_result is not None:
        for check in spec_result.checks:
            mark = "[green]pass[/green]" if check.passed else "[red]FAIL[/red]"
            console.print(f"{mark} {escape(check.key)}: {escape(check.message)}")


@app.command("compile")
def compile_cmd(
    file: Annotated[Path, typer.Argument(help="The .scad program.")],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file (its suffix picks the format) or folder."),
    ] = None,
    formats: Annotated[
        str | None,
        typer.Option("--format", "-f", help=f"Comma-separated: {','.join(ALL_FORMATS)}."),
    ] = None,
    define: Annotated[
        list[str] | None, typer.Option("-D", help="Set a variable: -D width=40 (repeatable).")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", help=f"Stop OpenSCAD after this many seconds "
                     f"(default {Limits().timeout_s:g})."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compile an OpenSCAD file with the real openscad, sandboxed, then check the mesh."""
    from tools.mesh import analyze_mesh
    from tools.openscad import compile_scad
    from tools.sandbox import private_dir

    try:
        if not file.is_file():
            raise ScadAgentError(f"no such file: {file}")
        if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
            raise ScadAgentError(f"--timeout must be a positive number of seconds, not {timeout}")
        wanted = parse_formats(formats, output)
        params = dict(parse_define(d) for d in define or [])
        dest = output_paths(file, output, wanted)
    except ScadAgentError as exc:
        raise _fail(str(exc)) from None
    native = ["stl"] + [f for f in wanted if f in NATIVE_FORMATS and f != "stl"]
    errors: list[str] = []  # outputs we could not write
    written: dict[str, str] = {}
    report: MeshReport | None = None
    limits = Limits(timeout_s=timeout) if timeout is not None else None
    # Named after this process, so a run killed with -9 leaves nothing for good (sandbox.py).
    tmp = private_dir(Path(tempfile.gettempdir()), "compile")
    try:
        try:
            result = compile_scad(
                file, out_dir=tmp, formats=native, params=params, limits=limits,
                session_dir=file.resolve().parent,
            )
        except (ScadAgentError, ValueError) as exc:
            raise _fail(str(exc)) from None
        if result.ok and result.stl is not None:
            report = analyze_mesh(result.stl)
            for fmt, target in dest.items():
                try:
                    _produce(fmt, result.stl, result.outputs.get(fmt), target)
                except (ScadAgentError, OSError) as exc:
                    errors.append(f"could not write {fmt}: {exc}")
                    continue
                written[fmt] = str(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = result.ok and all(fmt in written for fmt in dest)
    if as_json:
        data = result.to_dict()
        data.update({
            "file": str(file), "ok": ok, "outputs": written,
            "mesh": report.to_dict() if report else None,
            "problems": report.problems() if report else [], "errors": errors,
        })
        print(json.dumps(data))
    else:
        colour = "green" if result.ok else "red"
        # soft_wrap: one message, one line, whatever the terminal's width (grep, logs)
        console.print(f"[{colour}]{escape(result.status)}[/{colour}] {escape(str(file))} "
                      f"({result.wall_time_s:.2f} s)", soft_wrap=True)
        for diag in result.diagnostics:
            where = f"line {diag.line}: " if diag.line else ""
            console.print(f"  {escape(diag.severity)}: {escape(where + diag.message)}",
                          soft_wrap=True)
        if report is not None:
            _print_checks(report, None)
        for fmt, path in written.items():
            console.print(f"wrote {fmt}: {escape(path)}")
        for error in errors:
            console.print(f"[red]error:[/red] {escape(error)}")
    if not ok:
        raise typer.Exit(1)


def _produce(fmt: str, stl: Path, native_out: Path | None, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "png":
        from tools.render import render_png

        render_png(stl, target)
    elif fmt in DERIVED_FORMATS:
        from tools.render import export_mesh

        export_mesh(stl, target, fmt)
    elif native_out is not None and native_out.is_file():
        shutil.copyfile(native_out, target)
    else:
        raise ScadAgentError(f"openscad did not write {fmt}")


@app.command("check")
def check_cmd(
    file: Annotated[Path, typer.Argument(help="A mesh file (STL, 3MF, OBJ, GLB...).")],
    spec: Annotated[
        str | None, typer.Option("--spec", help="Spec as a JSON file or JSON text.")
    ] = None,
    first: Annotated[
        Path | None, typer.Option("--first", help="The part after the first prompt (for grow).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check a mesh: watertight, bodies, through-holes, size; and a spec if given."""
    from tools.mesh import analyze_mesh
    from tools.spec import check_spec

    try:
        spec_data = load_spec(spec) if spec is not None else None
    except ScadAgentError as exc:
        raise _fail(str(exc)) from None
    report = analyze_mesh(file)
    first_report = analyze_mesh(first) if first is not None else None
    spec_result = (
        check_spec(spec_data, report, first_report) if spec_data is not None else None
    )
    passed = spec_result.passed if spec_result is not None else not report.problems()
    if as_json:
        print(json.dumps({
            "file": str(file), "passed": passed, "mesh": report.to_dict(),
            "problems": report.problems(),
            "spec": spec_result.to_dict() if spec_result else None,
        }))
    else:
        if report.empty:
            console.print(f"[red]no mesh[/red] in {escape(str(file))}")
        _print_checks(report, spec_result)
        console.print("[green]passed[/green]" if passed else "[red]failed[/red]")
    if not passed:
        raise typer.Exit(1)


@app.command("render")
def render_cmd(
    file: Annotated[Path, typer.Argument(help="A mesh file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The PNG to write.")],
    views: Annotated[str, typer.Option(help="Comma-separated views.")] = "iso,front,top",
    width: Annotated[int, typer.Option(help="Image width in pixels.")] = 640,
    height: Annotated[int, typer.Option(help="Image height in pixels.")] = 480,
) -> None:
    """Render a mesh to one PNG with several views side by side (headless)."""
    from tools.render import render_png

    try:
        render_png(file, output, views=tuple(v.strip() for v in views.split(",") if v.strip()),
                   size=(width, height))
    except ScadAgentError as exc:
        raise _fail(str(exc), 1) from None
    console.print(f"wrote {escape(str(output))}")
