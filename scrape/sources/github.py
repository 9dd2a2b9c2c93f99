"""GitHub: repository search (`language:OpenSCAD`), each repository's license from the
license endpoint, its `.scad` files from the git tree API, and the files from the raw host.

Code search needs auth and stops at 1000 results; repository search plus one tree request
per repository reaches more files with fewer requests. The token comes from the
environment (GITHUB_TOKEN by default) and is sent to the API host only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from scrape.http import HttpError
from scrape.licenses import normalize_license
from scrape.schema import RawFile
from scrape.sources.base import FetchContext, now_iso


@dataclass
class GitHubConfig:
    api: str = "https://api.github.com"
    raw: str = "https://raw.githubusercontent.com"
    token_env: str = "GITHUB_TOKEN"
    per_page: int = 100
    max_pages: int = 10  # the search API serves at most 1000 results
    max_files_per_repo: int = 200
    max_file_bytes: int = 512 * 1024


class GitHubSource:
    def __init__(self, query: str, config: GitHubConfig | None = None) -> None:
        self.query = query.strip()
        self.config = config or GitHubConfig()
        self.spec = f"github:{self.query}"

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        token = os.environ.get(self.config.token_env)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        count = 0
        for repo in self._repositories(ctx):
            for raw in self._repository_files(ctx, repo):
                yield raw
                count += 1
                if ctx.limit is not None and count >= ctx.limit:
                    return

    # ------------------------------------------------------------ search

    def _search_url(self, page: int) -> str:
        q = self.query if "language:" in self.query else f"{self.query} language:OpenSCAD"
        params = {"q": q.strip(), "sort": "stars", "order": "desc",
                  "per_page": self.config.per_page, "page": page}
        return f"{self.config.api}/search/repositories?{urlencode(params)}"

    def _repositories(self, ctx: FetchContext) -> Iterator[dict[str, Any]]:
        """Search results page by page; a page that fails is skipped, the next one tried."""
        for page in range(1, self.config.max_pages + 1):
            url = self._search_url(page)

            def fetch_page(url: str = url) -> dict[str, Any]:
                resp = ctx.client().get_json(url, headers=self._headers())
                items = resp.data.get("items", []) if isinstance(resp.data, dict) else []
                return {"repos": [_trim_repo(item) for item in items],
                        "next": "next" in resp.links()}

            try:
                result = ctx.memo(f"github:search:{url}", fetch_page)
            except HttpError as exc:
                ctx.error(f"github search page {page}: {exc}")
                continue
            yield from result["repos"]
            if not result["next"] or len(result["repos"]) < self.config.per_page:
                return

    # ------------------------------------------------------------ one repository

    def _license(self, ctx: FetchContext, full_name: str) -> str | None:
        def fetch() -> dict[str, Any]:
            try:
                resp = ctx.client().get_json(f"{self.config.api}/repos/{full_name}/license",
                                             headers=self._headers())
            except HttpError as exc:
                if exc.status == 404:  # no license file: stored, not asked again
                    return {"spdx_id": None}
                raise
            lic = resp.data.get("license") if isinstance(resp.data, dict) else None
            return {"spdx_id": (lic or {}).get("spdx_id")}

        return ctx.memo(f"github:license:{full_name}", fetch)["spdx_id"]

    def _tree(self, ctx: FetchContext, repo: dict[str, Any]) -> list[dict[str, Any]]:
        full, branch = repo["full_name"], repo["default_branch"]

        def fetch() -> dict[str, Any]:
            url = f"{self.config.api}/repos/{full}/git/trees/{quote(branch)}?recursive=1"
            data = ctx.client().get_json(url, headers=self._headers()).data
            entries = [{"path": e["path"], "size": e.get("size")}
                       for e in data.get("tree", [])
                       if e.get("type") == "blob" and e.get("path", "").lower().endswith(".scad")]
            return {"files": sorted(entries, key=lambda e: e["path"]),
                    "truncated": bool(data.get("truncated"))}

        tree = ctx.memo(f"github:tree:{full}@{branch}", fetch)
        if tree["truncated"]:
            ctx.error(f"github {full}: tree listing truncated by the API; some files missed")
        return tree["files"]

    def _repository_files(self, ctx: FetchContext, repo: dict[str, Any]) -> Iterator[RawFile]:
        full, branch = repo["full_name"], repo["default_branch"]
        try:
            spdx_raw = self._license(ctx, full) or repo.get("license")
        except HttpError as exc:
            ctx.error(f"github {full}: license: {exc}")
            return
        license_ = normalize_license(spdx_raw)
        if not ctx.policy.allows(license_):
            # Not downloading what the filter would drop anyway.
            ctx.skipped["license"] += 1
            return
        try:
            files = self._tree(ctx, repo)
        except HttpError as exc:
            ctx.error(f"github {full}: tree: {exc}")
            return
        # A repository's description describes its only program; for many it says little.
        description = (repo.get("description") or "") if len(files) == 1 else ""
        for entry in files[: self.config.max_files_per_repo]:
            key = f"{full}:{entry['path']}"

            def make(content: bytes, key: str = key, path: str = entry["path"]) -> RawFile:
                return RawFile(
                    source=self.spec, key=key, content=content, fetched_at=now_iso(),
                    url=f"{repo['html_url']}/blob/{branch}/{path}", bundle=full,
                    path=path, license=license_, license_raw=spdx_raw,
                    author=repo.get("owner"), description=description,
                    tags=repo.get("topics", []),
                )

            url = f"{self.config.raw}/{full}/{quote(branch)}/{quote(entry['path'])}"
            raw = ctx.stored_or_download(
                self.spec, key, url, make, size=entry.get("size"),
                max_bytes=self.config.max_file_bytes, label=f"github {full}/{entry['path']}")
            if raw is not None:
                yield raw


def _trim_repo(item: dict[str, Any]) -> dict[str, Any]:
    """The fields of a search result this source uses (what the state database stores)."""
    full = item["full_name"]
    return {
        "full_name": full,
        "default_branch": item.get("default_branch") or "main",
        "html_url": item.get("html_url") or f"https://github.com/{full}",
        "description": item.get("description"),
        "owner": (item.get("owner") or {}).get("login") or full.split("/")[0],
        "license": (item.get("license") or {}).get("spdx_id"),
        "topics": list(item.get("topics") or []),
    }
