"""The corpus format: what a source hands the pipeline (RawFile) and what lands in the
sharded JSONL (Record).

Corpus directory layout written by `scad-agent scrape run ... --out DIR`:

    DIR/corpus-00000.jsonl ...   one Record per line (JSON object, UTF-8), shards of
                                 `--shard-size` records, sorted by id
    DIR/stats.json               counts per stage, per source, per license; compile rate
    DIR/.state/                  resumable run state (SQLite), HTTP cache, fetched files

One JSONL line (schema version 1; every key is always present, absent values are null
or empty):

    id            str   stable id: "<source kind>-<16 hex>", same file -> same id every run
    source        str   "github" | "thingiverse" | "examples" | "gallery" | "local"
    source_spec   str   the SOURCE argument that produced it ("github:gear", "local:/x")
    url           str   where the program came from (https://..., file://...)
    bundle        str   the unit whose files belong together: "owner/repo", "thing:123",
                        a folder or archive; files that include each other share one
    path          str   the file's path inside its bundle
    license       str|null  SPDX expression ("MIT", "CC-BY-3.0 OR LGPL-2.1-only")
    license_raw   str|null  the license as the source wrote it
    author        str|null
    title         str   the source's title, else one made from the file name
    title_from_filename  bool
    description   str   the source's description (plain text, HTML removed), may be ""
    leading_comment  str  the comment block that opens the program (plain text)
    params        list  customizer parameters: {name, default, spec, description, group}
    tags          list[str]
    ancestors     list[str]  remix ancestors as bundle ids ("thing:99"), nearest first
    program       str   the program text, decoded and normalised (\n newlines)
    encoding      str   how the bytes were decoded
    sha256        str   of `program`
    norm_hash     str   of the program without comments and layout (exact-dup key)
    n_lines, n_bytes  int
    fetched_at    str   ISO 8601 UTC time of the fetch
    compile       dict|null  {status, wall_time_s, n_errors, n_warnings, errors: [str],
                              warnings: [str], openscad_version, library: bool} from
                              tools.openscad.compile_scad (null with --no-compile);
                              library: status "empty" but modules/functions defined
    mesh          dict|null  tools.mesh.MeshReport.to_dict() plus "problems": [str]
    duplicates    list[str]  ids of the copies dropped in favour of this record
    schema        int   1
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class RawFile:
    """One fetched file and everything its source knows about it (before decoding)."""

    source: str  # the source spec, e.g. "github:gear"
    key: str  # unique within the source; the id derives from (source kind, key)
    url: str
    bundle: str
    path: str
    content: bytes
    fetched_at: str
    license: str | None = None  # SPDX expression as resolved by the source
    license_raw: str | None = None
    author: str | None = None
    title: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    ancestors: list[str] = field(default_factory=list)
    # A local folder holding the file and its siblings: compiles use it as session dir.
    # None for network files (the pipeline writes those to its own mirror folder).
    origin_dir: str | None = None

    @property
    def kind(self) -> str:
        return self.source.split(":", 1)[0]

    def meta(self) -> dict[str, Any]:
        """Everything but the content (stored next to it in the state database)."""
        data = dataclasses.asdict(self)
        data.pop("content")
        return data


@dataclass
class Record:
    """One corpus entry (a JSONL line); see the module docstring for each field."""

    id: str
    source: str
    source_spec: str
    url: str
    bundle: str
    path: str
    license: str | None
    license_raw: str | None
    author: str | None
    title: str
    title_from_filename: bool
    description: str
    leading_comment: str
    params: list[dict[str, Any]]
    tags: list[str]
    ancestors: list[str]
    program: str
    encoding: str
    sha256: str
    norm_hash: str
    n_lines: int
    n_bytes: int
    fetched_at: str
    compile: dict[str, Any] | None = None
    mesh: dict[str, Any] | None = None
    duplicates: list[str] = field(default_factory=list)
    schema: int = SCHEMA_VERSION
    # Not written: where a compile finds the program's siblings (see RawFile.origin_dir).
    session_dir: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("session_dir")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def description_score(self) -> int:
        """How well described the record is: dedup keeps the copy with the highest score."""
        described_params = sum(1 for p in self.params if p.get("description"))
        return (len(self.description) + len(self.leading_comment)
                + (0 if self.title_from_filename else len(self.title) + 20)
                + 10 * described_params + 5 * len(self.tags))
