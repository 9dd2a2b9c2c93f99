"""Gallery and documentation pages: the OpenSCAD programs shown in `<pre>`/`<code>` blocks
of an HTML page (`gallery:URL`), each titled by the heading above it.

Pages on openscad.org are CC0 (the examples the gallery shows); any other page needs its
license given (`--page-license`), or its snippets are dropped as unlicensed.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from scrape.http import HttpError
from scrape.licenses import normalize_license
from scrape.schema import RawFile
from scrape.sources.base import FetchContext, now_iso
from scrape.text import looks_like_openscad

CC0_HOSTS = ("openscad.org", "www.openscad.org", "files.openscad.org")
MIN_SNIPPET_CHARS = 40


@dataclass
class Snippet:
    code: str
    title: str | None


class _CodeBlocks(HTMLParser):
    """Collects <pre> (or standalone <code>) text and the latest heading before each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.snippets: list[Snippet] = []
        self.page_title: str | None = None
        self._heading: str | None = None
        self._stack: list[str] = []
        self._buf: list[str] | None = None
        self._text: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("pre", "code") and self._buf is None:
            self._buf, self._depth = [], 0
        if tag in ("pre", "code") and self._buf is not None:
            self._depth += 1
        elif tag in ("h1", "h2", "h3", "h4", "title"):
            self._text = []
        elif tag == "br" and self._buf is not None:
            self._buf.append("\n")
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code") and self._buf is not None:
            self._depth -= 1
            if self._depth == 0:
                code = "".join(self._buf)
                self.snippets.append(Snippet(html.unescape(code), self._heading))
                self._buf = None
        elif tag in ("h1", "h2", "h3", "h4", "title") and self._text is not None:
            text = " ".join("".join(self._text).split())
            if tag == "title":
                self.page_title = text
            else:
                self._heading = text
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._buf is not None:
            self._buf.append(data)
        elif self._text is not None:
            self._text.append(data)


def code_blocks(page: str) -> tuple[list[Snippet], str | None]:
    parser = _CodeBlocks()
    parser.feed(page)
    parser.close()
    return parser.snippets, parser.page_title


class GallerySource:
    def __init__(self, url: str, license: str | None = None) -> None:
        self.url = url
        self.spec = f"gallery:{url}"
        host = urlsplit(url).hostname or ""
        self.license_raw = license or ("CC0-1.0" if host in CC0_HOSTS else None)
        self.license = normalize_license(self.license_raw)

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        if not ctx.policy.allows(self.license):
            ctx.skipped["license"] += 1
            return

        def fetch_page() -> dict[str, object]:
            resp = ctx.client().get(self.url)
            snippets, title = code_blocks(resp.text)
            return {"title": title, "snippets": [
                {"code": s.code, "title": s.title} for s in snippets
                if len(s.code.strip()) >= MIN_SNIPPET_CHARS and looks_like_openscad(s.code)]}

        try:
            page = ctx.memo(f"gallery:page:{self.url}", fetch_page)
        except HttpError as exc:
            ctx.error(f"gallery {self.url}: {exc}")
            return
        fetched = now_iso()
        for i, snippet in enumerate(page["snippets"]):  # type: ignore[arg-type]
            if ctx.limit is not None and i >= ctx.limit:
                return
            yield RawFile(
                source=self.spec, key=f"{i:04d}", url=f"{self.url}#snippet-{i}",
                bundle=self.url, path=f"snippet-{i:04d}.scad",
                content=snippet["code"].encode(), fetched_at=fetched, license=self.license,
                license_raw=self.license_raw, title=snippet["title"] or page["title"],
            )
