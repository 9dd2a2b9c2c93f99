"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 that injects faults."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agent.backends import get_backend
from agent.backends.base import Backend, BackendError, ContextOverflow, OutOfTime, Reply, usage_of
from agent.backends.common import program_grammar
from agent.backends.openai import OpenAIBackend, parse_completion

MESSAGES = [{"role": "user", "content": "a 10 mm cube"}]


def texts(replies: list[Reply]) -> list[str]:
    return [r.text for r in replies]
GRAMMAR = 'root ::= "cube(" [1-9] [0-9]* ");"'


class ChatServer:
    """A tiny OpenAI-compatible server. `faults` is consumed one per chat request; when it
    runs out, requests get a normal reply. Every chat request body is kept in `requests`."""

    def __init__(self, owned_by: str = "vllm", honour_n: bool = True,
                 extra_routes: dict[str, object] | None = None,
                 model_fields: dict[str, object] | None = None) -> None:
        self.faults: list[tuple[Any, ...]] = []
        self.extra_routes = extra_routes or {}  # GET path -> JSON answer (/props, ...)
        self.model_fields = model_fields or {}
        self.released = threading.Event()  # ends "hang" faults when the server closes
        self.requests: list[dict[str, Any]] = []
        self.owned_by = owned_by
        self.honour_n = honour_n
        self.reply = "cube(10);"
        self.streams = False     # answer `stream: true` requests as an event stream
        self.sent_chunks = 0     # content chunks written to event streams
        self.client_left = threading.Event()  # a client closed a stream before its end
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [
                        {"id": "scad-tiny", "object": "model", "owned_by": server.owned_by,
                         **server.model_fields}]})
                elif self.path in server.extra_routes:
                    self._json(200, server.extra_routes[self.path])
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length))
                with server._lock:
                    server.requests.append(body)
                    fault = server.faults.pop(0) if server.faults else ("ok",)
                try:
                    self._serve(fault, body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that is the point of the test

            def _serve(self, fault: tuple[Any, ...], body: dict[str, Any]) -> None:
                kind = fault[0]
                if kind == "hang":  # accept the request, never answer
                    server.released.wait(30)
                    return
                if kind == "drop":  # close the connection without an answer
                    self.close_connection = True
                    return
                if kind == "sleep":
                    time.sleep(fault[1])
                    kind = "ok"
                if kind == "nostream" and body.get("stream"):
                    self._json(400, {"error": {"message": "streaming is not supported"}})
                    return
                if body.get("stream") and server.streams and kind in ("ok", "length", "slow"):
                    self._stream(body, kind, fault)
                    return
                if kind == "status":
                    code, headers = fault[1], fault[2] if len(fault) > 2 else {}
                    self._json(code, {"error": {"message": f"injected {code}"}}, headers)
                elif kind == "raw":
                    self._bytes(200, fault[1])
                elif kind == "raw400":
                    self._json(400, {"error": {"message": fault[1]}})
                elif kind == "truncate":
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", "1000")
                    self.end_headers()
                    self.wfile.write(b'{"id": "x", "choices": [')
                    self.wfile.flush()
                    self.close_connection = True
                elif kind == "nochoices":
                    self._json(200, {"id": "x", "object": "chat.completion"})
                else:
                    content = "" if kind == "empty" else server.reply
                    reason = "length" if kind == "length" else "stop"
                    n = int(body.get("n") or 1) if server.honour_n else 1
                    self._json(200, {
                        "id": "cmpl-1", "object": "chat.completion", "model": body["model"],
                        "choices": [
                            {"index": i, "finish_reason": reason,
                             "message": {"role": "assistant", "content": content}}
                            for i in range(n)
                        ],
                        "usage": {"prompt_tokens": 7, "completion_tokens": 3 * n,
                                  "total_tokens": 7 + 3 * n},
                    })

            def _stream(self, body: dict[str, Any], kind: str, fault: tuple[Any, ...]) -> None:
                """One chunk per character (a slow fault: fault[1] chunks, fault[2] s apart);
                usage last when asked for, as OpenAI and vLLM do."""
                pieces = ["x"] * fault[1] if kind == "slow" else list(server.reply)
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()

                def event(data: object) -> None:
                    self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()

                try:
                    for piece in pieces:
                        event({"choices": [{"index": 0, "delta": {"content": piece},
                                            "finish_reason": None}]})
                        server.sent_chunks += 1
                        if kind == "slow":
                            time.sleep(fault[2])
                    reason = "length" if kind == "length" else "stop"
                    event({"choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
                    if (body.get("stream_options") or {}).get("include_usage"):
                        event({"choices": [], "usage": {"prompt_tokens": 7,
                                                        "completion_tokens": len(pieces)}})
                    self.wfile.write(b"data: [DONE]\n\n")
                except (BrokenPipeError, ConnectionResetError):
                    server.client_left.set()

            def _json(self, code: int, data: object, headers: dict[str, str] | None = None) -> None:
                self._bytes(code, json.dumps(data).encode(), headers)

            def _bytes(self, code: int, payload: bytes, headers: dict[str, str] | None = None):
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[ChatServer]:
    srv = ChatServer()
    yield srv
    srv.close()


class Sleeps:
    """Records the backoff waits the backend asks for (and sleeps them: they are tiny)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        time.sleep(min(seconds, 0.05))


def backend(endpoint: str, sleeps: Sleeps | None = None, **config: Any) -> OpenAIBackend:
    settings: dict[str, Any] = {
        "endpoint": endpoint, "model": "scad-tiny", "grammar_mode": "none", "max_tries": 3,
        "backoff_initial_s": 0.01, "backoff_max_s": 0.02, "retry_after_max_s": 0.05,
        "timeout_s": 5.0,
    }
    settings.update(config)
    return OpenAIBackend(sleep=sleeps or Sleeps(), **settings)


def test_plain_reply_usage_and_protocol(server: ChatServer) -> None:
    b = get_backend("openai", endpoint=server.endpoint, model="scad-tiny", grammar_mode="none")
    assert isinstance(b, Backend)
    replies = b.generate(MESSAGES, max_tokens=64)
    assert texts(replies) == ["cube(10);"]
    assert replies[0].finish_reason == "stop" and not replies[0].truncated
    assert usage_of(replies) == {"prompt_tokens": 7, "completion_tokens": 3}
    sent = server.requests[0]
    assert sent["messages"] == MESSAGES and sent["max_tokens"] == 64 and "n" not in sent


def test_model_name_comes_from_the_server_when_not_given(server: ChatServer) -> None:
    b = backend(server.endpoint, model="")
    b.generate(MESSAGES)
    assert server.requests[0]["model"] == "scad-tiny"


def test_a_timed_out_request_is_not_sent_again(server: ChatServer) -> None:
    # the server may still be generating the abandoned reply: a new request would queue
    server.faults = [("sleep", 1.5)]
    b = backend(server.endpoint, timeout_s=0.3, min_tokens_per_s=1e9)
    with pytest.raises(BackendError, match=r"no reply within 0.3 s \(not sent again"):
        b.generate(MESSAGES)
    assert b.requests == 1


def test_request_timeout_grows_with_max_tokens(server: ChatServer) -> None:
    # 0.3 s + 4000 tokens at 1000 tokens/s: a 1.5 s reply is waited for
    server.faults = [("sleep", 1.5)]
    b = backend(server.endpoint, timeout_s=0.3, min_tokens_per_s=1000)
    assert texts(b.generate(MESSAGES, max_tokens=4000)) == ["cube(10);"]
    assert b.requests == 1


def test_server_error_then_success(server: ChatServer) -> None:
    server.faults = [("status", 500), ("status", 503)]
    sleeps = Sleeps()
    b = backend(server.endpoint, sleeps)
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    assert len(server.requests) == 3
    assert len(sleeps.waits) == 2 and all(0 < w <= 0.02 + 0.01 for w in sleeps.waits)


def test_rate_limit_honours_retry_after_capped(server: ChatServer) -> None:
    server.faults = [
        ("status", 429, {"retry-after": "30"}),
        ("status", 429, {"retry-after-ms": "20"}),
    ]
    sleeps = Sleeps()
    b = backend(server.endpoint, sleeps)
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    assert sleeps.waits == [0.05, 0.02]  # 30 s capped at retry_after_max_s; 20 ms as asked


def test_client_errors_are_not_retried(server: ChatServer) -> None:
    server.faults = [("status", 400)]
    b = backend(server.endpoint)
    with pytest.raises(BackendError, match=r"refused: HTTP 400.*injected 400"):
        b.generate(MESSAGES)
    assert len(server.requests) == 1


def test_persistent_server_errors_give_up_after_bounded_tries(server: ChatServer) -> None:
    server.faults = [("status", 502)] * 10
    b = backend(server.endpoint, max_tries=3)
    with pytest.raises(BackendError, match=r"HTTP 502.*gave up after 3 tries") as info:
        b.generate(MESSAGES)
    assert server.endpoint in str(info.value)
    assert len(server.requests) == 3


@pytest.mark.parametrize("fault", [("raw", b'{"choices": [ {"mess'), ("truncate",), ("nochoices",)])
def test_broken_bodies_are_retried(server: ChatServer, fault: tuple[Any, ...]) -> None:
    server.faults = [fault]
    b = backend(server.endpoint)
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    assert len(server.requests) == 2


def test_broken_bodies_every_time_say_what_was_wrong(server: ChatServer) -> None:
    server.faults = [("raw", b"<html>bad gateway</html>")] * 3
    with pytest.raises(BackendError, match=r"malformed JSON.*after 3 tries"):
        backend(server.endpoint).generate(MESSAGES)
    server.faults = [("nochoices",)] * 3
    with pytest.raises(BackendError, match=r"no 'choices'"):
        backend(server.endpoint).generate(MESSAGES)


def test_empty_content_is_retried_once_then_an_error(server: ChatServer) -> None:
    server.faults = [("empty",)]
    assert texts(backend(server.endpoint).generate(MESSAGES)) == ["cube(10);"]
    assert len(server.requests) == 1 + 1
    server.faults = [("empty",), ("empty",), ("ok",)]
    with pytest.raises(BackendError, match="empty reply twice"):
        backend(server.endpoint).generate(MESSAGES)
    assert len(server.requests) == 2 + 2


def test_connection_refused_gives_up_after_bounded_tries() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps = Sleeps()
    b = backend(f"http://127.0.0.1:{port}/v1", sleeps, max_tries=3)
    with pytest.raises(BackendError, match=r"connection failed.*gave up after 3 tries") as info:
        b.generate(MESSAGES)
    assert f"127.0.0.1:{port}" in str(info.value)
    assert b.requests == 3 and len(sleeps.waits) == 2


def test_n_samples_in_one_request(server: ChatServer) -> None:
    b = backend(server.endpoint)
    replies = b.generate(MESSAGES, n=3, temperature=0.8)
    assert texts(replies) == ["cube(10);"] * 3
    assert len(server.requests) == 1 and server.requests[0]["n"] == 3
    assert usage_of(replies) == {"prompt_tokens": 7, "completion_tokens": 9}


def test_servers_that_ignore_n_are_asked_again() -> None:
    srv = ChatServer(honour_n=False)
    try:
        b = backend(srv.endpoint)
        replies = b.generate(MESSAGES, n=3, temperature=0.8)
        assert len(replies) == 3
        assert [r.get("n") for r in srv.requests] == [3, 2, None]
        assert usage_of(replies) == {"prompt_tokens": 21, "completion_tokens": 9}
    finally:
        srv.close()


def test_greedy_n_is_one_request(server: ChatServer) -> None:
    replies = backend(server.endpoint).generate(MESSAGES, n=3, temperature=0.0)
    assert texts(replies) == ["cube(10);"] * 3
    assert usage_of(replies) == {"prompt_tokens": 7, "completion_tokens": 3}  # copies are free
    assert len(server.requests) == 1 and "n" not in server.requests[0]


def test_vllm_grammar_goes_in_structured_outputs(server: ChatServer) -> None:
    b = backend(server.endpoint, grammar_mode="vllm")
    replies = b.generate(MESSAGES, grammar=GRAMMAR)
    sent = server.requests[0]
    assert sent["structured_outputs"] == {"grammar": program_grammar(GRAMMAR, fenced=False)}
    assert b.constrains is True and replies[0].constrained
    assert not b.generate(MESSAGES)[0].constrained  # no grammar asked, none applied


def test_fenced_grammar_is_wrapped_and_the_fence_stripped(server: ChatServer) -> None:
    server.reply = "```openscad\ncube(10);\n```"
    b = backend(server.endpoint, grammar_mode="vllm", fenced_grammar=True)
    assert texts(b.generate(MESSAGES, grammar=GRAMMAR)) == ["cube(10);"]
    sent = server.requests[0]["structured_outputs"]["grammar"]
    assert sent == program_grammar(GRAMMAR, fenced=True) and sent != GRAMMAR
    server.requests.clear()
    # without a grammar nothing is stripped: the agent's extractor reads the reply
    assert texts(b.generate(MESSAGES)) == ["```openscad\ncube(10);\n```"]


def test_auto_mode_probes_the_server(server: ChatServer) -> None:
    b = backend(server.endpoint, grammar_mode="auto")
    assert b.constrains is True  # asked before any generate: the agent decides on it
    assert server.requests == []  # ... by GET /models, not by a chat request
    replies = b.generate(MESSAGES, grammar=GRAMMAR)
    assert "structured_outputs" in server.requests[0] and replies[0].constrained


def test_auto_mode_without_a_grammar_server_says_so(caplog: pytest.LogCaptureFixture) -> None:
    srv = ChatServer(owned_by="openai")
    try:
        b = backend(srv.endpoint, grammar_mode="auto")
        assert b.constrains is False
        with caplog.at_level(logging.WARNING, logger="agent.backends.openai"):
            assert texts(b.generate(MESSAGES, grammar=GRAMMAR)) == ["cube(10);"]
        assert "grammar NOT applied" in caplog.text
        assert "structured_outputs" not in srv.requests[0] and "grammar" not in srv.requests[0]
        assert not b.generate(MESSAGES, grammar=GRAMMAR)[0].constrained
    finally:
        srv.close()


def test_llamacpp_grammar_is_gbnf(server: ChatServer) -> None:
    grammar_pkg = pytest.importorskip("tools.grammar")
    if not hasattr(grammar_pkg, "to_gbnf"):
        pytest.skip("tools.grammar.to_gbnf not written yet (grammar helper)")
    b = backend(server.endpoint, grammar_mode="llamacpp")
    b.generate(MESSAGES, grammar=GRAMMAR)
    expected = grammar_pkg.to_gbnf(program_grammar(GRAMMAR, fenced=False))
    assert server.requests[0]["grammar"] == expected


def test_llama_cpp_gets_the_bundled_grammar_in_its_llama_shape(server: ChatServer) -> None:
    from tools.grammar import llama_shaped, load_grammar, to_gbnf

    b = backend(server.endpoint, grammar_mode="llamacpp", fenced_grammar=True)
    b.generate(MESSAGES, grammar=load_grammar())
    assert server.requests[0]["grammar"] == to_gbnf(program_grammar(llama_shaped(),
                                                                    fenced=True))
    vllm = backend(server.endpoint, grammar_mode="vllm")
    vllm.generate(MESSAGES, grammar=load_grammar())  # xgrammar keeps its own shape
    assert server.requests[1]["structured_outputs"]["grammar"] == load_grammar()


def test_parse_completion_tolerates_null_content_and_missing_usage() -> None:
    choices, usage = parse_completion('{"choices": [{"message": {"content": null}}]}')
    assert choices == [("", "stop")] and usage == {"prompt_tokens": 0, "completion_tokens": 0}


def test_unknown_grammar_mode_is_refused() -> None:
    with pytest.raises(BackendError, match="grammar_mode"):
        OpenAIBackend(endpoint="http://127.0.0.1:1/v1", grammar_mode="outlines")


def test_fenced_grammar_replies_come_back_bare() -> None:
    from agent.backends.common import unfence

    assert unfence("```openscad\ncube(1);\n```") == "cube(1);"
    assert unfence("```\nsphere(2);\n```\n") == "sphere(2);"
    assert unfence("cube(1); // ``` not a fence") == "cube(1); // ``` not a fence"


def test_sampling_plan() -> None:
    from agent.backends.common import sampling_plan

    greedy = sampling_plan(3, 0.0)
    assert (greedy.draws, greedy.do_sample) == (1, False)
    assert greedy.fill(["a"], 3) == ["a", "a", "a"]
    hot = sampling_plan(3, 0.9)
    assert (hot.draws, hot.do_sample, hot.temperature) == (3, True, 0.9)
    with pytest.raises(ValueError):
        sampling_plan(0, 0.5)


def test_finish_reason_length_marks_the_reply_truncated(server: ChatServer) -> None:
    server.faults = [("length",)]
    replies = backend(server.endpoint).generate(MESSAGES, max_tokens=3)
    assert replies[0].finish_reason == "length" and replies[0].truncated


def test_a_hung_server_fails_within_the_callers_time(server: ChatServer) -> None:
    server.faults = [("hang",)] * 5
    b = backend(server.endpoint, timeout_s=60.0)
    with pytest.raises(OutOfTime, match="turn's time ran out"):
        b.generate(MESSAGES, timeout_s=0.5)
    assert b.requests == 1  # not sent again into the same hang


def test_retry_after_beyond_the_remaining_time_gives_up_at_once(server: ChatServer) -> None:
    server.faults = [("status", 429, {"retry-after": "100000"})]
    sleeps = Sleeps()
    b = backend(server.endpoint, sleeps, retry_after_max_s=200000)
    with pytest.raises(OutOfTime, match=r"asked to wait 1e\+05 s, more than the"):
        b.generate(MESSAGES, timeout_s=30)
    assert sleeps.waits == [] and b.requests == 1


def test_malformed_retry_after_date_is_ignored(server: ChatServer) -> None:
    server.faults = [("status", 503, {"retry-after": "Mon, 99 Foo 20x5 25:61:00 GMT"})]
    sleeps = Sleeps()
    assert texts(backend(server.endpoint, sleeps).generate(MESSAGES)) == ["cube(10);"]
    assert len(sleeps.waits) == 1 and sleeps.waits[0] <= 0.02  # the ordinary backoff


def test_connection_lost_after_a_grammar_is_named_a_possible_grammar_fault(
        server: ChatServer) -> None:
    server.faults = [("drop",)] * 3
    b = backend(server.endpoint, grammar_mode="vllm")
    with pytest.raises(BackendError, match="possible grammar fault.*--grammar-mode none"):
        b.generate(MESSAGES, grammar=GRAMMAR)
    assert b.requests == 1
    # without a grammar the same fault is an ordinary transient one, retried
    server.faults = [("drop",)]
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]


def test_the_servers_context_refusal_is_one_line(server: ChatServer) -> None:
    message = ("This model's maximum context length is 2048 tokens. However, you requested "
               "5000 tokens (4000 in the messages, 1000 in the completion).")
    server.faults = [("raw400", message)]
    b = backend(server.endpoint)
    with pytest.raises(ContextOverflow, match="too long for the model.*maximum context"):
        b.generate(MESSAGES)


def test_a_known_context_refuses_a_prompt_that_cannot_fit() -> None:
    srv = ChatServer(model_fields={"max_model_len": 100})
    try:
        b = backend(srv.endpoint, model="")
        with pytest.raises(ContextOverflow, match="100 tokens of context"):
            b.generate([{"role": "user", "content": "x" * 700}])
        assert srv.requests == []  # refused before sending
        assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    finally:
        srv.close()


@pytest.mark.parametrize(("owned_by", "routes", "mode"), [
    ("me", {}, "llamacpp"),  # llama-cpp-python's /models
    ("llamacpp", {}, "llamacpp"),  # llama.cpp's llama-server
    ("organization", {"/props": {"default_generation_settings": {"n_ctx": 4096}}},
     "llamacpp"),  # llama-server that does not say so in /models: its /props does
    ("someone", {"/openapi.json": {"info": {"title": "\U0001f999 llama.cpp Python API"}}},
     "llamacpp"),
    ("library", {}, "none"),  # Ollama: JSON schemas only
])
def test_auto_mode_recognises_llama_cpp_servers(owned_by: str, routes: dict, mode: str) -> None:
    srv = ChatServer(owned_by=owned_by, extra_routes=routes)
    try:
        b = backend(srv.endpoint, grammar_mode="auto")
        assert b.grammar_mode == mode
        if mode == "llamacpp":
            replies = b.generate(MESSAGES, grammar=GRAMMAR)
            assert "grammar" in srv.requests[0] and replies[0].constrained
    finally:
        srv.close()


def test_gbnf_is_another_name_for_the_llamacpp_mode(server: ChatServer) -> None:
    assert backend(server.endpoint, grammar_mode="gbnf").grammar_mode == "llamacpp"


# -- streaming ----------------------------------------------------------------------------

def test_streamed_reply_reads_text_reason_and_usage(server: ChatServer) -> None:
    server.streams = True
    server.faults = [("length",)]
    replies = backend(server.endpoint).generate(MESSAGES, max_tokens=9)
    assert texts(replies) == ["cube(10);"] and replies[0].finish_reason == "length"
    assert usage_of(replies) == {"prompt_tokens": 7, "completion_tokens": 9}
    sent = server.requests[0]
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}


def test_running_out_of_time_mid_stream_closes_it_and_keeps_the_part(
        server: ChatServer) -> None:
    # 400 chunks 10 ms apart take 4 s; the turn has 0.5 s: the reply comes back cut, marked
    # "time", and the server sees the client leave long before its last chunk
    server.streams = True
    server.faults = [("slow", 400, 0.01)]
    replies = backend(server.endpoint).generate(MESSAGES, max_tokens=400, timeout_s=0.5)
    assert replies[0].finish_reason == "time" and replies[0].truncated
    assert 0 < len(replies[0].text) < 400
    assert server.client_left.wait(5)
    assert server.sent_chunks < 400
    assert len(server.requests) == 1


def test_a_server_that_refuses_streams_is_asked_whole(server: ChatServer) -> None:
    server.streams = True
    server.faults = [("nostream",)]
    b = backend(server.endpoint)
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    assert texts(b.generate(MESSAGES)) == ["cube(10);"]
    assert [r.get("stream") for r in server.requests] == [True, None, None]


def test_streams_can_be_turned_off(server: ChatServer) -> None:
    server.streams = True
    assert texts(backend(server.endpoint, stream=False).generate(MESSAGES)) == ["cube(10);"]
    assert "stream" not in server.requests[0]


@pytest.mark.parametrize("header", ["nan", "Mon, 01 Jan 99999999999 00:00:00 GMT"])
def test_unreadable_retry_after_falls_back_to_backoff(server: ChatServer, header: str) -> None:
    server.faults = [("status", 503, {"retry-after": header})]
    sleeps = Sleeps()
    assert texts(backend(server.endpoint, sleeps).generate(MESSAGES)) == ["cube(10);"]
    assert len(sleeps.waits) == 1 and 0 < sleeps.waits[0] <= 0.02
