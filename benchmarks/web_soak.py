"""Soak: the real `scad-agent web` (scripted model, real OpenSCAD) on 127.0.0.1 with many
visitors at once, through the official Gradio client, plus hostile requests sent while the
queue is full: a prompt over the limit and a 2 MiB request body.

Reports each visitor's turn time (queue wait + turn + part view, fetching the GLB and the
downloads) against the turn budget (AgentConfig.max_wall_s), how fast the hostile requests
were refused, tracebacks in the server's log (must be 0), and the server's resident memory:
before any turn, at start (after one warm-up turn: first-use imports), peak, and after the
visitors are done (must be within 10 % of start). Exit status 1 when a criterion fails.

    python benchmarks/web_soak.py                  # 20 visitors
    python benchmarks/web_soak.py --clients 40 --max-queue 64
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from scad_parts import CUSTOMIZER_PLATE as PLATE  # noqa: E402

from agent.config import AgentConfig  # noqa: E402

PROMPT = "a plate 60 x 40 x 5 mm with four 5 mm holes"
SETTLE_S = 5.0  # after the last visitor, before "after" memory is read


@dataclass
class Visit:
    seconds: float = 0.0
    ok: bool = False
    said: str = ""  # the chat's last line, or the error


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else float("nan")


class Sampler(threading.Thread):
    """The server's peak resident memory, sampled every 50 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, rss_mb(self.pid))


def start_server(folder: Path, port: int, max_queue: int) -> tuple[subprocess.Popen, Path]:
    replies = folder / "replies.jsonl"
    replies.write_text((json.dumps(f"```openscad\n{PLATE}\n```") + "\n") * 256)
    log = folder / "server.log"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("SCAD_AGENT_WEB_AUTH", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "agent.cli", "web", "--backend", "scripted", "--model",
         str(replies), "--port", str(port), "--work-dir", str(folder / "work"),
         "--max-queue", str(max_queue)],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while "model ready" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the server did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process, log


def visit(client, visit: Visit, start: threading.Barrier) -> None:
    """One visitor: a turn, then the part view the page chains after it (the client
    downloads its GLB, STL, 3MF and SCAD, as the page would)."""
    start.wait()
    began = time.perf_counter()
    try:
        _, history = client.predict(PROMPT, [], api_name="/send")
        part = client.predict(api_name="/send_part")
        content = history[-1]["content"]
        text = content if isinstance(content, str) else content[0]["text"]
        visit.said = text.splitlines()[-1]
        visit.ok = "part OK" in visit.said and Path(part[0]).is_file()
    except Exception as exc:  # a refused or failed visit is a figure, not a crash
        visit.said = f"{type(exc).__name__}: {exc}"
    visit.seconds = time.perf_counter() - began


def hostile(url: str, results: dict[str, tuple[str, float]], start: threading.Barrier) -> None:
    """Sent while the queue is full of turns: both must be refused at once, without
    waiting for the queue. The page itself is fetched first, as the yardstick of how fast
    the busy server answers anything."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    start.wait()
    time.sleep(0.5)  # let the visitors fill the queue first
    began = time.perf_counter()
    page = httpx.get(url + "/", timeout=60)
    results["the page, GET / (yardstick)"] = (f"HTTP {page.status_code}",
                                              time.perf_counter() - began)
    began = time.perf_counter()
    try:
        client.predict("x" * 5000, [], api_name="/send")
        outcome = "accepted (should have been refused)"
    except Exception as exc:
        outcome = str(exc).strip().splitlines()[-1].lstrip("- ")  # the validation line
    results["prompt of 5000 characters"] = (outcome, time.perf_counter() - began)
    began = time.perf_counter()
    response = httpx.post(url + "/gradio_api/queue/join", content=b"[" * (2 << 20),
                          headers={"content-type": "application/json"}, timeout=60)
    results["2 MiB request body"] = (f"HTTP {response.status_code}",
                                     time.perf_counter() - began)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--max-queue", type=int, default=32,
                        help="the server's queue bound (must hold every visitor's turn)")
    args = parser.parse_args()
    from gradio_client import Client

    budget = AgentConfig().max_wall_s
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="web-soak-") as tmp:
        process, log = start_server(Path(tmp), port, args.max_queue)
        try:
            cold = rss_mb(process.pid)
            warm = Visit()
            visit(Client(url, verbose=False, download_files=str(Path(tmp) / "dl")), warm,
                  threading.Barrier(1))
            start_rss = rss_mb(process.pid)
            sampler = Sampler(process.pid)
            sampler.start()
            visits = [Visit() for _ in range(args.clients)]
            clients = [Client(url, verbose=False, download_files=str(Path(tmp) / f"dl{k}"))
                       for k in range(args.clients)]
            barrier = threading.Barrier(args.clients + 1)
            refused: dict[str, tuple[str, float]] = {}
            threads = [threading.Thread(target=visit, args=(c, v, barrier))
                       for c, v in zip(clients, visits, strict=True)]
            threads.append(threading.Thread(target=hostile, args=(url, refused, barrier)))
            began = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            time.sleep(SETTLE_S)
            sampler.done.set()
            after = rss_mb(process.pid)
            peak = max(sampler.peak, after)
            high_water = rss_mb(process.pid, "VmHWM")
        finally:
            process.terminate()
            process.wait(timeout=30)
        server_log = log.read_text()

    print(f"web soak: {args.clients} visitors at once, scripted model, real OpenSCAD, "
          f"{os.cpu_count()} CPUs, queue bound {args.max_queue}, turn budget {budget:g} s")
    print(f"warm-up turn: {warm.seconds:.2f} s ({warm.said})")
    print("\n| visitor | turn s | within budget | chat's last line |\n|---|---|---|---|")
    for k, v in enumerate(visits):
        print(f"| {k + 1} | {v.seconds:.2f} | {'yes' if v.ok and v.seconds <= budget else 'NO'}"
              f" | {v.said[:90]} |")
    times = sorted(v.seconds for v in visits)
    print(f"\nall {args.clients} visits: {wall:.1f} s wall; turn time min {times[0]:.2f} s, "
          f"median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s")
    print("\n| request sent while the queue was full | answer | answered in s |\n"
          "|---|---|---|")
    for what, (outcome, seconds) in refused.items():
        print(f"| {what} | {outcome} | {seconds:.3f} |")
    tracebacks = server_log.count("Traceback (most recent call last)")
    growth = (after - start_rss) / start_rss
    print(f"\ntracebacks in the server log: {tracebacks}")
    print(f"server RSS: {cold:.1f} MB before any turn, {start_rss:.1f} MB at start (after "
          f"the warm-up turn), peak {peak:.1f} MB (kernel high-water mark {high_water:.1f}),"
          f" {after:.1f} MB after ({growth:+.1%} of start)")
    failures = []
    if not all(v.ok and v.seconds <= budget for v in visits):
        failures.append("a visitor's turn failed or ran over the budget")
    if not refused.get("2 MiB request body", ("",))[0].endswith("413") or \
            "5000 characters" not in refused.get("prompt of 5000 characters", ("",))[0]:
        failures.append("a hostile request was not refused")
    if tracebacks:
        failures.append("tracebacks in the server log")
    if growth > 0.10:
        failures.append("memory did not come back within 10 % of start")
    print("result: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
