"""AgentConfig: every knob of the repair loop, loadable from TOML or YAML, flags on top."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from tools.errors import ScadAgentError

if TYPE_CHECKING:
    from tools.openscad import Limits

Strategy = Literal["repair", "resample"]
STRATEGIES: tuple[str, ...] = ("repair", "resample")

# Small local models gain most from drawing several candidates and keeping the best one that
# passes the checks; a strong API model usually fixes its program from the diagnostics.
DEFAULT_STRATEGY: dict[str, Strategy] = {
    "hf": "resample",
    "vllm": "resample",
    "openai": "repair",
    "scripted": "repair",
}
RESAMPLE_TEMPERATURE = 0.8

# Fields of tools.openscad.Limits that a config file may set (kept as a plain dict here so
# loading a config never starts OpenSCAD or imports the compile module).
LIMIT_KEYS = ("timeout_s", "cpu_s", "memory_mb", "max_output_mb", "max_stderr_kb",
              "max_source_kb")


class ConfigError(ScadAgentError):
    """A config file or flag value that cannot be used."""


@dataclass
class AgentConfig:
    backend: str = "hf"
    backend_config: dict[str, Any] = field(default_factory=dict)  # model, endpoint, ...
    max_repairs: int = 3  # attempts per turn = 1 + max_repairs
    strategy: Strategy | None = None  # None: the backend's default (DEFAULT_STRATEGY)
    samples: int = 4  # candidates per attempt with strategy "resample"
    greedy_first: bool = True  # resample: the first candidate is greedy, the rest sampled
    temperature: float | None = None  # None: 0 for "repair", RESAMPLE_TEMPERATURE otherwise
    grammar: bool = True  # constrain decoding where the backend can
    max_wall_s: float = 300.0  # per turn: no new attempt starts after this
    max_tokens: int = 32_000  # per turn, prompt + completion
    reply_max_tokens: int = 1024  # per reply
    limits: dict[str, float] = field(default_factory=dict)  # tools.openscad.Limits fields
    system_prompt: bool = True
    render: bool = True  # part.png per turn

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if self.strategy is not None and self.strategy not in STRATEGIES:
            raise ConfigError(f"strategy must be one of {', '.join(STRATEGIES)}, "
                              f"got {self.strategy!r}")
        if self.max_repairs < 0:
            raise ConfigError(f"max_repairs must be 0 or more, got {self.max_repairs}")
        if self.samples < 1:
            raise ConfigError(f"samples must be at least 1, got {self.samples}")
        if self.max_wall_s <= 0 or self.max_tokens <= 0 or self.reply_max_tokens <= 0:
            raise ConfigError("max_wall_s, max_tokens and reply_max_tokens must be positive")
        unknown = set(self.limits) - set(LIMIT_KEYS)
        if unknown:
            raise ConfigError(f"unknown compile limit(s) {sorted(unknown)}; "
                              f"known: {', '.join(LIMIT_KEYS)}")

    @property
    def resolved_strategy(self) -> Strategy:
        return self.strategy or DEFAULT_STRATEGY.get(self.backend, "repair")

    @property
    def resolved_temperature(self) -> float:
        if self.temperature is not None:
            return self.temperature
        return RESAMPLE_TEMPERATURE if self.resolved_strategy == "resample" else 0.0

    @property
    def samples_per_attempt(self) -> int:
        return self.samples if self.resolved_strategy == "resample" else 1

    def compile_limits(self) -> Limits:
        from tools.openscad import Limits

        return Limits(**self.limits)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AgentConfig:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(f"unknown config key(s) {unknown}; known: {', '.join(sorted(names))}")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ConfigError(f"bad config: {exc}") from exc

    @classmethod
    def load(cls, path: Path | None = None, **overrides: Any) -> AgentConfig:
        """Config file (if any), then every override that is not None (command-line flags).

        A `backend_config` override is merged key by key into the file's table."""
        data = read_config_file(path) if path is not None else {}
        for key, value in overrides.items():
            if value is None:
                continue
            if key in ("backend_config", "limits"):
                merged = dict(data.get(key) or {})
                merged.update({k: v for k, v in value.items() if v is not None})
                data[key] = merged
            else:
                data[key] = value
        return cls.from_dict(data)


def read_config_file(path: Path) -> dict[str, Any]:
    """TOML (.toml) or YAML (.yaml/.yml); the agent's keys at top level or under [agent]."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc}") from exc
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            raise ConfigError(f"config {path} must end in .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"cannot parse config {path}: {exc}") from exc
    except Exception as exc:  # yaml.YAMLError, without importing yaml at module level
        if type(exc).__module__.startswith("yaml"):
            raise ConfigError(f"cannot parse config {path}: {exc}") from exc
        raise
    if not isinstance(data, dict):
        raise ConfigError(f"config {path} must be a table of keys")
    if isinstance(data.get("agent"), dict):
        data = data["agent"]
    return dict(data)
