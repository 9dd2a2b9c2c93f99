"""AgentConfig: every knob of the repair loop, loadable from TOML or YAML, flags on top."""

from __future__ import annotations

import dataclasses
import tomllib
import types
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Union, get_args, get_origin, get_type_hints

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
# A request is a sentence or a paragraph; pages of text are a paste gone wrong, and every
# character costs prompt tokens on every attempt of the turn.
MAX_PROMPT_CHARS = 2000


class ConfigError(ScadAgentError):
    """A config file or flag value that cannot be used."""


class PromptError(ScadAgentError):
    """A prompt the agent will not send: empty, or longer than max_prompt_chars."""


def check_prompt(text: str, limit: int | None = MAX_PROMPT_CHARS) -> None:
    """The one rule for what a person may send, applied by every face before a model is
    asked (limit None: only the empty check, for a face that has no config yet)."""
    if not text.strip():
        raise PromptError("the prompt is empty: say what the part should be")
    if limit is not None and len(text) > limit:
        raise PromptError(f"the prompt is {len(text)} characters long; the limit is {limit}")


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
    max_prompt_chars: int = MAX_PROMPT_CHARS  # longer prompts are refused (check_prompt)
    # follow-ups that set one named parameter ("width 80", "twice as tall") are applied
    # without the model, and requests the part already meets are answered as such
    direct_edits: bool = True

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
        if self.max_prompt_chars < 1:
            raise ConfigError(f"max_prompt_chars must be at least 1, got "
                              f"{self.max_prompt_chars}")
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
        problem = fields_problem(cls, data, "config")
        if problem is not None:
            raise ConfigError(problem)
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


# ------------------------------------------------------------------ checking parsed data
# Config files and saved sessions are parsed JSON/TOML/YAML: before a dataclass is built from
# one, every value is checked against the field's type hint, so a wrong type is one clear
# line and not a TypeError deep inside the agent. Only the hints our dataclasses use are
# understood: Any, None, bool, int, float, str, Literal, unions, list, dict and tuple.


def _describe(hint: Any) -> str:
    origin, args = get_origin(hint), get_args(hint)
    if hint is Any:
        return "anything"
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is list:
        return "a list"
    if origin is dict:
        return "an object"
    if origin is tuple:
        return f"a list of {len(args)}"
    names = {type(None): "null", bool: "true or false", int: "a whole number",
             float: "a number", str: "text"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def _shown(value: Any) -> str:
    """A value in a message: short, on one line."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def value_problem(value: Any, hint: Any, where: str) -> str | None:
    """How `value` (parsed JSON) fails the type `hint`, as `where should be ..., not ...`;
    None when it fits. Containers are checked item by item."""
    origin, args = get_origin(hint), get_args(hint)
    wrong = f"{where} should be {_describe(hint)}, not {_shown(value)}"
    if hint is Any:
        return None
    if origin is Literal:
        return None if any(value == a and type(value) is type(a) for a in args) else wrong
    if origin in (Union, types.UnionType):
        fits = any(value_problem(value, a, where) is None for a in args)
        if fits:
            return None
        inner = [a for a in args if a is not type(None)]
        # a wrong item deep inside an optional container says where it is
        return value_problem(value, inner[0], where) if len(inner) == 1 and (
            value is not None) else wrong
    if origin is list:
        if not isinstance(value, list):
            return wrong
        return next((p for i, item in enumerate(value)
                     if (p := value_problem(item, args[0], f"{where}[{i}]"))), None)
    if origin is dict:
        if not isinstance(value, dict):
            return wrong
        return next((p for key, item in value.items()
                     if (p := value_problem(key, args[0], f"{where} key")
                         or value_problem(item, args[1], f"{where}[{key!r}]"))), None)
    if origin is tuple:
        if not isinstance(value, list | tuple) or len(value) != len(args):
            return wrong
        return next((p for i, (item, a) in enumerate(zip(value, args, strict=True))
                     if (p := value_problem(item, a, f"{where}[{i}]"))), None)
    if hint is float:
        fits = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        fits = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(hint, type):
        fits = isinstance(value, hint)
    else:
        raise TypeError(f"value_problem cannot check {hint!r}")  # a new hint: teach it
    return None if fits else wrong


def fields_problem(cls: type, data: Mapping[str, Any], where: str,
                   required: Collection[str] = ()) -> str | None:
    """The first way `data` does not fit dataclass `cls` (an unknown key, a missing one
    that has no default or is named in `required`, a value of the wrong type); None when
    every value could be passed to cls(**data). `where` names the object in the message
    ("" for a document's top level)."""
    hints = get_type_hints(cls)
    has = f"{where} has" if where else "there is"
    for key in data:
        if key not in hints:
            return f"{has} an unknown key {_shown(key)}"
    for f in dataclasses.fields(cls):
        needed = (f.default is dataclasses.MISSING
                  and f.default_factory is dataclasses.MISSING) or f.name in required
        if needed and f.name not in data:
            return f"{has} no {f.name!r}"
    return next((p for key, value in data.items()
                 if (p := value_problem(value, hints[key],
                                        f"{where}: {key}" if where else key))), None)
