"""Generation speed per available backend, against a baseline without our wrapper.

    python benchmarks/generation.py [--model DIR] [--endpoint URL --endpoint-model NAME]

hf:     HFBackend.generate vs a plain `model.generate` on the same model and prompt (CPU, or
        CUDA if present). Without --model a tiny random LLaMA is built (tests/tiny_llama.py).
openai: OpenAIBackend.generate vs one raw httpx POST of the same request (only with
        --endpoint). Grammar-constrained speed is benchmarks/grammar.py's concern.

Prints tokens/s for both and the ratio wrapper/baseline (1.0 = no overhead), median of
--repeats runs after one warm-up, the two sides alternating.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MESSAGES = [
    {"role": "system", "content": "You write OpenSCAD programs."},
    {"role": "user", "content": "A mounting plate 60 x 40 x 4 mm with four M3 holes."},
]


def compare(label: str, ours: Callable[[], int], baseline: Callable[[], int],
            repeats: int) -> None:
    """Print median tokens/s of both (each returns tokens generated) and their ratio.

    Runs alternate (ours, baseline, ours, ...) after one warm-up each, so that load from
    other processes on a shared machine hits both sides alike."""
    ours()
    baseline()
    rates: dict[str, list[float]] = {"ours": [], "baseline": []}
    for _ in range(repeats):
        for key, run in (("ours", ours), ("baseline", baseline)):
            start = time.perf_counter()
            tokens = run()
            rates[key].append(tokens / (time.perf_counter() - start))
    mine, theirs = statistics.median(rates["ours"]), statistics.median(rates["baseline"])
    print(f"{label:<34} wrapper {mine:9.1f} tok/s   baseline {theirs:9.1f} tok/s   "
          f"ratio {mine / theirs:5.2f}")


def bench_hf(model: str, max_tokens: int, repeats: int) -> None:
    import torch

    from agent.backends.hf import HFBackend, render_prompt

    backend = HFBackend(model=model)
    hf_model, tokenizer = backend.model, backend.tokenizer
    device = next(hf_model.parameters()).device
    prompt, templated = render_prompt(tokenizer, MESSAGES)
    inputs = tokenizer(prompt, return_tensors="pt", add_special_tokens=not templated).to(device)

    for n, temperature in ((1, 0.0), (4, 1.0)):
        def ours(n: int = n, temperature: float = temperature) -> int:
            backend.generate(MESSAGES, n=n, temperature=temperature, max_tokens=max_tokens)
            return backend.last_usage["completion_tokens"]

        def plain(n: int = n, temperature: float = temperature) -> int:
            sampling = {"do_sample": True, "temperature": temperature, "top_k": 0} if n > 1 \
                else {"do_sample": False}
            with torch.inference_mode():
                out = hf_model.generate(**inputs, max_new_tokens=max_tokens,
                                        num_return_sequences=n,
                                        pad_token_id=tokenizer.pad_token_id, **sampling)
            new = out[:, inputs["input_ids"].shape[1]:]
            # count like the wrapper: up to and including the first EOS of each row
            eos = tokenizer.eos_token_id
            return sum(int((row == eos).nonzero()[0]) + 1 if (row == eos).any() else len(row)
                       for row in new)

        compare(f"hf {device.type} n={n} T={temperature}", ours, plain, repeats)


def bench_openai(endpoint: str, model: str, max_tokens: int, repeats: int) -> None:
    import httpx

    from agent.backends.openai import OpenAIBackend

    backend = OpenAIBackend(endpoint=endpoint, model=model, grammar_mode="none")

    def ours() -> int:
        backend.generate(MESSAGES, temperature=0.0, max_tokens=max_tokens)
        return backend.last_usage["completion_tokens"]

    client = httpx.Client(timeout=300)
    key = os.environ.get("OPENAI_API_KEY") or "EMPTY"

    def plain() -> int:
        reply = client.post(f"{endpoint.rstrip('/')}/chat/completions",
                            headers={"Authorization": f"Bearer {key}"},
                            json={"model": backend.model, "messages": MESSAGES,
                                  "temperature": 0.0, "max_tokens": max_tokens})
        reply.raise_for_status()
        return int(reply.json()["usage"]["completion_tokens"])

    compare(f"openai {endpoint}", ours, plain, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="HF model directory (default: a tiny random LLaMA)")
    parser.add_argument("--endpoint", help="OpenAI-compatible base URL (http://HOST:PORT/v1)")
    parser.add_argument("--endpoint-model", default="", help="model name at the endpoint")
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (0: torch's default; 1 is steadier on a "
                             "machine shared with other jobs)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    model = args.model
    if model is None:
        from tiny_llama import make_tiny_llama

        model = str(make_tiny_llama(Path(tempfile.mkdtemp()) / "tiny-llama"))
        print(f"(no --model: tiny random LLaMA at {model})")
    bench_hf(model, args.max_tokens, args.repeats)
    if args.endpoint:
        bench_openai(args.endpoint, args.endpoint_model, args.max_tokens, args.repeats)


if __name__ == "__main__":
    main()
