"""The run's state database (SQLite): what was fetched, which network units are done, and
which compiles were made, so an interrupted run resumes without fetching or compiling again.

Three tables:
- `units`: results of finished network units (a search page, a repository's file list,
  a thing's details), keyed by a source-chosen key. A source asks here before asking the
  network; `--refresh` forgets them (the HTTP cache then turns refetches into 304s).
- `raw`: every fetched file (RawFile metadata as JSON plus the bytes).
- `verdicts`: filter results (compile status, mesh report) keyed by content and settings.

Every write commits at once: a killed process loses at most the item in flight.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from scrape.schema import RawFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS raw (
    source TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, meta TEXT NOT NULL,
    content BLOB NOT NULL, PRIMARY KEY (source, key));
CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class StateDB:
    """A small typed wrapper over one SQLite file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ network units

    def get_unit(self, key: str) -> Any | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM units WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_unit(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO units VALUES (?, ?)",
                             (key, json.dumps(value)))

    def forget_units(self, prefix: str) -> int:
        """Drop every unit whose key starts with `prefix` (for --refresh)."""
        with self._lock:
            cur = self._db.execute("DELETE FROM units WHERE substr(key, 1, ?) = ?",
                                   (len(prefix), prefix))
        return cur.rowcount

    # ------------------------------------------------------------ fetched files

    def put_raw(self, raw: RawFile) -> None:
        with self._lock:
            row = self._db.execute("SELECT seq FROM raw WHERE source = ? AND key = ?",
                                   (raw.source, raw.key)).fetchone()
            seq = row[0] if row else self._db.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM raw").fetchone()[0]
            self._db.execute("INSERT OR REPLACE INTO raw VALUES (?, ?, ?, ?, ?)",
                             (raw.source, raw.key, seq, json.dumps(raw.meta()), raw.content))

    def get_raw(self, source: str, key: str) -> RawFile | None:
        with self._lock:
            row = self._db.execute("SELECT meta, content FROM raw WHERE source = ? AND key = ?",
                                   (source, key)).fetchone()
        return None if row is None else RawFile(**json.loads(row[0]), content=bytes(row[1]))

    # ------------------------------------------------------------ filter verdicts

    def get_verdict(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM verdicts WHERE key = ?",
                                   (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put_verdict(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?)",
                             (key, json.dumps(value)))
