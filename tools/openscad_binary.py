"""Which OpenSCAD to run, which version it is, and where its own libraries are.

SCAD_AGENT_OPENSCAD names the binary (default: `openscad` on PATH).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.errors import ScadAgentError

OPENSCAD_ENV = "SCAD_AGENT_OPENSCAD"
BUILTIN_LIBRARY_DIR = Path("/usr/share/openscad/libraries")
DEFAULT_LIBRARY_DIRS: tuple[Path, ...] = (
    (BUILTIN_LIBRARY_DIR,) if BUILTIN_LIBRARY_DIR.is_dir() else ()
)
INSTALL_HINT = "install it with `apt-get install openscad` (or run `make demo`)"


class OpenSCADNotFound(ScadAgentError):
    """No usable openscad binary."""


def openscad_binary() -> str | None:
    """The openscad executable to run: $SCAD_AGENT_OPENSCAD, else `openscad` on PATH."""
    configured = os.environ.get(OPENSCAD_ENV)
    if configured:
        found = shutil.which(configured)
        return os.path.abspath(found) if found else None
    found = shutil.which("openscad")
    return os.path.realpath(found) if found else None


@functools.cache
def version_of(binary: str) -> str:
    """`binary --version`, asked once per process. OpenSCADNotFound if it cannot run."""
    try:
        done = subprocess.run(
            [binary, "--version"],
            capture_output=True,
            timeout=20,
            stdin=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "HOME": tempfile.gettempdir()},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OpenSCADNotFound(f"cannot run {binary}: {exc}; {INSTALL_HINT}") from exc
    text = (done.stderr + done.stdout).decode("utf-8", "replace")
    match = re.search(r"OpenSCAD version (\S+)", text)
    return match.group(1) if match else text.strip()[:80]


def openscad_version() -> str:
    """ "2021.01" for Debian 12's package. Raises OpenSCADNotFound when there is no binary."""
    binary = openscad_binary()
    if binary is None:
        raise OpenSCADNotFound(f"openscad is not installed; {INSTALL_HINT}")
    return version_of(binary)
