"""Write the current part out in the format a file name asks for (every face's export)."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent.session import Session
from tools.errors import ScadAgentError
from tools.render import MESH_FORMATS, export_mesh

EXPORT_FORMATS = ("stl", "3mf", "scad", "obj", "glb", "ply", "off")


def export_part(program: str | None, stl: Path | None, target: Path) -> Path:
    """Write the current part to `target`; its extension picks the format (.scad is the
    program, .stl a copy, 3mf/obj/glb/ply/off converted by trimesh)."""
    target = Path(target).expanduser()
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ScadAgentError(f"cannot export {target.name!r}: the name must end in "
                             f"{', '.join('.' + f for f in EXPORT_FORMATS)}")
    if program is None:
        raise ScadAgentError("nothing to export yet: make a part first")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "scad":
        target.write_text(program, encoding="utf-8")
        return target
    if stl is None or not Path(stl).is_file():
        raise ScadAgentError("the current part has no mesh to export")
    if fmt == "stl":
        shutil.copyfile(stl, target)
        return target
    assert fmt in MESH_FORMATS
    return export_mesh(Path(stl), target, fmt)


def current_stl(session: Session) -> Path | None:
    """The mesh of the session's current part, or None before the first part."""
    turn = session.current
    stl = turn.files.get("stl") if turn else None
    return Path(stl) if stl else None
