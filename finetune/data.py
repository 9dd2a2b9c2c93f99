"""Training records -> tokenized examples with loss masks -> batches.

Records are the JSONL interchange format of docs/ARCHITECTURE.md. Three inputs are read:
synth/record files (have `messages`), scraper shards (have a `program` plus description
fields; converted to one user/assistant pair) and agent trajectories (trajectory.jsonl of a
session; a repair that ended in success becomes a multi-turn example).

Each record is rendered with the tokenizer's chat template, the same one the agent's hf
backend uses, so training and inference see identical tokens. Loss applies only to
assistant messages (plus the end-of-turn token the template appends): the model learns to
write programs, not to predict prompts.

Examples are stored flat (one int32 id array, one uint8 mask array, offsets), which keeps
60k examples in a few MB and saves/loads as one .npz per split.
"""

from __future__ import annotations

import glob
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tools.errors import ScadAgentError

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

IGNORE_INDEX = -100  # label value that cross-entropy skips

# Template for base models whose tokenizer has none. Also saved with their adapters, so the
# agent's hf backend renders prompts the way training did.
PLAIN_CHAT_TEMPLATE = (
    "{{ bos_token if bos_token else '' }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] + '\n\n' }}"
    "{% elif message['role'] == 'user' %}{{ '### Request:\n' + message['content'] + '\n\n' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{{ '### OpenSCAD:\n' }}{% generation %}{{ message['content'] + eos_token }}"
    "{% endgeneration %}{{ '\n\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '### OpenSCAD:\n' }}{% endif %}"
)

# scraper shards: first present field becomes the user's request
DESCRIPTION_FIELDS = ("description", "prompt", "summary", "title", "name")
MAX_DESCRIPTION_CHARS = 600


class DataError(ScadAgentError):
    """Training data cannot be read or yields no usable example."""


# ---------------------------------------------------------------- reading records


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files, directories (their *.jsonl, recursively) and globs -> sorted JSONL files."""
    out: list[Path] = []
    for entry in paths:
        entry = str(entry)
        matches = [Path(p) for p in sorted(glob.glob(entry))] or [Path(entry)]
        for path in matches:
            if path.is_dir():
                out.extend(sorted(path.rglob("*.jsonl")))
            elif path.exists():
                out.append(path)
            else:
                raise DataError(f"no such records file or directory: {entry}")
    return out


def scrape_to_record(obj: dict[str, Any]) -> dict[str, Any] | None:
    """A scraper shard row ({program, description/title, license, ...}) -> a record."""
    program = str(obj.get("program") or "").strip()
    description = next((str(obj[k]).strip() for k in DESCRIPTION_FIELDS if obj.get(k)), "")
    if not program or not description:
        return None
    if len(description) > MAX_DESCRIPTION_CHARS:
        description = description[:MAX_DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " ..."
    return {
        "id": str(obj.get("id", "")),
        "source": "scrape",
        "messages": [{"role": "user", "content": description},
                     {"role": "assistant", "content": program}],
        "kind": "create",
        "license": obj.get("license", ""),
    }


def _as_context(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier assistant programs stay visible but are not trained on."""
    return [{**m, "loss": False} if m["role"] == "assistant" else m for m in messages]


def trajectory_to_records(events: Sequence[dict[str, Any]], session_id: str) -> list[dict]:
    """An agent session's trajectory.jsonl (agent/session.py) -> records of its good turns.

    Events are Step dicts ({"turn", "kind", "attempt", "data"}) plus session events ("undo").
    For every turn that ended "ok" and was not undone, the passing program becomes the
    answer to (a) the turn's first prompt ("create"/"edit" example) and, when it took
    repairs, (b) the repair conversation that produced it ("repair" example: failed
    program as assistant, diagnostics as user, fixed program as the answer).
    """
    attempts: dict[int, dict[int, list[dict[str, str]]]] = {}   # turn -> attempt -> msgs
    done: dict[int, dict[str, Any]] = {}
    passed_attempt: dict[int, int] = {}
    undone: set[int] = set()
    for event in events:
        turn, kind, data = event.get("turn"), event.get("kind"), event.get("data") or {}
        if not isinstance(turn, int):
            continue
        if kind == "attempt" and isinstance(data.get("messages"), list):
            attempts.setdefault(turn, {})[int(event.get("attempt", 0))] = [
                m for m in data["messages"] if m.get("role") in ("user", "assistant")]
        elif kind == "checks" and data.get("passed"):
            passed_attempt[turn] = int(event.get("attempt", 0))
        elif kind == "done":
            done[turn] = data
        elif kind == "undo":
            undone.add(turn)
    records: list[dict] = []
    for turn, data in sorted(done.items()):
        program = str(data.get("program") or "").strip()
        if data.get("status") != "ok" or turn in undone or not program or turn not in attempts:
            continue
        by_attempt = attempts[turn]
        answer = {"role": "assistant", "content": program}
        first = by_attempt[min(by_attempt)]
        records.append({"id": f"{session_id}-t{turn}", "source": "trajectory",
                        "kind": "edit" if len(first) > 1 else "create",
                        "messages": [*_as_context(first), answer]})
        last = by_attempt.get(passed_attempt.get(turn, -1))
        if last is not None and last != first:
            records.append({"id": f"{session_id}-t{turn}-repair", "source": "trajectory",
                            "kind": "repair", "messages": [*_as_context(last), answer]})
    return records


def to_record(obj: dict[str, Any]) -> dict[str, Any] | None:
    """Normalise one JSON object to a record, or None when it is not usable."""
    if isinstance(obj.get("messages"), list):
        messages = [m for m in obj["messages"]
                    if isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")]
        if not any(m["role"] == "assistant" and str(m.get("content", "")).strip()
                   for m in messages):
            return None
        return {**obj, "messages": messages}
    if "program" in obj:
        return scrape_to_record(obj)
    return None


def read_records(paths: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    """Every usable record in the given files; trajectory files are read per session."""
    for path in expand_paths(paths):
        with path.open(encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        if path.name == "trajectory.jsonl":
            yield from trajectory_to_records(rows, path.parent.name)
            continue
        for row in rows:
            record = to_record(row) if isinstance(row, dict) else None
            if record:
                yield record


# ---------------------------------------------------------------- splitting

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_SPACE = re.compile(r"\s+")
_SPACE_AROUND_PUNCT = re.compile(r" ?([^\w\s.$]) ?")
_TOKEN = re.compile(r"[\w.$]+|[^\w\s]")


def normalize_program(program: str) -> str:
    """Comments and layout removed: programs that differ only there are duplicates.

    Whitespace survives only between two words ("module part"), where it means something.
    """
    text = _SPACE.sub(" ", _COMMENT.sub(" ", program)).strip().lower()
    return _SPACE_AROUND_PUNCT.sub(r"\1", text)


def final_program(record: dict[str, Any]) -> str:
    """The record's last whole program. An edit record whose last reply is a parameter patch
    names it in `program` (finetune/synth/records.py): the patch alone ("height = 40;")
    would group unrelated parts together."""
    program = record.get("program")
    if isinstance(program, str) and program:
        return program
    return [m["content"] for m in record["messages"] if m["role"] == "assistant"][-1]


def group_key(record: dict[str, Any]) -> str:
    """Records sharing their final program (normalised) are one group: one side of a split."""
    return hashlib.sha1(normalize_program(final_program(record)).encode()).hexdigest()


def in_validation(key: str, fraction: float, seed: int = 0) -> bool:
    """Deterministic per-group draw: the same group lands on the same side in every run."""
    digest = hashlib.sha1(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def minhash_groups(programs: Sequence[str], threshold: float = 0.7) -> list[int]:
    """Near-duplicate clusters (MinHash LSH on 5-token shingles) -> a group id per program."""
    from tools.errors import require

    datasketch = require("datasketch", "scrape")
    lsh = datasketch.MinHashLSH(threshold=threshold, num_perm=64)
    parent = list(range(len(programs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, program in enumerate(programs):
        words = _TOKEN.findall(normalize_program(program))
        shingles = {" ".join(words[j:j + 5]) for j in range(max(1, len(words) - 4))}
        mh = datasketch.MinHash(num_perm=64)
        mh.update_batch([s.encode() for s in shingles])
        for j in lsh.query(mh):
            parent[find(int(j))] = find(i)
        lsh.insert(str(i), mh)
    return [find(i) for i in range(len(programs))]


# ---------------------------------------------------------------- tokenizing


def ensure_chat_template(tokenizer: PreTrainedTokenizerBase) -> None:
    """Base models without a template get the plain one (saved with the result)."""
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = PLAIN_CHAT_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


def trained_messages(record: dict[str, Any]) -> list[bool]:
    """Which messages the loss applies to: assistant ones, except context-only programs.

    An assistant message with "loss": false is context (the broken program a repair record
    shows the model). Without flags, a "repair" record trains only its last answer: the
    earlier assistant turns are the failed attempts.
    """
    messages = record["messages"]
    assistant = [i for i, m in enumerate(messages) if m["role"] == "assistant"]
    flags = [False] * len(messages)
    for i in assistant:
        flags[i] = bool(messages[i].get("loss", True))
    if record.get("kind") == "repair" and not any("loss" in messages[i] for i in assistant):
        flags = [i == assistant[-1] for i in range(len(messages))]
    return flags


def render(tokenizer: PreTrainedTokenizerBase, messages: list[dict[str, Any]],
           trained: Sequence[bool] | None = None) -> tuple[str, list[tuple[int, int]]]:
    """The chat-template text of `messages` and the character spans the loss applies to.

    Span of assistant message i: from the end of the prompt rendered with
    add_generation_prompt (messages[:i]) to the end of messages[:i+1] rendered; this holds
    for any template whose renders of a conversation's prefixes are prefixes of its render.
    """
    def text(msgs: list[dict[str, str]], gen: bool) -> str:
        return tokenizer.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)

    full = text(messages, False)
    spans: list[tuple[int, int]] = []
    for i, message in enumerate(messages):
        if message["role"] != "assistant" or (trained is not None and not trained[i]):
            continue
        start_text = text(messages[:i], True) if i else ""
        end_text = text(messages[: i + 1], False)
        if not full.startswith(start_text) or not full.startswith(end_text):
            raise DataError("the chat template does not render conversation prefixes as "
                            "prefixes; cannot locate assistant tokens")
        # separators after the end-of-turn token ("\n" in ChatML) are not worth learning
        start = len(start_text)
        spans.append((start, start + len(end_text[start:].rstrip())))
    return full, spans


def label_mask(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> np.ndarray:
    """1 for tokens whose first character lies inside an assistant span."""
    starts = np.fromiter((s for s, _ in offsets), dtype=np.int64, count=len(offsets))
    ends = np.fromiter((e for _, e in offsets), dtype=np.int64, count=len(offsets))
    mask = np.zeros(len(offsets), dtype=np.uint8)
    for a, b in spans:
        mask |= ((starts >= a) & (starts < b) & (ends > starts)).astype(np.uint8)
    return mask


@dataclass
class TokenizedExamples:
    """Examples stored flat: ids[offsets[i]:offsets[i+1]] is example i, mask its loss mask."""

    ids: np.ndarray                       # int32
    mask: np.ndarray                      # uint8, 1 = trained on
    offsets: np.ndarray                   # int64, len = examples + 1

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def example(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.offsets[i], self.offsets[i + 1]
        return self.ids[a:b], self.mask[a:b]

    @classmethod
    def from_lists(cls, examples: Sequence[tuple[Sequence[int], np.ndarray]]) -> TokenizedExamples:
        lengths = [len(ids) for ids, _ in examples]
        offsets = np.zeros(len(examples) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.concatenate([np.asarray(i, dtype=np.int32) for i, _ in examples]) \
            if examples else np.zeros(0, np.int32)
        mask = np.concatenate([m for _, m in examples]) if examples else np.zeros(0, np.uint8)
        return cls(ids, mask.astype(np.uint8), offsets)

    def save(self, path: Path) -> None:
        np.savez(path, ids=self.ids, mask=self.mask, offsets=self.offsets)

    @classmethod
    def load(cls, path: Path) -> TokenizedExamples:
        with np.load(path) as z:
            return cls(z["ids"], z["mask"], z["offsets"])

    def packed(self, block: int, bos_id: int | None = None) -> TokenizedExamples:
        """Concatenate all examples and cut into `block`-token rows (last partial row dropped).

        Attention crosses example boundaries inside a row (nanoGPT style); each example starts
        with its own bos, which is enough for a model to learn to ignore what came before.
        """
        rows = len(self.ids) // block
        if rows == 0:
            raise DataError(f"not enough tokens ({len(self.ids)}) to fill one {block}-token row")
        offsets = np.arange(rows + 1, dtype=np.int64) * block
        return TokenizedExamples(self.ids[: rows * block], self.mask[: rows * block], offsets)


class ExampleDataset:
    """torch-style Dataset view: item i -> {"input_ids", "labels"} LongTensors."""

    def __init__(self, examples: TokenizedExamples) -> None:
        self.examples = examples

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        import torch

        ids, mask = self.examples.example(i)
        input_ids = torch.from_numpy(ids.astype(np.int64))
        labels = torch.where(torch.from_numpy(mask.astype(bool)), input_ids, IGNORE_INDEX)
        return {"input_ids": input_ids, "labels": labels}


def collate(batch: Sequence[dict[str, torch.Tensor]], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-pad to the longest example: pad ids, attention_mask 0 and labels -100 there."""
    import torch

    width = max(len(item["input_ids"]) for item in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE_INDEX, dtype=torch.long)
    attention = torch.zeros((len(batch), width), dtype=torch.long)
    for row, item in enumerate(batch):
        n = len(item["input_ids"])
        input_ids[row, :n] = item["input_ids"]
        labels[row, :n] = item["labels"]
        attention[row, :n] = 1
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def batch_order(lengths: np.ndarray, batch_size: int, seed: int, epoch: int,
                group_by_length: bool = True) -> list[np.ndarray]:
    """The batches of one epoch, a pure function of (seed, epoch): resuming replays it.

    group_by_length sorts within mega-batches of 64 batches, then shuffles the batches:
    little padding, yet every step still sees a random slice of the data.
    """
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    if group_by_length:
        mega = batch_size * 64
        chunks = [order[i:i + mega] for i in range(0, len(order), mega)]
        order = np.concatenate([c[np.argsort(-lengths[c], kind="stable")] for c in chunks])
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if group_by_length:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


# ---------------------------------------------------------------- building


@dataclass
class DatasetStats:
    records: int = 0
    examples: dict[str, int] = field(default_factory=dict)     # split -> count
    tokens: dict[str, int] = field(default_factory=dict)       # split -> all tokens
    trained_tokens: dict[str, int] = field(default_factory=dict)  # split -> loss tokens
    dropped_too_long: int = 0
    dropped_unrenderable: int = 0
    groups: int = 0
    sources: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    length_histogram: dict[str, int] = field(default_factory=dict)  # "lo-hi" tokens -> count
    max_length: int = 0

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass
class BuiltDataset:
    train: TokenizedExamples
    validation: TokenizedExamples
    stats: DatasetStats
    validation_records: list[dict[str, Any]]   # for generation-based evals (compile rate)

    def save(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.train.save(out_dir / "train.npz")
        self.validation.save(out_dir / "validation.npz")
        with (out_dir / "validation_records.jsonl").open("w", encoding="utf-8") as fh:
            for record in self.validation_records:
                fh.write(json.dumps(record) + "\n")
        (out_dir / "stats.json").write_text(json.dumps(self.stats.to_dict(), indent=2))

    @classmethod
    def load(cls, out_dir: Path) -> BuiltDataset:
        stats = DatasetStats(**json.loads((out_dir / "stats.json").read_text()))
        records_path = out_dir / "validation_records.jsonl"
        records = [json.loads(line) for line in records_path.open()] \
            if records_path.exists() else []
        return cls(TokenizedExamples.load(out_dir / "train.npz"),
                   TokenizedExamples.load(out_dir / "validation.npz"), stats, records)


def is_built_dataset(path: str | Path) -> bool:
    return (Path(path) / "train.npz").exists()


def tokenize_records(
    tokenizer: PreTrainedTokenizerBase, records: Sequence[dict[str, Any]], max_length: int,
    stats: DatasetStats | None = None, chunk: int = 512,
) -> tuple[list[tuple[list[int], np.ndarray]], list[int]]:
    """Render + tokenize (batched through the fast tokenizer); drop too-long examples.

    Returns the examples and, for each, the index of its record.
    """
    ensure_chat_template(tokenizer)
    out: list[tuple[list[int], np.ndarray]] = []
    kept: list[int] = []
    for start in range(0, len(records), chunk):
        texts: list[str] = []
        spans: list[list[tuple[int, int]]] = []
        index: list[int] = []
        for i, record in enumerate(records[start:start + chunk], start):
            try:
                text, sp = render(tokenizer, record["messages"], trained_messages(record))
            except DataError:
                raise
            except Exception:  # a record the template rejects (bad role order, ...)
                if stats is not None:
                    stats.dropped_unrenderable += 1
                continue
            texts.append(text)
            spans.append(sp)
            index.append(i)
        if not texts:
            continue
        enc = tokenizer(texts, add_special_tokens=False, return_offsets_mapping=True)
        for ids, offs, sp, i in zip(enc["input_ids"], enc["offset_mapping"], spans, index,
                                    strict=True):
            if len(ids) > max_length:
                if stats is not None:
                    stats.dropped_too_long += 1
                continue
            out.append((ids, label_mask(offs, sp)))
            kept.append(i)
    return out, kept


def _histogram(lengths: np.ndarray, max_length: int) -> dict[str, int]:
    width = max(32, max_length // 16)
    counts = Counter((int(n) // width) * width for n in lengths)
    return {f"{lo}-{lo + width - 1}": counts[lo] for lo in sorted(counts)}


def build_dataset(
    record_paths: Sequence[str | Path],
    tokenizer: PreTrainedTokenizerBase,
    *,
    max_length: int = 1024,
    validation_fraction: float = 0.02,
    validation_paths: Sequence[str | Path] = (),
    split_by: str = "program",
    max_examples: int = 0,
    seed: int = 0,
) -> BuiltDataset:
    """Read, split (by program group), tokenize and mask the records; return both splits.

    split_by: "program" groups records with the same normalised final program; "minhash"
    also joins near-duplicates (MinHash LSH; slower, for scraped corpora).
    """
    records = list(read_records(record_paths))
    if max_examples and len(records) > max_examples:
        records = random.Random(seed).sample(records, max_examples)
    if not records:
        raise DataError(f"no usable records in {', '.join(map(str, record_paths))}")
    stats = DatasetStats(records=len(records), max_length=max_length)
    stats.sources = dict(Counter(str(r.get("source", "?")) for r in records))
    stats.kinds = dict(Counter(str(r.get("kind", "?")) for r in records))

    if validation_paths:
        train_records = records
        val_records = list(read_records(validation_paths))
        stats.groups = len({group_key(r) for r in records})
    else:
        if split_by == "minhash":
            programs = [final_program(r) for r in records]
            keys = [f"mh{g}" for g in minhash_groups(programs)]
            # a cluster's key must not depend on which member the union kept as root
            root_key = {}
            for key, r in zip(keys, records, strict=True):
                root_key.setdefault(key, group_key(r))
            keys = [root_key[k] for k in keys]
        elif split_by == "program":
            keys = [group_key(r) for r in records]
        else:
            raise DataError(f"unknown split_by {split_by!r} (program, minhash)")
        stats.groups = len(set(keys))
        side = {k: in_validation(k, validation_fraction, seed) for k in set(keys)}
        train_records = [r for r, k in zip(records, keys, strict=True) if not side[k]]
        val_records = [r for r, k in zip(records, keys, strict=True) if side[k]]

    splits: dict[str, TokenizedExamples] = {}
    kept_val: list[int] = []
    for name, subset in (("train", train_records), ("validation", val_records)):
        examples, kept = tokenize_records(tokenizer, subset, max_length, stats)
        if name == "validation":
            kept_val = kept
        splits[name] = TokenizedExamples.from_lists(examples)
        stats.examples[name] = len(examples)
        stats.tokens[name] = int(len(splits[name].ids))
        stats.trained_tokens[name] = int(splits[name].mask.sum())
    if not len(splits["train"]):
        raise DataError("no training example fits max_length "
                        f"({max_length}); {stats.dropped_too_long} were too long")
    stats.length_histogram = _histogram(
        np.concatenate([splits["train"].lengths(), splits["validation"].lengths()]), max_length)
    return BuiltDataset(splits["train"], splits["validation"], stats,
                        [val_records[i] for i in kept_val])
