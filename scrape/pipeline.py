"""The resumable pipeline: fetch -> extract -> filter -> deduplicate -> write.

State lives in OUT/.state: the SQLite state database (fetched files, finished network
units, compile verdicts), the HTTP cache and a mirror of network files (so a program's
includes find their siblings when compiled). Rerunning the same command after an
interruption fetches and compiles only what is missing; extract, dedup and write are
cheap and always rerun, so the corpus is a pure function of the state.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeVar

from scrape.dedup import DedupConfig, Duplicate, deduplicate
from scrape.extract import extract, record_id
from scrape.filter import (
    FilterConfig,
    cheap_check,
    compile_drop_reason,
    compile_record,
    verdict_key,
)
from scrape.http import HostLimit, HttpConfig, PoliteClient
from scrape.schema import RawFile, Record
from scrape.sources import FetchContext, Source, SourceSettings, make_source
from scrape.state import StateDB
from scrape.stats import Stats

SHARD_PATTERN = "corpus-{:05d}.jsonl"
T = TypeVar("T")


@dataclass
class PipelineConfig:
    out_dir: Path
    limit: int | None = None  # files per source
    filter: FilterConfig = field(default_factory=FilterConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)
    http: HttpConfig = field(default_factory=HttpConfig)
    sources: SourceSettings = field(default_factory=SourceSettings)
    jobs: int = 1  # parallel compiles
    shard_size: int = 5000
    refresh: bool = False  # ask the network again (conditionally) for finished units
    progress: bool = True

    @property
    def state_dir(self) -> Path:
        return self.out_dir / ".state"


def default_host_limits(settings: SourceSettings) -> dict[str, HostLimit]:
    """Per-host politeness: GitHub's API allows 5000/h with a token (~1.4/s); Thingiverse
    300 per 5 minutes: a bucket of burst b and rate r lets b + 300 r requests into any 5
    minutes, so b = 1, r = 0.99/s stays at 298."""
    from urllib.parse import urlsplit

    return {
        urlsplit(settings.github.api).netloc: HostLimit(rate=1.2, burst=5),
        urlsplit(settings.github.raw).netloc: HostLimit(rate=5.0, burst=5),
        urlsplit(settings.thingiverse.api).netloc: HostLimit(rate=0.99, burst=1),
    }


class Pipeline:
    def __init__(self, config: PipelineConfig, log: Callable[[str], None] = print) -> None:
        self.config = config
        self.log = log
        self.stats = Stats()
        self.drops: list[dict[str, str | None]] = []  # written to OUT/dropped.jsonl
        config.state_dir.mkdir(parents=True, exist_ok=True)
        self.state = StateDB(config.state_dir / "state.sqlite")
        self._client: PoliteClient | None = None

    def client(self) -> PoliteClient:
        if self._client is None:
            http = self.config.http
            self._client = PoliteClient(dataclasses.replace(
                http, cache_dir=http.cache_dir or self.config.state_dir / "http-cache",
                host_limits={**default_host_limits(self.config.sources), **http.host_limits}))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self.stats.http = self._client.stats.to_dict()
            self._client.close()
        self.state.close()

    # ------------------------------------------------------------ the run

    def run(self, specs: Sequence[str]) -> Stats:
        try:
            sources = [make_source(spec, self.config.sources) for spec in specs]  # fail fast
            raws = self._timed("fetch", lambda: [r for s in sources for r in self.fetch(s)])
            records = self._timed("extract", lambda: self.extract(raws))
            kept = self._timed("filter", lambda: self.filter(records))
            result = self._timed("dedup", lambda: deduplicate(kept, self.config.dedup,
                                                             self.config.progress))
            self.stats.stages["deduplicated"] = len(result.kept)
            self.stats.duplicates = result.counts()
            self._timed("write", lambda: self.write(result.kept, records, result.duplicates))
        finally:
            self.close()
        self.stats.save(self.config.out_dir / "stats.json")
        return self.stats

    def _timed(self, stage: str, fn: Callable[[], T]) -> T:
        start = time.monotonic()
        value = fn()
        self.stats.seconds[stage] = round(time.monotonic() - start, 3)
        return value

    # ------------------------------------------------------------ fetch

    def fetch(self, source: Source) -> list[RawFile]:
        from tqdm import tqdm

        spec = source.spec
        if self.config.refresh:
            self.state.forget_units(spec.split(":", 1)[0] + ":")
        ctx = FetchContext(state=self.state, client=self.client, policy=self.config.filter.policy,
                           work_dir=self.config.state_dir, limit=self.config.limit,
                           log=lambda m: self.log(f"warning: {m}"))
        raws: list[RawFile] = []
        info = self.stats.sources.setdefault(spec, {"fetched": 0, "written": 0})
        try:
            for raw in tqdm(source.fetch(ctx), desc=f"fetch {spec}"[:40], unit="file",
                            disable=not self.config.progress):
                self.state.put_raw(raw)  # stored at once: an interruption loses nothing
                raws.append(raw)
        finally:
            info.update(fetched=len(raws), errors=ctx.errors, skipped=dict(ctx.skipped))
            self.stats.stages["fetched"] += len(raws)
        return raws

    # ------------------------------------------------------------ extract

    def extract(self, raws: list[RawFile]) -> list[Record]:
        records = []
        for raw in raws:
            out = extract(raw)
            if isinstance(out, str):
                self._drop(record_id(raw), raw.url, out)
                continue
            if raw.origin_dir is None:  # a network file: compiled beside its bundle's files
                out.session_dir = str(self._mirror(raw).parent)
            self.stats.licenses_seen[out.license or "unknown"] += 1
            records.append(out)
        self.stats.stages["extracted"] = len(records)
        return records

    def _mirror(self, raw: RawFile) -> Path:
        """Write a network file where its bundle's other files are; returns its path."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", raw.bundle)[:80]
        digest = hashlib.sha1(f"{raw.source}\0{raw.bundle}".encode()).hexdigest()[:8]
        bundle_dir = self.config.state_dir / "files" / f"{slug}-{digest}"
        parts = [p for p in PurePosixPath(raw.path).parts if p not in ("", ".", "/")]
        if not parts or ".." in parts:
            parts = [hashlib.sha1(raw.path.encode()).hexdigest()[:12] + ".scad"]
        target = bundle_dir.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw.content)
        return target

    # ------------------------------------------------------------ filter

    def filter(self, records: list[Record]) -> list[Record]:
        from tqdm import tqdm

        cfg = self.config.filter
        survivors = []
        for record in records:
            reason = cheap_check(record, cfg)
            if reason:
                self._drop(record.id, record.url, reason)
            else:
                survivors.append(record)
        if not cfg.compile:
            self.stats.stages["filtered"] = len(survivors)
            return survivors

        verdicts: dict[str, dict] = {}
        todo: dict[str, Record] = {}
        for record in survivors:
            key = verdict_key(record, cfg)
            stored = self.state.get_verdict(key)
            if stored is not None:
                verdicts[key] = stored
            elif key not in todo:
                todo[key] = record
        cached = len(survivors) - len(todo)
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=max(1, self.config.jobs)) as pool:
            futures = {pool.submit(compile_record, rec, cfg): key for key, rec in todo.items()}
            for future in tqdm(as_completed(futures), total=len(futures), desc="compile",
                               unit="file", disable=not self.config.progress):
                key = futures[future]
                verdicts[key] = future.result()
                if verdicts[key]["compile"]["status"] != "timeout":  # a rerun may have time
                    self.state.put_verdict(key, verdicts[key])  # a rerun will not compile it
        statuses: Counter[str] = Counter()
        kept = []
        for record in survivors:
            verdict = verdicts[verdict_key(record, cfg)]
            record.compile, record.mesh = verdict["compile"], verdict["mesh"]
            statuses[verdict["compile"]["status"]] += 1
            reason = compile_drop_reason(verdict, cfg)
            if reason:
                self._drop(record.id, record.url, reason)
            else:
                kept.append(record)
        compiled = sum(statuses.values())
        self.stats.compile = {
            "compiled": compiled, "ok": statuses["ok"],
            "rate": statuses["ok"] / compiled if compiled else None,
            "statuses": dict(statuses), "cached": cached,
            "seconds": round(time.monotonic() - start, 2),
        }
        self.stats.stages["filtered"] = len(kept)
        return kept

    # ------------------------------------------------------------ write

    def write(self, kept: list[Record], extracted: list[Record],
              duplicates: list[Duplicate]) -> None:
        from tqdm import tqdm

        out = self.config.out_dir
        for old in out.glob("corpus-*.jsonl"):
            old.unlink()
        size = max(1, self.config.shard_size)
        for n, start in enumerate(tqdm(range(0, len(kept), size), desc="write", unit="shard",
                                       disable=not self.config.progress)):
            path = out / SHARD_PATTERN.format(n)
            tmp = path.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                for record in kept[start : start + size]:
                    fh.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
            tmp.replace(path)
            self.stats.shards.append(path.name)
        per_source = Counter(r.source_spec for r in kept)
        for spec, info in self.stats.sources.items():
            info["written"] = per_source.get(spec, 0)
        self.stats.licenses_written = Counter(r.license or "unknown" for r in kept)
        self.stats.stages["written"] = len(kept)
        urls = {r.id: r.url for r in extracted}
        with (out / "dropped.jsonl").open("w", encoding="utf-8") as fh:
            for drop in self.drops:
                fh.write(json.dumps(drop) + "\n")
            for dup in duplicates:
                fh.write(json.dumps({"id": dup.removed, "url": urls.get(dup.removed),
                                     "reason": f"duplicate:{dup.reason}", "kept": dup.kept})
                         + "\n")

    def _drop(self, record_id: str, url: str, reason: str) -> None:
        self.stats.dropped[reason] += 1
        self.drops.append({"id": record_id, "url": url, "reason": reason, "kept": None})


def run_pipeline(specs: Sequence[str], config: PipelineConfig,
                 log: Callable[[str], None] = print) -> Stats:
    return Pipeline(config, log).run(specs)
