"""Words for the model that is loading, shared by the faces: the TUI and the web page show
`loading_text(model_label(...))` while the backend starts (importing torch and reading the
weights takes seconds), so that both say the same thing about the same model."""

from __future__ import annotations

from pathlib import Path


def _size(nbytes: int) -> str:
    value, unit = float(nbytes), "bytes"
    for bigger in ("KB", "MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    if unit == "bytes":
        return f"{nbytes} bytes"
    return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"


def model_label(backend: str, model: str | None) -> str:
    """A label like "scad-tiny, 11 MB" for a local model directory or file; the name alone
    for a hub id or a server's model; the backend's name when there is no model. Only the
    directory's own files are counted: a model directory is flat, and a mistaken --model /
    must not walk the disk before the interface appears."""
    if not model:
        return backend
    path = Path(model).expanduser()
    name = path.name or model
    try:
        if path.is_dir():
            total = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        elif path.is_file():
            total = path.stat().st_size
        else:
            return name
    except OSError:  # unreadable: the load itself will say why
        return name
    return f"{name}, {_size(total)}"


def loading_text(label: str) -> str:
    """What a face says while the model named by `label` (model_label) starts."""
    return f"loading the model ({label})..."
