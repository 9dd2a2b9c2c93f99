"""Corpus records -> training records (docs/ARCHITECTURE.md "finetune/ records"): the
description becomes the user message, the program the assistant message.

The user message is built from what the source says about the program, best first: its
title (unless made from the file name), its description, else the program's leading
comment with copyright and license lines removed, then the customizer parameters. A record
with too little description to ask for its program is skipped: a file name alone does not
teach the model what a request looks like.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MAX_DESCRIPTION_CHARS = 1200
MAX_PARAMS = 12
MIN_DESCRIPTION_CHARS = 20
# Lines about law, contact details or bookkeeping are not part of a description; a
# paragraph of legal prose (a license notice) goes as a whole.
_NOTICE = re.compile(r"copyright|\(c\)|©|licen[cs]e|spdx|rights reserved|public domain|"
                     r"\b[la]?gpl|\bmit\b|\bbsd\b|\bcc0\b|creative commons", re.I)
_LEGAL_PROSE = re.compile(r"warranty|under law|free software|permission is hereby", re.I)
_BOOKKEEPING = re.compile(r"https?://|www\.|@\w+\.\w+|^\s*(?:author|version|date|created|"
                          r"modified|written by)\b", re.I)


def strip_notices(comment: str) -> str:
    """A leading comment without license notices, contact lines and version notes."""
    paragraphs = []
    for para in comment.split("\n\n"):
        if _LEGAL_PROSE.search(para):
            continue
        lines = [ln for ln in para.split("\n")
                 if ln.strip() and not _BOOKKEEPING.search(ln) and not _NOTICE.search(ln)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " ..."


def describe(row: dict[str, Any]) -> str:
    """The user message for one corpus row ("" when there is nothing to say)."""
    body = (row.get("description") or "").strip()
    if not body:
        body = strip_notices(row.get("leading_comment") or "")
    parts = []
    if not row.get("title_from_filename") and row.get("title"):
        parts.append(str(row["title"]).strip())
    if body:
        parts.append(_clip(body, MAX_DESCRIPTION_CHARS))
    if sum(len(p) for p in parts) < MIN_DESCRIPTION_CHARS:
        return ""
    params = [p for p in row.get("params") or [] if p.get("name")][:MAX_PARAMS]
    if params:
        lines = []
        for p in params:
            note = f" ({p['description']})" if p.get("description") else ""
            rng = f", options [{p['spec']}]" if p.get("spec") else ""
            lines.append(f"- {p['name']} = {p['default']}{note}{rng}")
        parts.append("Customizable parameters:\n" + "\n".join(lines))
    return "\n\n".join(parts)


def to_training_record(row: dict[str, Any]) -> dict[str, Any] | None:
    request = describe(row)
    program = (row.get("program") or "").strip()
    if not request or not program:
        return None
    return {
        "id": f"scrape-{row['id']}",
        "source": "scrape",
        "messages": [{"role": "user", "content": request},
                     {"role": "assistant", "content": program + "\n"}],
        "family": row.get("source"),
        "kind": "create",
        "license": row.get("license"),
    }


def read_corpus(corpus_dir: Path) -> Iterator[dict[str, Any]]:
    for shard in sorted(corpus_dir.glob("corpus-*.jsonl")):
        with shard.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)


def convert(rows: Iterable[dict[str, Any]], out: Path) -> tuple[int, int]:
    """Write training records to `out` (JSONL); returns (written, skipped)."""
    written = skipped = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for row in rows:
            record = to_training_record(row)
            if record is None:
                skipped += 1
                continue
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    tmp.replace(out)
    return written, skipped
