"""The gate: an ASGI middleware in front of the web demo's Gradio routes.

It names each browser with a random HttpOnly cookie (CLIENT_COOKIE), serves the file route
only for the files that browser's sessions show now (web.state.ServedFiles), refuses the
upload-like routes (the demo takes no files) and caps request bodies: all before Gradio reads
anything. Nothing here imports gradio (starlette only, when a gate is built)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from web.state import ServedFiles

CLIENT_COOKIE = "scad-agent-client"  # names a browser for ServedFiles; random, HttpOnly

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FILE_ROUTE = re.compile(r"/gradio_api/file[=/](.*)", re.DOTALL)
# routes that take files from, or fetch URLs for, the client: the demo needs neither
REFUSED_ROUTE = re.compile(r"/(gradio_api/)?(upload|process_recording|proxy=)")
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")
BODY_METHODS = ("POST", "PUT", "PATCH")


class Gate:
    """ASGI middleware in front of Gradio's routes: names each browser with a cookie, serves
    the file route only for that browser's shown files, refuses the upload-like routes and
    caps request bodies. It refuses before Gradio reads anything."""

    def __init__(self, app: ASGIApp, *, served: ServedFiles, max_body: int) -> None:
        from starlette.requests import cookie_parser  # the parser gr.Request will use

        self.app, self.served, self.max_body = app, served, max_body
        self._cookies = cookie_parser

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = re.sub("/{2,}", "/", scope.get("path", ""))
        scope, send, client = self._client(scope, send)
        if REFUSED_ROUTE.match(path):
            await refuse(send, 403, "this demo takes no uploads")
            return
        found = FILE_ROUTE.fullmatch(path)
        if found and not self.served.allowed(client, found.group(1)):
            await refuse(send, 403, "file not allowed")
            return
        if scope["method"] in BODY_METHODS:
            bounded = await self._bounded(scope, receive, send)
            if bounded is None:
                return
            receive = bounded
        await self.app(scope, receive, send)

    def _client(self, scope: Scope, send: Send) -> tuple[Scope, Send, str]:
        """The browser's token; a request without one gets a new one, in its own headers
        (so that the handler sees it) and in a Set-Cookie on the response."""
        raw = header(scope, b"cookie") or ""
        token = self._cookies(raw).get(CLIENT_COOKIE, "")
        if TOKEN.fullmatch(token):
            return scope, send, token
        token = secrets.token_urlsafe(16)
        cookie = f"{raw}; {CLIENT_COOKIE}={token}" if raw else f"{CLIENT_COOKIE}={token}"
        headers = [(k, v) for k, v in scope["headers"] if k != b"cookie"]
        scope = {**scope, "headers": [*headers, (b"cookie", cookie.encode("latin-1"))]}
        set_cookie = f"{CLIENT_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax".encode()

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message,
                           "headers": [*message.get("headers", []), (b"set-cookie", set_cookie)]}
            await send(message)

        return scope, send_with_cookie, token

    async def _bounded(self, scope: Scope, receive: Receive, send: Send) -> Receive | None:
        """`receive` for a body within max_body, or None once refused. A declared length is
        judged unread; a chunked body is read up to the limit and replayed."""
        length = header(scope, b"content-length")
        if length is not None:
            if not length.isdigit():
                await refuse(send, 400, "bad Content-Length")
                return None
            if int(length) > self.max_body:
                await refuse(send, 413, f"request body over {self.max_body} bytes")
                return None
            return receive
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_body:
                await refuse(send, 413, f"request body over {self.max_body} bytes")
                return None
            if not message.get("more_body", False):
                break
        pending: list[Message] = [{"type": "http.request", "body": b"".join(chunks),
                                   "more_body": False}]

        async def replay() -> Message:
            return pending.pop() if pending else await receive()

        return replay


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
