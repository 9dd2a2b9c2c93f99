"""Thingiverse: search things, then each thing's details (name, description, license,
tags, creator), remix ancestors and `.scad` files, customizer things first.

The API wants a bearer token (THINGIVERSE_TOKEN by default) and allows 300 requests per
5 minutes: the pipeline gives its host a 0.99 request/second bucket without burst. A
thing whose license is not allowed is not downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from scrape.http import HttpError
from scrape.licenses import normalize_license
from scrape.schema import RawFile
from scrape.sources.base import FetchContext, SourceError, now_iso

CUSTOMIZER_TAGS = frozenset({"customizer", "customizable", "openscad customizer"})


@dataclass
class ThingiverseConfig:
    api: str = "https://api.thingiverse.com"
    token_env: str = "THINGIVERSE_TOKEN"
    per_page: int = 30
    max_pages: int = 10
    # Things looked at per wanted file when a limit is set: details are fetched for all of
    # them so that customizer things can go first.
    candidates_per_file: int = 3
    max_file_bytes: int = 512 * 1024


class ThingiverseSource:
    def __init__(self, term: str, config: ThingiverseConfig | None = None) -> None:
        self.term = term.strip()
        self.config = config or ThingiverseConfig()
        self.spec = f"thingiverse:{self.term}"

    def _auth(self, url: str) -> dict[str, str]:
        """The bearer token, for the API host only (file downloads may leave it)."""
        token = os.environ.get(self.config.token_env, "")
        if urlsplit(url).netloc != urlsplit(self.config.api).netloc:
            return {}
        return {"Authorization": f"Bearer {token}"}

    def _get(self, ctx: FetchContext, path: str) -> Any:
        url = f"{self.config.api}{path}"
        return ctx.client().get_json(url, headers=self._auth(url)).data

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        if not os.environ.get(self.config.token_env):
            raise SourceError(f"Thingiverse needs an API token: set {self.config.token_env} "
                              "(create an app at https://www.thingiverse.com/apps/create)")
        pool = None if ctx.limit is None else ctx.limit * self.config.candidates_per_file
        things = []
        for rank, thing_id in enumerate(self._search(ctx, pool)):
            thing = self._thing(ctx, thing_id)
            if thing is not None:
                things.append((not thing["customizer"], rank, thing))
        count = 0
        for _, _, thing in sorted(things, key=lambda t: (t[0], t[1])):
            for raw in self._thing_files(ctx, thing):
                yield raw
                count += 1
                if ctx.limit is not None and count >= ctx.limit:
                    return

    def _search(self, ctx: FetchContext, pool: int | None) -> list[int]:
        ids: list[int] = []
        for page in range(1, self.config.max_pages + 1):
            params = {"type": "things", "per_page": self.config.per_page, "page": page}
            path = f"/search/{quote(self.term, safe='')}?{urlencode(params)}"

            def fetch_page(path: str = path) -> dict[str, Any]:
                data = self._get(ctx, path)
                hits = data.get("hits", []) if isinstance(data, dict) else data
                total = data.get("total") if isinstance(data, dict) else None
                return {"ids": [int(h["id"]) for h in hits or [] if "id" in h], "total": total}

            try:
                result = ctx.memo(f"thingiverse:search:{path}", fetch_page)
            except HttpError as exc:
                ctx.error(f"thingiverse search page {page}: {exc}")
                continue
            ids.extend(i for i in result["ids"] if i not in ids)
            total = result["total"]
            if not result["ids"] or (total is not None and page * self.config.per_page >= total):
                break
            if pool is not None and len(ids) >= pool:
                break
        return ids[:pool] if pool is not None else ids

    def _thing(self, ctx: FetchContext, thing_id: int) -> dict[str, Any] | None:
        def fetch() -> dict[str, Any]:
            data = self._get(ctx, f"/things/{thing_id}")
            tags = data.get("tags")
            if tags is None:
                tags = self._get(ctx, f"/things/{thing_id}/tags")
            names = [t["name"] if isinstance(t, dict) else str(t) for t in tags or []]
            customizer = bool(data.get("is_customizable")) or any(
                n.lower() in CUSTOMIZER_TAGS for n in names)
            return {"id": thing_id, "name": data.get("name") or f"thing {thing_id}",
                    "description": data.get("description") or "",
                    "license": data.get("license"), "tags": names,
                    "creator": (data.get("creator") or {}).get("name"),
                    "public_url": data.get("public_url")
                    or f"https://www.thingiverse.com/thing:{thing_id}",
                    "customizer": customizer}

        try:
            return ctx.memo(f"thingiverse:thing:{thing_id}", fetch)
        except HttpError as exc:
            ctx.error(f"thingiverse thing {thing_id}: {exc}")
            return None

    def _thing_files(self, ctx: FetchContext, thing: dict[str, Any]) -> Iterator[RawFile]:
        thing_id = thing["id"]
        license_ = normalize_license(thing["license"])
        if not ctx.policy.allows(license_):
            ctx.skipped["license"] += 1
            return
        try:
            ancestors = ctx.memo(f"thingiverse:ancestors:{thing_id}",
                                 lambda: self._ancestors(ctx, thing_id))
            files = ctx.memo(f"thingiverse:files:{thing_id}", lambda: self._files(ctx, thing_id))
        except HttpError as exc:
            ctx.error(f"thingiverse thing {thing_id}: {exc}")
            return
        for entry in files:
            key = f"thing:{thing_id}/file:{entry['id']}"

            def make(content: bytes, key: str = key, name: str = entry["name"]) -> RawFile:
                return RawFile(
                    source=self.spec, key=key, content=content, fetched_at=now_iso(),
                    url=thing["public_url"], bundle=f"thing:{thing_id}", path=name,
                    license=license_, license_raw=thing["license"], author=thing["creator"],
                    title=thing["name"], description=thing["description"], tags=thing["tags"],
                    ancestors=ancestors,
                )

            url = entry["download_url"]
            raw = ctx.stored_or_download(
                self.spec, key, url, make, size=entry.get("size"),
                max_bytes=self.config.max_file_bytes, label=f"thingiverse {key}",
                headers=self._auth(url))
            if raw is not None:
                yield raw

    def _ancestors(self, ctx: FetchContext, thing_id: int) -> list[str]:
        """Remix ancestors as bundle ids, as the API lists them (nearest first)."""
        data = self._get(ctx, f"/things/{thing_id}/ancestors") or []
        return [f"thing:{a['id']}" for a in data if isinstance(a, dict) and "id" in a]

    def _files(self, ctx: FetchContext, thing_id: int) -> list[dict[str, Any]]:
        data = self._get(ctx, f"/things/{thing_id}/files") or []
        return [{"id": f["id"], "name": f.get("name", ""), "size": f.get("size"),
                 "download_url": f.get("download_url") or f.get("public_url")}
                for f in data
                if isinstance(f, dict) and str(f.get("name", "")).lower().endswith(".scad")]
