"""Extract stage: a fetched file -> a Record with the program text and every piece of
description its source has (title, description, leading comments, customizer parameters,
tags), plus license, author, URL and fetch time."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import PurePosixPath

from scrape.licenses import license_in_header
from scrape.schema import RawFile, Record
from scrape.text import customizer_parameters, decode, leading_comment, normalise, normalised_hash

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li|/h\d)\s*/?>", re.I)


def html_to_text(value: str) -> str:
    """Descriptions arrive as HTML or Markdown-ish text: keep the words and paragraphs."""
    value = _BLOCK_TAG.sub("\n", value)
    value = html.unescape(_TAG.sub("", value))
    lines = [" ".join(line.split()) for line in value.replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def record_id(raw: RawFile) -> str:
    """Stable: the same file of the same source gets the same id in every run."""
    digest = hashlib.sha1(f"{raw.source}\0{raw.key}".encode()).hexdigest()[:16]
    return f"{raw.kind}-{digest}"


def title_from_path(path: str) -> str:
    stem = PurePosixPath(path).stem
    return " ".join(re.sub(r"[_\-.]+", " ", stem).split()) or stem


def extract(raw: RawFile) -> Record | str:
    """A Record, or the reason the file cannot become one ("binary", "empty")."""
    decoded = decode(raw.content)
    if decoded is None:
        return "binary"
    text, encoding = decoded
    program = normalise(text)
    if not program.strip():
        return "empty"
    header_license = license_in_header(program)
    title = (raw.title or "").strip()
    session_dir = None
    if raw.origin_dir is not None:
        session_dir = str(PurePosixPath(raw.origin_dir, raw.path).parent)
    return Record(
        id=record_id(raw),
        source=raw.kind,
        source_spec=raw.source,
        url=raw.url,
        bundle=raw.bundle,
        path=raw.path,
        license=header_license or raw.license,
        license_raw=raw.license_raw if header_license is None else header_license,
        author=raw.author,
        title=title or title_from_path(raw.path),
        title_from_filename=not title,
        description=html_to_text(raw.description or ""),
        leading_comment=leading_comment(program),
        params=[p.to_dict() for p in customizer_parameters(program)],
        tags=list(raw.tags),
        ancestors=list(raw.ancestors),
        program=program,
        encoding=encoding,
        sha256=hashlib.sha256(program.encode()).hexdigest(),
        norm_hash=normalised_hash(program),
        n_lines=program.count("\n"),
        n_bytes=len(program.encode()),
        fetched_at=raw.fetched_at,
        session_dir=session_dir,
    )
