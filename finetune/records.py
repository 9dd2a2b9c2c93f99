"""Training records: the JSONL interchange format of docs/ARCHITECTURE.md, read from three
kinds of file.

Synth/record files have `messages`; scraper shards have a `program` plus description fields
(converted to one user/assistant pair); agent trajectories (a session's trajectory.jsonl)
give their good turns, and a repair that ended in success becomes a multi-turn example.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tools.errors import ScadAgentError

# scraper shards: first present field becomes the user's request
DESCRIPTION_FIELDS = ("description", "prompt", "summary", "title", "name")
MAX_DESCRIPTION_CHARS = 600


class DataError(ScadAgentError):
    """Training data cannot be read or yields no usable example."""


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, directories (their *.jsonl, recursively) and globs -> sorted JSONL files."""
    out: list[Path] = []
    for entry in paths:
        entry = str(entry)
        matches = [Path(p) for p in sorted(glob.glob(entry))] or [Path(entry)]
        for path in matches:
            if path.is_dir():
                out.extend(sorted(path.rglob("*.jsonl")))
            elif path.exists():
                out.append(path)
            else:
                raise DataError(f"no such records file or directory: {entry}")
    return out


def scrape_to_record(obj: dict[str, Any]) -> dict[str, Any] | None:
    """A scraper shard row ({program, description/title, license, ...}) -> a record."""
    program = str(obj.get("program") or "").strip()
    description = next((str(obj[k]).strip() for k in DESCRIPTION_FIELDS if obj.get(k)), "")
    if not program or not description:
        return None
    if len(description) > MAX_DESCRIPTION_CHARS:
        description = description[:MAX_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ..."
    return {
        "id": str(obj.get("id", "")),
        "source": "scrape",
        "messages": [{"role": "user", "content": description},
                     {"role": "assistant", "content": program}],
        "kind": "create",
        "license": obj.get("license", ""),
    }


def _as_context(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier assistant programs stay visible but are not trained on."""
    return [{**m, "loss": False} if m["role"] == "assistant" else m for m in messages]


def trajectory_to_records(events: Sequence[dict[str, Any]], session_id: str) -> list[dict]:
    """An agent session's trajectory.jsonl (agent/session.py) -> records of its good turns.

    Events are Step dicts ({"turn", "kind", "attempt", "data"}) plus session events ("undo").
    For every turn that ended "ok" and was not undone, the passing program becomes the
    answer to (a) the turn's first prompt ("create"/"edit" example) and, when it took
    repairs, (b) the repair conversation that produced it ("repair" example: failed
    program as assistant, diagnostics as user, fixed program as the answer).
    """
    attempts: dict[int, dict[int, list[dict[str, str]]]] = {}   # turn -> attempt -> msgs
    done: dict[int, dict[str, Any]] = {}
    passed_attempt: dict[int, int] = {}
    undone: set[int] = set()
    for event in events:
        turn, kind, data = event.get("turn"), event.get("kind"), event.get("data") or {}
        if not isinstance(turn, int):
            continue
        if kind == "attempt" and isinstance(data.get("messages"), list):
            attempts.setdefault(turn, {})[int(event.get("attempt", 0))] = [
                m for m in data["messages"] if m.get("role") in ("user", "assistant")]
        elif kind == "checks" and data.get("passed"):
            passed_attempt[turn] = int(event.get("attempt", 0))
        elif kind == "done":
            done[turn] = data
        elif kind == "undo":
            undone.add(turn)
    records: list[dict] = []
    for turn, data in sorted(done.items()):
        program = str(data.get("program") or "").strip()
        if data.get("status") != "ok" or turn in undone or not program or turn not in attempts:
            continue
        by_attempt = attempts[turn]
        answer = {"role": "assistant", "content": program}
        first = by_attempt[min(by_attempt)]
        records.append({"id": f"{session_id}-t{turn}", "source": "trajectory",
                        "kind": "edit" if len(first) > 1 else "create",
                        "messages": [*_as_context(first), answer]})
        last = by_attempt.get(passed_attempt.get(turn, -1))
        if last is not None and last != first:
            records.append({"id": f"{session_id}-t{turn}-repair", "source": "trajectory",
                            "kind": "repair", "messages": [*_as_context(last), answer]})
    return records


def to_record(obj: dict[str, Any]) -> dict[str, Any] | None:
    """Normalise one JSON object to a record, or None when it is not usable."""
    if isinstance(obj.get("messages"), list):
        messages = [m for m in obj["messages"]
                    if isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")]
        if not any(m["role"] == "assistant" and str(m.get("content", "")).strip()
                   for m in messages):
            return None
        return {**obj, "messages": messages}
    if "program" in obj:
        return scrape_to_record(obj)
    return None


def read_records(paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """Every usable record in the given files; trajectory files are read per session."""
    for path in expand_paths(paths):
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        if path.name == "trajectory.jsonl":
            yield from trajectory_to_records(rows, path.parent.name)
            continue
        for row in rows:
            record = to_record(row) if isinstance(row, dict) else None
            if record:
                yield record
