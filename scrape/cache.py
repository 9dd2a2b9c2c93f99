"""A small on-disk HTTP cache for conditional requests (ETag / Last-Modified).

Only responses that carry a validator are stored; the client sends `If-None-Match` /
`If-Modified-Since` for a cached URL and serves the stored body on 304. One JSON file
(metadata) and one body file per URL, written atomically, so a killed run never leaves a
half-written entry behind. (hishel does this too, but its API changed twice in 2025; this
is 80 lines we control.)
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from tools.files import write_atomic

# Response headers kept with the body: a 304 need not repeat them (RFC 9110 15.4.5), and
# pagination (`link`) must survive revalidation.
KEPT_HEADERS = ("content-type", "link", "etag", "last-modified")


@dataclass
class CacheEntry:
    url: str
    etag: str | None
    last_modified: str | None
    headers: dict[str, str]
    body: bytes
    stored_at: float

    def validators(self) -> dict[str, str]:
        """Request headers that make the next request conditional."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HttpCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def _paths(self, url: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(url.encode()).hexdigest()
        folder = self.directory / digest[:2]
        return folder / f"{digest}.json", folder / f"{digest}.body"

    def get(self, url: str) -> CacheEntry | None:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text())
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or len(body) != meta.get("size"):
            return None
        return CacheEntry(url, meta.get("etag"), meta.get("last_modified"),
                          meta.get("headers", {}), body, meta.get("stored_at", 0.0))

    def put(self, url: str, headers: dict[str, str], body: bytes) -> bool:
        """Store a 200 response if it has a validator; returns whether it was stored."""
        etag, last_modified = headers.get("etag"), headers.get("last-modified")
        if not etag and not last_modified:
            return False
        meta_path, body_path = self._paths(url)
        meta_path.parent.mkdir(exist_ok=True)
        # Body first: an entry counts only once its metadata (with the size) exists.
        write_atomic(body_path, body)
        meta = {"url": url, "etag": etag, "last_modified": last_modified,
                "headers": {k: headers[k] for k in KEPT_HEADERS if k in headers},
                "size": len(body),
                "stored_at": time.time()}
        write_atomic(meta_path, json.dumps(meta).encode())
        return True

    def drop(self, url: str) -> None:
        for path in self._paths(url):
            path.unlink(missing_ok=True)
