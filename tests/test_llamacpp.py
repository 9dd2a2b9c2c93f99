"""llama.cpp for real: the in-process llamacpp backend, and llama-cpp-python's OpenAI server
on 127.0.0.1 through the openai backend in auto mode, with a real GGUF model.

Nothing is built or downloaded here. The tests that need llama-cpp-python and a GGUF file
skip, saying which is missing, where they are not installed (docs/servers.md says how to get
both; SCAD_AGENT_TEST_GGUF names the file, default DEFAULT_GGUF). The argument checks at the
top run everywhere."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.backends import BACKENDS, get_backend
from agent.backends.base import Backend, BackendError, Reply
from agent.config import AgentConfig
from agent.prompts import TRUNCATED
from agent.session import Session
from tools.errors import MissingDependency
from tools.grammar import accepts, load_grammar

DEFAULT_GGUF = "/work/models-cache/SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF = Path(os.environ.get("SCAD_AGENT_TEST_GGUF", DEFAULT_GGUF))
HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
needs_llama = pytest.mark.skipif(
    not (HAVE_LLAMA and GGUF.is_file()),
    reason=("llama-cpp-python is not installed (pip install 'scad-agent[llamacpp]')"
            if not HAVE_LLAMA else
            f"no GGUF model at {GGUF} (set SCAD_AGENT_TEST_GGUF; docs/servers.md)"))
MESSAGES = [{"role": "user", "content": "Write an OpenSCAD program: a 20 mm cube."}]
PROMPT = "a 20 mm cube with a 5 mm hole through it"
FENCE = "```openscad\n"
THREADS = 1  # a shared 2-core machine: more threads spin against each other


def program_prefix(reply: Reply) -> bool:
    """A constrained reply is a program, or the start of one when it was cut off (a cut
    reply keeps the opening of its ```openscad fence: the fence is stripped only whole)."""
    if reply.truncated and FENCE.startswith(reply.text):
        return True  # cut inside the fence's opening line
    text = reply.text.removeprefix(FENCE) if reply.truncated else reply.text
    return accepts(text, complete=not reply.truncated)


# -- everywhere ---------------------------------------------------------------------------

def test_llamacpp_is_a_backend_choice() -> None:
    assert "llamacpp" in BACKENDS


def test_a_file_that_is_not_gguf_is_one_clear_line(tmp_path: Path) -> None:
    fake = tmp_path / "model.safetensors"
    fake.write_bytes(b"\x00\x01not a model")
    with pytest.raises(BackendError, match=r"is not a GGUF file") as info:
        get_backend("llamacpp", model=str(fake))
    assert "\n" not in str(info.value)
    with pytest.raises(BackendError, match=r"no GGUF model at"):
        get_backend("llamacpp", model=str(tmp_path / "missing.gguf"))
    with pytest.raises(BackendError, match=r"needs a GGUF file"):
        get_backend("llamacpp")


def test_a_missing_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header_only = tmp_path / "m.gguf"
    header_only.write_bytes(b"GGUF" + b"\x00" * 60)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # what an install without it gives
    with pytest.raises(MissingDependency, match=r"scad-agent\[llamacpp\]"):
        get_backend("llamacpp", model=str(header_only))


# -- in process ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def local() -> Any:
    return get_backend("llamacpp", model=str(GGUF), threads=THREADS, fenced_grammar=True)


@needs_llama
def test_in_process_reply_is_constrained_and_counted(local: Any) -> None:
    assert isinstance(local, Backend) and local.constrains
    replies = local.generate(MESSAGES, grammar=load_grammar(), max_tokens=48)
    assert replies[0].constrained and program_prefix(replies[0])
    assert replies[0].completion_tokens > 0 and replies[0].prompt_tokens > 0
    free = local.generate(MESSAGES, max_tokens=24)[0]
    assert not free.constrained and free.completion_tokens > 0


@needs_llama
def test_in_process_last_usage_is_the_last_call_decoded_once(local: Any) -> None:
    # greedy n=3 decodes one reply: its two copies cost nothing, so the call costs that one
    replies = local.generate(MESSAGES, n=3, max_tokens=6)
    assert len(replies) == 3 and replies[0].completion_tokens == 6
    assert local.last_usage == {"prompt_tokens": replies[0].prompt_tokens,
                                "completion_tokens": 6}
    assert replies[0].prompt_tokens > 0


@needs_llama
def test_in_process_cut_at_max_tokens_is_length(local: Any) -> None:
    reply = local.generate(MESSAGES, grammar=load_grammar(), max_tokens=6)[0]
    assert reply.finish_reason == "length" and reply.truncated
    assert reply.completion_tokens == 6 and program_prefix(reply)


@needs_llama
def test_in_process_out_of_time_keeps_the_part(local: Any) -> None:
    reply = local.generate(MESSAGES, grammar=load_grammar(), max_tokens=2000,
                           timeout_s=0.5)[0]
    assert reply.finish_reason == "time" and reply.truncated
    assert 0 < reply.completion_tokens < 2000 and program_prefix(reply)


@needs_llama
def test_in_process_sampling_is_seeded_and_grammatical(local: Any) -> None:
    first = local.generate(MESSAGES, n=2, temperature=1.0, grammar=load_grammar(),
                           max_tokens=24)
    assert len(first) == 2 and all(r.constrained and program_prefix(r) for r in first)


# -- llama-cpp-python's server through the openai backend ---------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 -- closed below, after the process
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(GGUF), "--host",
         "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", str(THREADS),
         "--model_alias", "smollm2"], stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(600):
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{endpoint}/models", timeout=2) as got:
                    json.loads(got.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("llama_cpp.server did not answer within 120 s")
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


class Recorder:
    """A backend that hands every call to the real one and keeps what was asked."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.max_parallel = inner.name, inner.max_parallel
        self.asked: list[tuple[str, float]] = []

    @property
    def constrains(self) -> bool:
        return bool(self.inner.constrains)

    def generate(self, messages: list[dict[str, str]], **options: Any) -> list[Reply]:
        self.asked.append((json.dumps(messages), options.get("temperature", 0.0)))
        return self.inner.generate(messages, **options)


@needs_llama
def test_auto_mode_applies_the_grammar_to_llama_cpp_python(server: str) -> None:
    backend = get_backend("openai", endpoint=server, grammar_mode="auto", fenced_grammar=True)
    assert backend.grammar_mode == "llamacpp" and backend.constrains
    reply = backend.generate(MESSAGES, grammar=load_grammar(), max_tokens=32)[0]
    assert reply.constrained and program_prefix(reply) and reply.completion_tokens > 0


@needs_llama
def test_a_512_token_constrained_reply_comes_back_within_the_turn(server: str) -> None:
    # the budget may end the reply ("time"), but it never ends the call without one, and
    # the server stops generating when the stream is closed: the next request is served
    backend = get_backend("openai", endpoint=server, grammar_mode="auto", fenced_grammar=True)
    reply = backend.generate(MESSAGES, grammar=load_grammar(), max_tokens=512, timeout_s=20)[0]
    assert reply.finish_reason in ("stop", "length", "time") and program_prefix(reply)
    assert backend.requests == 1
    after = backend.generate(MESSAGES, max_tokens=4, timeout_s=60)[0]
    assert after.text and after.finish_reason == "length"


@needs_llama
def test_a_cut_off_reply_is_repaired_as_cut_off_never_re_asked_the_same(
        server: str, tmp_path: Path) -> None:
    backend = Recorder(get_backend("openai", endpoint=server, grammar_mode="auto",
                                   fenced_grammar=True))
    config = AgentConfig(backend="openai", render=False, reply_max_tokens=12, max_repairs=2,
                         samples=1, strategy="repair")
    steps = list(Session(tmp_path / "s", backend, config).send(PROMPT))  # type: ignore[arg-type]
    replies = [s for s in steps if s.kind == "reply"]
    assert replies and replies[0].data["truncated"] is True
    repair = next(s for s in steps if s.kind == "repair")
    assert TRUNCATED in repair.data["failures"] and "cut off" in repair.data["message"]
    assert len(set(backend.asked)) == len(backend.asked) >= 2


@needs_llama
def test_a_grammar_llama_cpp_cannot_read_is_an_error_not_a_crash(local: Any) -> None:
    with pytest.raises(BackendError, match=r"could not parse the grammar"):
        local.generate(MESSAGES, grammar="root ::= missing_rule", max_tokens=4)
    assert local.generate(MESSAGES, max_tokens=2)[0].completion_tokens == 2  # still usable
