"""The one small interface every source implements, and what the pipeline lends it.

A source turns its SOURCE argument into RawFiles. It asks `ctx.state` before asking the
network (a unit already done is not fetched again: that is how a run resumes), checks
licenses early through `ctx.policy` so it does not download what would be dropped, and
stops after `ctx.limit` files.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from scrape.http import HttpError, PoliteClient, TooLarge
from scrape.licenses import LicensePolicy
from scrape.schema import RawFile
from scrape.state import StateDB
from tools.errors import ScadAgentError


class SourceError(ScadAgentError):
    """A source cannot run at all (bad argument, missing token, unreadable folder)."""


@dataclass
class FetchContext:
    state: StateDB
    client: Callable[[], PoliteClient]  # created on first use: local sources need none
    policy: LicensePolicy
    work_dir: Path  # the run's private folder (archives are unpacked below it)
    limit: int | None = None  # files per source
    # Problems that skip one unit but not the run ("page 3: malformed JSON"), and counts of
    # what a source chose not to fetch ("license", "too_large", ...).
    errors: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    log: Callable[[str], None] = lambda message: None

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.log(message)

    def is_too_large(self, source: str, key: str) -> bool:
        return self.state.get_unit(f"too-large:{source}:{key}") is not None

    def mark_too_large(self, source: str, key: str) -> None:
        """Remembered across runs (and --refresh): a huge file is not downloaded again."""
        self.skipped["too_large"] += 1
        self.state.put_unit(f"too-large:{source}:{key}", True)

    def download(self, source: str, key: str, url: str, *, size: int | None, max_bytes: int,
                 label: str, headers: Mapping[str, str] | None = None) -> bytes | None:
        """One file's bytes, or None when it is skipped: too large (announced by `size`, or
        found while downloading, and remembered) or the request failed (an error, `label`)."""
        if self.is_too_large(source, key):
            self.skipped["too_large"] += 1
            return None
        if (size or 0) > max_bytes:
            self.mark_too_large(source, key)
            return None
        try:
            return self.client().get(url, headers=headers, max_bytes=max_bytes).body
        except TooLarge:
            self.mark_too_large(source, key)
        except HttpError as exc:
            self.error(f"{label}: {exc}")
        return None

    def stored_or_download(self, source: str, key: str, url: str,
                           make: Callable[[bytes], RawFile], *, size: int | None,
                           max_bytes: int, label: str,
                           headers: Mapping[str, str] | None = None) -> RawFile | None:
        """The RawFile an earlier run stored under (source, key), or download it now (see
        `download`) and build it with `make`; None when the download was skipped.

        A stored file is returned as stored: resuming never asks the network again, and the
        record keeps the metadata it was fetched with."""
        stored = self.state.get_raw(source, key)
        if stored is not None:
            return stored
        content = self.download(source, key, url, size=size, max_bytes=max_bytes,
                                label=label, headers=headers)
        return None if content is None else make(content)

    def memo(self, key: str, fetch: Callable[[], Any]) -> Any:
        """A finished unit's stored result, or fetch it now and store it."""
        found = self.state.get_unit(key)
        if found is not None:
            return found
        value = fetch()
        self.state.put_unit(key, value)
        return value


class Source(Protocol):
    spec: str  # the SOURCE argument, e.g. "github:gear"; RawFile.source carries it

    def fetch(self, ctx: FetchContext) -> Iterator[RawFile]:
        """Yield files in a stable order, at most ctx.limit of them."""
        ...


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
