"""Network sources and the polite client against REAL HTTP servers on 127.0.0.1.

The servers replay recorded-style GitHub and Thingiverse API responses (JSON shapes as the
APIs return them) and files, with the failures real servers produce: 429 + Retry-After, 500,
ETag/Last-Modified revalidation (304), Link-header and page-parameter pagination, a malformed
JSON page, a rate-limit reset, redirects to a CDN and a huge file. Every request is logged at
the server, so the tests count what the client really sent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scrape.convert import read_corpus
from scrape.filter import FilterConfig
from scrape.http import (
    HostLimit,
    HttpConfig,
    HttpError,
    MalformedResponse,
    PoliteClient,
    RateLimited,
    TooLarge,
)
from scrape.pipeline import PipelineConfig, run_pipeline
from scrape.sources import SourceSettings
from scrape.sources.github import GitHubConfig
from scrape.sources.thingiverse import ThingiverseConfig

REPO_ROOT = Path(__file__).resolve().parents[1]
WAIT_SCALE = 0.02  # server-requested waits are compressed 50x: Retry-After 2 -> 40 ms


# ---------------------------------------------------------------- a recording server


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


@dataclass
class Reply:
    status: int = 200
    body: bytes | Iterator[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)


def as_json(data: object, status: int = 200, **headers: str) -> Reply:
    return Reply(status, json.dumps(data).encode(), {"Content-Type": "application/json",
                                                     **headers})


class Server:
    """Threaded http.server; `route(seen)` decides each reply; every request is logged."""

    def __init__(self, route: Callable[[Seen], Reply]) -> None:
        self.log: list[Seen] = []
        self.streamed_bytes = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                seen = Seen(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                            {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                server.log.append(seen)
                reply = route(seen)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if isinstance(reply.body, bytes):
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    try:
                        self.wfile.write(reply.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # a client that was killed or gave up on a large body
                    return
                self.end_headers()  # HTTP/1.0 without a length: the body ends at close
                try:
                    for chunk in reply.body:
                        self.wfile.write(chunk)
                        server.streamed_bytes += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.netloc = urlsplit(self.url).netloc

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str, **query: str) -> list[Seen]:
        return [s for s in self.log if s.path == path
                and all(s.query.get(k) == v for k, v in query.items())]


@pytest.fixture
def servers() -> Iterator[Callable[[Callable[[Seen], Reply]], Server]]:
    started: list[Server] = []

    def start(route: Callable[[Seen], Reply]) -> Server:
        started.append(Server(route))
        return started[-1]

    yield start
    for s in started:
        s.close()


def fast_http(**overrides: object) -> HttpConfig:
    config = HttpConfig(backoff_s=0.01, backoff_max_s=0.05, wait_scale=WAIT_SCALE, max_wait_s=5,
                        default_limit=HostLimit(rate=500, burst=50), max_attempts=3)
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


# ---------------------------------------------------------------- the polite client


def test_retry_after_429_and_500_are_retried_with_waits(servers, tmp_path: Path) -> None:
    calls: dict[str, int] = {}

    def route(seen: Seen) -> Reply:
        n = calls[seen.path] = calls.get(seen.path, 0) + 1
        if seen.path == "/busy" and n == 1:
            return Reply(429, b"slow down", {"Retry-After": "2"})
        if seen.path == "/flaky" and n <= 2:
            return Reply(500, b"oops")
        if seen.path == "/down":
            return Reply(503, b"down")
        if seen.path == "/missing":
            return Reply(404, b"no")
        return Reply(200, f"ok {seen.path}".encode())

    server = servers(route)
    with PoliteClient(fast_http()) as client:
        assert client.get(f"{server.url}/busy").body == b"ok /busy"
        first, second = server.hits("/busy")
        assert second.at - first.at >= 2 * WAIT_SCALE  # waited what Retry-After asked
        assert client.get(f"{server.url}/flaky").text == "ok /flaky"
        assert len(server.hits("/flaky")) == 3
        with pytest.raises(HttpError) as down:
            client.get(f"{server.url}/down")
        assert down.value.status == 503 and len(server.hits("/down")) == 3  # max_attempts
        with pytest.raises(HttpError) as missing:
            client.get(f"{server.url}/missing")
        assert missing.value.status == 404 and len(server.hits("/missing")) == 1  # no retry
    assert client.stats.retries == 1 + 2 + 2
    assert client.stats.retry_wait_s >= 2 * WAIT_SCALE
    assert all(s.headers["user-agent"].startswith("scad-agent-scraper/") for s in server.log)


def test_server_asking_for_a_long_wait_stops_the_run(servers) -> None:
    server = servers(lambda seen: Reply(429, b"", {"Retry-After": "3600"}))
    with PoliteClient(fast_http()) as client, pytest.raises(RateLimited):
        client.get(f"{server.url}/x")
    assert len(server.log) == 1  # not hammered


def test_rate_limit_reset_header_delays_the_next_request(servers) -> None:
    def route(seen: Seen) -> Reply:
        if seen.path == "/first":
            return Reply(200, b"{}", {"x-ratelimit-remaining": "0",
                                      "x-ratelimit-reset": str(int(time.time()) + 3)})
        return Reply(200, b"{}")

    server = servers(route)
    with PoliteClient(fast_http()) as client:
        client.get(f"{server.url}/first")
        client.get(f"{server.url}/second")
    first, second = server.log
    # reset is 2-3 s away (whole seconds): at least 2 s * scale must pass
    assert second.at - first.at >= 2 * WAIT_SCALE
    assert client.stats.rate_wait_s > 0


def test_token_bucket_spaces_requests_per_host(servers) -> None:
    slow = servers(lambda seen: Reply(200, b"x"))
    fast = servers(lambda seen: Reply(200, b"x"))
    config = fast_http(host_limits={slow.netloc: HostLimit(rate=20, burst=1)})
    with PoliteClient(config) as client:
        started = time.monotonic()  # the server logs with the same clock, after each send
        for _ in range(6):
            client.get(f"{slow.url}/a", conditional=False)
            client.get(f"{fast.url}/a", conditional=False)
    # 6 requests at 20/s with no burst: the last one leaves 5 intervals of 50 ms after the
    # first token was taken
    assert slow.log[-1].at - started >= 5 / 20
    assert client.stats.rate_wait_s > 0  # the client slept (the other host's requests ran
    # meanwhile and count towards the interval, so it slept less than the span)


def test_etag_and_last_modified_make_conditional_requests(servers, tmp_path: Path) -> None:
    def route(seen: Seen) -> Reply:
        if seen.path == "/etag":
            if seen.headers.get("if-none-match") == '"v1"':
                return Reply(304)
            return Reply(200, b"etag body", {"ETag": '"v1"'})
        if seen.path == "/lastmod":
            stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
            if seen.headers.get("if-modified-since") == stamp:
                return Reply(304)
            return Reply(200, b"lastmod body", {"Last-Modified": stamp})
        return Reply(200, b"no validator")

    server = servers(route)
    config = fast_http(cache_dir=tmp_path / "cache")
    with PoliteClient(config) as client:
        for _ in range(2):
            assert client.get(f"{server.url}/etag").body == b"etag body"
            assert client.get(f"{server.url}/lastmod").body == b"lastmod body"
            client.get(f"{server.url}/plain")
    with PoliteClient(config) as fresh:  # the cache is on disk: a new process uses it too
        assert fresh.get(f"{server.url}/etag").from_cache
    assert [s.headers.get("if-none-match") for s in server.hits("/etag")] == \
        [None, '"v1"', '"v1"']
    assert server.hits("/lastmod")[1].headers["if-modified-since"].startswith("Wed, 21 Oct")
    assert "if-none-match" not in server.hits("/plain")[1].headers
    assert client.stats.not_modified == 2 and fresh.stats.not_modified == 1


def test_size_cap_stops_huge_downloads(servers) -> None:
    def route(seen: Seen) -> Reply:
        if seen.path == "/declared":
            return Reply(200, b"x" * 300_000)
        # no Content-Length: 64 MB streamed until the client hangs up
        return Reply(200, (b"y" * 65536 for _ in range(1024)))

    server = servers(route)
    with PoliteClient(fast_http(max_bytes=100_000)) as client:
        with pytest.raises(TooLarge):
            client.get(f"{server.url}/declared")
        with pytest.raises(TooLarge):
            client.get(f"{server.url}/streamed")
        assert client.get(f"{server.url}/declared", max_bytes=400_000).body == b"x" * 300_000
    assert client.stats.too_large == 2
    time.sleep(0.2)  # let the server thread notice the closed socket
    assert server.streamed_bytes < 16 * 2**20  # stopped long before 64 MB
    assert len(server.hits("/streamed")) == 1  # too large is final, not retried


def test_malformed_json_is_retried_then_reported(servers, tmp_path: Path) -> None:
    calls = {"n": 0}

    def route(seen: Seen) -> Reply:
        if seen.path == "/once":
            calls["n"] += 1
            if calls["n"] == 1:
                return Reply(200, b'{"items": [1, 2', {"ETag": '"bad"'})
            return as_json({"items": [1, 2]}, ETag='"good"')
        return Reply(200, b"<html>not json</html>")

    server = servers(route)
    with PoliteClient(fast_http(cache_dir=tmp_path / "c")) as client:
        assert client.get_json(f"{server.url}/once").data == {"items": [1, 2]}
        with pytest.raises(MalformedResponse):
            client.get_json(f"{server.url}/never")
    assert len(server.hits("/once")) == 2 and len(server.hits("/never")) == 3
    # the broken body was never cached: the retry was not conditional on its ETag
    assert "if-none-match" not in server.hits("/once")[1].headers


# ---------------------------------------------------------------- recorded-style APIs

GEAR = """// A spur gear for the demo train
use <lib/involute.scad>
teeth = 12; // [6:1:40]
spur(teeth);
"""
GEAR_COPY = GEAR.replace("// A spur gear for the demo train\n", "").replace("spur(teeth);",
                                                                             "spur( teeth );")
INVOLUTE = "module spur(n) { cylinder(r = n / 2, h = 3, $fn = n * 2); }\n"
BRACKET = """// L bracket with two holes
difference() {
    union() { cube([30, 10, 3]); cube([3, 10, 20]); }
    for (x = [10, 22]) translate([x, 5, -1]) cylinder(d = 3.2, h = 5, $fn = 24);
}
"""
BOX = "difference() { cube([20, 20, 10]); translate([2, 2, 2]) cube([16, 16, 10]); }\n"
CUSTOM_BOX = """// Customizable storage box
/* [Box] */
// Inner width
width = 40; // [20:5:100]
// Inner depth
depth = 30; // [20:5:100]
// Wall thickness
wall = 2; // [1:0.5:4]
height = 15;
module box(w, d, h, t) {
    difference() {
        cube([w + 2 * t, d + 2 * t, h]);
        translate([t, t, t]) cube([w, d, h]);
    }
}
box(width, depth, height, wall);
"""
# the remix changed the lid and half the module: similar, not a near-duplicate
REMIX_BOX = CUSTOM_BOX.replace("// Customizable storage box", "// Box with a lid (remix)") \
    .replace("translate([t, t, t]) cube([w, d, h]);",
             "translate([t, t, t]) cube([w, d, h]);\n        translate([0, 0, h - 1]) "
             "cube([w + 2 * t, 1, 1]);") \
    .replace("box(width, depth, height, wall);",
             "box(width, depth, height, wall);\ntranslate([0, depth + 10, 0]) "
             "cube([width + 2 * wall, depth + 2 * wall, wall]);")
STL_TEXT = "solid thing\n  facet normal 0 0 1\n    outer loop\n"
GALLERY_PAGE = f"""<html><head><title>OpenSCAD gallery</title></head><body>
<h2>Bracket</h2><pre>{BRACKET.replace('<', '&lt;')}</pre>
<h2>Shell</h2><p>Run <code>openscad file.scad</code> to build it.</p>
<h2>Box</h2><pre><code>{BOX}</code></pre>
<h2>Ring</h2><pre>rotate_extrude($fn = 48) translate([10, 0]) circle(r = 2);</pre>
</body></html>"""


class FakeGitHub:
    """api: search (2 pages via Link, page 1 answers 429 first), license (500 once for
    alice), trees (one sets the quota to 0), raw files with ETags."""

    repos = [
        {"full_name": "alice/gears", "default_branch": "main", "owner": {"login": "alice"},
         "description": "Gears", "license": {"spdx_id": "MIT"}, "topics": ["gears"]},
        {"full_name": "bob/nolicense", "default_branch": "main", "owner": {"login": "bob"},
         "description": None, "license": None},
        {"full_name": "carol/brackets", "default_branch": "master",
         "owner": {"login": "carol"}, "license": None,
         "description": "An L bracket with two M3 holes for 2020 extrusion"},
        {"full_name": "dave/nc", "default_branch": "main", "owner": {"login": "dave"},
         "description": None, "license": {"spdx_id": "CC-BY-NC-4.0"}},
    ]
    licenses = {"alice/gears": "MIT", "carol/brackets": "GPL-3.0", "dave/nc": "CC-BY-NC-4.0"}
    trees = {
        "alice/gears": [("gear.scad", GEAR), ("lib/involute.scad", INVOLUTE),
                        ("gear_v2.scad", GEAR_COPY), ("huge.scad", None),
                        ("README.md", "not scad")],
        "carol/brackets": [("bracket.scad", BRACKET)],
        "dave/nc": [("nc.scad", BOX)],
    }

    def __init__(self, flaky: bool = True) -> None:
        self.flaky = flaky  # the 429, the 500 and the spent quota
        self.calls: dict[str, int] = {}
        self.hang_raw_after: int | None = None  # the n-th raw request hangs (resume test)
        self.release = threading.Event()
        self.raw_served = 0
        self.api_url = ""

    def api(self, seen: Seen) -> Reply:
        n = self.calls[seen.path + seen.query.get("page", "")] = \
            self.calls.get(seen.path + seen.query.get("page", ""), 0) + 1
        if seen.path == "/search/repositories":
            assert "language:OpenSCAD" in seen.query["q"]
            page = int(seen.query.get("page", "1"))
            if page == 1 and n == 1 and self.flaky:
                return Reply(429, b'{"message": "secondary rate limit"}', {"Retry-After": "1"})
            per = int(seen.query["per_page"])
            items = self.repos[(page - 1) * per: page * per]
            headers = {}
            if page * per < len(self.repos):
                headers["Link"] = (f'<{self.api_url}/search/repositories?page={page + 1}>; '
                                   'rel="next"')
            etag = f'"search-{page}"'
            if seen.headers.get("if-none-match") == etag:
                return Reply(304)
            return as_json({"total_count": len(self.repos), "items": items}, ETag=etag,
                           **headers)
        parts = seen.path.strip("/").split("/")
        if parts[0] == "repos" and parts[3:] == ["license"]:
            full = "/".join(parts[1:3])
            if full == "alice/gears" and n == 1 and self.flaky:
                return Reply(500, b"server error")
            if full not in self.licenses:
                return as_json({"message": "Not Found"}, 404)
            return as_json({"license": {"spdx_id": self.licenses[full]}})
        if parts[0] == "repos" and parts[3:5] == ["git", "trees"]:
            full = "/".join(parts[1:3])
            tree = [{"path": p, "type": "blob",
                     "size": 50_000_000 if body is None else len(body)}
                    for p, body in self.trees[full]]
            headers = {"x-ratelimit-remaining": "0",
                       "x-ratelimit-reset": str(int(time.time()) + 1)} \
                if full == "alice/gears" and self.flaky else {}
            return as_json({"sha": "abc", "tree": tree, "truncated": False}, **headers)
        return as_json({"message": "Not Found"}, 404)

    def raw(self, seen: Seen) -> Reply:
        owner, repo, _branch, *path = seen.path.strip("/").split("/")
        files = dict(self.trees.get(f"{owner}/{repo}", []))
        body = files.get("/".join(path))
        if body is None:
            return Reply(404, b"404: Not Found")
        self.raw_served += 1
        if self.hang_raw_after is not None and self.raw_served > self.hang_raw_after:
            self.release.wait(30)
        return Reply(200, body.encode(), {"ETag": f'"{hash(body)}"'})


class FakeThingiverse:
    """search pages (page 2 always malformed), things (2 is a customizer thing, 5 a remix
    of 2, 7 non-commercial), files with download redirects to a CDN host; one huge file."""

    things = {
        1: {"name": "Plain box", "license": "Creative Commons - Attribution",
            "description": "<p>A <b>plain</b> box.</p>", "tags": [{"name": "box"}],
            "files": [(11, "box.scad", BOX), (12, "box.stl", "solid"),
                      (13, "notes.scad", STL_TEXT)]},
        2: {"name": "Customizable box", "license": "Creative Commons - Attribution - Share Alike",
            "description": "Set width, depth and wall.", "tags": [{"name": "customizer"}],
            "files": [(21, "custom_box.scad", CUSTOM_BOX), (22, "huge.scad", None)]},
        5: {"name": "Box with lid", "license": "Creative Commons - Attribution",
            "description": "Remix with a lid.", "tags": [{"name": "box"}],
            "files": [(51, "lid_box.scad", REMIX_BOX)], "ancestors": [2]},
        7: {"name": "NC thing", "license": "Creative Commons - Attribution - Non-Commercial",
            "description": "", "tags": [], "files": [(71, "nc.scad", BRACKET)]},
    }
    pages = {1: [1, 2], 2: None, 3: [5, 7]}

    def __init__(self, cdn_url: str = "") -> None:
        self.cdn_url = cdn_url
        self.api_url = ""

    def api(self, seen: Seen) -> Reply:
        parts = seen.path.strip("/").split("/")
        if parts[0] == "search":
            page = int(seen.query["page"])
            ids = self.pages.get(page, [])
            if ids is None:
                return Reply(200, b'{"total": 5, "hits": [{"id": 3}, {"id"',
                             {"Content-Type": "application/json"})
            return as_json({"total": 5, "hits": [{"id": i, "name": self.things[i]["name"]}
                                                 for i in ids]})
        if parts[0] == "things":
            thing = self.things[int(parts[1])]
            if len(parts) == 2:
                return as_json({"id": int(parts[1]), "name": thing["name"],
                                "license": thing["license"], "description": thing["description"],
                                "tags": thing["tags"], "creator": {"name": "maker"},
                                "public_url": f"https://www.thingiverse.com/thing:{parts[1]}"})
            if parts[2] == "ancestors":
                return as_json([{"id": a} for a in thing.get("ancestors", [])])
            if parts[2] == "files":
                return as_json([{"id": fid, "name": name,
                                 **({} if body is None else {"size": len(body)}),
                                 "download_url": f"{self.api_url}/files/{fid}/download"}
                                for fid, name, body in thing["files"]])
        if parts[0] == "files":
            return Reply(302, b"", {"Location": f"{self.cdn_url}/cdn/{parts[1]}"})
        return as_json({"error": "not found"}, 404)

    def cdn(self, seen: Seen) -> Reply:
        fid = int(seen.path.rsplit("/", 1)[1])
        for thing in self.things.values():
            for file_id, _name, body in thing["files"]:
                if file_id == fid:
                    if body is None:  # 64 MB, no Content-Length
                        return Reply(200, (b"// x\n" * 13000 for _ in range(1000)))
                    return Reply(200, body.encode())
        return Reply(404, b"")


def pipeline_config(out: Path, github: Server, raw: Server, tv: Server | None = None,
                    *, compile_: bool = True, refresh: bool = False) -> PipelineConfig:
    settings = SourceSettings(
        github=GitHubConfig(api=github.url, raw=raw.url, per_page=2),
        thingiverse=ThingiverseConfig(api=tv.url if tv else "http://unused",
                                      per_page=2, max_file_bytes=64 * 1024),
        page_license="CC0-1.0")
    # Each API's real limit (Thingiverse: 1/s) scaled up 200x: the same code path, fast.
    fast = HostLimit(rate=200, burst=5)
    http = fast_http(host_limits={s.netloc: fast for s in (github, raw, tv) if s is not None})
    return PipelineConfig(out_dir=out, sources=settings, http=http, jobs=2, progress=False,
                          refresh=refresh, filter=FilterConfig(compile=compile_,
                                                               compile_timeout_s=30))


def test_github_thingiverse_and_gallery_corpus(servers, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "gh-secret")
    monkeypatch.setenv("THINGIVERSE_TOKEN", "tv-secret")
    gh, tv = FakeGitHub(), FakeThingiverse()
    raw = servers(lambda seen: tv.cdn(seen) if seen.path.startswith("/cdn/") else
                  Reply(200, GALLERY_PAGE.encode(), {"Content-Type": "text/html"})
                  if seen.path == "/gallery" else gh.raw(seen))
    gh_api, tv_api = servers(gh.api), servers(tv.api)
    gh.api_url, tv.api_url, tv.cdn_url = gh_api.url, tv_api.url, raw.url
    out = tmp_path / "corpus"
    specs = ["github:gear", "thingiverse:storage box", f"gallery:{raw.url}/gallery"]
    stats = run_pipeline(specs, pipeline_config(out, gh_api, raw, tv_api), log=lambda m: None)

    rows = {(r["source"], r["path"]): r for r in read_corpus(out)}
    assert set(rows) == {
        ("github", "gear.scad"), ("github", "bracket.scad"),
        ("thingiverse", "box.scad"), ("thingiverse", "custom_box.scad"),
        ("gallery", "snippet-0002.scad"),
    }
    gear = rows[("github", "gear.scad")]
    assert gear["license"] == "MIT" and gear["author"] == "alice"
    assert gear["compile"]["status"] == "ok"  # `use <lib/involute.scad>` found its sibling
    assert gear["params"][0]["spec"] == "6:1:40"
    assert gear["leading_comment"] == "A spur gear for the demo train"
    bracket = rows[("github", "bracket.scad")]
    assert bracket["license"] == "GPL-3.0-only"
    assert bracket["description"].startswith("An L bracket")  # a one-file repo's description
    custom = rows[("thingiverse", "custom_box.scad")]
    assert custom["license"] == "CC-BY-SA-4.0" and custom["tags"] == ["customizer"]
    assert custom["title"] == "Customizable box" and custom["author"] == "maker"
    assert len(custom["params"]) == 4 and custom["mesh"]["watertight"]
    assert rows[("thingiverse", "box.scad")]["description"] == "A plain box."
    ring = rows[("gallery", "snippet-0002.scad")]
    assert ring["title"] == "Ring" and ring["license"] == "CC0-1.0"

    # dedup: gear_v2.scad (exact copy of gear.scad), the gallery's bracket and box (exact
    # copies of carol's and thing 1's: the better-described copy is kept), and thing 5 (a
    # remix of thing 2, similar but below the near-duplicate threshold)
    assert stats.duplicates == {"exact": 3, "near": 0, "remix": 1}
    assert len(custom["duplicates"]) == 1 and len(gear["duplicates"]) == 1
    assert all(r["compile"]["status"] == "ok" for r in rows.values())
    assert stats.dropped == {"not_openscad": 1,  # notes.scad is an STL
                             "compile:empty": 1}  # lib/involute.scad only defines a module
    assert stats.stages == {"fetched": 11, "extracted": 11, "filtered": 9, "deduplicated": 5,
                            "written": 5}
    assert stats.compile["rate"] == 9 / 10
    assert stats.licenses_written == {"MIT": 1, "GPL-3.0-only": 1, "CC-BY-4.0": 1,
                                      "CC-BY-SA-4.0": 1, "CC0-1.0": 1}

    # politeness, counted at the servers
    assert len(gh_api.hits("/search/repositories", page="1")) == 2  # 429, then retried
    assert len(gh_api.hits("/search/repositories", page="2")) == 1  # followed Link
    assert len(gh_api.hits("/repos/alice/gears/license")) == 2  # 500, then retried
    assert not gh_api.hits("/repos/dave/nc/git/trees/main")  # NC: nothing downloaded
    assert not gh_api.hits("/repos/bob/nolicense/git/trees/main")  # unknown license
    assert not raw.hits("/alice/gears/main/huge.scad")  # the tree said 50 MB
    assert all(s.headers.get("authorization") == "Bearer gh-secret" for s in gh_api.log)
    assert all("authorization" not in s.headers for s in raw.log)  # no token leaves its API
    assert all(s.headers.get("authorization") == "Bearer tv-secret" for s in tv_api.log)
    assert len(tv_api.hits("/search/storage%20box")) == 1 + 3 + 1  # page 2 tried 3 times
    assert not tv_api.hits("/things/7/files")  # non-commercial: not downloaded
    assert raw.streamed_bytes < 16 * 2**20  # the huge CDN file was cut off
    cdn_order = [s.path for s in raw.log if s.path.startswith("/cdn/")]
    assert cdn_order[0] == "/cdn/21"  # the customizer thing first
    src = stats.sources
    assert src["thingiverse:storage box"]["skipped"] == {"license": 1, "too_large": 1}
    assert any("search page 2" in e for e in src["thingiverse:storage box"]["errors"])
    assert src["github:gear"]["skipped"] == {"license": 2, "too_large": 1}
    assert stats.http["retries"] >= 2 + 2
    # The reset header's wait is asserted in test_rate_limit_reset_header_delays_the_next_
    # request: here it depends on timing (a slow machine reaches the reset before asking).

    # A rerun with --refresh revalidates listings (304s) and downloads no file again.
    before = {name: len(s.log) for name, s in (("gh", gh_api), ("raw", raw), ("tv", tv_api))}
    again = run_pipeline(specs, pipeline_config(out, gh_api, raw, tv_api, refresh=True),
                         log=lambda m: None)
    new_raw = raw.log[before["raw"]:]
    assert [s.path for s in new_raw] == ["/gallery"]  # the page listing, no file
    new_search = [s for s in gh_api.log[before["gh"]:] if s.path == "/search/repositories"]
    assert new_search and all(s.headers.get("if-none-match") for s in new_search)
    assert again.http["not_modified"] >= 2
    assert again.compile["cached"] == again.compile["compiled"]  # nothing compiled twice
    assert {(r["source"], r["path"]) for r in read_corpus(out)} == set(rows)


def test_killed_run_resumes_without_refetching(servers, tmp_path: Path) -> None:
    gh = FakeGitHub(flaky=False)
    gh.hang_raw_after = 2  # the third file download hangs: the run is killed there
    gh_api = servers(gh.api)
    raw = servers(gh.raw)
    gh.api_url = gh_api.url
    out = tmp_path / "corpus"
    env = {**os.environ, "GITHUB_TOKEN": "t", "SCAD_SCRAPE_GITHUB_API": gh_api.url,
           "SCAD_SCRAPE_GITHUB_RAW": raw.url, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "scrape.cli", "run", "github:gear", "--out", str(out),
         "--no-compile", "--no-progress", "--rate", "100"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while gh.raw_served < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert gh.raw_served == 3, proc.stderr.read().decode() if proc.stderr else ""
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        gh.release.set()
    first_run = [s.path for s in raw.log]
    api_before = len(gh_api.log)
    gh.hang_raw_after = None

    config = PipelineConfig(  # the same settings as the command line's defaults
        out_dir=out, progress=False, filter=FilterConfig(compile=False), http=fast_http(),
        sources=SourceSettings(github=GitHubConfig(api=gh_api.url, raw=raw.url)))
    stats = run_pipeline(["github:gear"], config, log=lambda m: None)

    second_run = [s.path for s in raw.log[len(first_run):]]
    # the two finished downloads are not fetched again; the interrupted one is
    assert first_run == ["/alice/gears/main/gear.scad", "/alice/gears/main/gear_v2.scad",
                         "/alice/gears/main/lib/involute.scad"]
    assert second_run == ["/alice/gears/main/lib/involute.scad",
                          "/carol/brackets/master/bracket.scad"]
    # the search page and alice's license and tree were finished units: not asked again
    resumed_api = [s.path for s in gh_api.log[api_before:]]
    assert resumed_api == ["/repos/bob/nolicense/license", "/repos/carol/brackets/license",
                           "/repos/carol/brackets/git/trees/master", "/repos/dave/nc/license"]
    assert stats.stages["fetched"] == 4 and stats.stages["written"] == 3  # gear_v2: a copy
