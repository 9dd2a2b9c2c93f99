"""Local folders and archives (.zip, .tar, .tar.gz/.tgz, .tar.bz2, .tar.xz) of .scad files,
and the OpenSCAD example programs installed with OpenSCAD.

License of each file, first found wins: the one the user gave; the nearest LICENSE/COPYING
file in the file's folder or above (up to the source's root); the machine-readable Debian
copyright file of the package that installed the folder. (An SPDX header inside the file
overrides all of these at the extract stage.) Archives are unpacked once into the run's
work folder, refusing absolute paths, `..`, links and oversized contents.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from scrape.licenses import (
    CopyrightStanza,
    debian_copyright_for,
    dep5_license,
    license_file_for,
    normalize_license,
    parse_dep5,
)
from scrape.schema import RawFile
from scrape.sources.base import FetchContext, SourceError, now_iso

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
MAX_ARCHIVE_MEMBERS = 20_000
MAX_ARCHIVE_BYTES = 500 * 1024 * 1024
MAX_FILE_BYTES = 1024 * 1024
EXAMPLE_DIRS = (Path("/usr/share/openscad/examples"), Path("/usr/local/share/openscad/examples"),
                Path("/usr/share/doc/openscad/examples"))


def is_archive(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(ARCHIVE_SUFFIXES)


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts or ":" in path.parts[0]:
        return None
    return path


def unpack_archive(archive: Path, work_dir: Path) -> Path:
    """Unpack `archive` (once) below work_dir; returns the folder."""
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    dest = work_dir / "archives" / f"{archive.name}-{digest}"
    if (dest / ".complete").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    members: list[tuple[PurePosixPath, int, object]] = []
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
                    safe = _safe_member(info.filename)
                    if not info.is_dir() and not is_link and safe is not None:
                        members.append((safe, info.file_size, info))
                _check_sizes(archive, members)
                for safe, _, info in members:
                    target = dest.joinpath(*safe.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, target.open("wb") as out:  # type: ignore[arg-type]
                        shutil.copyfileobj(src, out)
        else:
            with tarfile.open(archive) as tf:
                for member in tf.getmembers():
                    safe = _safe_member(member.name)
                    if member.isfile() and safe is not None:
                        members.append((safe, member.size, member))
                _check_sizes(archive, members)
                for safe, _, member in members:
                    src = tf.extractfile(member)  # type: ignore[arg-type]
                    if src is None:
                        continue
                    target = dest.joinpath(*safe.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with src, target.open("wb") as out:
                        shutil.copyfileobj(src, out)
    except (zipfile.BadZipFile, tarfile.TarError, OSError) as exc:
        raise SourceError(f"cannot unpack {archive}: {exc}") from exc
    (dest / ".complete").touch()
    return dest


def _check_sizes(archive: Path, members: list[tuple[PurePosixPath, int, object]]) -> None:
    if len(members) > MAX_ARCHIVE_MEMBERS or sum(m[1] for m in members) > MAX_ARCHIVE_BYTES:
        raise SourceError(f"{archive}: more than {MAX_ARCHIVE_MEMBERS} files or "
                          f"{MAX_ARCHIVE_BYTES // 2**20} MB unpacked; unpack it yourself")


class LocalSource:
    """`local:PATH`: every .scad file below a folder, inside an archive, or one file."""

    kind = "local"

    def __init__(self, path: str | Path, license: str | None = None) -> None:
        self.path = Path(path).expanduser()
        self.license = normalize_license(license) if license else None
        if license and self.license is None:
            raise SourceError(f"unknown license {license!r}: give an SPDX id such as MIT")
        self.spec = f"{self.kind}:{path}"

    def _root(self, ctx: FetchContext) -> tuple[Path, list[Path]]:
        if not self.path.exists():
            raise SourceError(f"{self.path}: no such file or folder")
        if is_archive(self.path):
            root = unpack_archive(self.path, ctx.work_dir)
        elif self.path.is_file():
            return self.path.parent, [self.path]
        else:
            root = self.path
        files = sorted(p for p in root.rglob("*") if p.suffix.lower() == ".scad" and p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(root).parts))
        return root, files

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        root, files = self._root(ctx)
        stanzas = self._debian_stanzas(root)
        count = 0
        for path in files:
            if ctx.limit is not None and count >= ctx.limit:
                return
            if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
                ctx.skipped["symlink"] += 1
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                ctx.skipped["too_large"] += 1
                continue
            # Not checked against the allow-list here: reading a local file costs nothing,
            # and the filter stage counts license drops per license.
            license_, license_raw = self._license_for(path, root, stanzas)
            rel = path.relative_to(root).as_posix()
            yield self._raw(path, rel, root, license_, license_raw)
            count += 1

    def _raw(self, path: Path, rel: str, root: Path, license_: str | None,
             license_raw: str | None) -> RawFile:
        url = (f"file://{self.path.resolve()}!/{rel}" if is_archive(self.path)
               else path.resolve().as_uri())
        return RawFile(source=self.spec, key=rel, url=url, bundle=str(self.path), path=rel,
                       content=path.read_bytes(), fetched_at=now_iso(), license=license_,
                       license_raw=license_raw, origin_dir=str(root))

    def _license_for(self, path: Path, root: Path,
                     stanzas: list[CopyrightStanza]) -> tuple[str | None, str | None]:
        if self.license:
            return self.license, self.license
        found = license_file_for(path, root)
        if found:
            return found, found
        if stanzas:
            found = dep5_license(stanzas, path)
            return found, found
        return None, None

    def _debian_stanzas(self, root: Path) -> list[CopyrightStanza]:
        if self.license or is_archive(self.path):
            return []
        copyright_file = debian_copyright_for(root)
        if copyright_file is None:
            return []
        return parse_dep5(copyright_file.read_text(errors="replace"))


class ExamplesSource(LocalSource):
    """`examples`: the example programs installed with OpenSCAD (CC0-1.0), tagged with the
    category examples.json puts them in."""

    kind = "examples"

    def __init__(self, path: str | Path | None = None) -> None:
        found = Path(path) if path else next((d for d in EXAMPLE_DIRS if d.is_dir()), None)
        if found is None:
            raise SourceError("no OpenSCAD examples found (install the `openscad` package or "
                              "give the folder: examples:/path/to/examples)")
        super().__init__(found, license="CC0-1.0")
        self.spec = "examples" if path is None else f"examples:{path}"

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        categories: dict[str, str] = {}
        index = self.path / "examples.json"
        if index.is_file():
            for category, names in json.loads(index.read_text()).items():
                for name in names:
                    categories[f"{category}/{name}"] = category
        for raw in super().fetch(ctx):
            if raw.path in categories:
                raw.tags = [categories[raw.path].lower(), "openscad-example"]
            yield raw
