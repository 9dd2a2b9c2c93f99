"""A turn's part on disk: its preview, its copy in the output directory, and which of its
files a loaded session may use.

Every write here is whole or not at all. The output directory is a convenience: a failure
to copy there is returned as a message, never raised, because the part itself is safe in
the session folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tools.errors import ScadAgentError
from tools.render import render_png

PART_FILES = ("scad", "stl", "png")


def render_preview(stl: Path, png: Path) -> dict[str, str]:
    """{"png": path} once the preview is rendered, {} when it could not be."""
    tmp = png.with_name(f".{png.name}.tmp")
    try:
        render_png(stl, tmp)
        os.replace(tmp, png)
    except (ScadAgentError, OSError):
        # a preview is a nicety: never lose the part over it (a full disk shows up in
        # the save that follows)
        tmp.unlink(missing_ok=True)
        return {}
    return {"png": str(png)}


def publish_part(out_dir: Path, files: dict[str, str], kept_in: Path | None) -> str | None:
    """Mirror the part's `files` (kind -> path; {} clears it) to out_dir/part.KIND; why
    that failed, or None.

    All or nothing: every file is copied to a temp name first and renamed only once all are
    whole, so a full disk or a read-only folder leaves the previous part.* as they were.
    `kept_in` is the turn folder the failure message points to."""
    sources = {kind: Path(files[kind]) for kind in PART_FILES
               if files.get(kind) and Path(files[kind]).is_file()}
    staged: list[tuple[Path, Path]] = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for kind, source in sources.items():
            target = out_dir / f"part.{kind}"
            staged.append((_staged_copy(source, target), target))
        for tmp, target in staged:
            os.replace(tmp, target)
        for kind in set(PART_FILES) - set(sources):
            (out_dir / f"part.{kind}").unlink(missing_ok=True)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        kept = f" (the part is kept in {kept_in})" if kept_in is not None else ""
        return f"cannot copy the part to {out_dir}: {exc.strerror or exc}{kept}"
    return None


def own_files(directory: Path, index: int, recorded: dict[str, str]) -> dict[str, str]:
    """A loaded turn's files: the ones recorded as turn-N/part.KIND that exist in this
    session's own turn-N folder (links leading out of it do not count). A recorded path
    only says which files there were; a session copied elsewhere keeps its files."""
    root = directory.resolve()
    folder = directory / f"turn-{index}"
    kept: dict[str, str] = {}
    for kind, path_text in recorded.items():
        name = f"part.{kind}"
        if kind not in PART_FILES or Path(path_text).parts[-2:] != (folder.name, name):
            continue
        path = folder / name
        if path.is_file() and path.resolve().is_relative_to(root):
            kept[kind] = str(path)
    return kept


def _staged_copy(source: Path, target: Path) -> Path:
    """A whole copy of `source` under a temp name next to `target`, for os.replace; nothing
    is left behind when the copy fails."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle, source.open("rb") as src:
            shutil.copyfileobj(src, handle)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)
