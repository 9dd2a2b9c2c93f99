"""The stats report of a run: counts per stage, per drop reason, per source and per
license, the compile rate and the HTTP client's politeness numbers (DIR/stats.json)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

STAGES = ("fetched", "extracted", "filtered", "deduplicated", "written")


@dataclass
class Stats:
    stages: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STAGES, 0))
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> count
    duplicates: dict[str, int] = field(default_factory=dict)  # exact / near / remix
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    licenses_seen: Counter[str] = field(default_factory=Counter)  # extracted records
    licenses_written: Counter[str] = field(default_factory=Counter)
    compile: dict[str, Any] = field(default_factory=dict)
    http: dict[str, Any] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    shards: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("dropped", "licenses_seen", "licenses_written"):
            data[key] = dict(sorted(getattr(self, key).items(), key=lambda kv: (-kv[1], kv[0])))
        return data

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Stats:
        data = json.loads(path.read_text())
        stats = cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})
        for key in ("dropped", "licenses_seen", "licenses_written"):
            setattr(stats, key, Counter(getattr(stats, key)))
        return stats

    def render(self) -> str:
        """Plain-text report for a terminal."""
        lines = ["stage counts:"]
        lines += [f"  {name:<13} {self.stages.get(name, 0):>7}" for name in STAGES]
        if self.dropped:
            lines.append("dropped (extract + filter):")
            lines += [f"  {k:<28} {v:>7}" for k, v in self.to_dict()["dropped"].items()]
        if self.duplicates:
            lines.append("duplicates removed: " + ", ".join(
                f"{k} {v}" for k, v in self.duplicates.items()))
        if self.compile:
            c = self.compile
            rate = c.get("rate")
            lines.append(f"compile: {c.get('ok', 0)}/{c.get('compiled', 0)} ok"
                         + (f" ({rate:.1%})" if rate is not None else "")
                         + f", {c.get('cached', 0)} not compiled again (earlier runs, copies), "
                         f"{c.get('seconds', 0.0):.1f} s")
            if c.get("statuses"):
                lines.append("  statuses: " + ", ".join(
                    f"{k} {v}" for k, v in sorted(c["statuses"].items())))
        lines.append("per source (fetched -> written):")
        for spec, info in self.sources.items():
            extra = ""
            if info.get("skipped"):
                extra += "  skipped " + ", ".join(f"{k} {v}" for k, v in info["skipped"].items())
            if info.get("errors"):
                extra += f"  errors {len(info['errors'])}"
            lines.append(f"  {spec}: {info.get('fetched', 0)} -> {info.get('written', 0)}{extra}")
        lines.append("licenses written:")
        lines += [f"  {k:<40} {v:>7}" for k, v in self.to_dict()["licenses_written"].items()]
        if self.http.get("requests"):
            h = self.http
            lines.append(f"http: {sum(h['requests'].values())} requests, {h['retries']} retries "
                         f"({h['retry_wait_s']} s), {h['not_modified']} not modified, "
                         f"{h['too_large']} too large")
        return "\n".join(lines)
